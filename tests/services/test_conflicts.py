"""The conflict inbox: both values with who and when, resolution with a reason as one change naming
every head (and gone everywhere once exchanged), and the refresh that follows a merge."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import ValidationFailed
from rangtang_desktop.services import conflicts, register
from rangtang_desktop.services.register_views import search
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import changelog, nodes
from rangtang_desktop.storage import conflicts as store
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.merge import apply_changes, changes_to_send, holdings

VILLAGE = "513230101203"


@pytest.fixture
def laptops(tmp_path):
    """A village laptop and the township's, each its own database and node, with named users."""
    found = []
    for name, person in (("village", "扎西"), ("township", "卓玛")):
        ws = open_workspace(tmp_path / f"{name}.sqlite3", create=True)
        with write_transaction(ws.db):
            nodes.update_user(ws.db, ws.user_id, person, "child_director")  # a grid worker would see only their groups
        found.append(ws)
    yield found
    for ws in found:
        ws.close()


def send(src, dst):
    changes = changes_to_send(src.db, acknowledged=holdings(dst.db))
    users = [{"user_id": u.user_id, "display_name": u.display_name, "role": u.role} for u in nodes.users(src.db)]
    with write_transaction(dst.db):
        result = apply_changes(dst.db, changes, users=users, now=datetime.now(UTC), local_node_id=dst.node_id)
    conflicts.after_merge(dst, result)
    return result


@pytest.fixture
def conflicted(laptops):
    """The girl's guardian relation and name, changed differently on both laptops, then exchanged."""
    village, township = laptops
    home = register.save(village, records.Household(village_code=VILLAGE, house_name_zh="格尔登")).record
    girl = register.save(village, records.Person(household_id=home.id, name_zh="卓玛", sex="female", birth_date=f"{date.today().year - 9}-03-01")).record
    send(village, township)
    register.save(village, dataclasses.replace(reg.get(village.db, "person", girl.id), name_zh="卓玛草"), reason="户口本")
    register.save(township, dataclasses.replace(reg.get(township.db, "person", girl.id), name_zh="卓嘎"), reason="学校名册")
    send(village, township)
    send(township, village)
    return village, township, girl


def test_the_inbox_shows_both_values_with_who_when_and_why(conflicted):
    """Each laptop lists the conflict once, with both values, their authors' names, times, reasons and the person's name."""
    village, township, girl = conflicted
    for ws in (village, township):
        [item] = conflicts.list_conflicts(ws)
        assert (item.entity, item.entity_id, item.field) == ("person", girl.id, "name_zh")
        assert item.label == records.field_label("person", "name_zh")
        assert {(o.value, o.author_name, o.reason) for o in item.options} == {("卓玛草", "扎西", "户口本"), ("卓嘎", "卓玛", "学校名册")}
        assert item.record_label == reg.get(ws.db, "person", girl.id).name_zh == item.options[0].value  # shown provisionally
        assert all(datetime.fromisoformat(o.when).tzinfo is not None for o in item.options)
    assert conflicts.open_count(village) == 1


def test_resolving_writes_one_change_naming_every_head_and_clears_everywhere(conflicted):
    """Resolution is one change whose prev names both heads; once exchanged the conflict is gone on both laptops."""
    village, township, girl = conflicted
    [item] = conflicts.list_conflicts(township)
    before = changelog.change_count(township.db)
    changes = conflicts.resolve_conflict(township, item.conflict_id, "卓玛草", "  checked the hukou book  ")
    assert changes.register
    assert changelog.change_count(township.db) == before + 1
    [written] = changes_to_send(township.db, acknowledged=holdings(village.db))
    assert sorted(written.prev) == sorted(o.op for o in item.options)
    assert written.reason == "checked the hukou book"
    assert conflicts.list_conflicts(township) == []
    [settled] = conflicts.list_conflicts(township, open_only=False)
    assert (settled.status, settled.settled_reason) == (store.RESOLVED, "checked the hukou book")
    row = store.get_conflict(township.db, item.conflict_id)
    assert row.settled_by == township.user_id and row.settled_by_op == written.op
    send(township, village)
    for ws in (village, township):
        assert conflicts.list_conflicts(ws) == []
        assert reg.get(ws.db, "person", girl.id).name_zh == "卓玛草"
        assert search(ws, "卓玛草")


def test_choosing_the_value_already_shown_still_settles_the_conflict(conflicted):
    """Keeping the provisional value writes the change too, so the other laptop learns the choice."""
    village, township, _girl = conflicted
    [item] = conflicts.list_conflicts(village)
    shown = item.options[0].value
    conflicts.resolve_conflict(village, item.conflict_id, shown, "asked the family")
    send(village, township)
    assert conflicts.list_conflicts(township) == []


