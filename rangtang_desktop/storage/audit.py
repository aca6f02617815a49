"""The audit log (DESIGN §3, issue 7 part 3): an append-only, hash-chained record of *actions* —
who opened the program, viewed, changed, printed, exported, imported, backed up or restored what,
when — beside the change log (which records *data*).

An entry names the node (computer) that wrote it and that node's sequence number, the instant (UTC),
the user id, the action, the subject (an entity name and a record id — never a name or an ID
number) and a small JSON ``detail`` without personal data. Each node's entries form one chain:

    hash = SHA-256( canonical JSON of {"v": 1, "node", "seq", "at", "user", "action", "entity",
                                       "entity_id", "detail", "prev"} )

(canonical JSON: sorted keys, no spaces, UTF-8 characters kept, integers only), where ``prev`` is
the hash of the node's entry ``seq - 1``, and ``GENESIS`` (64 zeros) for its entry 1. Editing,
removing or inserting an entry breaks the chain at that entry: its own hash no longer matches
(``hash``), the next entry no longer names it (``link``), or a number is missing (``gap``).

Storage is compact, as for the change log: the node and the user are stored once, in ``origin`` and
``author``, and referred to by number; hashes are kept as their 32 bytes (the ``audit_log`` view shows
entries with their ids and hex hashes). The table refuses UPDATE and DELETE (triggers, like the
signed visits'), and an INSERT over an existing (node, seq) — ``INSERT OR REPLACE`` would otherwise delete without firing the delete trigger.
Entries of other nodes (received by the township in bundles) are stored with their own node, seq
and hashes exactly as they came; what was wrong with them is kept in ``audit_warning`` and the
entries that contradict ones already held in ``audit_divergent`` (both append-only too).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from .changelog import author_ref, origin_ref

GENESIS = "0" * 64
HASH_VERSION = 1
MAX_DETAIL_CHARS = 1024  # the canonical JSON of a detail; it says what was done, never to whom
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode

# The form of every field of an entry, as written here and as accepted from a bundle.
NODE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
USER_ID = re.compile(r"[A-Za-z0-9-]{0,64}")
ACTION = re.compile(r"[a-z][a-z_]{0,31}")
ENTITY = re.compile(r"[a-z_]{0,40}")
RECORD_ID = re.compile(r"[A-Za-z0-9|:._-]{0,200}")
AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?\+00:00")
HASH = re.compile(r"[0-9a-f]{64}")
WIRE_KEYS = frozenset({"node", "seq", "at", "user", "action", "entity", "entity_id", "detail", "prev", "hash"})
MAX_SEQ = 2**53 - 1
_MAX_DEPTH = 4

# Problems of a chain, in the order ``check_chain`` reports them for one entry.
HASH_MISMATCH = "hash"  # the entry's hash is not the hash of its contents: it was changed
BROKEN_LINK = "link"  # the entry does not name the hash of the entry before it
GAP = "gap"  # entries before this one are missing
REWOUND = "rewound"  # the node sent different entries for numbers already held (township only)


class BadEntry(ValueError):
    """An entry (or a detail) that is not of the audit log's form."""


@dataclass(frozen=True)
class Entry:
    node_id: str
    seq: int
    at: str
    user_id: str
    action: str
    entity: str
    entity_id: str
    detail: dict = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def hash_input(self) -> str:
        return _canonical(
            {
                "v": HASH_VERSION, "node": self.node_id, "seq": self.seq, "at": self.at, "user": self.user_id,
                "action": self.action, "entity": self.entity, "entity_id": self.entity_id, "detail": self.detail,
                "prev": self.prev_hash,
            }
        )

    def computed_hash(self) -> str:
        return hashlib.sha256(self.hash_input().encode("utf-8")).hexdigest()

    def as_wire(self) -> dict[str, Any]:
        return {
            "node": self.node_id, "seq": self.seq, "at": self.at, "user": self.user_id, "action": self.action,
            "entity": self.entity, "entity_id": self.entity_id, "detail": self.detail, "prev": self.prev_hash,
            "hash": self.hash,
        }


# -- form checks --------------------------------------------------------------------------------


def _plain(value: Any, depth: int = 0) -> bool:
    """Only JSON's strings, integers, booleans, null, lists and objects with text keys (no floats)."""
    if depth > _MAX_DEPTH:
        return False
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, int):
        return -MAX_SEQ <= value <= MAX_SEQ
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def check_detail(detail: Any) -> dict:
    if not isinstance(detail, dict) or not _plain(detail):
        raise BadEntry("an audit detail is a small JSON object of text, integers and booleans")
    if len(_canonical(detail)) > MAX_DETAIL_CHARS:
        raise BadEntry(f"an audit detail is at most {MAX_DETAIL_CHARS} characters")
    return detail


