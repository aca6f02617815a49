"""A record's history: who changed which field, when, from what, to what — read from the change log.

A person's history includes the records that describe them (relations, parents' situations, care
arrangements, categories), so one view answers "what happened to this child's record".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..storage import changelog, nodes
from ..storage import register as reg
from .workspace import Workspace


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime  # UTC
    author_id: str
    author_name: str
    node_id: str
    entity: str
    record_id: str
    field: str
    old: list[Any]  # the values this change replaced (several after a conflict; none at creation)
    new: Any
    reason: str


def history(ws: Workspace, entity: str, record_id: str) -> list[HistoryEntry]:
    """Newest first."""
    ids = [record_id]
    if entity == "person":
        ids += reg.related_record_ids(ws.db, record_id)
    found = changelog.changes_of(ws.db, ids)
    by_op = {c.op_id: c for c in found}
    missing = {p for c in found for p in c.prev_op_ids if p not in by_op}
    by_op.update(changelog.changes_by_op(ws.db, missing))
    names = nodes.user_names(ws.db)
    entries = []
    for change in found:
        stamp = change.timestamp
        entries.append(
            HistoryEntry(
                when=datetime.fromtimestamp(stamp.wall_ms / 1000, tz=UTC),
                author_id=change.author,
                author_name=names.get(change.author, ""),
                node_id=change.node_id,
                entity=change.entity,
                record_id=change.entity_id,
                field=change.field,
                old=[json.loads(by_op[p].value) for p in change.prev_op_ids if p in by_op],
                new=json.loads(change.value),
                reason=change.reason,
            )
        )
    entries.reverse()
    return entries
