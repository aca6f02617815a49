"""The change log: one change per changed field (or field group), heads, sequence numbers, and the
register tables as the materialised state of the changes."""

from __future__ import annotations

import dataclasses
import json

from rangtang_desktop.core import records
from rangtang_desktop.core.hlc import Timestamp
from rangtang_desktop.core.ids import new_id
from rangtang_desktop.storage import changelog
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.changelog import change_count, changes_of, empty_value, row_to_record
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.meta import get_meta

VILLAGE = "513230101203"


def write(ws, record, old=None, reason=""):
    """Write one record through a fresh change log in its own transaction; return the keys written."""
    with write_transaction(ws.db):
        return ws.changelog().write(record, old, reason)


def new_household(ws, **fields):
    household = records.Household(id=new_id(), village_code=VILLAGE, **fields)
    write(ws, household)
    return household


def new_person(ws, household, **fields):
    base = {"name_zh": "卓玛", "sex": "female", "birth_date": "2015-03-07"}
    person = records.Person(id=new_id(), household_id=household.id, **{**base, **fields})
    write(ws, person)
    return person


def change_rows(ws, entity_id):
    return list(ws.db.query("SELECT * FROM change_log WHERE entity_id = ? ORDER BY seq", [entity_id]))


def materialise(ws, entity, entity_id):
    """The record as the change log alone says it is: per field key, the head with the greatest
    (hlc, node id), over empty values."""
    record_type = records.ENTITIES[entity]
    values = {name: empty_value(record_type, name) for name in records.synced_fields(record_type)}
    rows = {row["op_id"]: row for row in ws.db.query("SELECT * FROM change_log WHERE entity_id = ?", [entity_id])}
    heads = {}
    for key in records.change_keys(record_type):
        current = [rows[op] for op in changelog.heads(ws.db, entity_id, key)]
        if current:
            heads[key] = max(current, key=lambda row: (row["hlc"], row["node_id"]))
    for key, names in records.change_keys(record_type).items():
        if key in heads:
            value = json.loads(heads[key]["value"])
            values.update(value if len(names) > 1 or names[0] != key else {key: value})
    return record_type(id=entity_id, **values)


def test_creation_logs_only_non_empty_fields(workspace):
    """A new person logs a change for each non-empty field or group, and nothing for empty ones."""
    household = new_household(workspace)
    person = new_person(workspace, household, name_bo="སྒྲོལ་མ")
    fields = {row["field"] for row in change_rows(workspace, person.id)}
    assert {"household_id", "name_zh", "name_bo", "sex", "birth"} <= fields
    assert not fields & {"id_number", "aliases", "notes", "deleted", "boarding", "behaviours", "disability", "merged_into"}
    expected = {
        key for key, names in records.change_keys(records.Person).items()
        if any(getattr(person, n) not in ("", False, []) for n in names)
    }
    assert fields == expected


def test_creation_changes_carry_author_node_and_no_prev(workspace):
    """Each creation change names this node and author and supersedes nothing."""
    household = new_household(workspace)
    for row in change_rows(workspace, household.id):
        assert row["node_id"] == workspace.node_id
        assert row["author"] == workspace.user_id
        assert json.loads(row["prev_op_ids"]) == []
        assert row["entity"] == "household"


def test_edit_logs_only_changed_fields_with_previous_head(workspace):
    """Editing one field logs one change whose prev_op_ids name that field's previous head."""
    household = new_household(workspace)
    person = new_person(workspace, household)
    created = change_rows(workspace, person.id)
    [first] = [r for r in created if r["field"] == "name_zh"]
    edited = dataclasses.replace(person, name_zh="次仁卓玛")
    assert write(workspace, edited, person, reason="spelling in the hukou book") == ["name_zh"]
    [change] = change_rows(workspace, person.id)[len(created):]
    assert (change["field"], json.loads(change["value"])) == ("name_zh", "次仁卓玛")
    assert json.loads(change["prev_op_ids"]) == [first["op_id"]]
    assert change["reason"] == "spelling in the hukou book"
    heads = list(changelog.heads(workspace.db, person.id, "name_zh"))
    assert heads == [change["op_id"]]
    assert workspace.db.execute(
        "SELECT count(*) FROM change_superseded s JOIN origin o ON o.ref = s.origin WHERE o.node_id = ? AND s.seq = ?",
        [first["node_id"], first["seq"]],
    ).fetchone()[0] == 1


def test_editing_a_field_empty_at_creation_has_no_prev(workspace):
    """A field first set by an edit has no earlier change to supersede."""
    household = new_household(workspace)
    person = new_person(workspace, household)
    write(workspace, dataclasses.replace(person, notes="boards at school"), person)
    [change] = [r for r in change_rows(workspace, person.id) if r["field"] == "notes"]
    assert json.loads(change["prev_op_ids"]) == []


def test_unchanged_record_logs_nothing(workspace):
    """Writing a record identical to the stored one logs no change."""
    household = new_household(workspace)
    before = change_count(workspace.db)
    assert write(workspace, dataclasses.replace(household), household) == []
    assert change_count(workspace.db) == before


