"""Reading the register: records by id, a household's members, a child's relations and situations,
and the id lists and light row snapshots the lazy table models page through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlite_utils

from ..core import records
from ..core.dates import minor_cutoff
from ..core.errors import RecordNotFound
from .changelog import row_to_record

LIVE = "deleted = 0"
LIVE_PERSON = "p.deleted = 0 AND p.merged_into = ''"
# A minor, for every count and list (compliance and sessions use the same test): alive, with an
# estimated birth date on or after the cutoff that ``core.dates.minor_cutoff`` gives.
MINOR = "p.alive_status = 'alive' AND p.birth_estimate != '' AND p.birth_estimate >= ?"


def get(db: sqlite_utils.Database, entity: str, record_id: str) -> Any:
    """The record with this id; ``RecordNotFound`` if there is none."""
    rows = list(db.query(f"SELECT * FROM {entity} WHERE id = ?", [record_id]))
    if not rows:
        raise RecordNotFound()
    return row_to_record(entity, rows[0])


def find(db: sqlite_utils.Database, entity: str, record_id: str) -> Any | None:
    rows = list(db.query(f"SELECT * FROM {entity} WHERE id = ?", [record_id]))
    return row_to_record(entity, rows[0]) if rows else None


def records_where(db: sqlite_utils.Database, entity: str, where: str, params: Iterable[Any] = ()) -> list[Any]:
    rows = db.query(f"SELECT * FROM {entity} WHERE {LIVE} AND ({where})", list(params))
    return [row_to_record(entity, row) for row in rows]


def members(db: sqlite_utils.Database, household_id: str) -> list[records.Person]:
    rows = db.query(
        f"SELECT * FROM person p WHERE household_id = ? AND {LIVE_PERSON} ORDER BY birth_date, sort_key",
        [household_id],
    )
    return [row_to_record("person", row) for row in rows]


def relations_of_child(db: sqlite_utils.Database, child_id: str) -> list[records.Relation]:
    return records_where(db, "relation", "child_id = ?", [child_id])


def relations_of_adult(db: sqlite_utils.Database, adult_id: str) -> list[records.Relation]:
    return records_where(db, "relation", "adult_id = ?", [adult_id])


def situations_of(db: sqlite_utils.Database, person_id: str) -> list[records.ParentSituation]:
    found = records_where(db, "parent_situation", "person_id = ?", [person_id])
    return sorted(found, key=lambda s: (s.start_date or "", s.id or ""), reverse=True)


def care_of(db: sqlite_utils.Database, child_id: str) -> list[records.CareArrangement]:
    found = records_where(db, "care_arrangement", "child_id = ?", [child_id])
    return sorted(found, key=lambda c: (c.start_date or "", c.id or ""), reverse=True)


def classifications_of(db: sqlite_utils.Database, child_id: str) -> list[records.Classification]:
    return records_where(db, "classification", "child_id = ?", [child_id])


def people(db: sqlite_utils.Database, ids: Iterable[str]) -> dict[str, records.Person]:
    ids = list(ids)
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    return {row["id"]: row_to_record("person", row) for row in db.query(f"SELECT * FROM person WHERE id IN ({marks})", ids)}


def related_record_ids(db: sqlite_utils.Database, person_id: str) -> list[str]:
    """Ids of the records that describe a person: relations, situations, care, categories."""
    rows = db.execute(
        """SELECT id FROM relation WHERE child_id = :p OR adult_id = :p
           UNION SELECT id FROM parent_situation WHERE person_id = :p
           UNION SELECT id FROM care_arrangement WHERE child_id = :p OR carer_id = :p
           UNION SELECT id FROM classification WHERE child_id = :p""",
        {"p": person_id},
    ).fetchall()
    return [r[0] for r in rows]


# -- lists for the table models --------------------------------------------------------------


@dataclass(frozen=True)
class ListFilter:
    village_code: str = ""
    group_code: str = ""
    children_only: bool = False
    groups: tuple[str, ...] | None = None  # only these village groups (a grid worker's); None: any


def place_clauses(
    village_code: str = "", group_code: str = "", worker: str = "", *, groups: tuple[str, ...] | frozenset[str] | None = None,
) -> tuple[list[str], list]:
    """Conditions on ``household h``: a village code, or a township (or county) code standing for
    every village whose code starts with it; a village group; the assigned visitor; ``groups``: only
    households of these village groups (``services.permissions.group_scope``; ``None``: any)."""
    clauses: list[str] = []
    params: list = []
    if groups is not None:
        codes = sorted(groups)
        clauses.append(f"h.group_code IN ({', '.join('?' for _ in codes)})" if codes else "0")
        params += codes
    if village_code:
        clauses.append("h.village_code >= ? AND h.village_code < ?")
        params += [village_code, village_code + "\uffff"]
    if group_code:
        clauses.append("h.group_code = ?")
        params.append(group_code)
    if worker:
        clauses.append("h.assigned_worker = ?")
        params.append(worker)
    return clauses, params


def household_ids(db: sqlite_utils.Database, where: ListFilter) -> list[str]:
    clauses, params = place_clauses(where.village_code, where.group_code, groups=where.groups)
    clauses.append("h.deleted = 0")
    sql = (
        f"SELECT h.id FROM household h WHERE {' AND '.join(clauses)} "
        "ORDER BY h.village_code, h.group_code, h.household_number"
    )
    return [r[0] for r in db.execute(sql, params)]


def household_rows(db: sqlite_utils.Database, ids: list[str], today: date) -> dict[str, dict]:
    """Snapshots for a page of households, with their numbers of members and of minors."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = {r["id"]: dict(r, members=0, minors=0) for r in db.query(f"SELECT * FROM household WHERE id IN ({marks})", ids)}
    for count in db.query(
        f"""SELECT household_id, count(*) AS members,
                   sum({MINOR}) AS minors
            FROM person p WHERE household_id IN ({marks}) AND {LIVE_PERSON} GROUP BY household_id""",
        [minor_cutoff(today).isoformat(), *ids],
    ):
        rows[count["household_id"]].update(members=count["members"], minors=count["minors"])
    return rows


