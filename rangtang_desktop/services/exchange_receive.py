"""Reading bundles from a stick (DESIGN §5): the dry-run preview and the import.

Every import starts the same way: the file is copied off the stick into this computer's bundle
folder (beside the database), and the copy is verified completely — structure, signature, that the
sender is enrolled here and not revoked, that the bundle is addressed to this computer, every hash —
and decrypted (``exchange.bundle.open_bundle``). Only then is the database touched:

* a bundle already applied (the same file) is a no-op: ``already_applied``;
* a *different* bundle with a sequence number already seen from that sender is a **fork** (a cloned
  laptop, a restored backup): the file is kept in ``<database>-bundles/held/``, recorded, shown, and
  nothing is applied; changes reusing another change's number with other content are a fork too;
* a receipt (township → village) only moves what the township is known to hold;
* changes and return bundles are applied in one write transaction: the changes with their visits,
  signature images and authors (``storage.merge.apply_changes``: changes stamped more than a day in
  this computer's future are held for a person), what the sender holds, the bundle itself, and for a
  return bundle the revocation list and what this village now holds of the township's changes, and
  (``services.conflicts.after_merge``) the search keys and flags of what changed. A gap in the
  sender's sequence is applied and reported.

The audit log (``services.audit_exchange``): a township stores and checks the audit entries a
village's bundle carries — a broken or rewound chain is recorded and reported (``audit_warnings``)
and blocks nothing else; a fork's entries are compared all the same. Receipts and return bundles
tell a village what the township holds of its chain. An applied bundle or a newly held fork is
recorded in this computer's own audit log ("import").

A bundle refused for any reason leaves the database exactly as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.dates import utc_now_text
from ..core.duplicates import BIRTH_CLOSE_DAYS, compare
from ..core.errors import RangtangError
from ..core.msg import N_
from ..exchange import payload as payload_codec
from ..exchange.bundle import MAX_BUNDLE_BYTES, BundleRejected, BundleWriteFailed, OpenedBundle, open_bundle
from ..exchange.manifest import Party
from ..storage import peers, search
from ..storage.backup_files import remove_stale
from ..storage.database import write_transaction
from ..storage.merge import ChangeFork, MergeResult, apply_changes, holdings
from ..storage.peers import NodeRow
from . import audit, audit_exchange, backups, conflicts
from .changes import Changes
from .duplicate_pairs import keys_of
from .enrollment import TOWNSHIP, VILLAGE, NodeCard, sender_card, store_revocations
from .exchange_send import Progress, _step, send_receipt
from .workspace import Workspace

_INCOMING_COPY = re.compile(r"^\.import-[^/\\]+\.rtb$")
EXPECTED_KINDS = {TOWNSHIP: ("changes",), VILLAGE: ("return", "receipt")}
# compare() takes namesakes born apart only when their birth ranges (a year at most) are within
# BIRTH_CLOSE_DAYS or they share a household: their middle estimates are then within that + 366
_BIRTH_WINDOW_DAYS = BIRTH_CLOSE_DAYS + 366
_DUPLICATE_KEYS = frozenset({"name_zh", "name_bo", "aliases", "sex", "birth", "id_number", "household_id", "deleted", "merged_into"})


class EnrollmentDocument(RangtangError):
    reason = "enrollment_document"
    headline = N_("{file} is an enrollment file, not a bundle of data.")
    advice = N_("Open it with Enroll on the exchange page instead of importing it. Nothing has been imported.")


class NotForThisKindOfComputer(RangtangError):
    reason = "wrong_kind"
    headline = N_("{file} is not meant to be imported on this kind of computer.")
    advice = N_(
        "Village computers import return bundles and receipts from their township; the township imports "
        "bundles from its villages. Nothing has been imported."
    )


@dataclass(frozen=True)
class ImportPreview:
    """What importing a bundle would do (nothing has been changed)."""

    path: Path
    sender: NodeCard
    kind: str
    sequence: int
    created: str
    status: str  # "new" | "already_applied" | "fork" | "rejected"
    new: int
    changed: int
    conflicts: int
    possible_duplicates: int
    held_future: int
    gaps: list[int]
    visits: int
    reason: str = ""
    changes_count: int = 0  # changes in the bundle not held here yet
    already_had: int = 0

    def as_json(self) -> dict[str, Any]:
        return _json(self)


@dataclass(frozen=True)
class ImportResult:
    """What importing one bundle did. ``status``: "applied" | "already_applied" | "fork" |
    "rejected"; a rejected bundle has ``reason`` (a ``BundleRejected`` code, or "enrollment_document",
    "wrong_kind", "error") and ``error`` (the two-part message to show)."""

    path: Path
    sender: NodeCard | None
    kind: str = ""
    sequence: int = 0
    created: str = ""
    status: str = "rejected"
    new: int = 0
    changed: int = 0
    conflicts: int = 0
    possible_duplicates: int = 0
    held_future: int = 0
    gaps: list[int] = field(default_factory=list)
    visits: int = 0
    reason: str = ""
    changes: Changes = field(default_factory=Changes)
    receipt_path: Path | None = None
    changes_count: int = 0
    already_had: int = 0
    receipt_error: str = ""  # a BundleWriteFailed code when the receipt could not be written
    error: RangtangError | None = field(default=None, compare=False, repr=False)
    audit_warnings: list = field(default_factory=list)  # storage.audit.AuditWarning: the sender's chain is broken

    def as_json(self) -> dict[str, Any]:
        value = _json(self)
        value["receipt"] = str(self.receipt_path) if self.receipt_path else None
        value["receipt_error"] = self.receipt_error
        value["audit_warnings"] = [{"kind": w.kind, "seq": w.seq, "count": w.count} for w in self.audit_warnings]
        return value


def _json(item: ImportPreview | ImportResult) -> dict[str, Any]:
    return {
        "file": str(item.path),
        "status": item.status,
        "reason": item.reason,
        "new": item.new,
        "changed": item.changed,
        "conflicts": item.conflicts,
        "possible_duplicates": item.possible_duplicates,
        "held_future": item.held_future,
        "gaps": list(item.gaps),
        "visits": item.visits,
        "changes": item.changes_count,
        "already_had": item.already_had,
        "kind": item.kind,
        "sequence": item.sequence,
        "created": item.created,
        "sender": item.sender.as_json() if item.sender else None,
    }


# -- opening ------------------------------------------------------------------------------------


def bundle_folder(ws: Workspace, part: str) -> Path:
    """``<database>-bundles/<part>`` beside the database (the app's data folder, never the stick)."""
    base = Path(ws.path)
    root = base.parent / f"{base.stem}-bundles" if ws.path != ":memory:" else Path(tempfile.gettempdir()) / "rangtang-bundles"
    folder = root / part
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class _Opened:
    bundle: OpenedBundle
    copy: Path
    me: NodeRow
    sender: NodeCard
    file: str

    @property
    def manifest(self):
        return self.bundle.manifest


def _copy_off_stick(ws: Workspace, path: Path) -> Path:
    """Copy the bundle into this computer's bundle folder (read once, capped at the size limit);
    copies an import killed part way left there are removed once they are old (``remove_stale``)."""
    incoming = bundle_folder(ws, "incoming")
    remove_stale(incoming, _INCOMING_COPY)
    handle, temp = tempfile.mkstemp(dir=incoming, prefix=".import-", suffix=".rtb")
    try:
        with os.fdopen(handle, "wb") as out, open(path, "rb") as source:
            copied = 0
            while chunk := source.read(1024 * 1024):
                copied += len(chunk)
                if copied > MAX_BUNDLE_BYTES:
                    raise BundleRejected("too_large", file=Path(path).name, detail="larger than 256 MiB")
                out.write(chunk)
    except OSError as error:
        Path(temp).unlink(missing_ok=True)
        raise BundleRejected("unreadable", file=Path(path).name, detail=f"{type(error).__name__}"[:200]) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def _known(ws: Workspace, me: NodeRow):
    def known(node_id: str) -> Party | None:
        row = peers.node_row(ws.db, node_id)
        if row is None or row.is_self or not (row.enrolled_at or row.revoked_at):
            return None
        if me.role == VILLAGE and row.node_id != me.township_node and not row.revoked_at:
            return None  # a village takes bundles from its own township only
        return Party(row.node_id, row.signing_public, row.encryption_public)

    return known


def _revoked(ws: Workspace):
    def revoked(node_id: str) -> bool:
        row = peers.node_row(ws.db, node_id)
        return bool(row and row.revoked_at)

    return revoked


def _open(ws: Workspace, path: Path) -> _Opened:
    path = Path(path)
    copy = _copy_off_stick(ws, path)
    try:
        me = peers.self_row(ws.db)
        _, encryption_private = peers.self_private_keys(ws.db)
        try:
            bundle = open_bundle(
                copy, my_node_id=me.node_id, my_encryption_private=encryption_private,
                known_sender=_known(ws, me), revoked=_revoked(ws),
            )
        except BundleRejected as refused:
            if refused.reason in ("wrong_recipient", "unknown_sender") and _is_enrollment(copy):
                raise EnrollmentDocument(file=path.name) from None
            raise BundleRejected(refused.reason, file=path.name, detail=refused.detail) from None
        kind = bundle.manifest.kind
        if kind in ("enrollment-request", "enrollment-response"):
            raise EnrollmentDocument(file=path.name)
        if kind not in EXPECTED_KINDS.get(me.role, ()):
            raise NotForThisKindOfComputer(file=path.name)
        return _Opened(bundle, copy, me, sender_card(ws, bundle.manifest.sender), path.name)
    except BaseException:
        copy.unlink(missing_ok=True)
        raise


def _is_enrollment(copy: Path) -> bool:
    """Whether a file refused for its sender or recipient is an enrollment document (which has no
    enrolled sender yet, or no recipient), to say so instead."""
    from ..exchange.bundle import inspect_bundle

    try:
        return inspect_bundle(copy).kind in ("enrollment-request", "enrollment-response")
    except BundleRejected:
        return False


def _status(ws: Workspace, opened: _Opened) -> str:
    """new | already_applied | fork, from the bundles recorded with the same sender and number."""
    seen = peers.received_with_seq(ws.db, opened.manifest.sender.node_id, opened.manifest.sequence)
    same = [r for r in seen if r.bundle_hash == opened.bundle.sha256]
    if same:
        return "fork" if same[0].status == "fork" else "already_applied"
    return "fork" if any(r.status != "fork" for r in seen) else "new"


def _gaps(ws: Workspace, sender: str, sequence: int | None = None) -> list[int]:
    seqs = peers.received_sequences(ws.db, sender)
    if sequence:
        seqs.add(sequence)
    return peers.missing_sequences(seqs)


# -- possible duplicates ------------------------------------------------------------------------


def duplicate_relevant(changes: Iterable) -> list[str]:
    """The people whose changes can make (or unmake) a possible duplicate: new names, birth, sex, ID
    number or household — not, say, a school name."""
    return sorted({c.entity_id for c in changes if c.entity == "person" and c.field in _DUPLICATE_KEYS})


def possible_duplicates(ws: Workspace, person_ids: Iterable[str]) -> int:
    """How many undecided pairs of possibly identical people involve these people (their search keys
    must be up to date). Candidates are found through the name and ID number indexes, narrowed in
    SQL by what ``core.duplicates.compare`` requires of a namesake (the same sex, births within a
    year and a month — ranges of a year at most — or the same household), then ``compare`` decides,
    as the duplicate review does."""
    ids = json.dumps(sorted(set(person_ids)))
    live = "p.deleted = 0 AND p.merged_into = '' AND q.deleted = 0 AND q.merged_into = '' AND q.id != p.id"
    sex = "(p.sex = q.sex OR p.sex IN ('', 'unknown') OR q.sex IN ('', 'unknown'))"
    mine = "p.id IN (SELECT value FROM json_each(?1))"
    queries = [
        f"SELECT p.id, q.id FROM person p JOIN person q ON q.id_number = p.id_number WHERE {mine} AND p.id_number != '' AND {live}"
    ]
    for column in ("name_key", "name_bo_key"):
        same = f"q.{column} = p.{column}"
        named = f"{mine} AND p.{column} != '' AND {live} AND {sex}"
        days = f"'-{_BIRTH_WINDOW_DAYS} days'", f"'+{_BIRTH_WINDOW_DAYS} days'"
        queries += [  # born near each other (on the name and birth index), one birth unknown, or one household
            f"""SELECT p.id, q.id FROM person p JOIN person q ON {same}
                  AND q.birth_estimate BETWEEN date(p.birth_estimate, {days[0]}) AND date(p.birth_estimate, {days[1]})
                WHERE {named} AND p.birth_estimate != ''""",
            f"SELECT p.id, q.id FROM person p JOIN person q ON {same} AND q.birth_estimate = '' WHERE {named}",
            f"SELECT p.id, q.id FROM person p JOIN person q ON {same} WHERE {named} AND p.birth_estimate = ''",
            f"""SELECT p.id, q.id FROM person p JOIN person q ON q.household_id = p.household_id AND +q.{column} = p.{column}
                WHERE {named}""",
        ]
    pairs: set[tuple[str, str]] = set()
    for sql in queries:
        for one, other in ws.db.execute(sql, [ids]):
            pairs.add((min(one, other), max(one, other)))
    if not pairs:
        return 0
    decided = {tuple(r[0].split("|")) for r in ws.db.execute("SELECT pair_id FROM duplicate_decision")}
    pairs = {p for p in pairs if p not in decided}
    keys = keys_of(ws, {pid for pair in pairs for pid in pair})
    return sum(
        1 for one, other in pairs
        if one in keys and other in keys and compare(keys[max(one, other)], keys[min(one, other)]) is not None
    )


# -- preview ------------------------------------------------------------------------------------


def _decode(opened: _Opened) -> payload_codec.Contents:
    if not opened.bundle.payload:
        return payload_codec.Contents()
    return payload_codec.decode(opened.bundle.payload, file=opened.file)


def _merge(ws: Workspace, contents: payload_codec.Contents) -> MergeResult:
    return apply_changes(
        ws.db, contents.changes, visits=contents.visits, attachments=contents.attachments, users=contents.users,
        now=datetime.now(UTC), local_node_id=ws.node_id,
    )


def preview_import(ws: Workspace, path: Path) -> ImportPreview:
    """Verify a bundle completely and say what importing it would do, changing nothing (a refused
    file raises its ``RangtangError``)."""
    opened = _open(ws, path)
    try:
        manifest = opened.manifest
        status = _status(ws, opened)
        base = dict(
            path=Path(path), sender=opened.sender, kind=manifest.kind, sequence=manifest.sequence,
            created=manifest.created, gaps=_gaps(ws, manifest.sender.node_id, manifest.sequence),
        )
        empty = dict(new=0, changed=0, conflicts=0, possible_duplicates=0, held_future=0, visits=0)
        if status != "new" or manifest.kind == "receipt":
            return ImportPreview(status=status, **base, **empty)
        contents = _decode(opened)
        with write_transaction(ws.db):
            ws.db.execute("SAVEPOINT preview")
            try:
                try:
                    result = _merge(ws, contents)
                except ChangeFork:
                    return ImportPreview(status="fork", **base, **empty)
                search.refresh_people(ws.db, sorted(result.touched.get("person", ())), ws.variants)
                duplicates = possible_duplicates(ws, duplicate_relevant(contents.changes))
            finally:
                ws.db.execute("ROLLBACK TO preview")
                ws.db.execute("RELEASE preview")
        return ImportPreview(
            status="new", new=result.new_records, changed=result.changed_records, conflicts=result.conflicts,
            possible_duplicates=duplicates, held_future=result.held_future, visits=result.visits_added,
            changes_count=result.new_changes + result.held_future, already_had=result.already_had, **base,
        )
    finally:
        opened.copy.unlink(missing_ok=True)


# -- import -------------------------------------------------------------------------------------


def _hold_fork(ws: Workspace, opened: _Opened, detail: str) -> str:
    """Keep a fork's file and record it (once); returns where it is kept."""
    manifest = opened.manifest
    target = bundle_folder(ws, "held") / f"{manifest.sender.node_id[:8]}-{manifest.sequence:06d}-{opened.bundle.sha256[:12]}.rtb"
    if not target.exists():
        shutil.copyfile(opened.copy, target)
    with write_transaction(ws.db):
        peers.record_received(
            ws.db, sender=manifest.sender.node_id, seq=manifest.sequence, sha256=opened.bundle.sha256,
            at=utc_now_text(), status="fork", held_path=str(target),
            summary={"kind": manifest.kind, "file": opened.file, "created": manifest.created, "detail": detail},
        )
    return str(target)


def _coverage(ws: Workspace, township: str, covers: Any) -> dict[str, int]:
    """From a return bundle's ``covers`` ({origin: [base, upto]}): the origins for which this
    village now holds everything the township would send it up to ``upto`` — those whose ``base``
    it held already (module docstring of ``services.exchange_send``)."""
    if not isinstance(covers, dict):
        return {}
    mine = holdings(ws.db)
    for origin, seq in peers.coverage(ws.db, township).items():
        mine[origin] = max(mine.get(origin, 0), seq)
    grown = {}
    for origin, span in covers.items():
        if (
            isinstance(origin, str) and isinstance(span, list) and len(span) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in span)
            and span[0] <= mine.get(origin, 0)
        ):
            grown[origin] = span[1]
    return grown


