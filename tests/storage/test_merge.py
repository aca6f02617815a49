"""Merging received changes: idempotence, order, gaps, unknown entities, the future hold, visits by
union, dry runs, forks, supersession of changes not yet received, and what travels back."""

from __future__ import annotations

import dataclasses
import hashlib
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.hlc import Timestamp
from rangtang_desktop.core.visits import to_json
from rangtang_desktop.services import conflicts as conflict_service
from rangtang_desktop.services import register, visits
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import conflicts as conflict_store
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.changelog import change_count
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.merge import (
    ChangeFork,
    WireChange,
    apply_changes,
    changes_to_send,
    held_changes,
    holdings,
    payload_for,
    release_held,
)
from rangtang_desktop.storage.meta import get_meta

VILLAGE = "513230101203"
PNG = b"\x89PNG\r\n\x1a\n" + b"signature"


@pytest.fixture
def laptops(tmp_path):
    """Three workspaces, each its own database and node."""
    found = [open_workspace(tmp_path / f"{name}.sqlite3", create=True) for name in ("a", "b", "c")]
    yield found
    for ws in found:
        ws.close()


def now() -> datetime:
    return datetime.now(UTC)


def apply(ws, changes, **kwargs):
    with write_transaction(ws.db):
        return apply_changes(ws.db, changes, now=kwargs.pop("now", now()), local_node_id=ws.node_id, **kwargs)


def send(src, dst, **kwargs):
    """What an incremental bundle carries from ``src`` to ``dst``, applied and followed by the
    refresh a service makes."""
    changes = changes_to_send(src.db, acknowledged=holdings(dst.db))
    payload = payload_for(src.db, changes, local_node_id=src.node_id)
    result = apply(dst, changes, visits=payload.visits, attachments=payload.attachments, users=payload.users, **kwargs)
    conflict_service.after_merge(dst, result)
    return result


def visit_rows(ws):
    from rangtang_desktop.storage.visits import unpack

    return [unpack(r[0]) for r in ws.db.execute("SELECT content FROM visit")]


def dump(ws) -> list[str]:
    return list(ws.db.conn.iterdump())


def family(ws):
    home = register.save(ws, records.Household(village_code=VILLAGE, address="上寨")).record
    girl = register.save(ws, records.Person(household_id=home.id, name_zh="卓玛", sex="female", birth_date=f"{date.today().year - 9}-03-01")).record
    return home, girl


def rows(ws, table: str):
    return ws.db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def wire(ws, entity, entity_id, field, value, *, seq=1, hlc=None, prev=(), node="0190aaaa-0000-7000-8000-000000000001"):
    return WireChange(f"{node}:{seq}", node, seq, hlc if hlc is not None else Timestamp(int(now().timestamp() * 1000), 0, node).packed,
                      entity, entity_id, field, value, tuple(prev), "user-x")


def test_reapplying_the_same_changes_changes_nothing(laptops):
    """A second delivery of the same changes is counted as already held and leaves the database as it was."""
    a, b, _ = laptops
    family(a)
    changes = changes_to_send(a.db, acknowledged={})
    first = apply(b, changes)
    assert first.new_changes == len(changes) and first.new_records == 2
    before = dump(b)
    again = apply(b, changes)
    assert (again.new_changes, again.already_had, again.new_records, again.conflicts) == (0, len(changes), 0, 0)
    assert dump(b) == before


def test_any_order_gives_the_same_register(laptops):
    """The same changes applied in two different orders give the same rows and conflicts."""
    a, b, c = laptops
    _home, girl = family(a)
    send(a, b)
    register.save(a, dataclasses.replace(reg.get(a.db, "person", girl.id), name_zh="卓玛草"))
    register.save(b, dataclasses.replace(reg.get(b.db, "person", girl.id), name_zh="卓嘎", notes="住校"))
    everything = changes_to_send(a.db, acknowledged={}) + changes_to_send(b.db, acknowledged={a.node_id: 10**6})
    shuffled = list(everything)
    random.Random(3).shuffle(shuffled)
    apply(c, shuffled)
    with open_workspace(c.path.replace("c.sqlite3", "d.sqlite3"), create=True) as d:
        apply(d, list(reversed(everything)))
        for table in ("household", "person", "relation"):
            assert rows(c, table) == rows(d, table)
        assert [r.heads for r in conflict_store.conflicts(c.db)] == [r.heads for r in conflict_store.conflicts(d.db)]
        assert len(conflict_store.conflicts(c.db)) == 1  # the name; the notes were changed on one laptop only