def _text(value: Any, pattern: re.Pattern, what: str) -> str:
    if type(value) is not str or not pattern.fullmatch(value):
        raise BadEntry(f"{what} has the wrong form")
    return value


def entry_from_wire(value: Any) -> Entry:
    """An entry as a bundle carries it, checked strictly: exactly the expected keys, each of its
    form. Its hashes are *not* checked here: a broken chain is recorded, not refused."""
    if type(value) is not dict or set(value) != WIRE_KEYS:
        raise BadEntry("an audit entry must have exactly node, seq, at, user, action, entity, entity_id, detail, prev, hash")
    seq = value["seq"]
    if type(seq) is not int or not 1 <= seq <= MAX_SEQ:
        raise BadEntry("an audit entry's seq must be a positive integer")
    return Entry(
        node_id=_text(value["node"], NODE_ID, "node"),
        seq=seq,
        at=_text(value["at"], AT, "at"),
        user_id=_text(value["user"], USER_ID, "user"),
        action=_text(value["action"], ACTION, "action"),
        entity=_text(value["entity"], ENTITY, "entity"),
        entity_id=_text(value["entity_id"], RECORD_ID, "entity_id"),
        detail=check_detail(value["detail"]),
        prev_hash=_text(value["prev"], HASH, "prev"),
        hash=_text(value["hash"], HASH, "hash"),
    )


# -- writing ------------------------------------------------------------------------------------

_INSERT = (
    "INSERT INTO audit (origin, seq, at, author, action, entity, entity_id, detail, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT = (
    "SELECT o.node_id, a.seq, a.at, u.user_id, a.action, a.entity, a.entity_id, a.detail, a.prev_hash, a.hash "
    "FROM audit a JOIN origin o ON o.ref = a.origin JOIN author u ON u.ref = a.author"
)


def _row(db: sqlite_utils.Database, entry: Entry) -> tuple:
    return (
        origin_ref(db, entry.node_id), entry.seq, entry.at, author_ref(db, entry.user_id), entry.action, entry.entity,
        entry.entity_id, _canonical(entry.detail), bytes.fromhex(entry.prev_hash), bytes.fromhex(entry.hash),
    )


def _hex(value: Any) -> str:
    return value.hex() if isinstance(value, bytes) else str(value)


def _origin(db: sqlite_utils.Database, node_id: str) -> int | None:
    """The local number of a node, without adding it (``None``: nothing of it is held)."""
    row = db.execute("SELECT ref FROM origin WHERE node_id = ?", [node_id]).fetchone()
    return row[0] if row else None


def head(db: sqlite_utils.Database, node_id: str) -> tuple[int, str]:
    """The seq and hash of a node's newest entry; (0, ``GENESIS``) before its first."""
    ref = _origin(db, node_id)
    row = db.execute("SELECT seq, hash FROM audit WHERE origin = ? ORDER BY seq DESC LIMIT 1", [ref]).fetchone()
    return (row[0], _hex(row[1])) if row else (0, GENESIS)


def append(
    db: sqlite_utils.Database, node_id: str, user_id: str, action: str, at: str, *,
    entity: str = "", entity_id: str = "", detail: dict | None = None,
) -> Entry:
    """Add this node's next entry, chained to its newest one, inside the caller's transaction (it
    must be a write transaction, so that no other writer takes the same number)."""
    _text(node_id, NODE_ID, "node")
    _text(user_id, USER_ID, "user")
    _text(action, ACTION, "action")
    _text(entity, ENTITY, "entity")
    _text(entity_id, RECORD_ID, "entity_id")
    _text(at, AT, "at")
    seq, prev = head(db, node_id)
    entry = Entry(node_id, seq + 1, at, user_id, action, entity, entity_id, check_detail(dict(detail or {})), prev)
    entry = Entry(**{**entry.__dict__, "hash": entry.computed_hash()})
    db.execute(_INSERT, _row(db, entry))
    return entry


def store_received(db: sqlite_utils.Database, entries: Iterable[Entry]) -> int:
    """Store entries of another node exactly as they came (the caller skips numbers already held)."""
    rows = [_row(db, e) for e in entries]
    db.conn.executemany(_INSERT, rows)
    return len(rows)


# -- reading ------------------------------------------------------------------------------------


