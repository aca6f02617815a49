"""Writing bundles to a stick and recording them (DESIGN §5): changes bundles from a village to its
township, return bundles and receipts from the township to a village.

Every bundle to a recipient carries the next number of this node's chain to that recipient and the
SHA-256 of the previous bundle of the chain, so the recipient notices a bundle that never arrived
(a gap) or a second, different bundle with a number already seen (a fork: a cloned laptop, a
restored backup). The database records a bundle only after ``write_bundle`` has written, re-read and
verified the file; if recording fails the file is removed again, so the stick never holds a bundle
this computer does not know it sent. A failed write (``BundleWriteFailed``: stick full,
write-protected, removed) leaves no file and changes nothing here.

What a village acknowledges (the ``holds`` of its bundles) is, per origin, the larger of its own
holdings and its coverage of what the township sends it (``storage.peers.coverage``): a return
bundle carries only the village's own records, so its plain holdings of the township's changes
would stop at the first change about another village.

The audit log travels too (``services.audit_exchange``): a village's changes bundle carries its
entries above what the township acknowledged; receipts and return bundles carry what the township
holds of the village's chain (``audit_holds`` in the manifest's extra). Writing a changes or
return bundle is recorded in the audit log ("export"), in the transaction that records the bundle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core.dates import utc_now_text
from ..core.flag_rules import RULES
from ..exchange import payload as payload_codec
from ..exchange.bundle import WrittenBundle, write_bundle
from ..storage import peers
from ..storage.database import write_transaction
from ..storage.merge import WireChange, changes_to_send, holdings, payload_for
from ..storage.peers import NodeRow
from ..storage.scope import count_scoped, scoped_changes, village_scope
from ..storage.wire import canonical, missing_seqs
from . import audit, audit_exchange
from .enrollment import party_of, revocation_list, sender_of
from .workspace import Workspace

Progress = Callable[[int, int], None] | None
RULE_IDS = tuple(rule.id for rule in RULES)


@dataclass(frozen=True)
class Sent:
    written: WrittenBundle
    sequence: int
    changes: int
    visits: int
    attachments: int


def _step(progress: Progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def ranges_of(changes: list[WireChange]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for change in changes:
        span = found.setdefault(change.node, [change.seq, change.seq])
        span[0], span[1] = min(span[0], change.seq), max(span[1], change.seq)
    return found


def send(
    ws: Workspace,
    folder: Path,
    *,
    kind: str,
    recipient: NodeRow,
    payload: bytes | None,
    holds: dict[str, int],
    ranges: dict[str, list[int]] | None = None,
    counts: dict[str, int] | None = None,
    extra: dict | None = None,
) -> tuple[WrittenBundle, int]:
    """Write one bundle of this node's chain to ``recipient`` and record it (module docstring)."""
    sequence, previous = peers.next_sequence(ws.db, recipient.node_id)
    written = write_bundle(
        Path(folder), kind=kind, sender=sender_of(ws), recipient=party_of(recipient), payload=payload,
        sequence=sequence, previous_sha256=previous, ranges=ranges or {}, holds=holds, counts=counts or {},
        extra=extra or {},
    )
    try:
        with write_transaction(ws.db):
            peers.record_sent(
                ws.db, recipient=recipient.node_id, seq=sequence, sha256=written.sha256, at=utc_now_text(),
                ranges=ranges or {}, kind=kind,
                summary={"kind": kind, **(counts or {}), "bytes": written.size, "file": written.path.name},
            )
            if kind != "receipt":
                audit.record(ws, "export", detail={"kind": kind, "to": recipient.node_id, "bundle_seq": sequence, **(counts or {})})
    except BaseException:
        written.path.unlink(missing_ok=True)
        raise
    return written, sequence


def acknowledged_by_me(ws: Workspace, township: str) -> dict[str, int]:
    """What this village holds, as its bundles to the township acknowledge it."""
    mine = holdings(ws.db)
    for origin, seq in peers.coverage(ws.db, township).items():
        mine[origin] = max(mine.get(origin, 0), seq)
    return mine


def _contents(ws: Workspace, changes: list[WireChange], audit_entries=()) -> tuple[bytes, dict[str, int]]:
    extra = payload_for(ws.db, changes, local_node_id=ws.node_id)
    audit_entries = list(audit_entries)
    users = audit_exchange.users_for(ws, extra.users, audit_entries) if audit_entries else extra.users
    contents = payload_codec.Contents(changes, extra.visits, extra.attachments, users, audit_entries)
    counts = {
        "changes": len(changes), "visits": len(extra.visits), "attachments": len(extra.attachments),
        "users": len(users),
    }
    if audit_entries:
        counts["audit"] = len(audit_entries)
    return payload_codec.encode(contents), counts


