"""A record's history read from the change log: old and new values, author, reason, newest first."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.services import register
from rangtang_desktop.services.history import history
from rangtang_desktop.storage.database import write_transaction


@pytest.fixture
def named_user(workspace):
    """The workspace's user, given a display name."""
    with write_transaction(workspace.db):
        workspace.db.execute("UPDATE user SET display_name = '央金' WHERE user_id = ?", [workspace.user_id])
    return "央金"


@pytest.fixture
def girl(workspace, village):
    household = register.save(workspace, records.Household(village_code=village.code)).record
    person = records.Person(household_id=household.id, name_zh="卓玛", sex="female", birth_date="2015-03-07")
    return register.save(workspace, person).record


def test_history_shows_old_and_new_values_author_and_reason(workspace, named_user, girl):
    """An edit appears with the value it replaced, the new value, who made it and why."""
    register.save(workspace, dataclasses.replace(girl, name_zh="次仁卓玛"), reason="hukou book spelling")
    entry = history(workspace, "person", girl.id)[0]
    assert (entry.field, entry.old, entry.new) == ("name_zh", ["卓玛"], "次仁卓玛")
    assert (entry.author_id, entry.author_name) == (workspace.user_id, named_user)
    assert entry.reason == "hukou book spelling"
    assert (entry.entity, entry.record_id, entry.node_id) == ("person", girl.id, workspace.node_id)


def test_history_is_newest_first(workspace, girl):
    """The latest change comes first and the creation last."""
    register.save(workspace, dataclasses.replace(girl, name_zh="次仁卓玛"))
    renamed = dataclasses.replace(girl, name_zh="次仁卓玛")
    register.save(workspace, dataclasses.replace(renamed, school_status="primary"))
    entries = history(workspace, "person", girl.id)
    assert [e.field for e in entries[:2]] == ["school_status", "name_zh"]
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    creation = [e for e in entries if e.field == "name_zh"][-1]
    assert (creation.old, creation.new) == ([], "卓玛")


def test_history_of_a_group_shows_the_whole_group(workspace, girl):
    """A birth date change shows date and precision together, before and after."""
    register.save(workspace, dataclasses.replace(girl, birth_date="2015", birth_precision="year"))
    entry = history(workspace, "person", girl.id)[0]
    assert entry.field == "birth"
    assert entry.old == [{"birth_date": "2015-03-07", "birth_precision": "exact"}]
    assert entry.new == {"birth_date": "2015", "birth_precision": "year"}


def test_history_times_are_utc_now(workspace, girl):
    """Entries carry the UTC instant of the change."""
    when = history(workspace, "person", girl.id)[0].when
    assert when.tzinfo is not None
    assert abs(datetime.now(UTC) - when) < timedelta(minutes=5)


def test_person_history_includes_relations_and_deletion(workspace, girl):
    """A child's history includes the relations describing them, and a deletion with its reason."""
    mother = register.save(
        workspace, records.Person(household_id=girl.household_id, name_zh="拉姆", sex="female", birth_date="1990", birth_precision="year")
    )
    assert mother.created
    relation = register.save(
        workspace, records.Relation(child_id=girl.id, adult_id=mother.record.id, kind="mother", legal_guardian=True)
    ).record
    register.delete(workspace, "person", girl.id, reason="entered twice")
    entries = history(workspace, "person", girl.id)
    assert {(e.entity, e.field, e.new, e.reason) for e in entries[:2]} == {
        ("person", "deleted", True, "entered twice"),
        ("relation", "deleted", True, "entered twice"),
    }
    assert any(e.record_id == relation.id and e.field == "legal_guardian" and e.new is True for e in entries)


def test_history_of_another_record_is_separate(workspace, girl):
    """A household's history holds its own changes only."""
    entries = history(workspace, "household", girl.household_id)
    assert entries and {e.record_id for e in entries} == {girl.household_id}
