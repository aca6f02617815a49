"""What the compliance figures read: the households in scope for a month (with their numbers of
minors and whether they are away that month), in one query. The visit days come from
``visits.current_visit_days``, the one definition of which signed visits are current."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from ..core.compliance import month_bounds
from ..core.dates import minor_cutoff
from .register import LIVE_PERSON, place_clauses


@dataclass(frozen=True)
class ScopeHousehold:
    household_id: str
    household_number: str
    village_code: str
    group_code: str
    house_name_zh: str
    house_name_bo: str
    assigned_worker: str
    minors: int  # live members who are minors at some time in the month
    away: bool  # the month is one of the household's seasonal-absence months


def households_in_scope(
    db: sqlite_utils.Database, year: int, month: int, *, village_code: str = "", group_code: str = "", worker: str = "",
    groups: tuple[str, ...] | frozenset[str] | None = None,
) -> list[ScopeHousehold]:
    """Households (not deleted) with at least one live member (not deleted, not merged, alive)
    who is a minor at some time in the month: an estimated birth date on or before its last day
    and on or after the minor cut-off of its first day. Sorted by village, group and household
    number.

    ``CROSS JOIN`` keeps SQLite walking households and their members (by ``person_household``)
    rather than every minor of the county by birth date: ~3 ms instead of ~50 ms for a village,
    and faster county-wide too."""
    first, last = month_bounds(year, month)
    clauses, params = place_clauses(village_code, group_code, worker, groups=groups)
    place = "".join(f" AND {c}" for c in clauses)
    sql = f"""
        SELECT h.id, h.household_number, h.village_code, h.group_code, h.house_name_zh, h.house_name_bo,
               h.assigned_worker, count(*) AS minors,
               CASE WHEN json_valid(h.seasonal_absence_months)
                    THEN EXISTS (SELECT 1 FROM json_each(h.seasonal_absence_months) WHERE CAST(value AS INTEGER) = ?)
                    ELSE 0 END AS away
        FROM household h CROSS JOIN person p ON p.household_id = h.id
        WHERE h.deleted = 0 AND {LIVE_PERSON} AND p.alive_status = 'alive'
          AND p.birth_estimate != '' AND p.birth_estimate BETWEEN ? AND ?{place}
        GROUP BY h.id
        ORDER BY h.village_code, h.group_code, h.household_number"""
    rows = db.execute(sql, [month, minor_cutoff(first).isoformat(), last.isoformat(), *params])
    return [ScopeHousehold(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8])) for r in rows]


def place_known(db: sqlite_utils.Database, code: str) -> bool:
    """Whether ``code`` names a stored unit or starts the village code of any household."""
    if db.execute("SELECT 1 FROM admin_unit WHERE code = ?", [code]).fetchone():
        return True
    clauses, params = place_clauses(village_code=code)
    return db.execute(f"SELECT 1 FROM household h WHERE {clauses[0]} LIMIT 1", params).fetchone() is not None
