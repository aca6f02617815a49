"""The change log (DESIGN §4): every register write is recorded as one change per field.

A change names the node that wrote it, that node's sequence number, a hybrid-logical-clock time,
the record and field (or field group), the new value as canonical JSON, the changes of that field
the writer saw as current (``prev_op_ids``), the author and an optional reason. The register tables
are the materialised current state: per field, the *heads* are the changes no other known change
supersedes, and the value shown is the head with the greatest (hlc, node id).

A record's creation logs only its non-empty fields; a record first seen through received changes
starts from empty values, so every laptop materialises the same state from the same changes.

Storage is compact, because a county holds over a million changes: a change is identified by its
node and that node's sequence number (``op_id`` is ``"<node id>:<seq>"``); node and author ids are
stored once, in ``origin`` and ``author``, and referred to by number; heads are the changes of a field
that no change supersedes (``change_superseded``). The ``change_log`` view shows changes with their
full ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from ..core import records
from ..core.hlc import HybridClock, Timestamp
from .meta import get_meta, set_meta


def canonical_json(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def empty_value(record_type: type, name: str) -> Any:
    """The value a field has before any change sets it."""
    default = record_type.__dataclass_fields__[name].default
    if isinstance(default, bool):
        return False
    if default is None or isinstance(default, str):
        return ""
    return []


def is_empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return value in ("", False, None) or value == []


def to_column(value: Any) -> Any:
    """A Python field value as stored in its column."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list):
        return canonical_json(value)
    return "" if value is None else value


def from_column(record_type: type, name: str, value: Any) -> Any:
    """A column value as the record field's Python value."""
    empty = empty_value(record_type, name)
    if isinstance(empty, bool):
        return bool(value)
    if isinstance(empty, list):
        return json.loads(value) if value else []
    return value if value is not None else ""


def row_to_record(entity: str, row: dict) -> Any:
    """Build the record dataclass from a table row."""
    record_type = records.ENTITIES[entity]
    values = {name: from_column(record_type, name, row.get(name)) for name in records.synced_fields(record_type)}
    return record_type(id=row["id"], **values)


def record_values(record: Any) -> dict[str, Any]:
    """The synced field values of a record."""
    return {name: getattr(record, name) for name in records.synced_fields(type(record))}


@dataclass(frozen=True)
class Change:
    node_id: str
    seq: int
    hlc: int
    entity: str
    entity_id: str
    field: str
    value: str
    prev_op_ids: tuple[str, ...]
    author: str
    reason: str = ""

    @property
    def op_id(self) -> str:
        return op_id(self.node_id, self.seq)

    @property
    def timestamp(self) -> Timestamp:
        return Timestamp.unpack(self.hlc, self.node_id)


def op_id(node_id: str, seq: int) -> str:
    """The id of a change: the node that wrote it and its sequence number there."""
    return f"{node_id}:{seq}"


def split_op_id(value: str) -> tuple[str, int]:
    node_id, seq = value.rsplit(":", 1)
    return node_id, int(seq)


