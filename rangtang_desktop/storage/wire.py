"""Changes as they travel between laptops, and what to send: a ``WireChange`` is one change of the
log (DESIGN §4) in the JSON form bundles carry; ``changes_to_send`` picks what a peer has not
acknowledged; ``holdings`` says, per origin node, up to which seq everything is held here (what a
receipt reports); ``payload_for`` gathers the visit contents, signature images and author names that
travel beside the changes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any

import sqlite_utils

from ..core.visits import to_json
from .changelog import op_id
from .visits import VISIT_ENTITY, VISIT_FIELD, get_attachment, unpack

# canonical_json with one encoder made once (json.dumps with options builds a new one per call)
canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_WIRE_KEYS = frozenset({"op", "node", "seq", "hlc", "entity", "entity_id", "field", "value", "prev", "author", "reason"})
_CHUNK = 500


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_op_id(value: Any) -> bool:
    if not isinstance(value, str) or ":" not in value:
        return False
    node, _, seq = value.rpartition(":")
    return bool(node) and seq.isascii() and seq.isdigit() and int(seq) >= 1


@dataclasses.dataclass(frozen=True)
class WireChange:
    """A change as it travels in a bundle; ``value`` is the decoded JSON value."""

    op: str
    node: str
    seq: int
    hlc: int
    entity: str
    entity_id: str
    field: str
    value: Any
    prev: tuple[str, ...]
    author: str
    reason: str = ""

    def as_json(self) -> dict:
        return {
            "op": self.op, "node": self.node, "seq": self.seq, "hlc": self.hlc, "entity": self.entity,
            "entity_id": self.entity_id, "field": self.field, "value": self.value, "prev": list(self.prev),
            "author": self.author, "reason": self.reason,
        }

    @classmethod
    def from_json(cls, value: dict) -> WireChange:
        """Strict: exactly the keys of ``as_json`` with their types; ``ValueError`` otherwise."""
        if not isinstance(value, dict) or set(value) != _WIRE_KEYS:
            raise ValueError("a change must have exactly the keys " + ", ".join(sorted(_WIRE_KEYS)))
        for name in ("op", "node", "entity", "entity_id", "field", "author"):
            if not isinstance(value[name], str) or not value[name]:
                raise ValueError(f"change {name} must be non-empty text")
        if not isinstance(value["reason"], str):
            raise ValueError("change reason must be text")
        if not _is_int(value["seq"]) or value["seq"] < 1 or not _is_int(value["hlc"]) or value["hlc"] < 0:
            raise ValueError("change seq and hlc must be whole numbers")
        if value["op"] != op_id(value["node"], value["seq"]):
            raise ValueError("change op must be '<node>:<seq>'")
        prev = value["prev"]
        if not isinstance(prev, list) or not all(_is_op_id(p) for p in prev):
            raise ValueError("change prev must be a list of op ids")
        return cls(
            value["op"], value["node"], value["seq"], value["hlc"], value["entity"], value["entity_id"],
            value["field"], value["value"], tuple(prev), value["author"], value["reason"],
        )

    def stored_form(self) -> tuple:
        """What a stored change row must equal for this to be the same change."""
        return (
            self.hlc, self.entity, self.entity_id, self.field, canonical(self.value), self.prev_text, self.author, self.reason,
        )

    @property
    def prev_text(self) -> str:
        return canonical(list(self.prev)) if self.prev else "[]"


# -- sending ------------------------------------------------------------------------------------


def changes_to_send(
    db: sqlite_utils.Database,
    *,
    acknowledged: dict[str, int],
    entity_filter: Callable[[str, str], bool] | None = None,
    full: bool = False,
) -> list[WireChange]:
    """Every change whose seq is above what the peer acknowledged for its origin node (every change
    when ``full``), in (origin node id, seq) order; ``entity_filter(entity, entity_id)`` keeps only
    the records a peer should get (the township sends a village its own records)."""
    origins = sorted(db.execute("SELECT ref, node_id FROM origin").fetchall(), key=lambda r: r[1])
    found: list[WireChange] = []
    for ref, node_id in origins:
        above = 0 if full else acknowledged.get(node_id, 0)
        rows = db.execute(
            """SELECT c.seq, c.hlc, c.entity, c.entity_id, c.field, c.value, c.prev_op_ids, a.user_id, c.reason
               FROM change c JOIN author a ON a.ref = c.author WHERE c.origin = ? AND c.seq > ? ORDER BY c.seq""",
            [ref, above],
        )
        for seq, hlc, entity, entity_id, field, value, prev, author, reason in rows:
            if entity_filter is not None and not entity_filter(entity, entity_id):
                continue
            found.append(WireChange(
                op_id(node_id, seq), node_id, seq, hlc, entity, entity_id, field, json.loads(value),
                tuple(json.loads(prev)), author, reason,
            ))
    return found


def _held_seqs(db: sqlite_utils.Database) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for node_id, seq in db.execute("SELECT origin_node, seq FROM held_change"):
        found.setdefault(node_id, set()).add(seq)
    return found


def missing_seqs(db: sqlite_utils.Database, node_ids: Iterable[str] | None) -> dict[str, tuple[int, list[int]]]:
    """Per origin node: its highest seq here and the seqs below it that are missing. A change held
    back for a person counts as held."""
    held = _held_seqs(db)
    if node_ids is None:
        sql = "SELECT o.node_id, c.origin, count(*), max(c.seq) FROM change c JOIN origin o ON o.ref = c.origin GROUP BY c.origin"
        stats = {row[0]: row[1:] for row in db.execute(sql)}
        wanted = set(stats) | set(held)
    else:  # a few origins: counted on the (origin, seq) index, not over the whole log
        wanted = set(node_ids)
        sql = "SELECT o.node_id, c.origin, count(*), max(c.seq) FROM change c JOIN origin o ON o.ref = c.origin WHERE o.node_id = ?"
        stats = {node: row[1:] for node in wanted if (row := db.execute(sql, [node]).fetchone())[1] is not None}
    found: dict[str, tuple[int, list[int]]] = {}
    for node_id in wanted:
        ref, count, top = stats.get(node_id, (None, 0, 0))
        extra = held.get(node_id, set())
        if not extra and count == top:
            found[node_id] = (top, [])
            continue
        seqs = set(extra)
        if ref is not None:
            seqs.update(r[0] for r in db.execute("SELECT seq FROM change WHERE origin = ?", [ref]))
        top = max(seqs) if seqs else 0
        found[node_id] = (top, [s for s in range(1, top) if s not in seqs])
    return found


def holdings(db: sqlite_utils.Database) -> dict[str, int]:
    """Per origin node id: the highest seq n such that every seq 1..n of that origin is held here
    (changes held back for a person count as held)."""
    return {node_id: (missing[0] - 1 if missing else top) for node_id, (top, missing) in missing_seqs(db, None).items()}


@dataclasses.dataclass
class Payload:
    """What travels beside changes: the content of their signed visits (``core.visits.to_json``),
    the signature images those visits name (sha256, media type, bytes), and the names of their
    authors (``{"user_id", "display_name", "role", "unit_code", "home_node"}``)."""

    visits: list[dict]
    attachments: list[tuple[str, str, bytes]]
    users: list[dict]


def payload_for(db: sqlite_utils.Database, changes: Iterable[WireChange], *, local_node_id: str) -> Payload:
    """The visits, signature images and author names that ``changes`` need on the other side
    (users first known here keep the node they came from; this laptop's own users name it)."""
    changes = list(changes)
    visit_ids = sorted({c.entity_id for c in changes if c.entity == VISIT_ENTITY and c.field == VISIT_FIELD})
    visits, digests = [], []
    for start in range(0, len(visit_ids), _CHUNK):
        chunk = visit_ids[start:start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for (content,) in db.execute(f"SELECT content FROM visit WHERE id IN ({marks})", chunk):
            visit = unpack(content)
            visits.append(to_json(visit))
            digests += [d for d in (visit.visitor_signature, visit.guardian_signature) if d]
    attachments = []
    for digest in sorted(set(digests)):
        data = get_attachment(db, digest)
        if data is not None:
            media = db.execute("SELECT media_type FROM attachment WHERE sha256 = ?", [digest]).fetchone()[0]
            attachments.append((digest, media, data))
    authors = sorted({c.author for c in changes})
    users = []
    for start in range(0, len(authors), _CHUNK):
        chunk = authors[start:start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        rows = db.execute(
            f"SELECT user_id, display_name, role, unit_code, home_node FROM user WHERE user_id IN ({marks}) ORDER BY user_id", chunk
        )
        users += [
            {"user_id": u, "display_name": name, "role": role, "unit_code": unit, "home_node": home or local_node_id}
            for u, name, role, unit, home in rows
        ]
    return Payload(visits, attachments, users)