def test_gaps_are_reported_and_holdings_stop_below_them(laptops):
    """Missing sequence numbers are reported, holdings stop below the first gap, and a later delivery fills it."""
    a, b, _ = laptops
    family(a)
    changes = changes_to_send(a.db, acknowledged={})
    missing = [c for c in changes if c.seq in (3, 5)]
    result = apply(b, [c for c in changes if c not in missing])
    assert result.gaps == {a.node_id: [3, 5]}
    assert holdings(b.db)[a.node_id] == 2
    later = apply(b, changes_to_send(a.db, acknowledged=holdings(b.db)))
    assert later.new_changes == 2 and later.gaps == {}
    assert holdings(b.db)[a.node_id] == len(changes)


def test_changes_of_unknown_entities_and_fields_are_kept_and_passed_on(laptops):
    """A change from a newer version (an unknown entity, or an unknown field) is stored and sent on, and materialises nothing."""
    a, b, c = laptops
    _home, girl = family(a)
    send(a, b)
    strange = [
        wire(b, "vaccination", "v-1", "dose", {"n": 2}, seq=1),
        wire(b, "person", girl.id, "favourite_colour", "blue", seq=2),
    ]
    before = rows(b, "person")
    result = apply(b, strange)
    assert result.new_changes == 2 and result.conflicts == 0
    assert rows(b, "person") == before
    onward = changes_to_send(b.db, acknowledged={}, entity_filter=lambda entity, _id: entity in ("vaccination", "person"))
    assert {c.op for c in strange} <= {c.op for c in onward}
    assert apply(c, onward).new_changes == len(onward)


def test_changes_stamped_in_the_future_are_held_until_released(laptops):
    """A change stamped more than a day ahead is held back, not applied, counted as held, and applied when released."""
    a, b, _ = laptops
    _home, girl = family(a)
    send(a, b)
    ahead = now() + timedelta(days=3)
    with write_transaction(a.db):
        log = a.changelog()
        log.clock._wall = lambda: int(ahead.timestamp() * 1000)  # a laptop whose clock is three days fast
        log.write(dataclasses.replace(reg.get(a.db, "person", girl.id), name_zh="卓玛吉"), reg.get(a.db, "person", girl.id))
    result = send(a, b)
    assert (result.held_future, result.new_changes) == (1, 0)
    assert reg.get(b.db, "person", girl.id).name_zh == "卓玛"
    assert [h.field for h in held_changes(b.db)] == ["name_zh"]
    assert holdings(b.db)[a.node_id] == holdings(a.db)[a.node_id]  # held here, so not asked for again
    assert send(a, b).held_future == 0  # delivered again: already held
    clock_before = int(get_meta(b.db, "hlc"))
    with write_transaction(b.db):
        released = release_held(b.db, [h.op for h in held_changes(b.db)], now=now(), local_node_id=b.node_id)
    assert released.new_changes == 1 and held_changes(b.db) == []
    assert reg.get(b.db, "person", girl.id).name_zh == "卓玛吉"
    assert int(get_meta(b.db, "hlc")) > clock_before


def test_remote_clock_times_move_the_local_clock(laptops):
    """After a merge, the next local change is stamped after every change received."""
    a, b, _ = laptops
    family(a)
    latest = max(c.hlc for c in changes_to_send(a.db, acknowledged={}))
    send(a, b)
    assert int(get_meta(b.db, "hlc")) >= latest
    register.save(b, records.Household(village_code=VILLAGE))
    assert max(c.hlc for c in changes_to_send(b.db, acknowledged={a.node_id: 10**6})) > latest