def import_bundle(
    ws: Workspace, path: Path, *, progress: Progress = None, write_receipt_to: Path | None = None
) -> ImportResult:
    """Import one bundle (module docstring); a refused file raises its ``RangtangError`` and changes
    nothing. At a township, ``write_receipt_to`` (the stick the bundle came on) receives a signed
    receipt for the village after a successful import; if the stick refuses it, the import stands
    and ``receipt_error`` says why."""
    total = 5
    _step(progress, 0, total)
    opened = _open(ws, path)
    try:
        _step(progress, 1, total)
        manifest = opened.manifest
        sender = manifest.sender.node_id
        base = dict(path=Path(path), sender=opened.sender, kind=manifest.kind, sequence=manifest.sequence, created=manifest.created)
        status = _status(ws, opened)
        if status == "already_applied":
            return ImportResult(status=status, gaps=_gaps(ws, sender), **base)
        if status == "fork":
            warned = _fork_audit(ws, opened, None)
            _hold_fork(ws, opened, "sequence")
            return ImportResult(
                status="fork", gaps=_gaps(ws, sender), changes=Changes(exchange=True), audit_warnings=warned, **base
            )
        now = utc_now_text()
        if manifest.kind == "receipt":
            with write_transaction(ws.db):
                peers.raise_peer_holdings(ws.db, sender, manifest.holds, now)
                audit_exchange.acknowledge(ws, sender, manifest.extra, now)
                peers.record_received(
                    ws.db, sender=sender, seq=manifest.sequence, sha256=opened.bundle.sha256, at=now, status="applied",
                    summary={"kind": manifest.kind, "file": opened.file, "created": manifest.created},
                )
            _step(progress, total, total)
            return ImportResult(status="applied", gaps=_gaps(ws, sender), changes=Changes(exchange=True), **base)
        contents = _decode(opened)
        township = opened.me.role == TOWNSHIP
        if township:
            audit_exchange.check_sender(contents.audit, sender, opened.file)
        _step(progress, 2, total)
        try:
            with write_transaction(ws.db):
                result = _merge(ws, contents)
                peers.raise_peer_holdings(ws.db, sender, manifest.holds, now)
                if manifest.kind == "return":
                    store_revocations(ws, manifest.extra.get("revoked"), now)
                    peers.raise_coverage(ws.db, sender, _coverage(ws, sender, manifest.extra.get("covers")), now)
                    audit_exchange.acknowledge(ws, sender, manifest.extra, now)
                intake = audit_exchange.take_in(
                    ws, sender, contents.audit, bundle_sha256=opened.bundle.sha256, bundle_seq=manifest.sequence, now=now,
                ) if township else audit_exchange.Intake()
                summary = {
                    "kind": manifest.kind, "file": opened.file, "created": manifest.created,
                    "new": result.new_records, "changed": result.changed_records, "conflicts": result.conflicts,
                    "held_future": result.held_future, "visits": result.visits_added,
                    "changes": result.new_changes, "already_had": result.already_had,
                }
                if contents.audit:
                    summary["audit"] = intake.as_json()
                peers.record_received(
                    ws.db, sender=sender, seq=manifest.sequence, sha256=opened.bundle.sha256, at=now, status="applied",
                    summary=summary,
                )
                _record_import(ws, opened, "applied", result.new_changes, intake)
                # search keys and flags in the same transaction: a bundle recorded as applied is
                # never left with people the search cannot find (a re-import is "already_applied")
                changes = conflicts.after_merge(ws, result) | Changes(exchange=True)
        except ChangeFork as fork:
            warned = _fork_audit(ws, opened, contents)
            _hold_fork(ws, opened, f"changes: {len(fork.op_ids)}")
            return ImportResult(
                status="fork", reason="change_fork", gaps=_gaps(ws, sender), changes=Changes(exchange=True),
                audit_warnings=warned, **base,
            )
        _step(progress, 3, total)
        relevant = duplicate_relevant(contents.changes) if result.touched.get("person") else []
        duplicates = possible_duplicates(ws, relevant) if relevant and opened.me.role == TOWNSHIP else 0
        if duplicates:
            summary["possible_duplicates"] = duplicates
            with write_transaction(ws.db):
                ws.db.execute(
                    "UPDATE bundle_received SET summary = ? WHERE sender_node = ? AND bundle_seq = ? AND bundle_hash = ?",
                    [json.dumps(summary, ensure_ascii=False, sort_keys=True), sender, manifest.sequence, opened.bundle.sha256],
                )
        _step(progress, 4, total)
        receipt, receipt_error = None, ""
        if write_receipt_to is not None and opened.me.role == TOWNSHIP:
            village = peers.node_row(ws.db, sender)
            assert village is not None
            try:
                receipt = send_receipt(
                    ws, Path(write_receipt_to), village, of_sha256=opened.bundle.sha256, of_sequence=manifest.sequence,
                    origins=set(manifest.ranges),
                )
            except BundleWriteFailed as failed:
                receipt_error = failed.reason
        _step(progress, total, total)
        return ImportResult(
            status="applied", new=result.new_records, changed=result.changed_records, conflicts=result.conflicts,
            possible_duplicates=duplicates, held_future=result.held_future, gaps=_gaps(ws, sender),
            visits=result.visits_added, changes=changes, receipt_path=receipt, changes_count=result.new_changes,
            already_had=result.already_had, receipt_error=receipt_error, audit_warnings=intake.warnings, **base,
        )
    finally:
        opened.copy.unlink(missing_ok=True)