_INSERT_CHANGE = (
    "INSERT INTO change (origin, seq, hlc, entity, entity_id, field, value, prev_op_ids, author, reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def change_from_row(row: dict) -> Change:
    """A change from a row of the ``change_log`` view."""
    return Change(
        row["node_id"], row["seq"], row["hlc"], row["entity"], row["entity_id"], row["field"], row["value"],
        tuple(json.loads(row["prev_op_ids"])), row["author"], row["reason"],
    )


def _ref(db: sqlite_utils.Database, table: str, column: str, value: str) -> int:
    """The local number of a node id (``origin``) or user id (``author``), added when new."""
    row = db.execute(f"SELECT ref FROM {table} WHERE {column} = ?", [value]).fetchone()
    if row:
        return row[0]
    return db.execute(f"INSERT INTO {table} ({column}) VALUES (?)", [value]).lastrowid


def origin_ref(db: sqlite_utils.Database, node_id: str) -> int:
    return _ref(db, "origin", "node_id", node_id)


def author_ref(db: sqlite_utils.Database, user_id: str) -> int:
    return _ref(db, "author", "user_id", user_id)


def _key_value(names: tuple[str, ...], key: str, values: dict[str, Any]) -> Any:
    """The value a change of ``key`` carries: the field's value, or a dict for a group."""
    if len(names) == 1 and names[0] == key:
        return values[key]
    return {name: values[name] for name in names}


def _key_columns(record_type: type, key: str, value: Any) -> dict[str, Any]:
    """Column values set by a change of ``key`` carrying ``value``."""
    names = records.change_keys(record_type)[key]
    if len(names) == 1 and names[0] == key:
        return {key: to_column(value)}
    return {name: to_column(value.get(name, empty_value(record_type, name))) for name in names}


def heads(db: sqlite_utils.Database, entity_id: str, key: str) -> tuple[str, ...]:
    """The op ids of a field's current heads: its changes that no known change supersedes."""
    rows = db.execute(
        """SELECT o.node_id, c.seq FROM change c JOIN origin o ON o.ref = c.origin
           WHERE c.entity_id = ? AND c.field = ?
             AND NOT EXISTS (SELECT 1 FROM change_superseded s WHERE s.origin = c.origin AND s.seq = c.seq)""",
        [entity_id, key],
    ).fetchall()
    return tuple(sorted(op_id(node, seq) for node, seq in rows))


class ChangeLog:
    """Writes the changes of one node and author inside the caller's transaction.

    With ``bulk=True`` (the demo builder) creations are buffered and written with ``executemany``
    at ``flush()``; the result is the same as writing them one by one.
    """

    def __init__(self, db: sqlite_utils.Database, node_id: str, author: str, *, bulk: bool = False):
        self.db = db
        self.node_id = node_id
        self.author = author
        self.bulk = bulk
        last = get_meta(db, "hlc")
        self.clock = HybridClock(node_id, Timestamp.unpack(int(last), node_id) if last else None)
        self._origin = origin_ref(db, node_id)
        self._author = author_ref(db, author)
        self._next_seq: int | None = None
        self._changes: list[tuple] = []
        self._rows: dict[str, list[dict]] = {}

    # -- writing -----------------------------------------------------------------------------

    def write(self, record: Any, old: Any | None, reason: str = "") -> list[str]:
        """Record the fields of ``record`` that differ from ``old`` (``None``: a new record) and
        update the register table. Returns the change keys written."""
        entity = records.entity_name(record)
        record_type = type(record)
        keys = records.change_keys(record_type)
        new_values = record_values(record)
        old_values = record_values(old) if old is not None else None
        written = []
        for key, names in keys.items():
            value = _key_value(names, key, new_values)
            if old_values is None:
                if is_empty(value):
                    continue
            elif value == _key_value(names, key, old_values):
                continue
            prev = () if old_values is None else heads(self.db, record.id, key)
            self._log(entity, record.id, key, value, prev, reason)
            written.append(key)
        if old_values is None:
            self._insert_row(entity, record)
        elif written:
            columns: dict[str, Any] = {}
            for key in written:
                columns.update(_key_columns(record_type, key, _key_value(keys[key], key, new_values)))
            assignments = ", ".join(f"{name} = ?" for name in columns)
            self.db.execute(f"UPDATE {entity} SET {assignments} WHERE id = ?", [*columns.values(), record.id])
        if written and not self.bulk:
            self._save_position()
        return written

    def write_value(self, entity: str, entity_id: str, key: str, value: Any, reason: str = "", *, new: bool = False) -> None:
        """Record one field of a record kept outside the register tables (a county setting, a
        signed visit as one event); the caller stores the value itself. ``new``: the record is
        new, so no earlier change of it can exist (its heads are not looked up)."""
        prev = () if new else heads(self.db, entity_id, key)
        self._log(entity, entity_id, key, value, prev, reason)
        if not self.bulk:
            self._save_position()

    def _take_seq(self) -> int:
        if self._next_seq is None:
            row = self.db.execute("SELECT next_seq FROM node WHERE node_id = ?", [self.node_id]).fetchone()
            self._next_seq = row[0]
        seq = self._next_seq
        self._next_seq += 1
        return seq

    def _log(self, entity: str, entity_id: str, key: str, value: Any, prev: tuple[str, ...], reason: str) -> None:
        row = (
            self._origin, self._take_seq(), self.clock.now().packed, entity, entity_id, key,
            canonical_json(value), canonical_json(list(prev)), self._author, reason,
        )
        if self.bulk and not prev:
            self._changes.append(row)
            return
        self.db.execute(_INSERT_CHANGE, row)
        for previous in prev:
            node_id, seq = split_op_id(previous)
            self.db.execute(
                "INSERT OR IGNORE INTO change_superseded (origin, seq) VALUES (?, ?)",
                [origin_ref(self.db, node_id), seq],
            )

    def _insert_row(self, entity: str, record: Any) -> None:
        row = {"id": record.id, **{k: to_column(v) for k, v in record_values(record).items()}}
        if self.bulk:
            self._rows.setdefault(entity, []).append(row)
            return
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.db.execute(f"INSERT INTO {entity} ({columns}) VALUES ({marks})", list(row.values()))

    def _save_position(self) -> None:
        if self._next_seq is not None:
            self.db.execute("UPDATE node SET next_seq = ? WHERE node_id = ?", [self._next_seq, self.node_id])
        set_meta(self.db, "hlc", str(self.clock.last.packed))

    def flush(self) -> None:
        """Write what bulk mode buffered."""
        for entity, rows in self._rows.items():
            columns = list(rows[0])
            self.db.conn.executemany(
                f"INSERT INTO {entity} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                [[row[c] for c in columns] for row in rows],
            )
        self.db.conn.executemany(_INSERT_CHANGE, self._changes)
        self._rows, self._changes = {}, []
        self._save_position()


# -- reading ---------------------------------------------------------------------------------


def changes_of(db: sqlite_utils.Database, entity_ids: Iterable[str]) -> list[Change]:
    """Every change of the given records, oldest first."""
    ids = list(entity_ids)
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = db.query(f"SELECT * FROM change_log WHERE entity_id IN ({marks}) ORDER BY hlc, node_id", ids)
    return [change_from_row(row) for row in rows]


def changes_by_op(db: sqlite_utils.Database, op_ids: Iterable[str]) -> dict[str, Change]:
    found = {}
    for value in op_ids:
        node_id, seq = split_op_id(value)
        rows = list(db.query("SELECT * FROM change_log WHERE node_id = ? AND seq = ?", [node_id, seq]))
        if rows:
            found[value] = change_from_row(rows[0])
    return found


def change_count(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM change").fetchone()[0]
