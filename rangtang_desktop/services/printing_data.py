"""What the printed documents show, gathered from the register for ``services.printing``: plain
values (``reports`` dataclasses) that the report modules lay out without touching the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..core import records
from ..core.compliance import month_bounds
from ..core.dates import age_range, local_day
from ..core.validation import birth_of
from ..core.visits import Visit, parse_instant
from ..reports.flag_summary import FlagLine, FlagSummaryData, ReferralLine
from ..reports.visit_log import LogData, LogLine, PendingLine
from ..reports.visit_sheet import AdultLine, ChildLine, PlaceNames, SheetData
from ..storage import nodes, reference
from ..storage import register as reg
from ..storage import visits as store
from ..storage.register import place_clauses
from . import flags, visits
from .compliance import compliance
from .register_views import current_situation, household_view, person_view
from .workspace import Workspace

COUNTY_CODE = "513230"
ACTIVE_FLAGS = ("open", "acknowledged", "referred")
_BATCH = 500


@dataclass
class SheetCache:
    """What every sheet of a batch shares: the unit names."""

    units: dict[str, reference.Unit]

    @classmethod
    def load(cls, ws: Workspace) -> SheetCache:
        return cls(reference.unit_names(ws.db))


def find_visit(ws: Workspace, visit_id: str) -> Visit | None:
    """A signed visit, or else a draft, with this id."""
    if not visit_id:
        return None
    return visits.get(ws, visit_id) or visits.draft(ws, visit_id)


def _names(unit: reference.Unit | None) -> tuple[str, str]:
    return (unit.name_zh, unit.name_bo) if unit else ("", "")


def place_names(units: dict[str, reference.Unit], village_code: str, group_code: str = "") -> PlaceNames:
    village = units.get(village_code)
    township = units.get(village.parent_code if village else village_code[:9])
    county = units.get(township.parent_code if township else COUNTY_CODE) or units.get(COUNTY_CODE)
    return PlaceNames(_names(county), _names(township), _names(village), _names(units.get(group_code)))


def _age_on(person: records.Person, day: date) -> tuple[int, int] | None:
    birth = birth_of(person)
    return age_range(birth, day) if birth else None


def _situation_on(ws: Workspace, person_id: str, day: date) -> records.ParentSituation | None:
    """The parent's situation on the day of the visit (started by then, not ended before)."""
    text = day.isoformat()
    started = [s for s in reg.situations_of(ws.db, person_id) if not s.start_date or s.start_date <= text[: len(s.start_date)]]
    return current_situation(started, text)


def _covers(care: records.CareArrangement, day: date) -> bool:
    text = day.isoformat()
    return (not care.start_date or care.start_date <= text[: len(care.start_date)]) and (
        not care.end_date or care.end_date >= text[: len(care.end_date)]
    )


def _place_text(situation: records.ParentSituation | None) -> str:
    if situation is None:
        return ""
    return " ".join(p for p in (situation.place_province, situation.place_city) if p)


def _adults(ws: Workspace, children: list[records.Person], day: date) -> tuple[AdultLine, ...]:
    """The parents, guardians and carers of the children, one line per adult, with their relation
    to each child and their situation on ``day``."""
    several = len(children) > 1
    found: dict[str, dict] = {}

    def entry(person: records.Person) -> dict:
        return found.setdefault(person.id, {"person": person, "relations": [], "legal": False, "cares": False,
                                            "lives": False, "carer": False})

    for child in children:
        view = person_view(ws, child.id)
        child_names = (child.name_zh, child.name_bo) if several else ("", "")
        for relation_view in view.as_child:
            adult = relation_view.other
            if adult is None or adult.deleted:
                continue
            item = entry(adult)
            relation = relation_view.relation
            item["relations"].append((relation.kind, *child_names))
            item["legal"] |= relation.legal_guardian
            item["cares"] |= relation.actual_caregiver
            item["lives"] |= relation.lives_with
        for care_view in view.care:
            if care_view.carer is None or not _covers(care_view.care, day):
                continue
            item = entry(care_view.carer)
            item["carer"] = True
            item["cares"] = True
    lines = []
    for person_id, item in found.items():
        person = item["person"]
        situation = _situation_on(ws, person_id, day)
        lines.append(AdultLine(
            person.name_zh, person.name_bo, tuple(dict.fromkeys(item["relations"])), item["legal"], item["cares"],
            item["lives"], item["carer"], situation.kind if situation else "", _place_text(situation),
            situation.start_date if situation else "",
        ))
    return tuple(lines)