def _record_import(ws: Workspace, opened: _Opened, status: str, changes: int, intake: audit_exchange.Intake) -> None:
    """This computer's audit entry for a bundle applied or held (inside the caller's transaction)."""
    manifest = opened.manifest
    audit.record(
        ws, "import",
        detail={
            "kind": manifest.kind, "from": manifest.sender.node_id, "bundle_seq": manifest.sequence, "status": status,
            "changes": changes, "audit": intake.received, "audit_warnings": len(intake.warnings),
        },
    )


def _fork_audit(ws: Workspace, opened: _Opened, contents: payload_codec.Contents | None) -> list:
    """A fork held for the first time: at a township, its audit entries compared with those held
    (a rewound chain is recorded; nothing of the fork is stored), and the import recorded. A fork
    seen before changes nothing again."""
    manifest = opened.manifest
    seen = peers.received_with_seq(ws.db, manifest.sender.node_id, manifest.sequence)
    if any(r.bundle_hash == opened.bundle.sha256 for r in seen):
        return []
    intake = audit_exchange.Intake()
    if opened.me.role == TOWNSHIP:
        try:
            contents = contents if contents is not None else _decode(opened)
        except BundleRejected:
            contents = None
        if contents is not None:
            with write_transaction(ws.db):
                intake = audit_exchange.take_in(
                    ws, manifest.sender.node_id, contents.audit, bundle_sha256=opened.bundle.sha256,
                    bundle_seq=manifest.sequence, now=utc_now_text(), apply=False,
                )
    with write_transaction(ws.db):
        _record_import(ws, opened, "fork", 0, intake)
    return intake.warnings


