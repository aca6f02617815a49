"""Flags on disk: evaluation results stored without duplicates or deletions, evaluation events, and
the synced status materialised from the change log (also from another laptop's concurrent change)."""

from __future__ import annotations

import json

from rangtang_desktop.core.flags import flag_id
from rangtang_desktop.core.msg import Message
from rangtang_desktop.storage import flags as store
from rangtang_desktop.storage.changelog import ChangeLog
from rangtang_desktop.storage.database import write_transaction


def state(rule: str, child: str, severity: str = "high", text: str = "fact") -> store.FlagState:
    return store.FlagState(rule, 1, child, severity, severity == "critical", store.facts_to_json([Message(text)]))


def stored(ws, found, children, now):
    with write_transaction(ws.db):
        return store.store_findings(ws.db, found, children, now)


def rows(ws) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in ws.db.execute("SELECT id, holds, severity, cleared_at, first_raised_at FROM flag")}


def test_storing_twice_changes_nothing(workspace):
    """The same findings stored again add no row and no event."""
    found = [state("R32", "a"), state("R01", "a", "critical")]
    first = stored(workspace, found, None, "2025-06-01T00:00:00.000+00:00")
    again = stored(workspace, found, None, "2025-06-02T00:00:00.000+00:00")
    assert len(first.raised) == 2 and again.raised == [] and again.still_holding == 2
    assert set(rows(workspace)) == {flag_id("R32", "a"), flag_id("R01", "a")}
    assert workspace.db.execute("SELECT count(*) FROM flag_event").fetchone()[0] == 2


def test_a_flag_not_found_again_is_cleared_not_deleted(workspace):
    """A flag missing from a later evaluation keeps its row with holds off and the clearing time."""
    stored(workspace, [state("R32", "a")], None, "2025-06-01T00:00:00.000+00:00")
    result = stored(workspace, [], None, "2025-06-03T00:00:00.000+00:00")
    assert result.cleared == [flag_id("R32", "a")]
    assert rows(workspace)[flag_id("R32", "a")] == (0, "high", "2025-06-03T00:00:00.000+00:00", "2025-06-01T00:00:00.000+00:00")


def test_evaluating_some_children_leaves_the_others_alone(workspace):
    """Storing the findings of child a does not clear child b's flags."""
    stored(workspace, [state("R32", "a"), state("R32", "b")], None, "2025-06-01T00:00:00.000+00:00")
    stored(workspace, [], ["a"], "2025-06-02T00:00:00.000+00:00")
    assert {k: v[0] for k, v in rows(workspace).items()} == {flag_id("R32", "a"): 0, flag_id("R32", "b"): 1}


def test_events_record_raised_cleared_raised_again_and_changes(workspace):
    """Each evaluation event keeps the severity and facts of its moment."""
    key = flag_id("R10", "a")
    stored(workspace, [state("R10", "a", "high", "an adult returns")], None, "2025-06-01T00:00:00.000+00:00")
    stored(workspace, [state("R10", "a", "critical", "nobody returns")], None, "2025-06-02T00:00:00.000+00:00")
    stored(workspace, [], None, "2025-06-03T00:00:00.000+00:00")
    stored(workspace, [state("R10", "a", "high", "an adult returns")], None, "2025-06-04T00:00:00.000+00:00")
    events = store.flag_events(workspace.db, key)
    assert [(e.kind, e.severity) for e in events] == [("raised", "high"), ("changed", "critical"), ("cleared", "critical"), ("raised_again", "high")]
    assert events[1].facts == (Message("nobody returns"),)


def test_the_status_is_the_latest_head_across_laptops(workspace):
    """Two laptops changing a status concurrently: the greater clock wins, as for register fields."""
    key = flag_id("R32", "a")
    other = "01900000-0000-7000-8000-00000000beef"
    with write_transaction(workspace.db):
        workspace.db.execute(
            "INSERT INTO node (node_id, role, signing_public, encryption_public, created_at) VALUES (?, 'village', x'00', x'00', '')",
            [other],
        )
        workspace.changelog().write_value("flag", key, "status", {"status": "acknowledged"}, "seen here")
        ChangeLog(workspace.db, other, "other-user").write_value("flag", key, "status", {"status": "referred"}, "sent there", new=True)
        store.refresh_status(workspace.db, [key])
    heads = list(workspace.db.query("SELECT value, hlc, node_id FROM change_log WHERE entity_id = ?", [key]))
    winner = max(heads, key=lambda r: (r["hlc"], r["node_id"]))
    assert store.status_of(workspace.db, key) == json.loads(winner["value"])["status"]
    assert store.status_of(workspace.db, flag_id("R01", "a")) == "open"
