"""USB exchange, the use cases (DESIGN §5): the "not yet sent" counter, exporting bundles, importing
them (``exchange_receive``, re-exported here), and the history of bundles received and sent.

* A **village** exports one changes bundle to its township: everything the township has not
  confirmed holding (incremental), or everything (``full``).
* The **township** exports a return bundle to each enrolled village (``export_returns``, or
  ``export_bundle`` with ``recipient``): the changes about that village's own records it has not
  confirmed, the revocation list, and what the township holds (the receipt part). A village never
  receives another village's records (``storage.scope``).
* Importing is ``preview_import`` (dry run), ``import_bundle`` and ``import_files``.

``unsent_count`` is the counter the window always shows:

* at a village: the changes held here that the township has not confirmed holding (through
  receipts and return bundles) — exactly what the next incremental export sends;
* at the township: the changes the next incremental return bundles would carry — about a village's
  own records (conflict resolutions, duplicate decisions, flag outcomes, the township's edits, a
  child who moved in from another village) that the village has not confirmed holding; the largest
  figure over the enrolled, non-revoked villages ("return bundles are due").
  ``unsent_by_village`` gives the figure per village.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import RangtangError
from ..core.msg import N_
from ..exchange.bundle import BUNDLE_SUFFIX, inspect_bundle
from ..exchange.errors import BundleRejected
from ..storage import peers
from .enrollment import TOWNSHIP, VILLAGE, UnknownComputer
from .exchange_receive import (
    EnrollmentDocument,
    ImportPreview,
    ImportResult,
    NotForThisKindOfComputer,
    import_bundle,
    import_files,
    possible_duplicates,
    preview_files,
    preview_import,
    verify_bundle,
)
from .exchange_send import Progress, Sent, send_changes, send_return, township_view, unsent_to
from .workspace import Workspace

__all__ = [
    "BundleRecord",
    "EnrollmentDocument",
    "ExportResult",
    "ImportPreview",
    "ImportResult",
    "NotForThisKindOfComputer",
    "bundle_history",
    "bundles_to_read",
    "export_bundle",
    "export_returns",
    "find_bundles",
    "forks",
    "import_bundle",
    "import_files",
    "possible_duplicates",
    "preview_files",
    "preview_import",
    "unsent_by_village",
    "unsent_count",
    "verify_bundle",
]


class NotEnrolledYet(RangtangError):
    headline = N_("This computer is not enrolled at a township yet, so there is nowhere to send a bundle.")
    advice = N_(
        "Enroll this computer first: write an enrollment request to a USB stick, have the township "
        "accept it, and complete the enrollment with the response it writes. Nothing has been exported."
    )


class ChooseVillage(RangtangError):
    headline = N_("Choose the village computer the return bundle is for.")
    advice = N_("Pick a village from the list of enrolled computers, or export return bundles for all villages.")


class RecipientRevoked(RangtangError):
    headline = N_("The enrollment of that computer has been revoked, so no bundle is made for it.")
    advice = N_("If the computer should be trusted again, enroll it anew. Nothing has been exported.")


class NotYourTownship(RangtangError):
    headline = N_("A village computer sends bundles only to the township it is enrolled at.")
    advice = N_("Export without choosing a recipient, or enroll this computer at the other township first.")


class NoVillagesEnrolled(RangtangError):
    headline = N_("No village computer is enrolled at this township yet.")
    advice = N_("Enroll the village computers first; return bundles are made for enrolled villages only.")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    recipient: str
    changes: int
    visits: int
    attachments: int
    bytes: int
    sequence: int
    full: bool
    kind: str = "changes"

    def as_json(self) -> dict[str, Any]:
        return {
            "bundle": str(self.path),
            "changes": self.changes,
            "bytes": self.bytes,
            "recipient": self.recipient,
            "visits": self.visits,
            "attachments": self.attachments,
            "sequence": self.sequence,
            "full": self.full,
            "kind": self.kind,
        }


def _result(sent: Sent, recipient: str, full: bool, kind: str) -> ExportResult:
    return ExportResult(
        sent.written.path, recipient, sent.changes, sent.visits, sent.attachments, sent.written.size, sent.sequence, full, kind
    )


# -- the counter --------------------------------------------------------------------------------


def _villages(ws: Workspace) -> list[peers.NodeRow]:
    return [row for row in peers.other_nodes(ws.db, role=VILLAGE) if row.enrolled_at and not row.revoked_at]


def _next_seq(ws: Workspace) -> int:
    return ws.db.execute("SELECT next_seq FROM node WHERE is_self = 1").fetchone()[0]


def unsent_count(ws: Workspace) -> int:
    """The "not yet sent" counter (module docstring for its meaning at a village and a township)."""
    me = peers.self_row(ws.db)
    if me.role == TOWNSHIP:
        by_village = unsent_by_village(ws)
        return max(by_village.values()) if by_village else 0
    acknowledged = peers.peer_holdings(ws.db, me.township_node) if me.township_node else {}
    return peers.count_above(ws.db, acknowledged, own_node=me.node_id, own_next_seq=_next_seq(ws))


def unsent_by_village(ws: Workspace) -> dict[str, int]:
    """At the township, per enrolled village: the changes its next incremental return bundle carries."""
    return {row.node_id: unsent_to(ws, row) for row in _villages(ws)}


# -- export -------------------------------------------------------------------------------------


def _village(ws: Workspace, node_id: str) -> peers.NodeRow:
    row = peers.node_row(ws.db, node_id)
    if row is None or row.is_self or row.role != VILLAGE or not row.enrolled_at:
        raise UnknownComputer(node=node_id)
    if row.revoked_at:
        raise RecipientRevoked()
    return row


def export_bundle(
    ws: Workspace, folder: Path, *, full: bool = False, recipient: str | None = None, progress: Progress = None
) -> ExportResult:
    """Write one bundle into ``folder`` (the USB stick): at a village, to its township; at the
    township, the return bundle for the village ``recipient``. ``BundleWriteFailed`` when the stick
    is full, write-protected or removed: no file is left and nothing here changes."""
    me = peers.self_row(ws.db)
    if me.role == VILLAGE:
        township = peers.node_row(ws.db, me.township_node) if me.township_node else None
        if township is None:
            raise NotEnrolledYet()
        if recipient and recipient != township.node_id:
            raise NotYourTownship()
        return _result(send_changes(ws, Path(folder), township, full=full, progress=progress), township.node_id, full, "changes")
    if not recipient:
        raise ChooseVillage()
    village = _village(ws, recipient)
    sent = send_return(ws, Path(folder), village, full=full, progress=progress)
    return _result(sent, village.node_id, full, "return")


def export_returns(ws: Workspace, folder: Path, *, full: bool = False, progress: Progress = None) -> list[ExportResult]:
    """The township's return bundles, one per enrolled, non-revoked village, by village code. If the
    stick fails part way, the bundles already written stay (and are recorded) and the error is raised."""
    me = peers.self_row(ws.db)
    if me.role != TOWNSHIP:
        raise NotYourTownship()
    villages = _villages(ws)
    if not villages:
        raise NoVillagesEnrolled()
    view = township_view(ws)
    from .enrollment import revocation_list

    revoked = revocation_list(ws)
    results = []
    for index, village in enumerate(villages):
        if progress is not None:
            progress(index, len(villages))
        sent = send_return(ws, Path(folder), village, full=full, progress=None, view=view, revoked=revoked)
        results.append(_result(sent, village.node_id, full, "return"))
    if progress is not None:
        progress(len(villages), len(villages))
    return results


# -- history ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleRecord:
    direction: str  # "received" | "sent"
    node_id: str
    display_name: str
    sequence: int
    at: str
    status: str  # applied | already_applied | fork (received); sent
    summary: dict = field(default_factory=dict)
    held_path: str = ""  # where a fork's file is kept

    def as_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction, "node_id": self.node_id, "display_name": self.display_name,
            "sequence": self.sequence, "at": self.at, "status": self.status, "summary": self.summary,
            "held_path": self.held_path,
        }


def _names(ws: Workspace) -> dict[str, str]:
    from .enrollment import card_of

    return {row.node_id: card_of(ws, row).display_name for row in peers.other_nodes(ws.db)}


def bundle_history(ws: Workspace, limit: int = 200) -> list[BundleRecord]:
    """Bundles received and sent, newest first."""
    names = _names(ws)
    return [
        BundleRecord(direction, node, names.get(node, ""), seq, at, status, json.loads(summary or "{}"), held)
        for direction, node, seq, at, status, summary, held in peers.history(ws.db, limit)
    ]


def forks(ws: Workspace) -> list[BundleRecord]:
    """Bundles held back as forks (a second, different bundle with a number already seen)."""
    names = _names(ws)
    rows = ws.db.execute(
        """SELECT sender_node, bundle_seq, received_at, summary, held_path FROM bundle_received
           WHERE status = 'fork' ORDER BY received_at DESC"""
    )
    return [
        BundleRecord("received", node, names.get(node, ""), seq, at, "fork", json.loads(summary or "{}"), held)
        for node, seq, at, summary, held in rows
    ]


def find_bundles(folder: Path) -> list[Path]:
    """The bundle files in a folder (not hidden temporary files), newest first."""
    folder = Path(folder)
    try:
        found = [p for p in folder.iterdir() if p.suffix == BUNDLE_SUFFIX and not p.name.startswith(".") and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def bundles_to_read(ws: Workspace, folder: Path) -> list[Path]:
    """The bundles on the stick for this computer to read: ``find_bundles`` without the ones this
    computer wrote itself (its own bundle for the township lies beside the township's receipt). A
    file that cannot be checked stays in the list, so that the import says why it is refused."""
    mine = ws.node_id
    found = []
    for path in find_bundles(folder):
        try:
            if inspect_bundle(path).sender.node_id == mine:
                continue
        except BundleRejected:
            pass
        found.append(path)
    return found
