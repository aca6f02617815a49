"""The audit log, the use cases (issue 7 part 3; storage in ``storage.audit``): recording what a
person did, listing it, and checking each computer's record sequence (hash chain).

Actions (``ACTIONS``; a new kind — ``login``, ``lock``, ``unlock`` when users arrive — is one more
entry there, and entries with a code this version does not know are shown with the code itself):

* ``open`` — the program opened the database (the window's start; ``login`` once users log in);
* ``view`` — a child's (or any person's or household's) record was shown: the register's detail
  panel, a record opened in its dialog, the duplicate review. Views of the same record in the same
  place by the same user on the same computer within ``VIEW_COALESCE_SECONDS`` are one entry;
* ``change`` — one entry per save (a register record created, edited or deleted, a visit signed, a
  flag moved on, a conflict resolved, a duplicate decision), not per field. A use case made of
  several saves (merging duplicates, confirming a suggested category) is one entry: its inner saves
  run inside ``covering()``;
* ``export`` (a bundle, an upload package), ``import`` (a bundle applied or held as a fork),
  ``print`` (each document), ``backup`` and ``restore``.

The subject is an entity and a record id, never a name or an ID number; ``detail`` says what was
done (which fields, which document, which month), never to whom. Every entry is written inside the
caller's transaction when there is one, so a save and its entry commit together.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..core.dates import local_today, minor_cutoff, utc_now_text
from ..core.errors import RangtangError
from ..core.msg import N_, Message
from ..core.records import ENTITY_LABELS
from ..storage import audit as store
from ..storage import nodes
from ..storage.database import write_transaction
from .workspace import Workspace

ACTIONS: dict[str, str] = {
    "open": N_("Opened the program"),
    "login": N_("Logged in"),
    "view": N_("Viewed"),
    "change": N_("Changed"),
    "export": N_("Exported"),
    "import": N_("Imported"),
    "print": N_("Printed"),
    "backup": N_("Backed up"),
    "restore": N_("Restored a backup"),
    "setup": N_("Set up this computer"),
}
VIEW_COALESCE_SECONDS = 600

PROBLEMS: dict[str, str] = {
    "": N_("{computer}: the record sequence is intact ({count} entries)."),
    store.HASH_MISMATCH: N_("{computer}: entry {seq} was changed after it was written (its fingerprint no longer matches)."),
    store.BROKEN_LINK: N_(
        "{computer}: the record sequence breaks at entry {seq}: it does not follow the entry before it "
        "(entries were removed, changed or put in)."
    ),
    store.GAP: N_("{computer}: entries are missing from entry {seq} on."),
    store.REWOUND: N_(
        "{computer}: from entry {seq} on, this computer sent entries that differ from those received before: "
        "its database was restored from an old copy or changed."
    ),
}
RECORD_LABELS = {
    "person": N_("Person's record"),
    "child": N_("Child's record"),
    "household": N_("Household record"),
    "duplicate_decision": N_("Duplicate decision"),
}


class AuditChainBroken(RangtangError):
    headline = N_("The audit log's record sequence is broken: {where}")
    advice = N_(
        "The database was changed outside this program, or restored from an old copy. Keep the database and "
        "its backups as they are and tell the township. Nothing has been changed."
    )


# -- recording ----------------------------------------------------------------------------------

_covering: ContextVar[int] = ContextVar("audit_covering", default=0)
_recent_views: dict[tuple[str, ...], float] = {}
_recent_lock = threading.Lock()


def register_action(code: str, label: str) -> None:
    """Name a new kind of action (``label`` is a message id, marked with ``N_``)."""
    ACTIONS[code] = label


def record(
    ws: Workspace, action: str, *, subject: tuple[str, str] | None = None, detail: dict[str, Any] | None = None
) -> store.Entry:
    """Append one entry for this computer and the acting user, inside the caller's transaction if
    there is one (else in its own)."""
    entity, entity_id = subject or ("", "")
    with write_transaction(ws.db):
        return store.append(
            ws.db, ws.node_id, ws.user_id, action, utc_now_text(), entity=entity, entity_id=entity_id or "",
            detail=detail,
        )


@contextlib.contextmanager
def covering() -> Iterator[None]:
    """The saves inside are part of one action that records its own entry: ``changed`` is quiet."""
    token = _covering.set(_covering.get() + 1)
    try:
        yield
    finally:
        _covering.reset(token)


def changed(ws: Workspace, entity: str, record_id: str, detail: dict[str, Any]) -> store.Entry | None:
    """The entry of one save (``None`` inside ``covering()``)."""
    if _covering.get():
        return None
    return record(ws, "change", subject=(entity, record_id), detail=detail)


def viewed(ws: Workspace, entity: str, record_id: str, *, where: str) -> store.Entry | None:
    """A record shown to the user (``where``: register, dialog, duplicates); repeated views of the
    same record, in the same place, by the same user within ``VIEW_COALESCE_SECONDS`` are one entry
    (the detail panel is shown again after every save, and a list is browsed up and down)."""
    key = (ws.path, ws.user_id, entity, record_id, where)
    now = time.monotonic()
    with _recent_lock:
        last = _recent_views.get(key)
        if last is not None and now - last < VIEW_COALESCE_SECONDS:
            return None
        if len(_recent_views) > 10_000:
            _recent_views.clear()
        _recent_views[key] = now
    try:
        return record(ws, "view", subject=(entity, record_id), detail={"where": where})
    except BaseException:
        with _recent_lock:
            _recent_views.pop(key, None)
        raise


def opened(ws: Workspace, *, via: str = "window") -> store.Entry:
    """The program opened the database (``via``: window)."""
    return record(ws, "open", detail={"via": via})


# -- checking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeVerification:
    """The check of one computer's record sequence, and what the township found on import."""

    node_id: str
    computer: str
    is_self: bool
    entries: int
    first_seq: int
    last_seq: int
    bad_seq: int = 0
    problem: str = ""  # "" | hash | link | gap | rewound
    warnings: list[store.AuditWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem

    def message(self) -> Message:
        return Message(
            PROBLEMS.get(self.problem, PROBLEMS[store.BROKEN_LINK]),
            {"computer": self.computer, "count": self.entries, "seq": self.bad_seq},
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id, "computer": self.computer, "self": self.is_self, "entries": self.entries,
            "first_seq": self.first_seq, "last_seq": self.last_seq, "ok": self.ok, "bad_seq": self.bad_seq or None,
            "problem": self.problem or None,
            "warnings": [
                {"kind": w.kind, "seq": w.seq, "count": w.count, "found_at": w.found_at, "bundle_seq": w.bundle_seq}
                for w in self.warnings
            ],
        }


def warning_message(result: NodeVerification, warning: store.AuditWarning) -> Message:
    """What the township found in one import of a computer's entries, said like a check."""
    return Message(
        PROBLEMS.get(warning.kind, PROBLEMS[store.BROKEN_LINK]),
        {"computer": result.computer, "count": warning.count, "seq": warning.seq},
    )


def computer_names(ws: Workspace) -> dict[str, str]:
    from .node import computer_names as names

    return names(ws)


def audited_nodes(ws: Workspace) -> list[str]:
    """The computers whose entries are held here, this one first."""
    found = store.nodes_with_entries(ws.db)
    return sorted(found, key=lambda n: (n != ws.node_id, n))


def verify(ws: Workspace, node_id: str | None = None) -> list[NodeVerification]:
    """Check the record sequence of one computer, or of every computer whose entries are held here
    (a township holds its villages'): per computer the entries, and the first entry where the
    sequence breaks and why — or that it is intact. At a township, a sequence that a village sent
    twice differently (``rewound``) counts as broken too."""
    names = computer_names(ws)
    targets = [node_id] if node_id else audited_nodes(ws)
    found = []
    for node in targets:
        checked = store.check_chain(ws.db, node)
        noted = store.warnings(ws.db, node)
        problem, bad_seq = checked.problem, checked.bad_seq
        rewound = [w for w in noted if w.kind == store.REWOUND]
        if not problem and rewound:
            problem, bad_seq = store.REWOUND, min(w.seq for w in rewound)
        found.append(
            NodeVerification(
                node, names.get(node, node[:8]), node == ws.node_id, checked.entries, checked.first_seq,
                checked.last_seq, bad_seq, problem, noted,
            )
        )
    return found


def broken(results: list[NodeVerification]) -> AuditChainBroken | None:
    """The error to report when any sequence is broken (``None`` when all are intact)."""
    bad = [r for r in results if not r.ok]
    if not bad:
        return None
    return AuditChainBroken(where="; ".join(f"{r.computer} #{r.bad_seq}" for r in bad))


# -- listing ------------------------------------------------------------------------------------


def key_of(node_id: str, seq: int) -> str:
    return f"{node_id}:{seq}"


def entry_count(ws: Workspace, *, node_id: str | None = None) -> int:
    return store.count(ws.db, node_id)


def _split(key: str) -> tuple[str, int]:
    node_id, _, seq = key.rpartition(":")
    return node_id, int(seq)


def entry_keys(ws: Workspace, *, node_id: str | None = None, limit: int | None = None) -> list[str]:
    """Keys (``node:seq``) of entries, newest first (all computers by time, or one by number)."""
    return [key_of(n, s) for n, s in store.newest_keys(ws.db, node_id=node_id, limit=limit)]


_PERSON_OF = {  # entity → (table, column naming the person it is about)
    "relation": ("relation", "child_id"),
    "care_arrangement": ("care_arrangement", "child_id"),
    "classification": ("classification", "child_id"),
    "parent_situation": ("parent_situation", "person_id"),
    "flag": ("flag", "child_id"),
    "referral": ("referral", "child_id"),
    "mandatory_report": ("mandatory_report", "child_id"),
}


def _in(ids: list[str]) -> tuple[str, list[str]]:
    return ", ".join("?" for _ in ids), ids


def _subjects(ws: Workspace, items: list[store.Entry]) -> dict[tuple[str, str], tuple[str, str]]:
    """(entity, id) → (record label message id, household number) for showing entries: a person's
    record says whether it is a child's, and a record about a person or a household carries the
    household number (never a name or an ID number)."""
    wanted: dict[str, set[str]] = {}
    for entry in items:
        if entry.entity and entry.entity_id:
            wanted.setdefault(entry.entity, set()).add(entry.entity_id)
    person_of: dict[tuple[str, str], str] = {}
    household_of: dict[tuple[str, str], str] = {}
    for entity, (table, column) in _PERSON_OF.items():
        ids = sorted(wanted.get(entity, ()))
        if ids:
            marks, params = _in(ids)
            for rid, pid in ws.db.execute(f"SELECT id, {column} FROM {table} WHERE id IN ({marks})", params):
                person_of[(entity, rid)] = pid
    for rid in wanted.get("person", ()):
        person_of[("person", rid)] = rid
    visit_ids = sorted(wanted.get("visit", ()))
    if visit_ids:
        marks, params = _in(visit_ids)
        for rid, hid in ws.db.execute(f"SELECT id, household_id FROM visit WHERE id IN ({marks})", params):
            household_of[("visit", rid)] = hid
    for rid in wanted.get("household", ()):
        household_of[("household", rid)] = rid
    people = sorted(set(person_of.values()))
    person_rows: dict[str, tuple[str, str]] = {}
    if people:
        marks, params = _in(people)
        for pid, hid, birth in ws.db.execute(
            f"SELECT id, household_id, birth_estimate FROM person WHERE id IN ({marks})", params
        ):
            person_rows[pid] = (hid, birth)
    for key, pid in person_of.items():
        if pid in person_rows:
            household_of[key] = person_rows[pid][0]
    households = sorted({h for h in household_of.values() if h})
    numbers: dict[str, str] = {}
    if households:
        marks, params = _in(households)
        numbers = dict(ws.db.execute(f"SELECT id, household_number FROM household WHERE id IN ({marks})", params))
    cutoff = minor_cutoff(local_today()).isoformat()
    found = {}
    for entity, ids in wanted.items():
        for rid in ids:
            key = (entity, rid)
            label = ENTITY_LABELS.get(entity) or RECORD_LABELS.get(entity, "")
            if entity == "person":
                birth = person_rows.get(rid, ("", ""))[1]
                label = RECORD_LABELS["child"] if birth and birth >= cutoff else RECORD_LABELS["person"]
            elif entity == "household":
                label = RECORD_LABELS["household"]
            found[key] = (label, numbers.get(household_of.get(key, ""), ""))
    return found


def entry_rows(ws: Workspace, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Row snapshots of entries for the audit view and the ``audit`` command: the entry's fields,
    the user's display name, the computer's name, the record label (a message id) and household
    number."""
    found = store.entries_by_key(ws.db, [_split(k) for k in keys])
    users = nodes.user_names(ws.db)
    computers = computer_names(ws)
    subjects = _subjects(ws, list(found.values()))
    rows = {}
    for (node_id, seq), entry in found.items():
        label, number = subjects.get((entry.entity, entry.entity_id), ("", ""))
        rows[key_of(node_id, seq)] = {
            "node_id": node_id, "seq": seq, "at": entry.at, "user_id": entry.user_id,
            "user": users.get(entry.user_id, ""), "action": entry.action, "action_label": ACTIONS.get(entry.action, ""),
            "entity": entry.entity, "entity_id": entry.entity_id, "record_label": label, "household_number": number,
            "computer": computers.get(node_id, node_id[:8]), "detail": entry.detail, "hash": entry.hash,
            "self": node_id == ws.node_id,
        }
    return rows


def entries(ws: Workspace, *, node_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Entries newest first, as ``entry_rows`` gives them."""
    keys = entry_keys(ws, node_id=node_id, limit=limit)
    rows = entry_rows(ws, keys)
    return [rows[k] for k in keys if k in rows]


def entry_json(row: dict[str, Any]) -> dict[str, Any]:
    """An entry as the ``audit --json`` command prints it."""
    return {
        "node_id": row["node_id"], "seq": row["seq"], "at": row["at"], "user_id": row["user_id"], "user": row["user"],
        "action": row["action"], "entity": row["entity"], "entity_id": row["entity_id"],
        "household_number": row["household_number"], "computer": row["computer"], "detail": row["detail"],
        "hash": row["hash"],
    }