def test_field_group_travels_as_one_change(workspace):
    """Birth date and its precision are one change, even when only the precision changes."""
    household = new_household(workspace)
    person = new_person(workspace, household)
    approximate = dataclasses.replace(person, birth_date="2015", birth_precision="year")
    assert write(workspace, approximate, person) == ["birth"]
    only_precision = dataclasses.replace(approximate, birth_precision="estimated")
    assert write(workspace, only_precision, approximate) == ["birth"]
    births = [json.loads(r["value"]) for r in change_rows(workspace, person.id) if r["field"] == "birth"]
    assert births == [
        {"birth_date": "2015-03-07", "birth_precision": "exact"},
        {"birth_date": "2015", "birth_precision": "year"},
        {"birth_date": "2015", "birth_precision": "estimated"},
    ]
    fields = {r["field"] for r in change_rows(workspace, person.id)}
    assert not fields & {"birth_date", "birth_precision"}


def test_seq_counts_up_per_node_without_gaps(workspace):
    """Sequence numbers of this node run 1, 2, 3, … across writes, and the node row holds the next one."""
    household = new_household(workspace)
    person = new_person(workspace, household)
    write(workspace, dataclasses.replace(person, name_zh="拉姆", notes="x"), person)
    seqs = [r[0] for r in workspace.db.execute("SELECT seq FROM change_log WHERE node_id = ? ORDER BY seq", [workspace.node_id])]
    assert seqs == list(range(1, len(seqs) + 1))
    next_seq = workspace.db.execute("SELECT next_seq FROM node WHERE node_id = ?", [workspace.node_id]).fetchone()[0]
    assert next_seq == len(seqs) + 1


def test_rolled_back_write_leaves_no_gap(workspace):
    """A write undone by its transaction does not use up sequence numbers."""
    household = new_household(workspace)
    try:
        with write_transaction(workspace.db):
            workspace.changelog().write(dataclasses.replace(household, notes="lost"), household)
            raise RuntimeError("power cut")
    except RuntimeError:
        pass
    write(workspace, dataclasses.replace(household, notes="kept"), household)
    seqs = [r[0] for r in workspace.db.execute("SELECT seq FROM change_log ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def test_hlc_increases_with_seq_and_is_remembered(workspace):
    """Later changes have later clock times, and the newest is stored for the next session."""
    household = new_household(workspace)
    write(workspace, dataclasses.replace(household, notes="a"), household)
    hlcs = [r[0] for r in workspace.db.execute("SELECT hlc FROM change_log ORDER BY seq")]
    assert hlcs == sorted(hlcs) and len(set(hlcs)) == len(hlcs)
    assert int(get_meta(workspace.db, "hlc")) == hlcs[-1]


def test_clock_continues_after_a_stored_future_time(workspace):
    """A change log started after a stored clock time ahead of the wall clock writes later times."""
    ahead = Timestamp(4_000_000_000_000, 5, workspace.node_id).packed  # year 2096
    with write_transaction(workspace.db):
        workspace.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", [str(ahead)])
    household = new_household(workspace)
    assert min(r["hlc"] for r in change_rows(workspace, household.id)) > ahead


def test_materialised_row_equals_the_record(workspace):
    """After creating and editing, the table row, the record written and the change log agree."""
    household = new_household(workspace, house_name_zh="阿坝仓", seasonal_absence_months=["6", "7"])
    person = new_person(workspace, household, aliases=["小卓玛"], phones=["13800000000"], boarding=True)
    assert reg.get(workspace.db, "person", person.id) == person
    edited = dataclasses.replace(
        person, name_zh="次仁卓玛", birth_date="2015", birth_precision="year", boarding=False,
        behaviours=["truancy"], disability_category="hearing", disability_level="3",
    )
    write(workspace, edited, person)
    for entity, record in (("household", household), ("person", edited)):
        assert reg.get(workspace.db, entity, record.id) == record
        assert materialise(workspace, entity, record.id) == record


def test_bulk_mode_gives_the_same_rows_and_changes(workspace):
    """Buffered (bulk) creation writes the same rows and change fields as writing one by one."""
    one = records.Household(id=new_id(), village_code=VILLAGE, house_name_zh="甲")
    two = records.Household(id=new_id(), village_code=VILLAGE, house_name_zh="甲")
    write(workspace, one)
    with write_transaction(workspace.db):
        log = workspace.changelog(bulk=True)
        log.write(two, None)
        log.flush()
    assert dataclasses.replace(reg.get(workspace.db, "household", two.id), id=one.id) == reg.get(workspace.db, "household", one.id)
    assert [r["field"] for r in change_rows(workspace, two.id)] == [r["field"] for r in change_rows(workspace, one.id)]
    seqs = [r[0] for r in workspace.db.execute("SELECT seq FROM change_log ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def test_changes_of_reads_back_in_time_order(workspace):
    """changes_of returns a record's changes oldest first, as written."""
    household = new_household(workspace)
    write(workspace, dataclasses.replace(household, notes="later"), household)
    found = changes_of(workspace.db, [household.id])
    assert found[-1].field == "notes"
    assert [c.hlc for c in found] == sorted(c.hlc for c in found)
    assert row_to_record("household", next(workspace.db.query("SELECT * FROM household"))).notes == "later"