def test_a_reason_is_required_and_nothing_changes_without_one(conflicted):
    """An empty reason is refused before anything is written."""
    village, _township, _girl = conflicted
    [item] = conflicts.list_conflicts(village)
    before = changelog.change_count(village.db)
    with pytest.raises(conflicts.ConflictReasonRequired):
        conflicts.resolve_conflict(village, item.conflict_id, item.options[0].value, "   ")
    assert changelog.change_count(village.db) == before
    assert len(conflicts.list_conflicts(village)) == 1


def test_a_settled_conflict_cannot_be_resolved_again(conflicted):
    """Resolving twice is refused the second time."""
    village, _township, _girl = conflicted
    [item] = conflicts.list_conflicts(village)
    conflicts.resolve_conflict(village, item.conflict_id, "卓嘎", "school register")
    with pytest.raises(conflicts.ConflictSettled):
        conflicts.resolve_conflict(village, item.conflict_id, "卓玛草", "changed my mind")


def test_an_ordinary_edit_of_the_field_settles_the_conflict(conflicted):
    """Saving the field through the register names every head, so the inbox drops the conflict."""
    village, _township, girl = conflicted
    register.save(village, dataclasses.replace(reg.get(village.db, "person", girl.id), name_zh="卓玛措"))
    assert conflicts.list_conflicts(village) == []
    [settled] = conflicts.list_conflicts(village, open_only=False)
    assert settled.status == store.RESOLVED


def test_values_that_do_not_fit_are_refused(conflicted):
    """A value of the wrong kind is refused; a new value is checked as the form would check it."""
    village, _township, girl = conflicted
    [item] = conflicts.list_conflicts(village)
    with pytest.raises(conflicts.ConflictValueRefused):
        conflicts.resolve_conflict(village, item.conflict_id, ["卓玛"], "a list is not a name")
    conflicts.resolve_conflict(village, item.conflict_id, "卓玛吉", "the name on the ID card")
    assert reg.get(village.db, "person", girl.id).name_zh == "卓玛吉"


def test_a_new_group_value_is_validated(laptops):
    """A typed birth date in the future is refused with the form's message."""
    village, township = laptops
    home = register.save(village, records.Household(village_code=VILLAGE)).record
    girl = register.save(village, records.Person(household_id=home.id, name_zh="卓玛", birth_date="2015-03-07")).record
    send(village, township)
    register.save(village, dataclasses.replace(reg.get(village.db, "person", girl.id), birth_date="2015-04", birth_precision="month"))
    register.save(township, dataclasses.replace(reg.get(township.db, "person", girl.id), birth_date="2014", birth_precision="year"))
    send(township, village)
    [item] = conflicts.list_conflicts(village)
    with pytest.raises(ValidationFailed):
        conflicts.resolve_conflict(village, item.conflict_id, {"birth_date": "2999-01-01", "birth_precision": "exact"}, "typo")


def test_a_third_value_replaces_the_conflict(laptops, tmp_path):
    """A third concurrent value arriving later makes a new conflict with all three heads; the old one is marked replaced."""
    village, township = laptops
    home = register.save(village, records.Household(village_code=VILLAGE, address="上寨")).record
    send(village, township)
    with open_workspace(tmp_path / "third.sqlite3", create=True) as third:
        send(village, third)
        for ws, address in ((village, "下寨"), (township, "中寨"), (third, "河边")):
            register.save(ws, dataclasses.replace(reg.get(ws.db, "household", home.id), address=address))
        send(village, township)
        [first] = conflicts.list_conflicts(township)
        send(third, township)
        [item] = conflicts.list_conflicts(township)
        assert len(item.options) == 3 and item.record_label == home.household_number
        assert store.get_conflict(township.db, first.conflict_id).status == store.REPLACED


def test_after_merge_makes_received_people_findable_and_evaluates_their_flags(laptops):
    """People received from another laptop are found by search, and their flags are evaluated."""
    village, township = laptops
    home = register.save(village, records.Household(village_code=VILLAGE)).record
    girl = register.save(village, records.Person(household_id=home.id, name_zh="卓玛", sex="female", birth_date=f"{date.today().year - 9}-03-01")).record
    flags_at_village = {r[0] for r in village.db.execute("SELECT rule_id FROM flag WHERE child_id = ? AND holds = 1", [girl.id])}
    send(village, township)
    assert search(township, "卓玛")
    flags_at_township = {r[0] for r in township.db.execute("SELECT rule_id FROM flag WHERE child_id = ? AND holds = 1", [girl.id])}
    assert flags_at_township == flags_at_village
    assert conflicts.affected_children(township, {"household": {home.id}}) == [girl.id]
