"""Family-education guidance sessions (家庭教育指导) and each guardian's yearly coverage: every
guardian of a minor needs at least the county's number of sessions a year (default one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core import records
from ..core.dates import minor_cutoff
from ..storage import register as reg
from .county_settings import load as load_settings
from .workspace import Workspace


@dataclass(frozen=True)
class GuardianCoverage:
    person: records.Person
    household_id: str
    village_code: str
    sessions: int
    needed: int

    @property
    def covered(self) -> bool:
        return self.sessions >= self.needed


def sessions_in_year(ws: Workspace, year: int, village_code: str = "") -> list[records.FamilyEducationSession]:
    where, params = ["deleted = 0", "substr(session_date, 1, 4) = ?"], [str(year)]
    if village_code:
        where.append("village_code = ?")
        params.append(village_code)
    rows = ws.db.query(
        f"SELECT * FROM family_education_session WHERE {' AND '.join(where)} ORDER BY session_date DESC", params
    )
    from ..storage.changelog import row_to_record

    return [row_to_record("family_education_session", row) for row in rows]


def guardian_coverage(ws: Workspace, year: int, village_code: str = "") -> list[GuardianCoverage]:
    """Every guardian in scope (a legal guardian or actual carer of a minor, alive) with the
    number of sessions they took part in during ``year``."""
    settings = load_settings(ws)
    cutoff = minor_cutoff(date(year, 12, 31) if year < ws.today().year else ws.today()).isoformat()
    params: list = [cutoff]
    place = ""
    if village_code:
        place = " AND h.village_code = ?"
        params.append(village_code)
    rows = ws.db.execute(
        f"""SELECT DISTINCT r.adult_id, a.household_id, h.village_code
            FROM relation r
            JOIN person c ON c.id = r.child_id AND c.deleted = 0 AND c.merged_into = ''
            JOIN person a ON a.id = r.adult_id AND a.deleted = 0 AND a.merged_into = '' AND a.alive_status = 'alive'
            LEFT JOIN household h ON h.id = c.household_id
            WHERE r.deleted = 0 AND (r.legal_guardian = 1 OR r.actual_caregiver = 1)
              AND c.birth_estimate != '' AND c.birth_estimate >= ?{place}""",
        params,
    ).fetchall()
    counts: dict[str, int] = {}
    for session in sessions_in_year(ws, year):
        for guardian_id in session.guardian_ids:
            counts[guardian_id] = counts.get(guardian_id, 0) + 1
    people = reg.people(ws.db, [r[0] for r in rows])
    found = [
        GuardianCoverage(people[adult], household or "", village or "", counts.get(adult, 0), settings.family_education_per_year)
        for adult, household, village in rows
        if adult in people
    ]
    found.sort(key=lambda g: (g.covered, g.village_code, g.person.sort_key if hasattr(g.person, "sort_key") else g.person.name_zh))
    return found


