"""Other computers as the bundle services know them (DESIGN §5): enrolled and revoked nodes, what a
peer is known to hold (``peer_holding``), what a village holds of what its township sends it
(``received_coverage``), and the bundles received and sent. Every function runs inside the caller's
transaction; nothing here decides policy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

_NODE_COLUMNS = """node_id, role, unit_code, display_name, signing_public, encryption_public, is_self, enrolled_at,
                   coalesce(revoked_at, ''), revoked_reason, township_node, created_at"""


@dataclass(frozen=True)
class NodeRow:
    node_id: str
    role: str
    unit_code: str
    display_name: str
    signing_public: bytes
    encryption_public: bytes
    is_self: bool
    enrolled_at: str
    revoked_at: str  # '' while not revoked
    revoked_reason: str
    township_node: str
    created_at: str


def _node(row: tuple) -> NodeRow:
    return NodeRow(
        row[0], row[1], row[2], row[3], bytes(row[4]), bytes(row[5]), bool(row[6]), row[7], row[8], row[9], row[10], row[11]
    )


def node_row(db: sqlite_utils.Database, node_id: str) -> NodeRow | None:
    row = db.execute(f"SELECT {_NODE_COLUMNS} FROM node WHERE node_id = ?", [node_id]).fetchone()
    return _node(row) if row else None


def self_row(db: sqlite_utils.Database) -> NodeRow:
    row = db.execute(f"SELECT {_NODE_COLUMNS} FROM node WHERE is_self = 1").fetchone()
    if row is None:
        raise LookupError("this database has no node of its own")
    return _node(row)


def self_private_keys(db: sqlite_utils.Database) -> tuple[bytes, bytes]:
    """This node's raw (signing, encryption) private keys."""
    row = db.execute("SELECT signing_private, encryption_private FROM node WHERE is_self = 1").fetchone()
    if row is None or not row[0] or not row[1]:
        raise LookupError("this database has no private keys")
    return bytes(row[0]), bytes(row[1])


def other_nodes(db: sqlite_utils.Database, *, role: str | None = None) -> list[NodeRow]:
    """Every other node known here (enrolled, revoked or only named in a revocation list)."""
    where, params = "is_self = 0", []
    if role:
        where += " AND role = ?"
        params.append(role)
    return [_node(r) for r in db.execute(f"SELECT {_NODE_COLUMNS} FROM node WHERE {where} ORDER BY unit_code, node_id", params)]


def enroll(
    db: sqlite_utils.Database,
    *,
    node_id: str,
    role: str,
    unit_code: str,
    display_name: str,
    signing_public: bytes,
    encryption_public: bytes,
    at: str,
) -> None:
    """Store (or re-enroll) another node with its keys; a revoked node enrolled anew is trusted again."""
    db.execute(
        """INSERT INTO node (node_id, role, unit_code, signing_public, encryption_public, is_self, created_at,
                             enrolled_at, display_name)
           VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)
           ON CONFLICT(node_id) DO UPDATE SET role = excluded.role, unit_code = excluded.unit_code,
             signing_public = excluded.signing_public, encryption_public = excluded.encryption_public,
             enrolled_at = excluded.enrolled_at, display_name = excluded.display_name, revoked_at = NULL,
             revoked_reason = ''
           WHERE node.is_self = 0""",
        [node_id, role, unit_code, signing_public, encryption_public, at, at, display_name],
    )


def set_township(db: sqlite_utils.Database, township_node: str) -> None:
    db.execute("UPDATE node SET township_node = ? WHERE is_self = 1", [township_node])


def set_self_display_name(db: sqlite_utils.Database, display_name: str) -> None:
    db.execute("UPDATE node SET display_name = ? WHERE is_self = 1", [display_name])


def revoke(db: sqlite_utils.Database, node_id: str, at: str, reason: str) -> None:
    db.execute(
        "UPDATE node SET revoked_at = ?, revoked_reason = ? WHERE node_id = ? AND is_self = 0", [at, reason, node_id]
    )