def test_signed_visits_merge_by_union_with_hash_checks(laptops):
    """Visits signed on two laptops end on both; a visit whose content is missing or altered is not applied and is reported."""
    a, b, c = laptops
    home, _girl = family(a)
    send(a, b)

    def sign(ws):
        draft = visits.start_visit(ws, home.id)
        signature = visits.store_signature(ws, PNG)
        return visits.sign(ws, dataclasses.replace(
            draft, visitor_name="扎西", rating="good", visitor_signature=signature, guardian_signature=signature,
            guardian_signer_name="多吉",
        ))

    first, second = sign(a), sign(b)
    png = (hashlib.sha256(PNG).hexdigest(), "image/png", PNG)
    carried = payload_for(a.db, changes_to_send(a.db, acknowledged=holdings(b.db)), local_node_id=a.node_id)
    assert [v["id"] for v in carried.visits] == [first.id] and carried.attachments == [png]
    assert [(u["user_id"], u["home_node"]) for u in carried.users] == [(a.user_id, a.node_id)]
    result = apply(b, changes_to_send(a.db, acknowledged=holdings(b.db)), visits=[to_json(first)], attachments=[png])
    assert result.visits_added == 1 and result.touched["visit"] == {first.id}
    apply(a, changes_to_send(b.db, acknowledged=holdings(a.db)), visits=[to_json(second)])
    assert {v.id for v in visit_rows(a)} == {v.id for v in visit_rows(b)} == {first.id, second.id}

    everything = changes_to_send(a.db, acknowledged={})
    missing = apply(c, everything, visits=[to_json(first)])
    assert missing.rejected_visits == [second.id] and missing.visits_added == 1
    assert holdings(c.db).get(b.node_id, 0) < holdings(a.db)[b.node_id]  # asked for again
    altered = dict(to_json(second), notes="改过的")
    tampered = apply(c, changes_to_send(a.db, acknowledged=holdings(c.db)), visits=[altered])
    assert tampered.rejected_visits == [second.id] and tampered.visits_added == 0
    fixed = apply(c, changes_to_send(a.db, acknowledged=holdings(c.db)), visits=[to_json(second)])
    assert fixed.visits_added == 1 and fixed.rejected_visits == []
    bad = apply(c, [], attachments=[("0" * 64, "image/png", PNG), png])
    assert bad.rejected_attachments == ["0" * 64]


def test_a_dry_run_leaves_the_database_byte_identical(laptops):
    """A dry run reports what would happen (new records, conflicts) and the database dump is unchanged."""
    a, b, _ = laptops
    _home, girl = family(a)
    send(a, b)
    register.save(a, dataclasses.replace(reg.get(a.db, "person", girl.id), name_zh="卓玛草"))
    register.save(b, dataclasses.replace(reg.get(b.db, "person", girl.id), name_zh="卓嘎"))
    register.save(a, records.Household(village_code=VILLAGE))
    changes = changes_to_send(a.db, acknowledged=holdings(b.db))
    before = dump(b)
    with write_transaction(b.db):
        predicted = apply_changes(b.db, changes, users=[{"user_id": a.user_id, "display_name": "扎西", "role": "grid_worker"}],
                                  now=now(), local_node_id=b.node_id, dry_run=True)
    assert dump(b) == before
    assert (predicted.new_records, predicted.conflicts, predicted.changed_records) == (1, 1, 0)
    actual = apply(b, changes, users=[{"user_id": a.user_id, "display_name": "扎西", "role": "grid_worker"}])
    assert actual == predicted