def sheet_data(ws: Workspace, visit: Visit, *, printed_at: datetime, cache: SheetCache | None = None) -> SheetData:
    """Everything the sheet of ``visit`` prints."""
    cache = cache or SheetCache.load(ws)
    view = household_view(ws, visit.household_id)
    household = view.household
    day = visit.local_date() or ws.today()
    members = {m.person.id: m.person for m in view.members}
    missing = [c.person_id for c in visit.children if c.person_id not in members]
    members.update(reg.people(ws.db, missing))
    children_seen = [(c, members[c.person_id]) for c in visit.children if c.person_id in members]
    children = tuple(
        ChildLine(person.id, person.name_zh, person.name_bo, person.sex, _age_on(person, day), seen.seen)
        for seen, person in children_seen
    )
    amends_day = None
    if visit.amends:
        original = visits.get(ws, visit.amends)
        amends_day = original.local_date() if original else None
    return SheetData(
        visit=visit,
        printed_at=printed_at,
        place=place_names(cache.units, household.village_code, household.group_code),
        household_number=household.household_number,
        house_name_zh=household.house_name_zh,
        house_name_bo=household.house_name_bo,
        children=children,
        adults=_adults(ws, [p for _c, p in children_seen], day),
        visitor_signature=visits.signature_image(ws, visit.visitor_signature),
        guardian_signature=visits.signature_image(ws, visit.guardian_signature),
        amends_day=amends_day,
    )


def blank_data(ws: Workspace, household_id: str, *, printed_at: datetime) -> SheetData:
    """A blank form's data: nothing, or a household's place, number, minors and adults."""
    units = reference.unit_names(ws.db)
    if not household_id:
        return SheetData(visit=None, printed_at=printed_at, place=place_names(units, ""))
    view = household_view(ws, household_id)
    household = view.household
    today = ws.today()
    minors = [m.person for m in view.members if m.is_minor and m.person.alive_status == "alive"]
    return SheetData(
        visit=None,
        printed_at=printed_at,
        place=place_names(units, household.village_code, household.group_code),
        household_number=household.household_number,
        house_name_zh=household.house_name_zh,
        house_name_bo=household.house_name_bo,
        children=tuple(ChildLine(p.id, p.name_zh, p.name_bo, p.sex, _age_on(p, today)) for p in minors),
        adults=_adults(ws, minors, today),
    )


# -- the monthly visit log --------------------------------------------------------------------------------


def _month_visits(ws: Workspace, first: date, last: date, household_ids: list[str]) -> list[tuple[Visit, bool]]:
    """The current signed visits (no later visit amends them) and the drafts of the households on
    local days ``first``..``last``, as (visit, signed)."""
    current = []
    for start in range(0, len(household_ids), _BATCH):
        current += [d.visit_id for d in store.current_visit_days(ws.db, first, last, household_ids[start:start + _BATCH])]
    found: list[tuple[Visit, bool]] = []
    for start in range(0, len(current), _BATCH):
        batch = current[start:start + _BATCH]
        rows = ws.db.execute(f"SELECT content FROM visit WHERE id IN ({', '.join('?' for _ in batch)})", batch)
        found += [(store.unpack(row[0]), True) for row in rows]
    wanted = set(household_ids)
    for draft, _saved in visits.drafts(ws):
        day = draft.local_date()
        if draft.household_id in wanted and day is not None and first <= day <= last:
            found.append((draft, False))
    return found


def scope_names(units: dict[str, reference.Unit], village_code: str, group_code: str = "") -> list[tuple[str, str]]:
    """The (Chinese, Tibetan) names of a village or township and a group; a code without a unit
    stands for its own name."""
    names = []
    for code in (village_code, group_code):
        unit = units.get(code)
        if unit is not None:
            names.append((unit.name_zh, unit.name_bo))
        elif code:
            names.append((code, code))
    return names


