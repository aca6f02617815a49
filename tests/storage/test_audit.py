"""The audit log's storage: entries chained by SHA-256 from a fixed genesis value, append-only by
triggers, and a check that names the exact entry where an edited, removed or re-linked chain breaks."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from rangtang_desktop.storage import audit as store
from rangtang_desktop.storage.database import write_transaction

AT = "2026-03-01T08:00:00.000+00:00"


def add(ws, count: int, action: str = "view") -> list[store.Entry]:
    made = []
    with write_transaction(ws.db):
        for index in range(count):
            made.append(store.append(
                ws.db, ws.node_id, ws.user_id, action, AT, entity="person", entity_id=f"p{index}", detail={"where": "register"},
            ))
    return made


def drop_triggers(ws) -> None:
    """What someone editing the database file by hand would do first."""
    for name in ("audit_is_locked", "audit_is_kept", "audit_is_not_replaced"):
        ws.db.execute(f"DROP TRIGGER {name}")


def rehash(ws, seq: int, **changes) -> None:
    """Rewrite entry ``seq`` with new contents and a hash that matches them (a careful forger)."""
    entry = store.get(ws.db, ws.node_id, seq)
    forged = store.Entry(**{**entry.__dict__, **changes, "hash": ""})
    forged = store.Entry(**{**forged.__dict__, "hash": forged.computed_hash()})
    ws.db.execute(
        "UPDATE audit SET action = ?, detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
        [forged.action, json.dumps(forged.detail), bytes.fromhex(forged.prev_hash), bytes.fromhex(forged.hash), seq],
    )


def test_entries_chain_from_genesis_and_verify(workspace):
    """Each entry names the hash of the one before (the first names 64 zeros); the chain checks out."""
    made = add(workspace, 5)
    assert [e.seq for e in made] == [1, 2, 3, 4, 5]
    assert made[0].prev_hash == store.GENESIS == "0" * 64
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(made, made[1:], strict=False))
    result = store.check_chain(workspace.db, workspace.node_id)
    assert result.ok and (result.entries, result.first_seq, result.last_seq) == (5, 1, 5)


def test_the_hash_is_sha256_of_the_canonical_entry(workspace):
    """The documented definition, computed independently: SHA-256 over the sorted, spaceless JSON of
    the entry (with v=1 and the previous hash)."""
    [entry] = add(workspace, 1)
    text = json.dumps(
        {
            "v": 1, "node": workspace.node_id, "seq": 1, "at": AT, "user": workspace.user_id, "action": "view",
            "entity": "person", "entity_id": "p0", "detail": {"where": "register"}, "prev": "0" * 64,
        },
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    assert entry.hash == hashlib.sha256(text.encode()).hexdigest()
    assert store.get(workspace.db, workspace.node_id, 1) == entry
    [row] = workspace.db.execute("SELECT node_id, seq, user_id, prev_hash, hash FROM audit_log").fetchall()
    assert row == (workspace.node_id, 1, workspace.user_id, "0" * 64, entry.hash)  # the readable view


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit SET action = 'change' WHERE seq = 2",
        "DELETE FROM audit WHERE seq = 2",
        "INSERT OR REPLACE INTO audit (origin, seq, at, author, action, prev_hash, hash) SELECT origin, 2, at, author, 'x', prev_hash, hash FROM audit WHERE seq = 1",
        "INSERT INTO audit (origin, seq, at, author, action, prev_hash, hash) SELECT origin, 2, at, author, 'x', prev_hash, hash FROM audit WHERE seq = 1",
    ],
)
def test_triggers_refuse_changing_deleting_and_replacing(workspace, sql):
    """The table is append-only: UPDATE, DELETE and an INSERT over an existing number are refused."""
    add(workspace, 3)
    before = list(workspace.db.execute("SELECT * FROM audit ORDER BY seq"))
    with pytest.raises(sqlite3.IntegrityError, match="audit entry cannot be"):
        workspace.db.execute(sql)
    assert list(workspace.db.execute("SELECT * FROM audit ORDER BY seq")) == before


def test_warnings_and_divergent_entries_are_append_only(workspace):
    """What a township found stays: its warnings and kept entries cannot be changed or removed."""
    with write_transaction(workspace.db):
        store.add_warning(workspace.db, "n1", store.REWOUND, 3, 2, AT, "ab" * 32, 4)
    with pytest.raises(sqlite3.IntegrityError):
        workspace.db.execute("DELETE FROM audit_warning")
    with pytest.raises(sqlite3.IntegrityError):
        workspace.db.execute("UPDATE audit_warning SET kind = 'gap'")


def test_an_edited_entry_is_found_at_its_number(workspace):
    """Changing what an entry says (with the triggers dropped) breaks the chain exactly there: its hash."""
    add(workspace, 6)
    drop_triggers(workspace)
    workspace.db.execute("UPDATE audit SET action = 'open' WHERE seq = 3")
    result = store.check_chain(workspace.db, workspace.node_id)
    assert (result.ok, result.bad_seq, result.problem, result.entries) == (False, 3, store.HASH_MISMATCH, 6)


def test_an_edited_detail_is_found(workspace):
    add(workspace, 4)
    drop_triggers(workspace)
    workspace.db.execute("""UPDATE audit SET detail = '{"where":"dialog"}' WHERE seq = 2""")
    result = store.check_chain(workspace.db, workspace.node_id)
    assert (result.bad_seq, result.problem) == (2, store.HASH_MISMATCH)


def test_a_removed_entry_is_a_gap_at_its_number(workspace):
    add(workspace, 6)
    drop_triggers(workspace)
    workspace.db.execute("DELETE FROM audit WHERE seq = 4")
    result = store.check_chain(workspace.db, workspace.node_id)
    assert (result.bad_seq, result.problem) == (4, store.GAP)


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(workspace):
    """A forger who recomputes the edited entry's hash still breaks the chain at the next entry."""
    add(workspace, 6)
    drop_triggers(workspace)
    rehash(workspace, 4, action="open")
    result = store.check_chain(workspace.db, workspace.node_id)
    assert (result.bad_seq, result.problem) == (5, store.BROKEN_LINK)