def test_the_same_seq_with_other_content_is_a_fork_and_nothing_changes(laptops):
    """A change reusing an origin's seq with different content is refused as a fork, with nothing applied."""
    a, b, _ = laptops
    _home, girl = family(a)
    send(a, b)
    register.save(a, records.Household(village_code=VILLAGE, address="新的"))
    honest = changes_to_send(a.db, acknowledged=holdings(b.db))
    forged = [dataclasses.replace(c, value="别的") if c.field == "address" else c for c in changes_to_send(a.db, acknowledged={})]
    before = dump(b)
    with pytest.raises(ChangeFork) as caught:
        apply(b, forged)
    assert dump(b) == before
    assert caught.value.op_ids == [c.op for c in forged if c.field == "address" and c.value == "别的" and c.seq <= holdings(b.db)[a.node_id]]
    assert caught.value.params == {"count": 1}
    assert apply(b, honest).new_changes == len(honest)
    twin = honest[0]
    with pytest.raises(ChangeFork):
        apply(b, [dataclasses.replace(twin, hlc=twin.hlc + 1)])


def test_supersession_of_a_change_not_received_yet(laptops):
    """A change that names an earlier one arriving first still supersedes it when it comes: no conflict, the later value shows."""
    a, b, _ = laptops
    _home, girl = family(a)
    send(a, b)
    register.save(a, dataclasses.replace(reg.get(a.db, "person", girl.id), name_zh="一"))
    register.save(a, dataclasses.replace(reg.get(a.db, "person", girl.id), name_zh="二"))
    first, second = [c for c in changes_to_send(a.db, acknowledged=holdings(b.db))]
    assert second.prev == (first.op,)
    apply(b, [second])
    result = apply(b, [first])
    assert result.conflicts == 0 and conflict_store.conflicts(b.db) == []
    assert reg.get(b.db, "person", girl.id).name_zh == "二"


def test_field_groups_conflict_as_one(laptops):
    """Birth date and precision changed on two laptops make one conflict of the group, never a half-merged date."""
    a, b, _ = laptops
    _home, girl = family(a)
    send(a, b)
    register.save(a, dataclasses.replace(reg.get(a.db, "person", girl.id), birth_date="2015-06", birth_precision="month"))
    register.save(b, dataclasses.replace(reg.get(b.db, "person", girl.id), birth_date="2014", birth_precision="year"))
    send(a, b)
    send(b, a)
    for ws in (a, b):
        [item] = conflict_service.list_conflicts(ws)
        assert item.field == "birth"
        assert sorted(o.value["birth_date"] for o in item.options) == ["2014", "2015-06"]
        person = reg.get(ws.db, "person", girl.id)
        assert (person.birth_date, person.birth_precision) in (("2015-06", "month"), ("2014", "year"))
    assert reg.get(a.db, "person", girl.id) == reg.get(b.db, "person", girl.id)


def test_deletion_is_a_change_and_equal_values_are_no_conflict(laptops):
    """A deletion on one laptop and the same edit on two laptops merge without a conflict; the deleted record stays, marked."""
    a, b, _ = laptops
    home, girl = family(a)
    send(a, b)
    register.delete(a, "person", girl.id)
    register.save(b, dataclasses.replace(reg.get(b.db, "household", home.id), notes="夏季放牧"))
    register.save(a, dataclasses.replace(reg.get(a.db, "household", home.id), notes="夏季放牧"))
    send(a, b)
    send(b, a)
    for ws in (a, b):
        assert reg.get(ws.db, "person", girl.id).deleted
        assert ws.db.execute("SELECT count(*) FROM person_search WHERE person_id = ?", [girl.id]).fetchone()[0] == 0
        assert conflict_service.list_conflicts(ws) == []
        assert len(conflict_store.heads_of(ws.db, [("household", home.id, "notes")])[("household", home.id, "notes")]) == 2


def test_authors_become_known_by_name(laptops):
    """Unknown authors of received changes are stored with their names, marked as coming from the sending node."""
    a, b, _ = laptops
    family(a)
    users = [{"user_id": a.user_id, "display_name": "扎西", "role": "grid_worker"}]
    result = apply(b, changes_to_send(a.db, acknowledged={}), users=users)
    assert result.users_added == 1
    row = b.db.execute("SELECT display_name, role, home_node FROM user WHERE user_id = ?", [a.user_id]).fetchone()
    assert row == ("扎西", "grid_worker", a.node_id)
    assert apply(b, [], users=users).users_added == 0


