"""Conflicts on disk (DESIGN §4): a field whose heads hold different values waits for a person.

The heads of a field are its changes that no known change names in ``prev_op_ids``. When more than
one head holds a *different* value, the head with the greatest (hlc, node id) is shown provisionally
and a conflict item is kept with the head set. Nothing is settled automatically — not guardians,
not risk, not closure, no field at all: every conflict waits for a person, who settles it by writing
one change that names every head (``services.conflicts.resolve_conflict``; an ordinary edit of the
field does the same, because a local write always names every head it sees).

A conflict row is identified by its record, field and head set (``conflict_id``), so every laptop
that holds the same changes has the same open conflicts. When the heads of a field change, its open
conflict is *resolved* (one head left, or the heads now agree: by the newest head, with its author and
reason) or *replaced* (other heads now disagree: a new item is made and named in ``replaced_by``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from .changelog import canonical_json, op_id
from .flags import stamp_text

OPEN = "open"
RESOLVED = "resolved"
REPLACED = "replaced"

_CHUNK = 400  # (entity, entity id, field) triples named in one VALUES list


@dataclass(frozen=True)
class Head:
    """A head of a field, with what is needed to choose, show and compare it."""

    op: str
    node_id: str
    seq: int
    hlc: int
    value: str  # canonical JSON
    author: str
    reason: str

    @property
    def order(self) -> tuple[int, str]:
        return (self.hlc, self.node_id)


FieldKey = tuple[str, str, str]  # entity, entity id, field (change key)


def winner(heads: Sequence[Head]) -> Head:
    """The head shown: the greatest (hlc, node id)."""
    return max(heads, key=lambda h: h.order)


def disagree(heads: Sequence[Head]) -> bool:
    return len({h.value for h in heads}) > 1


def conflict_id(entity: str, entity_id: str, field: str, head_ops: Iterable[str]) -> str:
    """The same id on every laptop for the same record, field and head set."""
    text = canonical_json([entity, entity_id, field, sorted(head_ops)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def heads_of(db: sqlite_utils.Database, keys: Iterable[FieldKey]) -> dict[FieldKey, list[Head]]:
    """The current heads of many fields at once (a field with no heads maps to an empty list)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[FieldKey, list[Head]] = {key: [] for key in wanted}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        values = ", ".join("(?, ?, ?)" for _ in chunk)
        params = [part for key in chunk for part in key]
        rows = db.execute(
            f"""WITH k(entity, entity_id, field) AS (VALUES {values})
                SELECT c.entity, c.entity_id, c.field, o.node_id, c.seq, c.hlc, c.value, a.user_id, c.reason
                FROM k JOIN change c ON c.entity_id = k.entity_id AND c.field = k.field AND c.entity = k.entity
                JOIN origin o ON o.ref = c.origin JOIN author a ON a.ref = c.author
                WHERE NOT EXISTS (SELECT 1 FROM change_superseded s WHERE s.origin = c.origin AND s.seq = c.seq)""",
            params,
        )
        for entity, entity_id, field, node_id, seq, hlc, value, author, reason in rows:
            found[(entity, entity_id, field)].append(Head(op_id(node_id, seq), node_id, seq, hlc, value, author, reason))
    return found


@dataclass(frozen=True)
class ConflictRow:
    conflict_id: str
    entity: str
    entity_id: str
    field: str
    heads: tuple[str, ...]
    detected_at: str
    status: str
    settled_at: str
    settled_by_op: str
    settled_by: str
    settled_reason: str
    replaced_by: str


_COLUMNS = (
    "conflict_id, entity, entity_id, field, heads, detected_at, status, settled_at, settled_by_op, settled_by, "
    "settled_reason, replaced_by"
)


def _row(values: Sequence) -> ConflictRow:
    return ConflictRow(values[0], values[1], values[2], values[3], tuple(json.loads(values[4])), *values[5:])


def get_conflict(db: sqlite_utils.Database, conflict_id_: str) -> ConflictRow | None:
    found = db.execute(f"SELECT {_COLUMNS} FROM conflict WHERE conflict_id = ?", [conflict_id_]).fetchone()
    return _row(found) if found else None


def conflicts(db: sqlite_utils.Database, *, open_only: bool = True) -> list[ConflictRow]:
    """Conflict rows, oldest first (call ``settle_stale`` first so open ones are current)."""
    where = f"WHERE status = '{OPEN}'" if open_only else ""
    return [_row(r) for r in db.execute(f"SELECT {_COLUMNS} FROM conflict {where} ORDER BY detected_at, conflict_id")]


def open_fields(db: sqlite_utils.Database, entity: str, entity_id: str) -> list[str]:
    """The fields (change keys) of one record with a conflict waiting."""
    rows = db.execute(
        "SELECT DISTINCT field FROM conflict WHERE entity = ? AND entity_id = ? AND status = ? ORDER BY field",
        [entity, entity_id, OPEN],
    ).fetchall()
    return [r[0] for r in rows]


def open_conflict_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM conflict WHERE status = ?", [OPEN]).fetchone()[0]


def reconcile(db: sqlite_utils.Database, key: FieldKey, heads: Sequence[Head], now_text: str) -> bool:
    """Bring the conflict rows of one field in line with its current heads, inside the caller's
    transaction. Returns True when a new conflict item was made."""
    entity, entity_id, field = key
    new_id = ""
    made = False
    if disagree(heads):
        ops = sorted(h.op for h in heads)
        new_id = conflict_id(entity, entity_id, field, ops)
        made = db.execute(
            "INSERT OR IGNORE INTO conflict (conflict_id, entity, entity_id, field, heads, detected_at) VALUES (?, ?, ?, ?, ?, ?)",
            [new_id, entity, entity_id, field, canonical_json(ops), now_text],
        ).rowcount == 1
    stale = [
        r[0] for r in db.execute(
            "SELECT conflict_id FROM conflict WHERE entity_id = ? AND field = ? AND entity = ? AND status = ? AND conflict_id != ?",
            [entity_id, field, entity, OPEN, new_id],
        )
    ]
    for old in stale:
        if new_id:
            db.execute(
                "UPDATE conflict SET status = ?, replaced_by = ?, settled_at = ? WHERE conflict_id = ?",
                [REPLACED, new_id, now_text, old],
            )
        else:
            last = winner(heads) if heads else None
            db.execute(
                """UPDATE conflict SET status = ?, settled_at = ?, settled_by_op = ?, settled_by = ?, settled_reason = ?
                   WHERE conflict_id = ?""",
                [
                    RESOLVED, stamp_text(last.hlc, last.node_id) if last else now_text,
                    last.op if last else "", last.author if last else "", last.reason if last else "", old,
                ],
            )
    return made


def stale_conflicts(db: sqlite_utils.Database) -> list[tuple[ConflictRow, list[Head]]]:
    """Open conflicts whose heads have moved on, with the current heads (read only)."""
    rows = conflicts(db, open_only=True)
    current = heads_of(db, [(r.entity, r.entity_id, r.field) for r in rows])
    return [
        (row, current[(row.entity, row.entity_id, row.field)]) for row in rows
        if tuple(sorted(h.op for h in current[(row.entity, row.entity_id, row.field)])) != row.heads
    ]


def settle_stale(db: sqlite_utils.Database, now_text: str) -> int:
    """Settle open conflicts whose heads have moved on (an ordinary edit of a conflicted field names
    every head, and so settles it, without passing through here), inside the caller's transaction.
    Returns how many moved on."""
    stale = stale_conflicts(db)
    for row, current in stale:
        reconcile(db, (row.entity, row.entity_id, row.field), current, now_text)
    return len(stale)
