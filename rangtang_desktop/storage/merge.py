"""Merging changes from other laptops into this one (DESIGN §4): the per-field multi-value register.

A change travels as a ``WireChange`` (``storage.wire``, whose ``changes_to_send``, ``holdings`` and
``payload_for`` are importable from here too). ``apply_changes`` takes what arrives, inside the
caller's transaction:

* a change already held (same origin node and seq) is skipped; the same origin and seq with
  *different* content is a fork (a cloned laptop, an old backup restored) and nothing is applied
  (``ChangeFork``);
* a change stamped more than a day after this laptop's clock is held back (``held_change``) for a
  person to check, and applied when released (``release_held``);
* a signed visit's change is applied only with its content, which must match the hash the change
  carries and verify (visits are immutable events: merging them is a union);
* every other change is stored, marks the changes it names in ``prev`` superseded (also ones not
  received yet: supersession is keyed by origin and seq), and each field it touches is materialised
  again from its heads (``storage.materialise``) and its conflicts brought up to date
  (``storage.conflicts``: heads with different values wait for a person — no field is settled
  automatically);
* hybrid-logical-clock times seen move this laptop's clock past them, as ``ChangeLog`` stores it.

The result says what changed and which records were touched, so the service can refresh derived
data (search keys, flags) — storage never calls services. Applying the same changes in any order,
any number of times, gives the same register, the same shown values and the same open conflicts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlite_utils

from ..core import visits as core_visits
from ..core.errors import RangtangError
from ..core.hlc import MAX_COUNTER
from ..core.msg import N_
from . import conflicts as conflict_store
from .changelog import op_id, split_op_id
from .flags import stamp_text
from .materialise import is_materialised, materialise
from .meta import get_meta, set_meta
from .visits import VISIT_ENTITY, VISIT_FIELD, insert_visits
from .wire import WireChange, canonical, changes_to_send, holdings, missing_seqs, payload_for

__all__ = [
    "ChangeFork",
    "HeldChange",
    "MergeResult",
    "WireChange",
    "apply_changes",
    "changes_to_send",
    "held_changes",
    "holdings",
    "payload_for",
    "release_held",
]

HOLD_AFTER_MS = 24 * 60 * 60 * 1000  # changes stamped further than this into our future are held
_CHUNK = 500


class ChangeFork(RangtangError):
    """Received changes that reuse an origin node's sequence numbers with other content."""

    headline = N_("{count} received changes do not match changes already received from the same computer.")
    advice = N_(
        "That computer may be a copy of another laptop, or it was restored from an old backup. Nothing "
        "was imported. Keep the file and show it to the township."
    )

    def __init__(self, op_ids: Iterable[str]) -> None:
        self.op_ids = sorted(op_ids)
        super().__init__(count=len(self.op_ids))


def _wall_ms(hlc: int) -> int:
    return hlc // (MAX_COUNTER + 1)


# -- receiving ----------------------------------------------------------------------------------


@dataclasses.dataclass
class MergeResult:
    """What applying received changes did (or, in a dry run, would do)."""

    new_changes: int = 0  # stored and applied
    already_had: int = 0  # the same change was here already (applied or held back)
    new_records: int = 0  # records (register, settings, flag statuses, duplicate decisions) first seen here
    changed_records: int = 0  # records already here whose shown values changed
    conflicts: int = 0  # new conflict items
    held_future: int = 0  # newly held back: stamped more than a day in this laptop's future
    visits_added: int = 0
    touched: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # entity → ids with new changes
    gaps: dict[str, list[int]] = dataclasses.field(default_factory=dict)  # origin → missing seqs below its max
    rejected_visits: list[str] = dataclasses.field(default_factory=list)  # visit ids: content missing or not matching
    rejected_attachments: list[str] = dataclasses.field(default_factory=list)  # claimed sha256 not matching the bytes
    held: list[str] = dataclasses.field(default_factory=list)  # op ids newly held back
    users_added: int = 0

    def as_json(self) -> dict[str, Any]:
        value = dataclasses.asdict(self)
        value["touched"] = {entity: sorted(ids) for entity, ids in self.touched.items()}
        return value


