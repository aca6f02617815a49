"""Visits on disk: signed visits (locked by triggers: never updated, never deleted), drafts kept
on this computer while a visit is being recorded, and attachments (signature images) stored once
by their SHA-256."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from ..core.dates import utc_now_text
from ..core.visits import Visit, from_json, to_json
from .changelog import canonical_json

VISIT_ENTITY = "visit"
VISIT_FIELD = "record"  # a signed visit travels as one change: an immutable event


def visit_change_value(visit: Visit) -> dict:
    """What the change log records of a signed visit: its content hash. The content itself is kept
    once, in the ``visit`` table (a county holds hundreds of thousands of visits), and travels in
    bundles beside the change, like signature images, checked against this hash on arrival."""
    return {"content_hash": visit.content_hash}


_INSERT_VISIT = """INSERT INTO visit (id, household_id, visited_at, local_date, mode, visitor_user_id, amends,
                                      signed_at, content_hash, content)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""


def _visit_row(visit: Visit) -> list:
    local = visit.local_date()
    return [
        visit.id, visit.household_id, visit.visited_at, local.isoformat() if local else "", visit.mode,
        visit.visitor_user_id, visit.amends, visit.signed_at, visit.content_hash,
        pack(visit),
    ]


def pack(visit: Visit) -> bytes:
    """A visit as stored: its canonical JSON, compressed with zlib (about 40% of the size)."""
    return zlib.compress(canonical_json(to_json(visit)).encode("utf-8"), 6)


def unpack(content: bytes | str) -> Visit:
    """A stored visit (compressed bytes; plain JSON text is read too)."""
    if isinstance(content, (bytes, memoryview)):
        content = zlib.decompress(bytes(content)).decode("utf-8")
    return from_json(json.loads(content))


def insert_visit(db: sqlite_utils.Database, visit: Visit) -> None:
    """Store a signed visit (inside the caller's transaction)."""
    db.execute(_INSERT_VISIT, _visit_row(visit))


def insert_visits(db: sqlite_utils.Database, visits: Iterable[Visit]) -> None:
    """Store many signed visits at once (inside the caller's transaction), as ``insert_visit`` does."""
    db.conn.executemany(_INSERT_VISIT, (_visit_row(visit) for visit in visits))


def get_visit(db: sqlite_utils.Database, visit_id: str) -> Visit | None:
    row = db.execute("SELECT content FROM visit WHERE id = ?", [visit_id]).fetchone()
    return unpack(row[0]) if row else None


def household_visits(db: sqlite_utils.Database, household_id: str) -> list[Visit]:
    """Every signed visit of a household, newest first (amended ones included)."""
    rows = db.execute(
        "SELECT content FROM visit WHERE household_id = ? ORDER BY visited_at DESC, signed_at DESC, id DESC", [household_id]
    ).fetchall()
    return [unpack(r[0]) for r in rows]


def amended_by(db: sqlite_utils.Database, visit_ids: list[str]) -> dict[str, str]:
    """For each visit that a later signed visit corrects, the id of the correction."""
    if not visit_ids:
        return {}
    marks = ", ".join("?" for _ in visit_ids)
    rows = db.execute(f"SELECT amends, id FROM visit WHERE amends IN ({marks})", visit_ids).fetchall()
    return {amends: visit_id for amends, visit_id in rows}


@dataclass(frozen=True)
class VisitDay:
    """What compliance needs of a visit: the household, the local day and the mode."""

    visit_id: str
    household_id: str
    local_date: date
    mode: str


def current_visit_days(db: sqlite_utils.Database, first: date, last: date, household_ids: list[str] | None = None) -> list[VisitDay]:
    """Signed visits on local days ``first``..``last`` that no later signed visit amends (a
    correction replaces the visit it corrects)."""
    sql = """SELECT v.id, v.household_id, v.local_date, v.mode FROM visit v
             WHERE v.local_date BETWEEN ? AND ?
               AND NOT EXISTS (SELECT 1 FROM visit a WHERE a.amends = v.id)"""
    params: list = [first.isoformat(), last.isoformat()]
    if household_ids is not None:
        if not household_ids:
            return []
        sql += f" AND v.household_id IN ({', '.join('?' for _ in household_ids)})"
        params += household_ids
    return [VisitDay(r[0], r[1], date.fromisoformat(r[2]), r[3]) for r in db.execute(sql, params)]


def visit_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM visit").fetchone()[0]


# -- drafts ------------------------------------------------------------------------------------


def save_draft(db: sqlite_utils.Database, visit: Visit) -> None:
    now = utc_now_text()
    db.execute(
        """INSERT INTO visit_draft (id, household_id, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET household_id = excluded.household_id, content = excluded.content,
             updated_at = excluded.updated_at""",
        [visit.id, visit.household_id, json.dumps(to_json(visit), ensure_ascii=False), now, now],
    )


def get_draft(db: sqlite_utils.Database, draft_id: str) -> Visit | None:
    row = db.execute("SELECT content FROM visit_draft WHERE id = ?", [draft_id]).fetchone()
    return from_json(json.loads(row[0])) if row else None


def drafts(db: sqlite_utils.Database, household_id: str | None = None) -> list[tuple[Visit, str]]:
    """Drafts with the time each was last saved, newest first."""
    sql = "SELECT content, updated_at FROM visit_draft"
    params: list = []
    if household_id is not None:
        sql += " WHERE household_id = ?"
        params.append(household_id)
    rows = db.execute(sql + " ORDER BY updated_at DESC", params).fetchall()
    return [(from_json(json.loads(content)), updated) for content, updated in rows]


def delete_draft(db: sqlite_utils.Database, draft_id: str) -> None:
    db.execute("DELETE FROM visit_draft WHERE id = ?", [draft_id])


# -- attachments -------------------------------------------------------------------------------


def store_attachment(db: sqlite_utils.Database, data: bytes, media_type: str = "image/png") -> str:
    """Keep bytes once, under their SHA-256; returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    db.execute(
        "INSERT OR IGNORE INTO attachment (sha256, media_type, data, created_at) VALUES (?, ?, ?, ?)",
        [digest, media_type, data, utc_now_text()],
    )
    return digest


def get_attachment(db: sqlite_utils.Database, digest: str) -> bytes | None:
    row = db.execute("SELECT data FROM attachment WHERE sha256 = ?", [digest]).fetchone()
    return bytes(row[0]) if row else None


def draft_count(db: sqlite_utils.Database, village_code: str = "") -> int:
    """Unsigned drafts of households in a village (or township, by code prefix), or everywhere."""
    from .register import place_clauses

    clauses, params = place_clauses(village_code)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT count(*) FROM visit_draft d JOIN household h ON h.id = d.household_id {where}"
    return db.execute(sql, params).fetchone()[0]