def person_ids(db: sqlite_utils.Database, where: ListFilter, today: date) -> list[str]:
    clauses, params = place_clauses(where.village_code, where.group_code, groups=where.groups)
    clauses.append(LIVE_PERSON)
    if where.children_only:
        clauses.append(MINOR)
        params.append(minor_cutoff(today).isoformat())
    sql = (
        "SELECT p.id FROM person p LEFT JOIN household h ON h.id = p.household_id "
        f"WHERE {' AND '.join(clauses)} ORDER BY p.sort_key, p.id"
    )
    return [r[0] for r in db.execute(sql, params)]


def person_rows(db: sqlite_utils.Database, ids: list[str]) -> dict[str, dict]:
    """Snapshots for a page of people, with household number, place and active categories."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = {
        r["id"]: dict(r, categories=[])
        for r in db.query(
            f"""SELECT p.id, p.name_zh, p.name_bo, p.sex, p.birth_date, p.birth_precision, p.id_check,
                       p.household_id, p.alive_status, h.household_number, h.house_name_zh, h.house_name_bo,
                       h.village_code, h.group_code
                FROM person p LEFT JOIN household h ON h.id = p.household_id
                WHERE p.id IN ({marks})""",
            ids,
        )
    }
    for row in db.query(
        f"SELECT child_id, kind FROM classification WHERE child_id IN ({marks}) AND {LIVE} AND status != 'ended'",
        ids,
    ):
        rows[row["child_id"]]["categories"].append(row["kind"])
    return rows


def next_household_number(db: sqlite_utils.Database, village_code: str) -> str:
    """The next human-facing household number in a village: village code, dash, four digits."""
    prefix = f"{village_code}-"
    row = db.execute(
        "SELECT max(CAST(substr(household_number, ?) AS INTEGER)) FROM household WHERE household_number LIKE ?",
        [len(prefix) + 1, prefix + "%"],
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def counts(db: sqlite_utils.Database, today: date) -> dict[str, int]:
    """Households, people and minors (by estimated birth date, as ``core.dates.is_minor``)."""
    households = db.execute(f"SELECT count(*) FROM household WHERE {LIVE}").fetchone()[0]
    persons = db.execute(f"SELECT count(*) FROM person p WHERE {LIVE_PERSON}").fetchone()[0]
    children = db.execute(
        f"SELECT count(*) FROM person p WHERE {LIVE_PERSON} AND {MINOR}",
        [minor_cutoff(today).isoformat()],
    ).fetchone()[0]
    return {"households": households, "persons": persons, "children": children}