def apply_changes(
    db: sqlite_utils.Database,
    changes: Iterable[WireChange],
    *,
    visits: Iterable[dict] = (),
    attachments: Iterable[tuple[str, str, bytes]] = (),
    users: Iterable[dict] = (),
    now: datetime,
    local_node_id: str,
    dry_run: bool = False,
) -> MergeResult:
    """Apply received changes inside the caller's transaction (see the module docstring).

    ``visits``: the content of signed visits as JSON objects (``core.visits.to_json``);
    ``attachments``: (sha256, media type, bytes); ``users``: ``{"user_id", "display_name", "role",
    "unit_code"?, "home_node"?}`` of the authors. With ``dry_run`` the counts are the same and the
    database is left as it was. Raises ``ChangeFork`` (nothing applied) when a change reuses an
    origin's seq with other content.
    """
    return _in_savepoint(db, dry_run, lambda: _Merge(db, now, local_node_id).run(
        list(changes), list(visits), list(attachments), list(users), hold=True,
    ))


def _in_savepoint(db: sqlite_utils.Database, dry_run: bool, work: Callable[[], MergeResult]) -> MergeResult:
    db.execute("SAVEPOINT merge")
    try:
        result = work()
    except BaseException:
        db.execute("ROLLBACK TO merge")
        db.execute("RELEASE merge")
        raise
    if dry_run:
        db.execute("ROLLBACK TO merge")
    db.execute("RELEASE merge")
    return result


