"""Re-materialising fields from their heads (DESIGN §4), after changes arrive from another laptop.

For each field the value shown is the head with the greatest (hlc, node id); a field with no heads
has its empty value. Where the value goes depends on the entity:

* register records (``core.records.ENTITIES``): the column, or the columns of a field group; a record
  first seen here is inserted with empty values first, so every laptop builds the same row from the
  same changes;
* ``county_setting``: the ``county_setting`` row;
* ``flag`` (its human status): ``storage.flags.refresh_status``;
* ``duplicate_decision``: the ``duplicate_decision`` row;
* anything else (a newer version's entity, or a field this version does not know): nothing — the
  change is kept in the log, and materialised once this laptop runs a version that knows it.

A value of the wrong JSON type for its column (a list where text belongs, …) materialises as the
field's empty value, the same on every laptop.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlite_utils

from ..core import records
from . import flags as flag_store
from .changelog import empty_value, to_column
from .conflicts import FieldKey, Head, heads_of, winner
from .county_settings import SETTING_ENTITY, SETTING_FIELD, store_county_setting

DUPLICATE_ENTITY = "duplicate_decision"
DUPLICATE_FIELD = "decision"
DUPLICATE_DECISIONS = ("merged", "linked", "separate")

_CHUNK = 500


def pair_id(person_id: str, other_id: str) -> str:
    """The entity id of the decision about two people: their ids, smaller first."""
    first, second = sorted((person_id, other_id))
    return f"{first}|{second}"


def is_materialised(entity: str, key: str) -> bool:
    """Whether this version knows where a change of ``entity``/``key`` goes (and so keeps conflicts
    of it for a person)."""
    if entity in records.ENTITIES:
        return key in records.change_keys(records.ENTITIES[entity])
    return (entity, key) in (
        (SETTING_ENTITY, SETTING_FIELD),
        (flag_store.FLAG_ENTITY, flag_store.STATUS_FIELD),
        (DUPLICATE_ENTITY, DUPLICATE_FIELD),
    )


@cache
def _empty(record_type: type, name: str) -> Any:
    return empty_value(record_type, name)


def _fits(name_empty: Any, value: Any) -> Any:
    if isinstance(name_empty, bool):
        return value if isinstance(value, bool) else False
    if isinstance(name_empty, list):
        return value if isinstance(value, list) else []
    return value if isinstance(value, str) else ""


def shown_value(heads: list[Head], decoded: dict[str, Any] | None = None) -> Any:
    """The decoded value of the head shown (``None`` without heads); ``decoded``: values already
    decoded, by op id."""
    if not heads:
        return None
    head = winner(heads)
    if decoded is not None and head.op in decoded:
        return decoded[head.op]
    return json.loads(head.value)


def key_columns(record_type: type, key: str, heads: list[Head], decoded: dict[str, Any] | None = None) -> dict[str, Any]:
    """Column values of a change key as its heads say."""
    return value_columns(record_type, key, shown_value(heads, decoded))


def value_columns(record_type: type, key: str, value: Any) -> dict[str, Any]:
    """Column values of a change key carrying ``value`` (a value of the wrong JSON type gives the
    empty value)."""
    names = records.change_keys(record_type)[key]
    if len(names) == 1 and names[0] == key:
        return {key: to_column(_fits(_empty(record_type, key), value))}
    group = value if isinstance(value, dict) else {}
    return {name: to_column(_fits(_empty(record_type, name), group.get(name, _empty(record_type, name)))) for name in names}


@dataclass
class Materialised:
    new_records: int = 0
    changed_records: int = 0
    touched: dict[str, set[str]] = field(default_factory=dict)


def materialise(db: sqlite_utils.Database, heads: dict[FieldKey, list[Head]], decoded: dict[str, Any] | None = None) -> Materialised:
    """Write the shown value of every field in ``heads`` (inside the caller's transaction);
    ``decoded``: values already decoded, by op id (saves decoding them again)."""
    by_record: dict[tuple[str, str], list[str]] = {}
    for entity, entity_id, key in heads:
        by_record.setdefault((entity, entity_id), []).append(key)
    result = Materialised()
    per_entity: dict[str, list[str]] = {}
    for entity, entity_id in by_record:
        per_entity.setdefault(entity, []).append(entity_id)
        result.touched.setdefault(entity, set()).add(entity_id)
    for entity, ids in per_entity.items():
        if entity in records.ENTITIES:
            _register(db, entity, ids, by_record, heads, result, decoded)
        elif entity == SETTING_ENTITY:
            _settings(db, ids, heads, result)
        elif entity == flag_store.FLAG_ENTITY:
            _flags(db, ids, result)
        elif entity == DUPLICATE_ENTITY:
            _duplicates(db, ids, heads, result)
    return result


def _existing_rows(db: sqlite_utils.Database, table: str, key_column: str, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        found.update((row[key_column], row) for row in db.query(f"SELECT * FROM {table} WHERE {key_column} IN ({marks})", chunk))
    return found


def _register(db, entity: str, ids: list[str], by_record, heads, result: Materialised, decoded) -> None:
    record_type = records.ENTITIES[entity]
    known_keys = records.change_keys(record_type)
    existing = _existing_rows(db, entity, "id", ids)
    empty_row = {name: to_column(empty_value(record_type, name)) for name in records.synced_fields(record_type)}
    inserts: list[dict] = []
    updates: dict[tuple[str, ...], list[list]] = {}
    for entity_id in ids:
        columns: dict[str, Any] = {}
        for key in by_record[(entity, entity_id)]:
            if key in known_keys:
                columns.update(key_columns(record_type, key, heads[(entity, entity_id, key)], decoded))
        row = existing.get(entity_id)
        if row is None:
            inserts.append({"id": entity_id, **empty_row, **columns})
            result.new_records += 1
            continue
        changed = {name: value for name, value in columns.items() if row.get(name) != value}
        if changed:
            names = tuple(sorted(changed))
            updates.setdefault(names, []).append([changed[n] for n in names] + [entity_id])
            result.changed_records += 1
    if inserts:
        names = list(inserts[0])
        db.conn.executemany(
            f"INSERT INTO {entity} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            ([row[n] for n in names] for row in inserts),
        )
    for names, rows in updates.items():
        assignments = ", ".join(f"{name} = ?" for name in names)
        db.conn.executemany(f"UPDATE {entity} SET {assignments} WHERE id = ?", rows)


def _settings(db, keys: list[str], heads, result: Materialised) -> None:
    current = {k: v for k, v in db.execute("SELECT key, value FROM county_setting")}
    for key in keys:
        found = heads.get((SETTING_ENTITY, key, SETTING_FIELD))
        if found is None:
            continue  # a field of a setting this version does not know
        before = current.get(key)
        if not found:
            db.execute("DELETE FROM county_setting WHERE key = ?", [key])
        else:
            store_county_setting(db, key, json.loads(winner(found).value))
        after = db.execute("SELECT value FROM county_setting WHERE key = ?", [key]).fetchone()
        if before is None and after is not None:
            result.new_records += 1
        elif (after[0] if after else None) != before:
            result.changed_records += 1


def _flags(db, flag_ids: list[str], result: Materialised) -> None:
    before = _existing_rows(db, "flag_status", "flag_id", flag_ids)
    flag_store.refresh_status(db, flag_ids)
    after = _existing_rows(db, "flag_status", "flag_id", flag_ids)
    for one in flag_ids:
        old, new = before.get(one), after.get(one)
        if old is None and new is not None:
            result.new_records += 1
        elif old != new:
            result.changed_records += 1


def _duplicates(db, pair_ids: list[str], heads, result: Materialised) -> None:
    for pair in pair_ids:
        found = heads.get((DUPLICATE_ENTITY, pair, DUPLICATE_FIELD))
        if found is None:
            continue
        before = db.execute("SELECT * FROM duplicate_decision WHERE pair_id = ?", [pair]).fetchone()
        store_duplicate_decision(db, pair, found)
        after = db.execute("SELECT * FROM duplicate_decision WHERE pair_id = ?", [pair]).fetchone()
        if before is None and after is not None:
            result.new_records += 1
        elif before != after:
            result.changed_records += 1


def store_duplicate_decision(db: sqlite_utils.Database, pair: str, heads: list[Head]) -> None:
    """Materialise the decision about a pair of people from the heads of its ``decision`` field
    (value ``{"person_id", "other_id", "decision"}``; who, when and why come from the change)."""
    value = json.loads(winner(heads).value) if heads else None
    if not isinstance(value, dict) or value.get("decision") not in DUPLICATE_DECISIONS:
        db.execute("DELETE FROM duplicate_decision WHERE pair_id = ?", [pair])
        return
    head = winner(heads)
    first, _, second = pair.partition("|")
    db.execute(
        """INSERT INTO duplicate_decision (pair_id, person_id, other_id, decision, decided_by, decided_at, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(pair_id) DO UPDATE SET person_id = excluded.person_id, other_id = excluded.other_id,
             decision = excluded.decision, decided_by = excluded.decided_by, decided_at = excluded.decided_at,
             reason = excluded.reason""",
        [pair, first, second, value["decision"], head.author, flag_store.stamp_text(head.hlc, head.node_id), head.reason],
    )


def refresh_fields(db: sqlite_utils.Database, keys: Iterable[FieldKey]) -> Materialised:
    """Re-materialise these fields from the change log as it is now."""
    return materialise(db, heads_of(db, keys))
