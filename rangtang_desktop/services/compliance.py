"""Visit compliance for lists, the dashboard, printouts and the ``compliance`` command: which
households with minors got their visits in a month, the coverage figures, the trend and the
worklist. Every state comes from ``core.compliance.month_compliance``; nothing here decides one.

A household is in scope for a month when it is not deleted and has a live member who is a minor
at some time in the month (``storage.compliance.households_in_scope``). Its visits are the signed
visits no later visit amends (``storage.visits.current_visit_days``), on local days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..core.compliance import MonthCompliance, month_bounds, month_compliance, month_text
from ..core.county_settings import CountySettings
from ..core.errors import UnknownUnit
from ..storage import compliance as store
from ..storage.visits import current_visit_days
from . import permissions
from .county_settings import load as load_settings
from .workspace import Workspace

# Households named in one visit query when the scope is filtered (a village, a township).
_ID_BATCH = 500


@dataclass(frozen=True)
class ComplianceRow:
    household_id: str
    household_number: str
    village_code: str
    group_code: str
    house_name_zh: str
    house_name_bo: str
    assigned_worker: str
    minors: int
    result: MonthCompliance

    @property
    def state(self) -> str:
        return self.result.state


@dataclass(frozen=True)
class ComplianceReport:
    year: int
    month: int
    rows: tuple[ComplianceRow, ...]

    @property
    def households_in_scope(self) -> int:
        """Households with minors that month, leaving out those away for the season (and not met)."""
        return sum(1 for r in self.rows if r.state != "away")

    @property
    def households_met(self) -> int:
        return sum(1 for r in self.rows if r.state == "met")

    @property
    def coverage(self) -> float:
        """Households met ÷ households in scope (0.0 when none is in scope)."""
        in_scope = self.households_in_scope
        return self.households_met / in_scope if in_scope else 0.0

    def by_group(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(village code, group code) → (households in scope, households met)."""
        found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for row in self.rows:
            counts = found[(row.village_code, row.group_code)]
            counts[0] += row.state != "away"
            counts[1] += row.state == "met"
        return {key: (v[0], v[1]) for key, v in sorted(found.items())}

    def as_json(self) -> dict:
        """The shape of DESIGN §7 (``compliance --json``), with a few more keys per row."""
        return {
            "month": month_text(self.year, self.month),
            "households_in_scope": self.households_in_scope,
            "households_met": self.households_met,
            "coverage": round(self.coverage, 4),
            "rows": [
                {
                    "household_id": r.household_id,
                    "household_number": r.household_number,
                    "village_code": r.village_code,
                    "group_code": r.group_code,
                    "minors": r.minors,
                    "visit_days": [d.isoformat() for d in r.result.visit_days],
                    "counted": r.result.counted,
                    "needed": r.result.needed,
                    "next_target": r.result.next_target.isoformat() if r.result.next_target else None,
                    "state": r.state,
                }
                for r in self.rows
            ],
        }


def _visits_by_household(
    ws: Workspace, first: date, last: date, scope: list[store.ScopeHousehold], filtered: bool
) -> dict[str, list[tuple[date, str]]]:
    """The current visits (local day, mode) of the households in scope from ``first`` to ``last``:
    county-wide in one query; for a filtered scope by household, a few hundred at a time."""
    ids = [h.household_id for h in scope]
    batches = [ids[n:n + _ID_BATCH] for n in range(0, len(ids), _ID_BATCH)] if filtered else [None]
    found: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for batch in batches:
        for day in current_visit_days(ws.db, first, last, batch):
            found[day.household_id].append((day.local_date, day.mode))
    return found


def _rows(
    year: int, month: int, scope: list[store.ScopeHousehold], visits: dict[str, list[tuple[date, str]]],
    today: date, rules: CountySettings,
) -> tuple[ComplianceRow, ...]:
    return tuple(
        ComplianceRow(
            h.household_id, h.household_number, h.village_code, h.group_code, h.house_name_zh, h.house_name_bo,
            h.assigned_worker, h.minors,
            month_compliance(year, month, visits.get(h.household_id, ()), today=today, rules=rules, away=h.away),
        )
        for h in scope
    )


def compliance(
    ws: Workspace, year: int, month: int, *, village_code: str = "", group_code: str = "", worker: str = "",
    today: date | None = None,
) -> ComplianceReport:
    """Every household in scope for the month with its state. ``village_code`` may be a township
    code (all its villages); ``worker`` is the id of the assigned grid worker. A code that names
    no unit and no household's village is refused with ``UnknownUnit``."""
    today = today or ws.today()
    rules = load_settings(ws)
    first, last = month_bounds(year, month)
    groups = permissions.group_scope(ws)
    scope = store.households_in_scope(
        ws.db, year, month, village_code=village_code, group_code=group_code, worker=worker, groups=groups
    )
    if village_code and not scope and not store.place_known(ws.db, village_code):
        raise UnknownUnit(code=village_code)
    visits = _visits_by_household(ws, first, last, scope, bool(village_code or group_code or worker or groups is not None))
    return ComplianceReport(year, month, _rows(year, month, scope, visits, today, rules))


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    index = today.year * 12 + today.month - 1
    return [divmod(i, 12) for i in range(index - count + 1, index + 1)]


def coverage_trend(
    ws: Workspace, *, months: int = 12, village_code: str = "", group_code: str = "", today: date | None = None
) -> list[tuple[int, int, int, int]]:
    """(year, month, households in scope, households met) for the last ``months`` months, oldest
    first, ending with the current month."""
    today = today or ws.today()
    rules = load_settings(ws)
    periods = [(y, m + 1) for y, m in _months_back(today, months)]
    scopes = {
        (y, m): store.households_in_scope(ws.db, y, m, village_code=village_code, group_code=group_code)
        for y, m in periods
    }
    everyone = list({h.household_id: h for scope in scopes.values() for h in scope}.values())
    first, last = month_bounds(*periods[0])[0], month_bounds(*periods[-1])[1]
    by_month: dict[tuple[int, int], dict[str, list[tuple[date, str]]]] = defaultdict(lambda: defaultdict(list))
    for household_id, days in _visits_by_household(ws, first, last, everyone, bool(village_code or group_code)).items():
        for day, mode in days:
            by_month[(day.year, day.month)][household_id].append((day, mode))
    trend = []
    for (year, month), scope in scopes.items():
        report = ComplianceReport(year, month, _rows(year, month, scope, by_month[(year, month)], today, rules))
        trend.append((year, month, report.households_in_scope, report.households_met))
    return trend


_WORKLIST_ORDER = {"at_risk": 0, "due": 2, "away": 3}


def _worklist_rank(row: ComplianceRow) -> int:
    if row.state == "due" and row.result.due_this_week:
        return 1
    return _WORKLIST_ORDER.get(row.state, 4)


def worklist(
    ws: Workspace, *, village_code: str = "", group_code: str = "", worker: str = "", today: date | None = None
) -> list[ComplianceRow]:
    """This month's households not yet met: at risk first, then due this week, then the rest due,
    then those away; within each by village group and household number."""
    today = today or ws.today()
    report = compliance(ws, today.year, today.month, village_code=village_code, group_code=group_code, worker=worker, today=today)
    return worklist_rows(report)


def worklist_rows(report: ComplianceReport) -> list[ComplianceRow]:
    """A report's households not met, in worklist order."""
    pending = [r for r in report.rows if r.state != "met"]
    pending.sort(key=lambda r: (_worklist_rank(r), r.group_code, r.household_number))
    return pending