def store_revocation(db: sqlite_utils.Database, entry: dict[str, Any], at: str) -> bool:
    """Mark a node revoked as a revocation list names it (adding it if unknown here). Returns
    whether anything changed. Never touches this node's own row."""
    existing = node_row(db, entry["node_id"])
    if existing is not None:
        if existing.is_self or existing.revoked_at:
            return False
        revoke(db, entry["node_id"], entry["revoked_at"] or at, "")
        return True
    db.execute(
        """INSERT INTO node (node_id, role, unit_code, signing_public, encryption_public, is_self, created_at,
                             revoked_at)
           VALUES (?, ?, ?, ?, ?, 0, ?, ?)""",
        [entry["node_id"], entry["role"], entry["unit_code"], entry["signing_public"], entry["encryption_public"], at,
         entry["revoked_at"] or at],
    )
    return True


# -- holdings -----------------------------------------------------------------------------------


def peer_holdings(db: sqlite_utils.Database, peer: str) -> dict[str, int]:
    """Per origin node: every seq 1..n that ``peer`` is known to hold."""
    return dict(db.execute("SELECT origin_node, seq FROM peer_holding WHERE peer_node = ?", [peer]).fetchall())


def raise_peer_holdings(db: sqlite_utils.Database, peer: str, holds: dict[str, int], at: str) -> bool:
    """What a peer holds only grows (bundles may arrive out of order). Returns whether it grew."""
    return _raise(db, "peer_holding", "peer_node", peer, holds, at)


def coverage(db: sqlite_utils.Database, sender: str) -> dict[str, int]:
    """Per origin node: up to which seq this node holds everything ``sender`` would send it."""
    return dict(db.execute("SELECT origin_node, seq FROM received_coverage WHERE sender_node = ?", [sender]).fetchall())


def raise_coverage(db: sqlite_utils.Database, sender: str, values: dict[str, int], at: str) -> bool:
    return _raise(db, "received_coverage", "sender_node", sender, values, at)


def _raise(db: sqlite_utils.Database, table: str, key: str, node: str, values: dict[str, int], at: str) -> bool:
    before = db.conn.total_changes
    db.conn.executemany(
        f"""INSERT INTO {table} ({key}, origin_node, seq, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT({key}, origin_node) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
            WHERE excluded.seq > {table}.seq""",
        [(node, origin, int(seq), at) for origin, seq in sorted(values.items()) if int(seq) > 0],
    )
    return db.conn.total_changes != before


def count_above(db: sqlite_utils.Database, acknowledged: dict[str, int], *, own_node: str, own_next_seq: int) -> int:
    """How many changes here have a seq above what ``acknowledged`` says for their origin. This
    node's own changes are numbered without gaps, so they are counted from its next seq, not row by
    row (a county database holds over a million of them)."""
    total = max(0, own_next_seq - 1 - acknowledged.get(own_node, 0))
    for ref, node_id in db.execute("SELECT ref, node_id FROM origin WHERE node_id != ?", [own_node]):
        total += db.execute(
            "SELECT count(*) FROM change WHERE origin = ? AND seq > ?", [ref, acknowledged.get(node_id, 0)]
        ).fetchone()[0]
    return total


def own_changes_above(own_next_seq: int, acknowledged: int) -> int:
    return max(0, own_next_seq - 1 - acknowledged)


# -- bundles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    sender_node: str
    bundle_seq: int
    bundle_hash: str
    received_at: str
    status: str
    summary: dict
    held_path: str


def received_with_seq(db: sqlite_utils.Database, sender: str, seq: int) -> list[Received]:
    rows = db.execute(
        """SELECT sender_node, bundle_seq, bundle_hash, received_at, status, summary, held_path
           FROM bundle_received WHERE sender_node = ? AND bundle_seq = ?""",
        [sender, seq],
    )
    return [Received(*r[:5], json.loads(r[5] or "{}"), r[6]) for r in rows]


