"""Flags on disk.

Two kinds of state live here, kept apart on purpose:

* **Derived, local** — ``flag`` (one row per rule and child, keyed by ``core.flags.flag_id``, so
  every laptop computes the same rows from the same synced data) and ``flag_event`` (when this
  laptop saw a flag raised, cleared, raised again or changed, with the rule version, severity and
  facts of that moment). Evaluation writes them; nothing here is synced. A flag is never deleted:
  when its condition stops holding it keeps its row with ``holds = 0`` and ``cleared_at``.
* **Human, synced** — the lifecycle (open → acknowledged → referred → resolved | dismissed) is a
  change of entity ``flag``, field ``status``, value ``{"status": …}``, with the reason, author and
  time in the change itself. ``flag_status`` materialises the current value (the head with the
  greatest hybrid-logical-clock time), also for flags not yet evaluated on this laptop. A flag
  without a status row is open.

A flag's explanation (``facts``) is stored as JSON messages, ``[{"text", "params"}]``, with a
parameter that is itself a message (a vocabulary label) stored the same way, so it can be shown
later in either language.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlite_utils

from ..core.dates import ApproxDate
from ..core.flags import SEVERITY_ORDER, flag_id
from ..core.hlc import Timestamp
from ..core.msg import Message
from .changelog import canonical_json, changes_by_op, heads

FLAG_ENTITY = "flag"
STATUS_FIELD = "status"
DEFAULT_STATUS = "open"
EVENT_KINDS = ("raised", "cleared", "raised_again", "changed")
_BATCH = 500  # ids named in one ``IN (…)``


# -- explanations as JSON ----------------------------------------------------------------------


def _param_to_json(value: Any) -> Any:
    if isinstance(value, Message):
        return message_to_json(value)
    if isinstance(value, ApproxDate):
        return value.text
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_param_to_json(v) for v in value]
    return str(value)


def message_to_json(message: Message) -> dict[str, Any]:
    return {"text": message.text, "params": {k: _param_to_json(v) for k, v in message.params.items()}}


def _param_from_json(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"text", "params"}:
        return message_from_json(value)
    if isinstance(value, list):
        return [_param_from_json(v) for v in value]
    return value


def message_from_json(value: dict[str, Any]) -> Message:
    return Message(value["text"], {k: _param_from_json(v) for k, v in value.get("params", {}).items()})


def facts_to_json(messages: Iterable[Message]) -> str:
    return canonical_json([message_to_json(m) for m in messages])


def facts_from_json(text: str) -> tuple[Message, ...]:
    return tuple(message_from_json(v) for v in json.loads(text or "[]"))


# -- evaluation results --------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagState:
    """A flag as one evaluation finds it (the rule fires for the child)."""

    rule_id: str
    rule_version: int
    child_id: str
    severity: str
    mandatory_report: bool
    facts: str  # JSON, see ``facts_to_json``
    suggests: str = ""


@dataclass
class StoreResult:
    """What storing one evaluation changed."""

    raised: list[str] = field(default_factory=list)  # new flags
    raised_again: list[str] = field(default_factory=list)  # held before, cleared, hold again
    cleared: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # still holding, severity / report / rule version changed
    still_holding: int = 0  # held before and still hold (changed ones included)
    holding_by_severity: dict[str, int] = field(default_factory=dict)  # every holding flag in scope afterwards


_COLUMNS = "id, rule_version, severity, mandatory_report, holds, facts, suggests, rule_id, child_id"


def _existing(db: sqlite_utils.Database, child_ids: Sequence[str] | None) -> dict[str, tuple]:
    if child_ids is None:
        return {r[0]: r for r in db.execute(f"SELECT {_COLUMNS} FROM flag")}
    found: dict[str, tuple] = {}
    for start in range(0, len(child_ids), _BATCH):
        batch = list(child_ids[start:start + _BATCH])
        marks = ", ".join("?" for _ in batch)
        found.update((r[0], r) for r in db.execute(f"SELECT {_COLUMNS} FROM flag WHERE child_id IN ({marks})", batch))
    return found


def store_findings(
    db: sqlite_utils.Database, found: Iterable[FlagState], child_ids: Iterable[str] | None, now: str
) -> StoreResult:
    """Bring the flags of ``child_ids`` (``None``: every flag) in line with what one evaluation
    ``found`` for them, inside the caller's transaction. New flags are inserted; flags found again
    after being cleared hold again; flags not found any more are cleared (never deleted); each of
    these writes an event. A flag's human status is not touched."""
    existing = _existing(db, None if child_ids is None else list(dict.fromkeys(child_ids)))
    known_ids = {(row[7], row[8]): row[0] for row in existing.values()}
    wanted: dict[str, FlagState] = {}
    for state in found:
        key = known_ids.get((state.rule_id, state.child_id)) or flag_id(state.rule_id, state.child_id)
        kept = wanted.get(key)
        if kept is None or SEVERITY_ORDER.get(state.severity, 9) < SEVERITY_ORDER.get(kept.severity, 9):
            wanted[key] = state
    result = StoreResult()
    inserts, updates, events = [], [], []
    for key, state in wanted.items():
        mr = int(state.mandatory_report)
        row = existing.get(key)
        if row is None:
            inserts.append((key, state.rule_id, state.rule_version, state.child_id, state.severity, mr, state.facts, state.suggests, now, now))
            events.append((key, now, "raised", state.rule_version, state.severity, mr, state.facts))
            result.raised.append(key)
            continue
        version, severity, old_mr, holds, facts, suggests = row[1:7]
        material = (version, severity, old_mr) != (state.rule_version, state.severity, mr)
        if not holds:
            updates.append((state.rule_version, state.severity, mr, 1, state.facts, state.suggests, now, "", key))
            events.append((key, now, "raised_again", state.rule_version, state.severity, mr, state.facts))
            result.raised_again.append(key)
            continue
        result.still_holding += 1
        if material or (facts, suggests) != (state.facts, state.suggests):
            updates.append((state.rule_version, state.severity, mr, 1, state.facts, state.suggests, now, "", key))
        if material:
            events.append((key, now, "changed", state.rule_version, state.severity, mr, state.facts))
            result.changed.append(key)
    for key, row in existing.items():
        if row[4] and key not in wanted:
            db.execute("UPDATE flag SET holds = 0, cleared_at = ?, last_changed_at = ? WHERE id = ?", [now, now, key])
            events.append((key, now, "cleared", row[1], row[2], row[3], row[5]))
            result.cleared.append(key)
    db.conn.executemany(
        """INSERT INTO flag (id, rule_id, rule_version, child_id, severity, mandatory_report, holds, facts, suggests,
                             first_raised_at, last_changed_at, cleared_at)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, '')""",
        inserts,
    )
    db.conn.executemany(
        """UPDATE flag SET rule_version = ?, severity = ?, mandatory_report = ?, holds = ?, facts = ?, suggests = ?,
                           last_changed_at = ?, cleared_at = ? WHERE id = ?""",
        updates,
    )
    db.conn.executemany(
        "INSERT INTO flag_event (flag_id, at, kind, rule_version, severity, mandatory_report, facts) VALUES (?, ?, ?, ?, ?, ?, ?)",
        events,
    )
    by_severity: dict[str, int] = {}
    for state in wanted.values():
        by_severity[state.severity] = by_severity.get(state.severity, 0) + 1
    result.holding_by_severity = by_severity
    return result