def send_changes(ws: Workspace, folder: Path, township: NodeRow, *, full: bool, progress: Progress) -> Sent:
    """Village → township: every change the township has not confirmed holding (all when ``full``)."""
    total = 4
    _step(progress, 0, total)
    acknowledged = {} if full else peers.peer_holdings(ws.db, township.node_id)
    changes = changes_to_send(ws.db, acknowledged=acknowledged, full=full)
    _step(progress, 1, total)
    data, counts = _contents(ws, changes, audit_exchange.outgoing(ws, township.node_id, full=full))
    _step(progress, 2, total)
    written, sequence = send(
        ws, folder, kind="changes", recipient=township, payload=data,
        holds=acknowledged_by_me(ws, township.node_id), ranges=ranges_of(changes), counts=counts,
        extra={"payload_encoding": payload_codec.ENCODING, "full": full},
    )
    _step(progress, total, total)
    return Sent(written, sequence, counts["changes"], counts["visits"], counts["attachments"])


def township_view(ws: Workspace) -> tuple[dict[str, int], dict[str, int]]:
    """(holdings, complete): what the township holds, and per origin the seq up to which it can
    promise a village everything about it — below the first change held back for a person, which a
    village cannot be sent until it is released."""
    held = holdings(ws.db)
    complete = dict(held)
    for origin, first in ws.db.execute("SELECT origin_node, min(seq) FROM held_change GROUP BY origin_node"):
        if origin in complete:
            complete[origin] = min(complete[origin], first - 1)
    return held, complete


def send_return(
    ws: Workspace,
    folder: Path,
    village: NodeRow,
    *,
    full: bool,
    progress: Progress,
    view: tuple[dict[str, int], dict[str, int]] | None = None,
    revoked: list[dict] | None = None,
) -> Sent:
    """Township → village: the changes about the village's own records that it has not confirmed
    (``storage.scope``), the revocation list, and what the township holds (the receipt part)."""
    total = 4
    _step(progress, 0, total)
    held, complete = view or township_view(ws)
    acknowledged = {} if full else peers.peer_holdings(ws.db, village.node_id)
    changes = scoped_changes(ws.db, village_scope(ws.db, village.unit_code, RULE_IDS), acknowledged=acknowledged, full=full)
    _step(progress, 1, total)
    data, counts = _contents(ws, changes)
    _step(progress, 2, total)
    covers = {origin: [0 if full else acknowledged.get(origin, 0), upto] for origin, upto in sorted(complete.items())}
    written, sequence = send(
        ws, folder, kind="return", recipient=village, payload=data, holds=held, ranges=ranges_of(changes), counts=counts,
        extra={
            "payload_encoding": payload_codec.ENCODING, "full": full, "covers": covers,
            "revoked": revocation_list(ws) if revoked is None else revoked,
            audit_exchange.EXTRA_KEY: audit_exchange.holds_for(ws, village.node_id),
        },
    )
    _step(progress, total, total)
    return Sent(written, sequence, counts["changes"], counts["visits"], counts["attachments"])


def unsent_to(ws: Workspace, village: NodeRow) -> int:
    """How many changes the next incremental return bundle to ``village`` would carry."""
    scope = village_scope(ws.db, village.unit_code, RULE_IDS)
    return count_scoped(ws.db, scope, acknowledged=peers.peer_holdings(ws.db, village.node_id))


def holdings_of(ws: Workspace, origins: set[str]) -> dict[str, int]:
    """``storage.wire.holdings`` for a few origins only (counted on the change log's index, not over
    the whole log: a county database holds over a million changes)."""
    return {
        node: (missing[0] - 1 if missing else top)
        for node, (top, missing) in missing_seqs(ws.db, origins).items()
        if top
    }


def send_receipt(
    ws: Workspace, folder: Path, village: NodeRow, *, of_sha256: str, of_sequence: int, origins: set[str]
) -> Path:
    """Township → village, written on the stick right after an import: what the township holds now
    of the origins that bundle carried (the village's own changes, and any it passed on), so the
    village's next bundle sends only what no receipt covers."""
    held = holdings_of(ws, origins | {village.node_id})
    written, _sequence = send(
        ws, folder, kind="receipt", recipient=village, payload=None, holds=held,
        extra={
            "of_bundle": of_sha256, "of_sequence": of_sequence,
            "holdings_sha256": hashlib.sha256(canonical(held).encode()).hexdigest(),
            audit_exchange.EXTRA_KEY: audit_exchange.holds_for(ws, village.node_id),
        },
    )
    return written.path