def rejected(path: Path, error: RangtangError) -> ImportResult:
    return ImportResult(Path(path), None, status="rejected", reason=getattr(error, "reason", "error"), error=error)


def import_files(
    ws: Workspace, paths: Iterable[Path], *, progress: Progress = None, write_receipts: bool = True
) -> list[ImportResult]:
    """Import several bundles, each on its own, after one backup of the database: a refused file
    gives a "rejected" result with its reason and does not stop the others. At a township, receipts
    go beside each bundle (its stick)."""
    paths = [Path(p) for p in paths]
    township = peers.self_row(ws.db).role == TOWNSHIP
    backups.before_operation(ws, "import")  # once per batch; if it cannot be written, nothing is imported
    results = []
    for index, path in enumerate(paths):
        _step(progress, index, len(paths))
        try:
            results.append(import_bundle(ws, path, write_receipt_to=path.parent if write_receipts and township else None))
        except RangtangError as error:
            results.append(rejected(path, error))
    _step(progress, len(paths), len(paths))
    return results


def preview_files(ws: Workspace, paths: Iterable[Path]) -> list[ImportPreview | ImportResult]:
    """Dry run of several bundles (``import --dry-run``): a preview per file, or a rejected result."""
    found: list[ImportPreview | ImportResult] = []
    for path in paths:
        try:
            found.append(preview_import(ws, Path(path)))
        except RangtangError as error:
            found.append(rejected(Path(path), error))
    return found