# -- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredFlag:
    id: str
    rule_id: str
    rule_version: int
    child_id: str
    severity: str
    mandatory_report: bool
    holds: bool
    facts: tuple[Message, ...]
    suggests: str
    first_raised_at: str
    last_changed_at: str
    cleared_at: str


def get_flag(db: sqlite_utils.Database, flag_id: str) -> StoredFlag | None:
    row = db.execute(
        """SELECT id, rule_id, rule_version, child_id, severity, mandatory_report, holds, facts, suggests,
                  first_raised_at, last_changed_at, cleared_at FROM flag WHERE id = ?""",
        [flag_id],
    ).fetchone()
    if row is None:
        return None
    return StoredFlag(row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]), facts_from_json(row[7]), *row[8:])


@dataclass(frozen=True)
class FlagEventRow:
    flag_id: str
    at: str  # UTC, ISO 8601
    kind: str  # EVENT_KINDS
    rule_version: int
    severity: str
    mandatory_report: bool
    facts: tuple[Message, ...]


def flag_events(db: sqlite_utils.Database, flag_id: str) -> list[FlagEventRow]:
    """This laptop's evaluation events of a flag, oldest first."""
    rows = db.execute(
        "SELECT flag_id, at, kind, rule_version, severity, mandatory_report, facts FROM flag_event WHERE flag_id = ? ORDER BY at, rowid",
        [flag_id],
    ).fetchall()
    return [FlagEventRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), facts_from_json(r[6])) for r in rows]


# -- status ----------------------------------------------------------------------------------------


def status_of(db: sqlite_utils.Database, flag_id: str) -> str:
    row = db.execute("SELECT status FROM flag_status WHERE flag_id = ?", [flag_id]).fetchone()
    return row[0] if row else DEFAULT_STATUS


def stamp_text(hlc: int, node_id: str) -> str:
    """The wall time of a hybrid-logical-clock stamp, as UTC ISO 8601."""
    wall = Timestamp.unpack(hlc, node_id).wall_ms
    return datetime.fromtimestamp(wall / 1000, tz=UTC).isoformat(timespec="milliseconds")


def refresh_status(db: sqlite_utils.Database, flag_ids: Iterable[str]) -> None:
    """Materialise the status of these flags from the change log: the head of the ``status`` field
    with the greatest (hlc, node id), as every laptop does after writing or receiving a change."""
    for one in flag_ids:
        found = changes_by_op(db, heads(db, one, STATUS_FIELD)).values()
        if not found:
            db.execute("DELETE FROM flag_status WHERE flag_id = ?", [one])
            continue
        change = max(found, key=lambda c: (c.hlc, c.node_id))
        status = json.loads(change.value).get("status", DEFAULT_STATUS)
        db.execute(
            """INSERT INTO flag_status (flag_id, status, changed_at, changed_by) VALUES (?, ?, ?, ?)
               ON CONFLICT(flag_id) DO UPDATE SET status = excluded.status, changed_at = excluded.changed_at,
                 changed_by = excluded.changed_by""",
            [one, status, stamp_text(change.hlc, change.node_id), change.author],
        )