def test_the_newest_entry_removed_is_not_detectable_locally_but_the_chain_stays_valid(workspace):
    """Cutting the tail leaves a valid, shorter chain: only a copy elsewhere (the township) shows it."""
    add(workspace, 4)
    drop_triggers(workspace)
    workspace.db.execute("DELETE FROM audit WHERE seq = 4")
    result = store.check_chain(workspace.db, workspace.node_id)
    assert result.ok and result.last_seq == 3


@pytest.mark.parametrize(
    "change",
    [
        {"extra": 1},
        {"seq": True},
        {"seq": 0},
        {"seq": 1.0},
        {"node": "has space"},
        {"at": "yesterday"},
        {"action": "View"},
        {"entity_id": "卓玛"},
        {"detail": {"score": 0.5}},
        {"detail": "text"},
        {"detail": {"long": "x" * 2000}},
        {"prev": "0" * 63},
        {"hash": "Z" * 64},
    ],
)
def test_received_entries_are_checked_strictly(workspace, change):
    """A bundle's entry must have exactly the expected keys, each of its form (no floats, no names)."""
    [entry] = add(workspace, 1)
    wire = {**entry.as_wire(), **change}
    with pytest.raises(store.BadEntry):
        store.entry_from_wire(wire)
    assert store.entry_from_wire(entry.as_wire()) == entry


def test_held_through_stops_at_the_first_missing_entry(workspace):
    node = "01TOWNSHIP-village"
    entries = []
    prev = store.GENESIS
    for seq in (1, 2, 3, 5, 6):
        e = store.Entry(node, seq, AT, "", "view", "", "", {}, prev)
        e = store.Entry(**{**e.__dict__, "hash": e.computed_hash()})
        prev = e.hash
        entries.append(e)
    with write_transaction(workspace.db):
        store.store_received(workspace.db, entries)
    assert store.held_through(workspace.db, node) == 3
    assert store.held_through(workspace.db, "nobody") == 0
    result = store.check_chain(workspace.db, node)
    assert (result.bad_seq, result.problem) == (4, store.GAP)