def _entry(row: tuple) -> Entry:
    node_id, seq, at, user_id, action, entity, entity_id, detail, prev_hash, digest = row
    try:
        parsed = json.loads(detail) if detail else {}
    except ValueError:
        parsed = {"unreadable": str(detail)[:200]}
    if not isinstance(parsed, dict):
        parsed = {"unreadable": str(detail)[:200]}
    return Entry(node_id, seq, at, user_id, action, entity, entity_id, parsed, _hex(prev_hash), _hex(digest))


def get(db: sqlite_utils.Database, node_id: str, seq: int) -> Entry | None:
    row = db.execute(f"{_SELECT} WHERE a.origin = ? AND a.seq = ?", [_origin(db, node_id), seq]).fetchone()
    return _entry(row) if row else None


def entries_by_key(db: sqlite_utils.Database, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Entry]:
    by_node: dict[str, list[int]] = {}
    for node_id, seq in keys:
        by_node.setdefault(node_id, []).append(seq)
    found = {}
    for node_id, seqs in by_node.items():
        ref = _origin(db, node_id)
        for start in range(0, len(seqs), 500):
            chunk = seqs[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in db.execute(f"{_SELECT} WHERE a.origin = ? AND a.seq IN ({marks})", [ref, *chunk]):
                found[(row[0], row[1])] = _entry(row)
    return found


def newest_keys(db: sqlite_utils.Database, *, node_id: str | None = None, limit: int | None = None) -> list[tuple[str, int]]:
    """(node, seq) of entries, newest first: by seq for one node, by time across nodes."""
    tail = f" LIMIT {int(limit)}" if limit else ""
    if node_id is not None:
        rows = db.execute(f"SELECT seq FROM audit WHERE origin = ? ORDER BY seq DESC{tail}", [_origin(db, node_id)])
        return [(node_id, r[0]) for r in rows]
    names = dict(db.execute("SELECT ref, node_id FROM origin"))
    rows = db.execute(f"SELECT origin, seq FROM audit ORDER BY at DESC, origin, seq DESC{tail}")
    return [(names[r[0]], r[1]) for r in rows]


def count(db: sqlite_utils.Database, node_id: str | None = None) -> int:
    if node_id is None:
        return db.execute("SELECT count(*) FROM audit").fetchone()[0]
    return db.execute("SELECT count(*) FROM audit WHERE origin = ?", [_origin(db, node_id)]).fetchone()[0]


def chain(db: sqlite_utils.Database, node_id: str, *, after: int = 0) -> Iterator[Entry]:
    """A node's entries above seq ``after``, oldest first."""
    rows = db.execute(f"{_SELECT} WHERE a.origin = ? AND a.seq > ? ORDER BY a.seq", [_origin(db, node_id), after])
    for row in rows:
        yield _entry(row)


def nodes_with_entries(db: sqlite_utils.Database) -> list[str]:
    return [
        r[0] for r in db.execute(
            "SELECT node_id FROM origin o WHERE EXISTS (SELECT 1 FROM audit a WHERE a.origin = o.ref) ORDER BY node_id"
        )
    ]


def hashes_between(db: sqlite_utils.Database, node_id: str, low: int, high: int) -> dict[int, str]:
    """seq → hash of a node's entries held from ``low`` to ``high``."""
    rows = db.execute("SELECT seq, hash FROM audit WHERE origin = ? AND seq BETWEEN ? AND ?", [_origin(db, node_id), low, high])
    return {seq: _hex(digest) for seq, digest in rows}


def last_below(db: sqlite_utils.Database, node_id: str, seq: int) -> int:
    """The highest seq of a node's entries held below ``seq`` (0: none)."""
    row = db.execute("SELECT max(seq) FROM audit WHERE origin = ? AND seq < ?", [_origin(db, node_id), seq]).fetchone()
    return row[0] or 0


def _counts(db: sqlite_utils.Database, ref: int | None) -> tuple[int, int, int]:
    """count, min and max seq of a node's entries."""
    return db.execute(
        "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM audit WHERE origin = ?", [ref]
    ).fetchone()


def held_through(db: sqlite_utils.Database, node_id: str) -> int:
    """The highest seq up to which every entry of the node is held here (what a receipt reports)."""
    ref = _origin(db, node_id)
    count, first, top = _counts(db, ref)
    if first != 1:
        return 0
    if top == count:
        return top
    row = db.execute(  # the end of the run that starts at 1
        """SELECT min(a.seq) FROM audit a WHERE a.origin = ?1
             AND NOT EXISTS (SELECT 1 FROM audit b WHERE b.origin = ?1 AND b.seq = a.seq + 1)""",
        [ref],
    ).fetchone()
    return row[0]


# -- checking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainCheck:
    """One node's chain: how many entries, its first and last number, and the first entry where
    it breaks (``bad_seq``, ``problem``: ``hash`` | ``link`` | ``gap``), or ``ok``."""

    node_id: str
    entries: int
    first_seq: int
    last_seq: int
    bad_seq: int = 0
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def check_entries(node_id: str, entries: Iterable[Entry], *, before: tuple[int, str] = (0, GENESIS)) -> ChainCheck:
    """Walk a node's entries in seq order from ``before`` (the seq and hash of the entry they follow)."""
    count, first, last = 0, 0, 0
    expected_seq, expected_prev = before[0] + 1, before[1]
    for entry in entries:
        count += 1
        first = first or entry.seq
        last = entry.seq
        if entry.seq != expected_seq:  # the first number missing
            return ChainCheck(node_id, count, first, last, expected_seq, GAP)
        if entry.computed_hash() != entry.hash:
            return ChainCheck(node_id, count, first, last, entry.seq, HASH_MISMATCH)
        if entry.prev_hash != expected_prev:
            return ChainCheck(node_id, count, first, last, entry.seq, BROKEN_LINK)
        expected_seq, expected_prev = entry.seq + 1, entry.hash
    return ChainCheck(node_id, count, first, last)


def check_chain(db: sqlite_utils.Database, node_id: str) -> ChainCheck:
    """Check a node's whole chain as held here; on a break, the count says how many entries were
    read up to it, so it is completed with the node's total."""
    found = check_entries(node_id, chain(db, node_id))
    if found.ok:
        return found
    total, first, last = _counts(db, _origin(db, node_id))
    return ChainCheck(node_id, total, first, last, found.bad_seq, found.problem)


# -- what a township found wrong in a node's chain -----------------------------------------------


@dataclass(frozen=True)
class AuditWarning:
    node_id: str
    kind: str  # hash | link | gap | rewound
    seq: int  # the first entry concerned
    count: int  # how many entries
    found_at: str
    bundle_sha256: str
    bundle_seq: int


def add_warning(
    db: sqlite_utils.Database, node_id: str, kind: str, seq: int, count: int, found_at: str, bundle_sha256: str,
    bundle_seq: int,
) -> AuditWarning:
    db.execute(
        """INSERT INTO audit_warning (node_id, kind, seq, count, found_at, bundle_sha256, bundle_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [node_id, kind, seq, count, found_at, bundle_sha256, bundle_seq],
    )
    return AuditWarning(node_id, kind, seq, count, found_at, bundle_sha256, bundle_seq)


def warnings(db: sqlite_utils.Database, node_id: str | None = None) -> list[AuditWarning]:
    where, params = ("WHERE node_id = ?", [node_id]) if node_id else ("", [])
    return [
        AuditWarning(*row)
        for row in db.execute(
            f"""SELECT node_id, kind, seq, count, found_at, bundle_sha256, bundle_seq FROM audit_warning {where}
                ORDER BY found_at, node_id, seq""",
            params,
        )
    ]


def warned_about(db: sqlite_utils.Database, bundle_sha256: str) -> bool:
    return db.execute("SELECT 1 FROM audit_warning WHERE bundle_sha256 = ? LIMIT 1", [bundle_sha256]).fetchone() is not None


def keep_divergent(db: sqlite_utils.Database, entries: Iterable[Entry], found_at: str) -> None:
    """Entries that contradict ones already held (same node and number, another hash), kept as evidence."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO audit_divergent (node_id, seq, hash, entry, found_at) VALUES (?, ?, ?, ?, ?)",
        [(e.node_id, e.seq, e.hash, _canonical(e.as_wire()), found_at) for e in entries],
    )


# -- what a peer has acknowledged holding --------------------------------------------------------


def acknowledged(db: sqlite_utils.Database, peer_node: str, node_id: str) -> int:
    row = db.execute("SELECT seq FROM audit_ack WHERE peer_node = ? AND node_id = ?", [peer_node, node_id]).fetchone()
    return row[0] if row else 0


def set_acknowledged(db: sqlite_utils.Database, peer_node: str, holds: dict[str, int], at: str) -> None:
    """What ``peer_node`` says it holds of each node's chain, as of its newest word: set, not raised,
    so that a peer that lost entries (restored from a backup) is sent them again."""
    db.conn.executemany(
        """INSERT INTO audit_ack (peer_node, node_id, seq, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (peer_node, node_id) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at""",
        [(peer_node, node_id, seq, at) for node_id, seq in holds.items()],
    )
