"""What the register spreadsheets of the upload package read, in a few bulk queries: the live minors
of a place with their households, people and households by id, the households of a place with
their numbers of members and minors, and the signed visits that rate the children.

Id lists go to SQLite as one JSON array (``json_each``), so a county's ids are one query each and
never run into the limit on query parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from ..core import records
from ..core.dates import minor_cutoff
from .changelog import row_to_record
from .register import LIVE_PERSON, MINOR, place_clauses

_IN = "IN (SELECT value FROM json_each(?))"


@dataclass(frozen=True)
class PlacedPerson:
    """A person with the place of their household (empty when they have none)."""

    person: records.Person
    village_code: str
    group_code: str
    household_number: str


@dataclass(frozen=True)
class HouseholdCount:
    household: records.Household
    members: int  # live members (not deleted, not merged)
    minors: int  # of them, alive minors on the day asked about


def _where_place(village_code: str) -> tuple[str, list]:
    clauses, params = place_clauses(village_code)
    return "".join(f" AND {c}" for c in clauses), params


def minors(db: sqlite_utils.Database, village_code: str, on: date) -> list[PlacedPerson]:
    """The live minors on ``on`` (``register.MINOR``, born by then) of households in the place (a
    village, or a township code standing for its villages; everywhere when empty, people without
    a household included), by village, group, household number and name."""
    place, params = _where_place(village_code)
    rows = db.query(
        f"""SELECT p.*, coalesce(h.village_code, '') AS h_village, coalesce(h.group_code, '') AS h_group,
                   coalesce(h.household_number, '') AS h_number
            FROM person p LEFT JOIN household h ON h.id = p.household_id
            WHERE {LIVE_PERSON} AND {MINOR} AND p.birth_estimate <= ?{place}
            ORDER BY h_village, h_group, h_number, p.sort_key, p.id""",
        [minor_cutoff(on).isoformat(), on.isoformat(), *params],
    )
    return [PlacedPerson(row_to_record("person", row), row["h_village"], row["h_group"], row["h_number"]) for row in rows]


def people(db: sqlite_utils.Database, ids: Iterable[str]) -> dict[str, records.Person]:
    """The people with these ids who are in the register (not deleted, not merged)."""
    rows = db.query(f"SELECT * FROM person p WHERE p.id {_IN} AND {LIVE_PERSON}", [json.dumps(list(ids))])
    return {row["id"]: row_to_record("person", row) for row in rows}


def households(db: sqlite_utils.Database, ids: Iterable[str]) -> dict[str, records.Household]:
    """The households with these ids that are not deleted."""
    rows = db.query(f"SELECT * FROM household WHERE id {_IN} AND deleted = 0", [json.dumps(list(ids))])
    return {row["id"]: row_to_record("household", row) for row in rows}


def household_counts(db: sqlite_utils.Database, village_code: str, on: date) -> list[HouseholdCount]:
    """The households (not deleted) of the place with their live members and the alive minors
    among them on ``on``, by village, group and household number."""
    place, params = _where_place(village_code)
    rows = db.query(
        f"""SELECT h.*,
                   (SELECT count(*) FROM person p WHERE p.household_id = h.id AND {LIVE_PERSON}) AS n_members,
                   (SELECT count(*) FROM person p WHERE p.household_id = h.id AND {LIVE_PERSON} AND {MINOR}
                      AND p.birth_estimate <= ?) AS n_minors
            FROM household h WHERE h.deleted = 0{place}
            ORDER BY h.village_code, h.group_code, h.household_number, h.id""",
        [minor_cutoff(on).isoformat(), on.isoformat(), *params],
    )
    return [HouseholdCount(row_to_record("household", row), row["n_members"], row["n_minors"]) for row in rows]


def current_visits_until(db: sqlite_utils.Database, household_ids: Iterable[str], last: date) -> list[tuple[str, str]]:
    """(household id, visit id) of the signed visits on or before the local day ``last`` that no
    later signed visit amends, newest first within each household."""
    rows = db.execute(
        f"""SELECT v.household_id, v.id FROM visit v
            WHERE v.household_id {_IN} AND v.local_date <= ?
              AND NOT EXISTS (SELECT 1 FROM visit a WHERE a.amends = v.id)
            ORDER BY v.household_id, v.local_date DESC, v.visited_at DESC, v.signed_at DESC, v.id DESC""",
        [json.dumps(list(household_ids)), last.isoformat()],
    )
    return [(r[0], r[1]) for r in rows]

