"""Register use cases: saving and deleting through the change log, household numbers, warnings,
refusals that write nothing, a full disk, and duplicate checks before saving."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import DiskFull, RecordNotFound, ValidationFailed
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.services import register
from rangtang_desktop.services.changes import NOTHING, Changes
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.search import search_people

OTHER_VILLAGE = "513230206201"


def row_counts(ws) -> dict[str, int]:
    """The number of rows in every table of the database."""
    tables = [r[0] for r in ws.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: ws.db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def changes_of(ws, record_id):
    return list(ws.db.query("SELECT * FROM change_log WHERE entity_id = ? ORDER BY seq", [record_id]))


@pytest.fixture
def household(workspace, village):
    return register.save(workspace, records.Household(village_code=village.code, house_name_zh="阿坝仓")).record


def child(household, **fields) -> records.Person:
    base = {"household_id": household.id, "name_zh": "才让卓玛", "sex": "female", "birth_date": "2015-03-07"}
    return records.Person(**{**base, **fields})


def test_save_creates_through_the_change_log(workspace, household):
    """Saving a new person gives it an id, a row, and changes by this node and user."""
    result = register.save(workspace, child(household))
    assert result.created
    assert result.changes == Changes(register=True, flags=True)
    assert result.record.id
    assert reg.get(workspace.db, "person", result.record.id) == result.record
    rows = changes_of(workspace, result.record.id)
    assert {r["field"] for r in rows} >= {"household_id", "name_zh", "sex", "birth"}
    assert {(r["entity"], r["node_id"], r["author"]) for r in rows} == {("person", workspace.node_id, workspace.user_id)}


def test_save_edits_through_the_change_log(workspace, household):
    """Saving an edited person logs the changed field with its reason and updates the row."""
    person = register.save(workspace, child(household)).record
    before = len(changes_of(workspace, person.id))
    result = register.save(workspace, dataclasses.replace(person, school_status="primary"), reason="visited school")
    assert not result.created
    assert result.changes == Changes(register=True, flags=True)
    rows = changes_of(workspace, person.id)[before:]
    assert [(r["field"], json.loads(r["value"]), r["reason"]) for r in rows] == [("school_status", "primary", "visited school")]
    assert reg.get(workspace.db, "person", person.id).school_status == "primary"


def test_saving_an_unchanged_record_changes_nothing(workspace, household):
    """Saving a record as it is stored writes no change and reports nothing changed."""
    person = register.save(workspace, child(household)).record
    counts = row_counts(workspace)
    result = register.save(workspace, person)
    assert result.changes == NOTHING
    assert row_counts(workspace) == counts


@pytest.mark.parametrize(
    "fields",
    [
        {"birth_date": (date.today() + timedelta(days=400)).isoformat()},
        {"id_number": "51323020150307008Y"},
        {"id_number": "513230201503070081"},
        {"name_zh": "", "name_bo": ""},
        {"household_id": "no-such-household"},
        {"sex": "boy"},
    ],
)
def test_refused_save_writes_nothing(workspace, household, fields):
    """A save with an error raises ValidationFailed and leaves every table's row count unchanged."""
    counts = row_counts(workspace)
    with pytest.raises(ValidationFailed) as caught:
        register.save(workspace, child(household, **fields))
    assert caught.value.problems and all(p.is_error for p in caught.value.problems)
    assert row_counts(workspace) == counts
    assert not workspace.db.conn.in_transaction


def test_refused_edit_keeps_the_stored_record(workspace, household):
    """An edit refused by validation leaves the stored record and its history as they were."""
    person = register.save(workspace, child(household)).record
    counts = row_counts(workspace)
    with pytest.raises(ValidationFailed):
        register.save(workspace, dataclasses.replace(person, name_zh="", name_bo=""))
    assert reg.get(workspace.db, "person", person.id) == person
    assert row_counts(workspace) == counts


def test_prefix_mismatch_is_saved_with_a_warning(workspace, household):
    """A number first registered outside Aba is saved, and the warning is returned for showing."""
    number = make_id_number("110105", date(2015, 3, 7), 8)
    result = register.save(workspace, child(household, id_number=number))
    assert reg.get(workspace.db, "person", result.record.id).id_number == number
    assert [(p.field, p.level) for p in result.warnings] == [("id_number", "warning")]


def test_id_number_is_stored_in_one_spelling(workspace, household):
    """A number typed with spaces and a lower-case x is stored canonically, so search and duplicates find it."""
    number = make_id_number("513230", date(2015, 3, 7), 8)
    assert number.endswith("X")
    typed = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    saved = register.save(workspace, child(household, id_number=typed)).record
    assert reg.get(workspace.db, "person", saved.id).id_number == number
    assert search_people(workspace.db, number[6:17], workspace.variants) == [saved.id]
    [match] = register.find_duplicates(workspace, child(household, name_zh="王芳", id_number=number))
    assert match.person_id == saved.id and match.certain


def test_household_numbers_carry_the_village_code_and_count_up(workspace, village):
    """Household numbers are the village code, a dash and a four-digit count per village."""
    numbers = [register.save(workspace, records.Household(village_code=village.code)).record.household_number for _ in range(3)]
    other = register.save(workspace, records.Household(village_code=OTHER_VILLAGE)).record.household_number
    assert numbers == [f"{village.code}-0001", f"{village.code}-0002", f"{village.code}-0003"]
    assert other == f"{OTHER_VILLAGE}-0001"


