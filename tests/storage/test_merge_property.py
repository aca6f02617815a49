"""The merge as a property (DESIGN §4): several laptops, each its own database and node, make random
edits through the real register service — the same field of the same record on two laptops, field
groups, deletions, new records, conflict resolutions — and exchange change lists in random orders,
with repeats and partial deliveries, until everyone has everything. Every laptop must then hold the
same register, the same open conflicts, and every disagreeing set of heads must be in the inbox.

The example count is modest for CI time; to search harder, run for example::

    RANGTANG_MERGE_EXAMPLES=1000 python -m pytest tests/storage/test_merge_property.py -p no:cacheprovider
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import tempfile
from datetime import UTC, datetime

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import ValidationFailed
from rangtang_desktop.services import conflicts as conflict_service
from rangtang_desktop.services import register
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import conflicts as conflict_store
from rangtang_desktop.storage import nodes
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.materialise import key_columns
from rangtang_desktop.storage.merge import apply_changes, changes_to_send, holdings

VILLAGE = "513230101203"
EXAMPLES = int(os.environ.get("RANGTANG_MERGE_EXAMPLES", "40"))
TABLES = (
    "household", "person", "person_search", "relation", "parent_situation", "care_arrangement", "classification",
    "family_education_session", "referral", "mandatory_report", "county_setting",
)

# field → values an edit may set (groups as dicts of their fields)
EDITS = {
    "person": {
        "name_zh": ["卓玛", "拉姆", "才让", "扎西"],
        "notes": ["", "住校", "由祖母照看"],
        "sex": ["female", "male", "unknown"],
        "birth": [
            {"birth_date": "2015-03-07", "birth_precision": "exact"},
            {"birth_date": "2014-05", "birth_precision": "month"},
            {"birth_date": "2013", "birth_precision": "year"},
        ],
        "school_name": ["", "南木达小学"],
    },
    "household": {
        "address": ["", "上寨", "下寨"],
        "house_name_zh": ["", "格尔登", "阿坝"],
        "notes": ["", "夏季放牧"],
        "seasonal_absence": [
            {"seasonal_absence_months": [], "seasonal_absence_note": ""},
            {"seasonal_absence_months": [5, 6], "seasonal_absence_note": "挖虫草"},
        ],
    },
    "relation": {
        "kind": ["father", "mother", "paternal_grandparent"],
        "legal_guardian": [True, False],
        "lives_with": [True, False],
    },
}


def ids(ws, entity: str) -> list[str]:
    return [r[0] for r in ws.db.execute(f"SELECT id FROM {entity} ORDER BY id")]


def users_of(ws) -> list[dict]:
    return [{"user_id": u.user_id, "display_name": u.display_name, "role": u.role} for u in nodes.users(ws.db)]


def deliver(src, dst, changes, rng: random.Random, *, dry_check: bool) -> None:
    """Apply ``changes`` at ``dst`` as a bundle import would: in one transaction, then the search
    keys and flags; a dry run first (sometimes) must predict the same result."""
    now = datetime.now(UTC)
    if dry_check:
        with write_transaction(dst.db):
            predicted = apply_changes(dst.db, changes, users=users_of(src), now=now, local_node_id=dst.node_id, dry_run=True)
    with write_transaction(dst.db):
        result = apply_changes(dst.db, changes, users=users_of(src), now=now, local_node_id=dst.node_id)
    if dry_check:
        assert predicted == result
    conflict_service.after_merge(dst, result)


def exchange(src, dst, rng: random.Random, mode: str) -> None:
    """Send what ``dst`` lacks (``full``: everything again; ``partial``: a random part, so gaps
    appear), shuffled."""
    changes = changes_to_send(src.db, acknowledged={} if mode == "full" else holdings(dst.db))
    if mode == "partial" and changes:
        changes = rng.sample(changes, rng.randint(1, len(changes)))
    rng.shuffle(changes)
    deliver(src, dst, changes, rng, dry_check=rng.random() < 0.3)


def edit(ws, entity: str, record_id: str, key: str, value) -> None:
    record = reg.get(ws.db, entity, record_id)
    names = records.change_keys(type(record))[key]
    values = value if len(names) > 1 or names[0] != key else {key: value}
    try:
        register.save(ws, dataclasses.replace(record, **values))
    except ValidationFailed:
        pass  # e.g. a person first seen through one field, with no name yet: refused as the form would


def act(nodes_: list, data, rng: random.Random) -> None:
    ws = nodes_[data.draw(st.integers(0, len(nodes_) - 1), label="node")]
    kind = data.draw(st.sampled_from(
        ["household", "person", "relation", "edit", "edit", "twin_edit", "twin_edit", "delete", "sync", "sync", "sync", "resolve"]
    ), label="action")
    households, people = ids(ws, "household"), ids(ws, "person")
    if kind == "household":
        register.save(ws, records.Household(village_code=VILLAGE, address=data.draw(st.sampled_from(EDITS["household"]["address"]))))
    elif kind == "person" and households:
        household = data.draw(st.sampled_from(households), label="household")
        name = data.draw(st.sampled_from(EDITS["person"]["name_zh"]), label="name")
        try:
            register.save(ws, records.Person(household_id=household, name_zh=name, birth_date="2016-01-02"))
        except ValidationFailed:
            pass  # the household was deleted
    elif kind == "relation" and len(people) >= 2:
        child, adult = data.draw(st.permutations(people), label="pair")[:2]
        try:
            register.save(ws, records.Relation(child_id=child, adult_id=adult, kind="mother"))
        except ValidationFailed:
            pass
    elif kind == "edit":
        entity = data.draw(st.sampled_from(sorted(EDITS)), label="entity")
        found = ids(ws, entity)
        if found:
            record_id = data.draw(st.sampled_from(found), label="record")
            key = data.draw(st.sampled_from(sorted(EDITS[entity])), label="field")
            edit(ws, entity, record_id, key, data.draw(st.sampled_from(EDITS[entity][key]), label="value"))
    elif kind == "twin_edit":
        # the same field of the same record, changed on two laptops before either hears of the other
        other = nodes_[data.draw(st.integers(0, len(nodes_) - 1), label="other")]
        entity = data.draw(st.sampled_from(sorted(EDITS)), label="entity")
        shared = sorted(set(ids(ws, entity)) & set(ids(other, entity)))
        if shared and other is not ws:
            record_id = data.draw(st.sampled_from(shared), label="record")
            key = data.draw(st.sampled_from(sorted(EDITS[entity])), label="field")
            first, second = data.draw(st.permutations(EDITS[entity][key]), label="values")[:2]
            edit(ws, entity, record_id, key, first)
            edit(other, entity, record_id, key, second)
    elif kind == "delete":
        entity = data.draw(st.sampled_from(["person", "relation", "household"]), label="entity")
        found = ids(ws, entity)
        if found:
            try:
                register.delete(ws, entity, data.draw(st.sampled_from(found), label="record"))
            except ValidationFailed:
                pass  # a household with members
    elif kind == "sync":
        other = nodes_[data.draw(st.integers(0, len(nodes_) - 1), label="from")]
        if other is not ws:
            exchange(other, ws, rng, data.draw(st.sampled_from(["new", "new", "partial", "full"]), label="mode"))
    elif kind == "resolve":
        inbox = conflict_service.list_conflicts(ws)
        if inbox:
            item = data.draw(st.sampled_from(inbox), label="conflict")
            option = data.draw(st.sampled_from(item.options), label="option")
            conflict_service.resolve_conflict(ws, item.conflict_id, option.value, "checked with the family")
            event("resolved a conflict")


def table_rows(ws, table: str) -> list[tuple]:
    key = "person_id" if table == "person_search" else ("key" if table == "county_setting" else "id")
    return ws.db.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()


def all_changes(ws) -> set[tuple]:
    return set(ws.db.execute(
        "SELECT op_id, hlc, entity, entity_id, field, value, prev_op_ids, author, reason FROM change_log"
    ).fetchall())


def open_conflicts(ws) -> set[tuple]:
    return {(i.entity, i.entity_id, i.field, tuple(sorted(o.op for o in i.options))) for i in conflict_service.list_conflicts(ws)}


def check_heads(ws, inbox: set[tuple]) -> int:
    """Every field whose heads disagree is in the inbox with exactly those heads, and each record
    shows its greatest-hlc head. Returns how many fields disagree."""
    keys = {tuple(r) for r in ws.db.execute("SELECT DISTINCT entity, entity_id, field FROM change WHERE entity IN ('household', 'person', 'relation')")}
    heads = conflict_store.heads_of(ws.db, keys)
    disagreeing = 0
    for (entity, entity_id, field), found in heads.items():
        if conflict_store.disagree(found):
            disagreeing += 1
            assert (entity, entity_id, field, tuple(sorted(h.op for h in found))) in inbox
        record_type = records.ENTITIES[entity]
        row = dict(ws.db.query(f"SELECT * FROM {entity} WHERE id = ?", [entity_id]).__next__())
        for name, value in key_columns(record_type, field, found).items():
            assert row[name] == value, (entity, field, name)
    return disagreeing


def concurrent_pairs(ws) -> list[tuple[str, str]]:
    """Pairs of changes of one field, written on different laptops, with different values, neither
    of which had seen the other (no prev chain leads from one to the other)."""
    rows = ws.db.execute("SELECT op_id, node_id, entity_id, field, value, prev_op_ids FROM change_log").fetchall()
    prev = {r[0]: json.loads(r[5]) for r in rows}

    def ancestors(op: str) -> set[str]:
        seen, todo = set(), list(prev.get(op, ()))
        while todo:
            one = todo.pop()
            if one not in seen:
                seen.add(one)
                todo += prev.get(one, ())
        return seen

    by_key: dict[tuple, list] = {}
    for r in rows:
        by_key.setdefault((r[2], r[3]), []).append(r)
    pairs = []
    for changes in by_key.values():
        for i, a in enumerate(changes):
            for b in changes[i + 1:]:
                if a[1] != b[1] and a[4] != b[4] and a[0] not in ancestors(b[0]) and b[0] not in ancestors(a[0]):
                    pairs.append((a[0], b[0]))
    return pairs


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), node_count=st.integers(3, 4), steps=st.integers(5, 40), seed=st.integers(0, 2**16))
def test_random_histories_converge_with_every_concurrent_edit_in_the_inbox(data, node_count, steps, seed):
    """Three or four laptops editing at random and exchanging in random orders, with repeats and partial deliveries, end identical, with every disagreeing concurrent edit in the conflict inbox."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        laptops = [open_workspace(os.path.join(folder, f"n{i}.sqlite3"), create=True) for i in range(node_count)]
        try:
            # a shared household with a child and a mother to start from, on every laptop, so the
            # laptops soon edit the same fields of the same records
            home = register.save(laptops[0], records.Household(village_code=VILLAGE, address="上寨")).record
            child = register.save(laptops[0], records.Person(household_id=home.id, name_zh="卓玛", birth_date="2016-01-02")).record
            mother = register.save(laptops[0], records.Person(household_id=home.id, name_zh="拉姆", birth_date="1990-04-01")).record
            register.save(laptops[0], records.Relation(child_id=child.id, adult_id=mother.id, kind="mother"))
            for ws in laptops[1:]:
                exchange(laptops[0], ws, rng, "new")
            for _step in range(steps):
                act(laptops, data, rng)
            for _round in range(2):  # everyone sends everything to everyone, in a random order
                pairs = [(a, b) for a in laptops for b in laptops if a is not b]
                rng.shuffle(pairs)
                for src, dst in pairs:
                    exchange(src, dst, rng, "new")
            first = laptops[0]
            expected_changes = all_changes(first)
            expected_tables = {t: table_rows(first, t) for t in TABLES}
            expected_inbox = open_conflicts(first)
            for ws in laptops[1:]:
                assert all_changes(ws) == expected_changes
                for table in TABLES:
                    assert table_rows(ws, table) == expected_tables[table], table
                assert open_conflicts(ws) == expected_inbox
            disagreeing = check_heads(first, expected_inbox)
            options = {op for (_e, _i, _f, heads) in expected_inbox for op in heads}
            superseded = {op for (op,) in first.db.execute(
                "SELECT o.node_id || ':' || s.seq FROM change_superseded s JOIN origin o ON o.ref = s.origin"
            )}
            pairs = concurrent_pairs(first)
            logged = {r[0]: (r[1:4], r[4]) for r in first.db.execute("SELECT op_id, entity, entity_id, field, value FROM change_log")}
            heads = conflict_store.heads_of(first.db, {logged[op][0] for pair in pairs for op in pair})
            for pair in pairs:
                for op in pair:
                    # no concurrent edit is lost: it waits in the inbox, or a later change named it
                    # (someone saw it), or its value is the one every head agrees on
                    key, value = logged[op]
                    assert op in options or op in superseded or {h.value for h in heads[key]} == {value}
            event(f"concurrent same-field edits: {'some' if pairs else 'none'}")
            event(f"open conflicts at the end: {'some' if disagreeing else 'none'}")
        finally:
            for ws in laptops:
                ws.close()
