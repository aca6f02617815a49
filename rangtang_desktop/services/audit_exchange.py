"""The audit log in bundles (issue 7 part 3): the village's chain travels to its township, which
keeps it per computer and checks it on every import.

* **Sending** (village → township): a changes bundle carries, in its payload's ``audit`` list, the
  village's own entries above what the township last said it holds (all of them with ``full``),
  and the users those entries name, so the township can show who did what.
* **Receiving** (township): entries are checked strictly when the payload is read (a malformed
  entry, or one of another computer, refuses the bundle like any malformed payload). Then, in the
  import's transaction, entries the township does not hold yet are stored exactly as they came, and
  checked against what it holds: an entry whose hash does not match its contents (``hash``), one
  that does not follow the entry before it (``link``), missing entries (``gap``), and entries that
  *differ* from ones already held under the same numbers (``rewound``: the laptop's database was
  restored from an old copy, or changed) — the last are kept in ``audit_divergent`` as evidence and
  never replace what is held. Each finding is an ``audit_warning`` row, shown on the import result
  and in the audit log view. **Nothing else of the import is blocked**: the bundle's signature
  already proves which computer sent it, and its changes are the village's data whatever its log
  says; the warning is what a person must follow up. A bundle held back as a fork (a restored or
  cloned laptop re-using a bundle number) is not applied, but its entries are still compared, so a
  rewound chain is reported at once.
* **Acknowledging** (township → village): receipts and return bundles carry ``audit_holds`` in the
  manifest's ``extra`` — ``{village node: seq}``, every entry up to ``seq`` held — and the village
  sends only what lies above it next time. The village keeps the newest word it received (set,
  not raised), so a township that lost entries is sent them again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..exchange.errors import BundleRejected
from ..storage import audit as store
from .workspace import Workspace

EXTRA_KEY = "audit_holds"


def outgoing(ws: Workspace, township_node: str, *, full: bool) -> list[store.Entry]:
    """This computer's entries the township has not acknowledged (all with ``full``), oldest first."""
    after = 0 if full else store.acknowledged(ws.db, township_node, ws.node_id)
    return list(store.chain(ws.db, ws.node_id, after=after))


def users_for(ws: Workspace, users: list[dict], entries: list[store.Entry]) -> list[dict]:
    """``users`` (the payload's authors) with the users the entries name that are not among them."""
    known = {u.get("user_id") for u in users}
    wanted = sorted({e.user_id for e in entries if e.user_id and e.user_id not in known})
    extra = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = ws.db.execute(
            f"SELECT user_id, display_name, role, unit_code, home_node FROM user WHERE user_id IN ({marks}) ORDER BY user_id",
            chunk,
        )
        extra += [
            {"user_id": u, "display_name": name, "role": role, "unit_code": unit, "home_node": home or ws.node_id}
            for u, name, role, unit, home in rows
        ]
    return users + extra


def holds_for(ws: Workspace, village_node: str) -> dict[str, int]:
    """What a receipt or return bundle says the township holds of the village's chain."""
    return {village_node: store.held_through(ws.db, village_node)}


def acknowledge(ws: Workspace, sender: str, extra: Any, now: str) -> None:
    """At a village: remember what the township (``sender``) says it holds of this computer's
    chain. A missing or malformed ``audit_holds`` (an older township) changes nothing."""
    holds = extra.get(EXTRA_KEY) if isinstance(extra, dict) else None
    if not isinstance(holds, dict):
        return
    seq = holds.get(ws.node_id)
    if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq <= store.MAX_SEQ:
        store.set_acknowledged(ws.db, sender, {ws.node_id: seq}, now)


@dataclass(frozen=True)
class Intake:
    """What the township did with a bundle's audit entries."""

    received: int = 0  # entries stored
    already_had: int = 0
    warnings: list[store.AuditWarning] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "received": self.received, "already_had": self.already_had,
            "warnings": [{"kind": w.kind, "seq": w.seq, "count": w.count} for w in self.warnings],
        }


def check_sender(entries: list[store.Entry], sender: str, file: str) -> None:
    """A computer sends its own chain only: an entry of another refuses the bundle."""
    if any(e.node_id != sender for e in entries):
        raise BundleRejected("bad_json", file=file, detail="payload: audit entries of another computer")


def take_in(
    ws: Workspace, sender: str, entries: list[store.Entry], *, bundle_sha256: str, bundle_seq: int, now: str,
    apply: bool = True,
) -> Intake:
    """Store (``apply``) and check the sender's entries, inside the caller's transaction (module
    docstring); a fork's entries are only compared (``apply=False``)."""
    entries = sorted((e for e in entries if e.node_id == sender), key=lambda e: e.seq)
    if not entries:
        return Intake()
    held = store.hashes_between(ws.db, sender, entries[0].seq - 1, entries[-1].seq)
    new, divergent, already = [], [], 0
    seen: set[int] = set()
    for entry in entries:
        if entry.seq in seen:
            continue
        seen.add(entry.seq)
        if entry.seq in held:
            if held[entry.seq] == entry.hash:
                already += 1
            else:
                divergent.append(entry)
        else:
            new.append(entry)
    found: dict[str, list[int]] = {}
    if divergent:
        store.keep_divergent(ws.db, divergent, now)
        found[store.REWOUND] = [e.seq for e in divergent]
    if apply and new:
        store.store_received(ws.db, new)
        hashes = {**held, **{e.seq: e.hash for e in new}}
        for entry in new:
            problem = _problem(ws, sender, entry, hashes)
            if problem:
                kind, seq = problem
                found.setdefault(kind, []).append(seq)
    warnings = [
        store.add_warning(ws.db, sender, kind, min(seqs), len(seqs), now, bundle_sha256, bundle_seq)
        for kind, seqs in sorted(found.items())
    ]
    return Intake(len(new) if apply else 0, already, warnings)


def _problem(ws: Workspace, node_id: str, entry: store.Entry, hashes: dict[int, str]) -> tuple[str, int] | None:
    """What is wrong with a newly stored entry, as (kind, seq), or ``None``."""
    if entry.computed_hash() != entry.hash:
        return store.HASH_MISMATCH, entry.seq
    if entry.seq == 1:
        return None if entry.prev_hash == store.GENESIS else (store.BROKEN_LINK, entry.seq)
    before = hashes.get(entry.seq - 1)
    if before is None:
        return store.GAP, store.last_below(ws.db, node_id, entry.seq) + 1
    return None if entry.prev_hash == before else (store.BROKEN_LINK, entry.seq)