def test_household_number_is_kept_on_edit(workspace, household):
    """Editing a household keeps its number."""
    edited = register.save(workspace, dataclasses.replace(household, address="河边")).record
    assert edited.household_number == household.household_number


def test_delete_marks_deleted_and_removes_nothing(workspace, household):
    """Deleting a person is a change of its deleted field; the row and its changes stay."""
    person = register.save(workspace, child(household)).record
    counts = row_counts(workspace)
    assert register.delete(workspace, "person", person.id, reason="entered twice") == Changes(register=True, flags=True)
    assert reg.get(workspace.db, "person", person.id).deleted
    [change] = changes_of(workspace, person.id)[-1:]
    assert (change["field"], change["value"], change["reason"]) == ("deleted", "true", "entered twice")
    after = row_counts(workspace)
    assert after["person"] == counts["person"]
    assert after["change"] == counts["change"] + 1
    assert reg.members(workspace.db, household.id) == []
    assert search_people(workspace.db, "卓玛", workspace.variants) == []


def test_deleting_a_person_deletes_their_relations(workspace, household):
    """A deleted person's relations, as child or as adult, are marked deleted too."""
    girl = register.save(workspace, child(household)).record
    mother = register.save(workspace, child(household, name_zh="拉姆", birth_date="1990-01-01")).record
    grandchild_link = register.save(workspace, child(household, name_zh="卓玛", birth_date="2020-01-01")).record
    as_child = register.save(workspace, records.Relation(child_id=girl.id, adult_id=mother.id, kind="mother")).record
    as_adult = register.save(workspace, records.Relation(child_id=grandchild_link.id, adult_id=mother.id, kind="mother")).record
    register.delete(workspace, "person", mother.id)
    for relation in (as_child, as_adult):
        stored = reg.get(workspace.db, "relation", relation.id)
        assert stored.deleted
        assert changes_of(workspace, relation.id)[-1]["field"] == "deleted"
    assert reg.relations_of_child(workspace.db, girl.id) == []


def test_household_with_members_cannot_be_deleted(workspace, household):
    """A household still holding people is refused, and nothing is written."""
    register.save(workspace, child(household))
    counts = row_counts(workspace)
    with pytest.raises(ValidationFailed):
        register.delete(workspace, "household", household.id)
    assert row_counts(workspace) == counts


def test_deleting_an_unknown_record_raises(workspace):
    """Deleting a record that does not exist raises RecordNotFound."""
    with pytest.raises(RecordNotFound):
        register.delete(workspace, "person", "no-such-id")


def test_find_duplicates_finds_a_variant_spelled_same_birthday_child(workspace, household, village):
    """泽仁卓马 born the same day in the village is proposed for 才让卓玛; an unrelated namesake is not."""
    same = register.save(workspace, child(household)).record
    elsewhere = register.save(workspace, records.Household(village_code=OTHER_VILLAGE)).record
    namesake = register.save(workspace, child(elsewhere, birth_date="2009-08-01")).record
    other_house = register.save(workspace, records.Household(village_code=village.code)).record
    new = child(other_house, name_zh="泽仁卓马")
    matches = register.find_duplicates(workspace, new)
    assert [m.person_id for m in matches] == [same.id]
    assert namesake.id not in [m.person_id for m in matches]


def test_find_duplicates_same_id_number_is_certain(workspace, household):
    """A new record with the ID number of a stored one is a certain duplicate, whatever its name."""
    number = make_id_number("513230", date(2015, 3, 7), 8)
    stored = register.save(workspace, child(household, id_number=number)).record
    [match] = register.find_duplicates(workspace, child(household, name_zh="王芳", id_number=number))
    assert match.person_id == stored.id and match.certain


def test_find_duplicates_ignores_the_record_itself_and_deleted_people(workspace, household):
    """Checking a saved person does not propose itself, nor people marked deleted."""
    person = register.save(workspace, child(household)).record
    twin = register.save(workspace, child(household, name_zh="泽仁卓玛")).record
    assert [m.person_id for m in register.find_duplicates(workspace, person)] == [twin.id]
    register.delete(workspace, "person", twin.id)
    assert register.find_duplicates(workspace, person) == []


def test_full_disk_refuses_the_save_and_keeps_earlier_data(workspace, household):
    """On a full disk (low page limit) a save raises DiskFull, leaves no trace, and earlier data stays."""
    saved = register.save(workspace, child(household)).record
    counts = row_counts(workspace)
    pages = workspace.db.execute("PRAGMA page_count").fetchone()[0]
    workspace.db.execute(f"PRAGMA max_page_count = {pages}")
    succeeded = 0
    with pytest.raises(DiskFull):
        for _ in range(50):
            register.save(workspace, child(household, name_zh="卓玛" * 200, notes="很长的备注" * 2000))
            succeeded += 1
    assert not workspace.db.conn.in_transaction
    workspace.db.execute("PRAGMA max_page_count = 1073741823")
    assert reg.get(workspace.db, "person", saved.id) == saved
    assert row_counts(workspace)["person"] == counts["person"] + succeeded
    orphans = workspace.db.execute(
        "SELECT count(*) FROM change_log WHERE entity = 'person' AND entity_id NOT IN (SELECT id FROM person)"
    ).fetchone()[0]
    assert orphans == 0
    assert register.save(workspace, dataclasses.replace(saved, notes="saved after space was freed")).changes