def test_own_changes_coming_back_move_the_sequence_on(laptops, tmp_path):
    """A laptop restored from an old backup that receives its own later changes back never reuses their sequence numbers."""
    a, b, _ = laptops
    backup = tmp_path / "a-backup.sqlite3"
    import sqlite3

    copy = sqlite3.connect(backup)
    a.db.conn.backup(copy)
    copy.close()
    family(a)
    send(a, b)
    with open_workspace(backup) as restored:
        assert restored.node_id == a.node_id
        apply(restored, changes_to_send(b.db, acknowledged=holdings(restored.db)))
        returned = holdings(restored.db)[a.node_id]
        register.save(restored, records.Household(village_code=VILLAGE))
        # the new changes follow the returned ones, so the township sees no fork
        fresh = changes_to_send(restored.db, acknowledged=holdings(b.db))
        assert fresh and min(c.seq for c in fresh) == returned + 1
        assert apply(b, fresh).new_changes == len(fresh)


def test_flag_status_and_county_settings_merge(laptops):
    """A flag's status and a county setting changed elsewhere are materialised here; concurrent statuses conflict."""
    a, b, _ = laptops
    flag = "flag-1"
    with write_transaction(a.db):
        a.changelog().write_value("flag", flag, "status", {"status": "acknowledged"}, "seen")
        a.changelog().write_value("county_setting", "visits_per_month", "value", 3, "county decision")
    with write_transaction(b.db):
        b.changelog().write_value("flag", flag, "status", {"status": "dismissed"}, "not a risk")
    result = send(a, b)
    assert result.touched["county_setting"] == {"visits_per_month"}
    assert b.db.execute("SELECT value FROM county_setting WHERE key = 'visits_per_month'").fetchone() == ("3",)
    [item] = conflict_service.list_conflicts(b)
    assert item.entity == "flag" and sorted(o.value["status"] for o in item.options) == ["acknowledged", "dismissed"]


def test_wire_changes_are_parsed_strictly():
    """A wire change round-trips through JSON; a missing or extra key, a wrong type or a wrong op id is refused."""
    change = WireChange("n:1", "n", 1, 5, "person", "p", "name_zh", "卓玛", ("m:2",), "u", "")
    assert WireChange.from_json(change.as_json()) == change
    broken = [
        {k: v for k, v in change.as_json().items() if k != "reason"},
        {**change.as_json(), "extra": 1},
        {**change.as_json(), "seq": True},
        {**change.as_json(), "seq": "1"},
        {**change.as_json(), "op": "n:2"},
        {**change.as_json(), "prev": "m:2"},
        {**change.as_json(), "prev": ["m"]},
        {**change.as_json(), "entity_id": ""},
        ["not", "a", "dict"],
    ]
    for value in broken:
        with pytest.raises(ValueError):
            WireChange.from_json(value)


def test_only_unacknowledged_and_filtered_changes_are_sent(laptops):
    """Export sends what the peer has not acknowledged, per origin, in (origin, seq) order, filtered by record; full sends all."""
    a, b, _ = laptops
    home, girl = family(a)
    everything = changes_to_send(a.db, acknowledged={})
    assert [(c.node, c.seq) for c in everything] == sorted((c.node, c.seq) for c in everything)
    assert changes_to_send(a.db, acknowledged={a.node_id: 3}) == [c for c in everything if c.seq > 3]
    people_only = changes_to_send(a.db, acknowledged={}, entity_filter=lambda entity, entity_id: entity_id == girl.id)
    assert people_only and {c.entity_id for c in people_only} == {girl.id}
    assert changes_to_send(a.db, acknowledged=holdings(a.db)) == []
    assert changes_to_send(a.db, acknowledged=holdings(a.db), full=True) == everything
    assert change_count(a.db) == len(everything)
    assert home.id in {c.entity_id for c in everything}