def record_received(
    db: sqlite_utils.Database, *, sender: str, seq: int, sha256: str, at: str, status: str, summary: dict, held_path: str = ""
) -> None:
    db.execute(
        """INSERT OR IGNORE INTO bundle_received (sender_node, bundle_seq, bundle_hash, received_at, status, summary, held_path)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [sender, seq, sha256, at, status, json.dumps(summary, ensure_ascii=False, sort_keys=True), held_path],
    )


def received_sequences(db: sqlite_utils.Database, sender: str) -> set[int]:
    """Sequence numbers of the bundles applied from a sender (forks not counted)."""
    return {
        r[0] for r in db.execute(
            "SELECT bundle_seq FROM bundle_received WHERE sender_node = ? AND status != 'fork' AND bundle_seq > 0", [sender]
        )
    }


def missing_sequences(seqs: set[int]) -> list[int]:
    """The bundle sequence numbers below the highest one seen that never arrived."""
    if not seqs:
        return []
    return [s for s in range(1, max(seqs)) if s not in seqs]


@dataclass(frozen=True)
class SenderStats:
    last_received_at: str = ""
    last_bundle_seq: int = 0
    bundles_received: int = 0
    forks: int = 0
    seqs: frozenset[int] = frozenset()


def sender_stats(db: sqlite_utils.Database) -> dict[str, SenderStats]:
    found: dict[str, dict] = {}
    for sender, seq, at, status in db.execute("SELECT sender_node, bundle_seq, received_at, status FROM bundle_received"):
        entry = found.setdefault(sender, {"at": "", "top": 0, "count": 0, "forks": 0, "seqs": set()})
        if status == "fork":
            entry["forks"] += 1
            continue
        entry["count"] += 1
        entry["at"] = max(entry["at"], at)
        if seq > 0:
            entry["top"] = max(entry["top"], seq)
            entry["seqs"].add(seq)
    return {
        sender: SenderStats(e["at"], e["top"], e["count"], e["forks"], frozenset(e["seqs"])) for sender, e in found.items()
    }


def next_sequence(db: sqlite_utils.Database, recipient: str) -> tuple[int, str]:
    """The sequence number of the next bundle to ``recipient`` and the SHA-256 of the previous one:
    each recipient sees one unbroken chain from this node."""
    row = db.execute(
        "SELECT bundle_seq, bundle_hash FROM bundle_sent WHERE recipient_node = ? ORDER BY bundle_seq DESC LIMIT 1",
        [recipient],
    ).fetchone()
    return (row[0] + 1, row[1]) if row else (1, "")


def record_sent(
    db: sqlite_utils.Database,
    *,
    recipient: str,
    seq: int,
    sha256: str,
    at: str,
    ranges: dict[str, list[int]],
    kind: str,
    summary: dict,
) -> None:
    db.execute(
        """INSERT INTO bundle_sent (recipient_node, bundle_seq, bundle_hash, created_at, ranges, kind, summary)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [recipient, seq, sha256, at, json.dumps(ranges, sort_keys=True), kind, json.dumps(summary, sort_keys=True)],
    )
    db.execute("UPDATE node SET next_bundle_seq = max(next_bundle_seq, ?) WHERE is_self = 1", [seq + 1])


def history(db: sqlite_utils.Database, limit: int) -> list[tuple]:
    """(direction, node id, seq, at, status, summary JSON, held path), newest first."""
    return db.execute(
        """SELECT * FROM (
             SELECT 'received' AS direction, sender_node, bundle_seq, received_at AS at, status, summary, held_path
             FROM bundle_received
             UNION ALL
             SELECT 'sent', recipient_node, bundle_seq, created_at, 'sent', summary, '' FROM bundle_sent
           ) ORDER BY at DESC LIMIT ?""",
        [limit],
    ).fetchall()