def log_data(
    ws: Workspace, year: int, month: int, *, village_code: str = "", group_code: str = "", worker: str = "",
    printed_at: datetime,
) -> LogData:
    """The visit log's data: the compliance report of the scope (the one definition of met), its
    visits of the month, and the households not met."""
    report = compliance(ws, year, month, village_code=village_code, group_code=group_code, worker=worker)
    rows = {r.household_id: r for r in report.rows}
    first, last = month_bounds(year, month)
    month_visits = _month_visits(ws, first, last, list(rows))
    people = {}
    child_ids = list({c.person_id for v, _s in month_visits for c in v.children})
    for start in range(0, len(child_ids), _BATCH):
        people.update(reg.people(ws.db, child_ids[start:start + _BATCH]))
    lines = []
    for visit, signed in month_visits:
        row = rows[visit.household_id]
        children = tuple((people[c.person_id].name_zh, people[c.person_id].name_bo) for c in visit.children if c.person_id in people)
        lines.append(LogLine(
            day=visit.local_date(), visited_at=visit.visited_at, household_number=row.household_number,
            house_name_zh=row.house_name_zh, house_name_bo=row.house_name_bo, children=children, mode=visit.mode,
            visitor=visit.visitor_name, rating=visit.rating, signed=signed,
        ))
    lines.sort(key=lambda line: (line.visited_at, line.household_number))
    units = reference.unit_names(ws.db)
    pending = tuple(
        PendingLine(
            r.household_number, r.house_name_zh, r.house_name_bo, _names(units.get(r.group_code)), r.result.counted,
            r.result.needed, r.result.visit_days, r.state,
        )
        for r in report.rows if r.state != "met"
    )
    worker_name = nodes.user_names(ws.db).get(worker, worker) if worker else ""
    return LogData(
        year=year, month=month, printed_at=printed_at, scope=tuple(scope_names(units, village_code, group_code)),
        worker=worker_name, lines=tuple(lines), pending=pending, households_in_scope=report.households_in_scope,
        households_met=report.households_met, coverage=report.coverage,
    )


# -- the month of sheets ----------------------------------------------------------------------------------


def signed_visits(ws: Workspace, first: date, last: date, village_code: str = "") -> list[tuple[str, str]]:
    """Every signed visit on local days ``first``..``last`` of households in the place, by day, as
    (visit id, the household's village code)."""
    clauses, params = place_clauses(village_code)
    place = "".join(f" AND {c}" for c in clauses)
    rows = ws.db.execute(
        f"""SELECT v.id, h.village_code FROM visit v JOIN household h ON h.id = v.household_id
            WHERE v.local_date BETWEEN ? AND ?{place} ORDER BY v.local_date, h.household_number, v.visited_at, v.id""",
        [first.isoformat(), last.isoformat(), *params],
    )
    return [(r[0], r[1]) for r in rows]


# -- flags and referrals ----------------------------------------------------------------------------------


def _flag_line(row: flags.FlagRow) -> FlagLine:
    raised = parse_instant(row.first_raised_at)
    return FlagLine(
        row.rule_id, row.severity, row.status, row.report_pending, row.child_name_zh, row.child_name_bo,
        row.household_number, row.house_name_zh, row.house_name_bo, local_day(raised) if raised else None, row.facts,
    )


def _referral_line(row: flags.ReferralRow) -> ReferralLine:
    referral = row.referral
    return ReferralLine(
        row.child_name_zh, row.child_name_bo, row.household_number, referral.target, referral.unit_name,
        referral.status, referral.sent_on, referral.due_on, row.days_overdue,
    )


def flag_data(ws: Workspace, village_code: str, *, printed_at: datetime) -> FlagSummaryData:
    """Active flags (open, acknowledged, referred) by severity, how many mandatory reports are
    pending (a count: never who reports), and overdue referrals."""
    units = reference.unit_names(ws.db)
    return FlagSummaryData(
        printed_at=printed_at,
        today=ws.today(),
        scope=tuple(scope_names(units, village_code, "")),
        flags=tuple(_flag_line(r) for r in flags.list_flags(ws, status=ACTIVE_FLAGS, village_code=village_code)),
        pending_reports=len(flags.pending_reports(ws, village_code=village_code)),
        overdue_referrals=tuple(_referral_line(r) for r in flags.overdue_referrals(ws, village_code=village_code)),
    )