def verify_bundle(path: Path, ws: Workspace | None = None) -> dict[str, Any]:
    """Check a bundle file (``verify``): its structure, strict manifest, signature (with the key the
    manifest carries) and hashes; with a workspace also that its sender is enrolled here and not
    revoked, that it is addressed to this computer and decrypts. Raises ``BundleRejected``."""
    from ..exchange.bundle import inspect_bundle
    from ..exchange.keys import fingerprint

    path = Path(path)
    manifest = inspect_bundle(path)
    sender = {
        "node_id": manifest.sender.node_id,
        "signing_fingerprint": fingerprint(manifest.sender.signing_public),
        "encryption_fingerprint": fingerprint(manifest.sender.encryption_public),
    }
    report: dict[str, Any] = {
        "file": str(path), "ok": True, "kind": manifest.kind, "bundle_id": manifest.bundle_id,
        "sequence": manifest.sequence, "created": manifest.created, "recipient": manifest.recipient,
        "previous_sha256": manifest.previous_sha256, "counts": dict(manifest.counts), "sender": sender,
        "bytes": path.stat().st_size, "enrolled": None,
    }
    if ws is not None and manifest.kind not in ("enrollment-request", "enrollment-response"):
        me = peers.self_row(ws.db)
        _, encryption_private = peers.self_private_keys(ws.db)
        opened = open_bundle(
            path, my_node_id=me.node_id, my_encryption_private=encryption_private,
            known_sender=_known(ws, me), revoked=_revoked(ws),
        )
        report["enrolled"] = True
        report["sender"] = sender_card(ws, manifest.sender).as_json()
        report["sha256"] = opened.sha256
    return report