class _Merge:
    def __init__(self, db: sqlite_utils.Database, now: datetime, local_node_id: str):
        self.db = db
        self.now_text = now.isoformat(timespec="milliseconds")
        self.hold_above_ms = int(now.timestamp() * 1000) + HOLD_AFTER_MS
        self.local_node_id = local_node_id
        self.origins = dict(db.execute("SELECT node_id, ref FROM origin").fetchall())
        self.authors = dict(db.execute("SELECT user_id, ref FROM author").fetchall())

    def _ref(self, cache: dict[str, int], table: str, column: str, value: str) -> int:
        ref = cache.get(value)
        if ref is None:
            ref = self.db.execute(f"INSERT INTO {table} ({column}) VALUES (?)", [value]).lastrowid
            cache[value] = ref
        return ref

    def origin(self, node_id: str) -> int:
        return self._ref(self.origins, "origin", "node_id", node_id)

    def author(self, user_id: str) -> int:
        return self._ref(self.authors, "author", "user_id", user_id)

    # -- the steps ----------------------------------------------------------------------------

    def run(self, changes: list[WireChange], visits: list[dict], attachments: list, users: list[dict], *, hold: bool) -> MergeResult:
        result = MergeResult()
        fresh = self._new_changes(changes, result)
        if hold:
            fresh = self._hold_future(fresh, visits, result)
        fresh, new_visits = self._check_visits(fresh, visits, result)
        self._store(fresh)
        self._move_local_seq(changes)
        self._observe(fresh)
        keys = list(dict.fromkeys((c.entity, c.entity_id, c.field) for c in fresh))
        heads = conflict_store.heads_of(self.db, [k for k in keys if is_materialised(k[0], k[2])])
        done = materialise(self.db, heads, {c.op: c.value for c in fresh})
        result.new_changes = len(fresh)
        result.new_records, result.changed_records = done.new_records, done.changed_records
        result.conflicts = self._conflicts(heads)
        result.visits_added = self._insert_visits(new_visits)
        touched: dict[str, set[str]] = {}
        for change in fresh:
            touched.setdefault(change.entity, set()).add(change.entity_id)
        result.touched = touched
        result.rejected_attachments = self._attachments(attachments)
        result.users_added = self._users(users, changes)
        nodes = {c.node for c in changes}
        result.gaps = {node: missing for node, (_, missing) in missing_seqs(self.db, nodes).items() if missing}
        return result

    def _new_changes(self, changes: list[WireChange], result: MergeResult) -> list[WireChange]:
        """The changes not held here yet; raises ``ChangeFork`` for a seq reused with other content."""
        batch: dict[tuple[str, int], WireChange] = {}
        forks: set[str] = set()
        for change in changes:
            seen = batch.setdefault((change.node, change.seq), change)
            if seen is not change:
                if seen.stored_form() != change.stored_form():
                    forks.add(change.op)
                result.already_had += 1
        by_origin: dict[str, list[int]] = {}
        for node, seq in batch:
            by_origin.setdefault(node, []).append(seq)
        have_held = self.db.execute("SELECT 1 FROM held_change LIMIT 1").fetchone() is not None
        known: set[tuple[str, int]] = set()
        for node, seqs in by_origin.items():
            ref = self.origins.get(node)
            for start in range(0, len(seqs), _CHUNK):
                chunk = seqs[start:start + _CHUNK]
                marks = ", ".join("?" for _ in chunk)
                if ref is not None:
                    rows = self.db.execute(
                        f"""SELECT c.seq, c.hlc, c.entity, c.entity_id, c.field, c.value, c.prev_op_ids, a.user_id, c.reason
                            FROM change c JOIN author a ON a.ref = c.author WHERE c.origin = ? AND c.seq IN ({marks})""",
                        [ref, *chunk],
                    )
                    for seq, *stored in rows:
                        known.add((node, seq))
                        if tuple(stored) != batch[(node, seq)].stored_form():
                            forks.add(op_id(node, seq))
                if have_held:
                    rows = self.db.execute(
                        f"SELECT seq, change FROM held_change WHERE origin_node = ? AND seq IN ({marks})", [node, *chunk]
                    )
                    for seq, text in rows:
                        known.add((node, seq))
                        if text != canonical(batch[(node, seq)].as_json()):
                            forks.add(op_id(node, seq))
        if forks:
            raise ChangeFork(forks)
        result.already_had += len(known)
        return [change for key, change in batch.items() if key not in known]

    def _hold_future(self, fresh: list[WireChange], visits: list[dict], result: MergeResult) -> list[WireChange]:
        kept, held = [], []
        for change in fresh:
            (held if _wall_ms(change.hlc) > self.hold_above_ms else kept).append(change)
        if held:
            content = {v["id"]: v for v in visits if isinstance(v, dict) and isinstance(v.get("id"), str)}
            self.db.conn.executemany(
                "INSERT INTO held_change (origin_node, seq, hlc, change, visit, held_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.node, c.seq, c.hlc, canonical(c.as_json()),
                        canonical(content[c.entity_id]) if c.entity == VISIT_ENTITY and c.entity_id in content else "",
                        self.now_text,
                    )
                    for c in held
                ],
            )
            result.held_future = len(held)
            result.held = [c.op for c in held]
        return kept

    def _check_visits(self, fresh: list[WireChange], visits: list[dict], result: MergeResult):
        """A signed visit's change is applied only with content that matches its hash."""
        candidates: dict[str, list[dict]] = {}
        for value in visits:
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                candidates.setdefault(value["id"], []).append(value)
        kept, new_visits = [], {}
        for change in fresh:
            if change.entity != VISIT_ENTITY or change.field != VISIT_FIELD:
                kept.append(change)
                continue
            visit = _verified_visit(change, candidates.get(change.entity_id, ()))
            if visit is None:
                result.rejected_visits.append(change.entity_id)
                continue
            kept.append(change)
            new_visits.setdefault(visit.id, visit)
        return kept, new_visits

    def _store(self, fresh: list[WireChange]) -> None:
        rows, superseded = [], set()
        for c in fresh:
            rows.append((
                self.origin(c.node), c.seq, c.hlc, c.entity, c.entity_id, c.field, canonical(c.value), c.prev_text,
                self.author(c.author), c.reason,
            ))
            for previous in c.prev:
                node, seq = split_op_id(previous)
                superseded.add((self.origin(node), seq))
        self.db.conn.executemany(
            "INSERT INTO change (origin, seq, hlc, entity, entity_id, field, value, prev_op_ids, author, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.db.conn.executemany("INSERT OR IGNORE INTO change_superseded (origin, seq) VALUES (?, ?)", sorted(superseded))

    def _move_local_seq(self, changes: list[WireChange]) -> None:
        """This laptop's own changes coming back (after it was restored from a backup): its next
        seq moves past them, so it never reuses one."""
        own = [c.seq for c in changes if c.node == self.local_node_id]
        if own:
            self.db.execute(
                "UPDATE node SET next_seq = max(next_seq, ?) WHERE node_id = ?", [max(own) + 1, self.local_node_id]
            )

    def _observe(self, fresh: list[WireChange]) -> None:
        if not fresh:
            return
        seen = max(c.hlc for c in fresh)
        last = get_meta(self.db, "hlc")
        if not last or int(last) < seen:
            set_meta(self.db, "hlc", str(seen))

    def _conflicts(self, heads: dict) -> int:
        open_keys = set(self.db.execute(
            "SELECT entity, entity_id, field FROM conflict WHERE status = ?", [conflict_store.OPEN]
        ).fetchall())
        made = 0
        for key, found in heads.items():
            if key[0] == VISIT_ENTITY:
                continue  # visits are a union of immutable events
            if key in open_keys or conflict_store.disagree(found):
                made += conflict_store.reconcile(self.db, key, found, self.now_text)
        return made

    def _insert_visits(self, new_visits: dict) -> int:
        if not new_visits:
            return 0
        ids = list(new_visits)
        present: set[str] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            present.update(r[0] for r in self.db.execute(f"SELECT id FROM visit WHERE id IN ({marks})", chunk))
        added = [v for visit_id, v in new_visits.items() if visit_id not in present]
        insert_visits(self.db, added)
        return len(added)

    def _attachments(self, attachments: list) -> list[str]:
        rejected = []
        rows = []
        for digest, media_type, data in attachments:
            if not isinstance(data, (bytes, bytearray)) or hashlib.sha256(data).hexdigest() != str(digest).lower():
                rejected.append(str(digest))
                continue
            rows.append((str(digest).lower(), str(media_type), bytes(data), self.now_text))
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO attachment (sha256, media_type, data, created_at) VALUES (?, ?, ?, ?)", rows
        )
        return rejected

    def _users(self, users: list[dict], changes: list[WireChange]) -> int:
        """Authors not known here: their names (and role), so histories show who wrote what."""
        node_of = {c.author: c.node for c in changes}
        added = 0
        for user in users:
            if not isinstance(user, dict) or not isinstance(user.get("user_id"), str) or not user["user_id"]:
                continue
            home = user.get("home_node") or node_of.get(user["user_id"]) or "remote"
            added += self.db.execute(
                """INSERT OR IGNORE INTO user (user_id, display_name, role, unit_code, created_at, home_node)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    user["user_id"], str(user.get("display_name") or ""), str(user.get("role") or ""),
                    str(user.get("unit_code") or ""), self.now_text, str(home),
                ],
            ).rowcount
        return added


def _verified_visit(change: WireChange, candidates: Iterable[dict]) -> core_visits.Visit | None:
    claimed = change.value.get("content_hash") if isinstance(change.value, dict) else None
    if not isinstance(claimed, str) or not claimed:
        return None
    for content in candidates:
        try:
            visit = core_visits.from_json(content)
        except (TypeError, ValueError, AttributeError):
            continue
        if visit.id == change.entity_id and visit.content_hash == claimed and core_visits.verify(visit):
            return visit
    return None


# -- held back ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HeldChange:
    op: str
    node_id: str
    seq: int
    stamped_at: str  # the change's own wall time, UTC ISO 8601
    entity: str
    entity_id: str
    field: str
    author: str
    held_at: str


def held_changes(db: sqlite_utils.Database) -> list[HeldChange]:
    """Changes held back for a person to check, oldest stamp first."""
    found = []
    for node_id, seq, hlc, text, held_at in db.execute(
        "SELECT origin_node, seq, hlc, change, held_at FROM held_change ORDER BY hlc, origin_node, seq"
    ):
        change = WireChange.from_json(json.loads(text))
        found.append(HeldChange(
            change.op, node_id, seq, stamp_text(hlc, node_id), change.entity, change.entity_id, change.field,
            change.author, held_at,
        ))
    return found


def release_held(db: sqlite_utils.Database, op_ids: Iterable[str], *, now: datetime, local_node_id: str) -> MergeResult:
    """Apply changes a person has checked, inside the caller's transaction (their time stamps are
    not checked again; a held visit's content was kept with it). A visit change whose content is
    still missing or does not match stays held."""
    rows = []
    for value in op_ids:
        node_id, seq = split_op_id(value)
        row = db.execute(
            "SELECT origin_node, seq, hlc, change, visit, held_at FROM held_change WHERE origin_node = ? AND seq = ?",
            [node_id, seq],
        ).fetchone()
        if row is not None:
            rows.append(row)
    changes = [WireChange.from_json(json.loads(row[3])) for row in rows]
    visits = [json.loads(row[4]) for row in rows if row[4]]

    def work() -> MergeResult:
        db.conn.executemany("DELETE FROM held_change WHERE origin_node = ? AND seq = ?", [row[:2] for row in rows])
        result = _Merge(db, now, local_node_id).run(changes, visits, [], [], hold=False)
        rejected = set(result.rejected_visits)
        db.conn.executemany(
            "INSERT INTO held_change (origin_node, seq, hlc, change, visit, held_at) VALUES (?, ?, ?, ?, ?, ?)",
            [row for row, change in zip(rows, changes, strict=True) if change.entity == VISIT_ENTITY and change.entity_id in rejected],
        )
        return result

    return _in_savepoint(db, False, work)
