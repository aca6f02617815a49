"""Enrolling a village computer at its township by USB stick, both ways (DESIGN §5), the list of
enrolled villages, and revoking one.

1. The village writes an **enrollment request** (``write_request``): its node id, role, village and
   public keys, signed with its own key. It has no recipient: the township does not know it yet.
2. The township reads it (``read_request``) and shows the village's key fingerprints; a person
   compares them with the village's screen, then accepts (``accept_request``): the village is
   stored with its keys, and an **enrollment response** addressed to it is written — the
   township's own card and keys and the current revocation list.
3. The village reads the response (``read_response``), a person compares the township's
   fingerprints, and completes (``complete``): the township and its keys are stored; from now on
   bundles go both ways.

Both documents are read with ``exchange.bundle.inspect_bundle`` (structure, strict manifest, the
signature against the key in the manifest): the person comparing fingerprints is what makes the key
trusted. Accepting the same request again re-writes the response (a lost stick) and is no error.
Revoking needs a reason; the revocation list travels in every return bundle, so villages refuse
that computer too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.dates import utc_now_text
from ..core.errors import RangtangError
from ..core.msg import N_
from ..exchange.bundle import Manifest, Sender, inspect_bundle, write_bundle
from ..exchange.keys import fingerprint
from ..exchange.manifest import Party, b64, from_b64
from ..i18n.formatting import display_name as both_scripts
from ..storage import peers, reference
from ..storage.database import write_transaction
from ..storage.peers import NodeRow
from ..storage.reference import Unit
from .changes import Changes
from .unlock import ensure_escrow
from .workspace import Workspace

MAX_DISPLAY_NAME = 80
VILLAGE, TOWNSHIP = "village", "township"


class NotEnrollmentRequest(RangtangError):
    headline = N_("{file} is not an enrollment request.")
    advice = N_(
        "Choose the enrollment request written by the village computer (its name starts with "
        "enrollment-request). Nothing has been changed."
    )


class ResponseNotRequest(RangtangError):
    headline = N_("{file} is an enrollment response, not a request.")
    advice = N_(
        "Take this file to the village computer it was made for and complete the enrollment there. "
        "Nothing has been changed."
    )


class NotEnrollmentResponse(RangtangError):
    headline = N_("{file} is not an enrollment response.")
    advice = N_(
        "Choose the enrollment response written by the township computer (its name starts with "
        "enrollment-response). Nothing has been changed."
    )


class RequestNotResponse(RangtangError):
    headline = N_("{file} is an enrollment request, not a response.")
    advice = N_(
        "Take it to the township computer to be accepted there, then bring back the response the "
        "township writes. Nothing has been changed."
    )


class ResponseForAnotherComputer(RangtangError):
    headline = N_("{file} is the enrollment response for another computer, not for this one.")
    advice = N_(
        "Use the response written for this computer's own request. If it was lost, write a new request "
        "and have the township accept it. Nothing has been changed."
    )


class RequestFromThisComputer(RangtangError):
    headline = N_("{file} was written by this computer itself.")
    advice = N_("Enrollment requests are written on a village computer and accepted on the township computer.")


class OnlyTownshipEnrolls(RangtangError):
    headline = N_("Only a township computer can enroll village computers.")
    advice = N_("Accept enrollment requests on the township supervisor's computer. Nothing has been changed.")


class OnlyVillageEnrolls(RangtangError):
    headline = N_("Only a village computer can be enrolled at a township.")
    advice = N_(
        "Write the enrollment request on the village computer, and accept it on the township computer. "
        "Nothing has been changed."
    )


class NoUnitChosen(RangtangError):
    headline = N_("This computer has no village or township set yet.")
    advice = N_("Choose this computer's village or township first, then try again. Nothing has been changed.")


class VillageOutsideTownship(RangtangError):
    headline = N_("The requesting computer belongs to village {village}, which is not in this township ({township}).")
    advice = N_(
        "Check that the request comes from a village of this township; a village enrolls at its own "
        "township. Nothing has been changed."
    )


class RevokeReasonRequired(RangtangError):
    headline = N_("Revoking a computer's enrollment needs a reason.")
    advice = N_("Write in a few words why it is revoked, then revoke again. Nothing has been changed.")


class UnknownComputer(RangtangError):
    headline = N_("There is no enrolled computer with the id {node}.")
    advice = N_("Refresh the list of enrolled computers and try again. Nothing has been changed.")


@dataclass(frozen=True)
class NodeCard:
    """What a person compares on the two screens."""

    node_id: str
    role: str
    unit_code: str
    display_name: str
    signing_fingerprint: str
    encryption_fingerprint: str

    def as_json(self) -> dict[str, str]:
        return {
            "node_id": self.node_id,
            "role": self.role,
            "unit_code": self.unit_code,
            "display_name": self.display_name,
            "signing_fingerprint": self.signing_fingerprint,
            "encryption_fingerprint": self.encryption_fingerprint,
        }


@dataclass(frozen=True)
class EnrolledNode:
    card: NodeCard
    enrolled_at: str
    revoked_at: str
    last_received_at: str
    last_bundle_seq: int
    bundles_received: int
    pending_forks: int
    gaps: list[int]  # bundle sequence numbers from that computer that never arrived
    revoked_reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            **self.card.as_json(),
            "enrolled_at": self.enrolled_at,
            "revoked_at": self.revoked_at,
            "revoked_reason": self.revoked_reason,
            "last_received_at": self.last_received_at,
            "last_bundle_seq": self.last_bundle_seq,
            "bundles_received": self.bundles_received,
            "pending_forks": self.pending_forks,
            "gaps": self.gaps,
        }


# -- cards --------------------------------------------------------------------------------------


def _unit_name(ws: Workspace, code: str) -> str:
    unit = reference.unit(ws.db, code) if code else None
    return both_scripts(unit.name_zh, unit.name_bo) if unit else ""


def card_of(ws: Workspace, row: NodeRow) -> NodeCard:
    """The card of a node known here (its display name, else the name of its village or township)."""
    return NodeCard(
        row.node_id, row.role, row.unit_code, row.display_name or _unit_name(ws, row.unit_code),
        fingerprint(row.signing_public), fingerprint(row.encryption_public),
    )


def sender_card(ws: Workspace, party: Party, extra: dict | None = None) -> NodeCard:
    """The card of a bundle's sender: as enrolled here, else as the document itself says."""
    row = peers.node_row(ws.db, party.node_id)
    if row is not None and row.signing_public == party.signing_public:
        return card_of(ws, row)
    extra = extra or {}
    unit_code = _text(extra.get("unit_code"), 12)
    name = _text(extra.get("display_name"), MAX_DISPLAY_NAME) or _unit_name(ws, unit_code)
    return NodeCard(
        party.node_id, _text(extra.get("role"), 16), unit_code, name,
        fingerprint(party.signing_public), fingerprint(party.encryption_public),
    )


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def my_card(ws: Workspace) -> NodeCard:
    return card_of(ws, peers.self_row(ws.db))


def sender_of(ws: Workspace) -> Sender:
    me = peers.self_row(ws.db)
    signing_private, _ = peers.self_private_keys(ws.db)
    return Sender(me.node_id, signing_private, me.signing_public, me.encryption_public)


def party_of(row: NodeRow) -> Party:
    return Party(row.node_id, row.signing_public, row.encryption_public)


def _unit_json(unit: Unit | None) -> dict:
    if unit is None:
        return {}
    return {
        "code": unit.code, "level": unit.level, "parent_code": unit.parent_code, "name_zh": unit.name_zh,
        "name_bo": unit.name_bo, "is_demo": unit.is_demo,
    }


def _unit_from(extra: dict, code: str, level: str) -> Unit | None:
    value = extra.get("unit")
    if not isinstance(value, dict) or value.get("code") != code or value.get("level") != level:
        return None
    names = [_text(value.get(k), 100) for k in ("parent_code", "name_zh", "name_bo")]
    if not names[1]:
        return None
    return Unit(code, level, names[0], names[1], names[2], is_demo=value.get("is_demo") is True)


def _card_fields(ws: Workspace, me: NodeRow) -> dict:
    return {
        "role": me.role,
        "unit_code": me.unit_code,
        "display_name": me.display_name,
        "unit": _unit_json(reference.unit(ws.db, me.unit_code) if me.unit_code else None),
    }


# -- village: request ---------------------------------------------------------------------------


def write_request(ws: Workspace, folder: Path, *, display_name: str = "") -> tuple[Path, NodeCard]:
    """Write this village computer's enrollment request into ``folder`` (the USB stick). A display
    name given here is kept as this computer's name."""
    me = peers.self_row(ws.db)
    if me.role != VILLAGE:
        raise OnlyVillageEnrolls()
    if not me.unit_code:
        raise NoUnitChosen()
    name = display_name.strip()[:MAX_DISPLAY_NAME]
    if name and name != me.display_name:
        with write_transaction(ws.db):
            peers.set_self_display_name(ws.db, name)
        me = peers.self_row(ws.db)
    written = write_bundle(
        Path(folder), kind="enrollment-request", sender=sender_of(ws), recipient=None, payload=None,
        extra=_card_fields(ws, me),
    )
    return written.path, card_of(ws, me)


# -- township: accept ---------------------------------------------------------------------------


def _request(ws: Workspace, path: Path) -> Manifest:
    manifest = inspect_bundle(Path(path))
    file = Path(path).name
    if manifest.kind == "enrollment-response":
        raise ResponseNotRequest(file=file)
    if manifest.kind != "enrollment-request":
        raise NotEnrollmentRequest(file=file)
    if manifest.sender.node_id == ws.node_id:
        raise RequestFromThisComputer(file=file)
    return manifest


def read_request(ws: Workspace, path: Path) -> NodeCard:
    """The requesting village's card, to compare before accepting (``BundleRejected`` for a bad file)."""
    manifest = _request(ws, path)
    card = sender_card(ws, manifest.sender, manifest.extra)
    return NodeCard(
        card.node_id, _text(manifest.extra.get("role"), 16), _text(manifest.extra.get("unit_code"), 12),
        _text(manifest.extra.get("display_name"), MAX_DISPLAY_NAME) or card.display_name,
        card.signing_fingerprint, card.encryption_fingerprint,
    )


def revocation_list(ws: Workspace) -> list[dict]:
    """Every revoked computer known here, as return bundles and enrollment responses carry them."""
    return [
        {
            "node_id": row.node_id, "role": row.role, "unit_code": row.unit_code,
            "signing_public": b64(row.signing_public), "encryption_public": b64(row.encryption_public),
            "revoked_at": row.revoked_at,
        }
        for row in peers.other_nodes(ws.db)
        if row.revoked_at
    ]


def store_revocations(ws: Workspace, entries: Any, at: str) -> bool:
    """Store a revocation list received from the township (inside the caller's transaction);
    malformed entries are skipped. Returns whether anything changed."""
    changed = False
    for entry in entries if isinstance(entries, list) else []:
        try:
            clean = {
                "node_id": _text(entry["node_id"], 64), "role": _text(entry.get("role"), 16) or VILLAGE,
                "unit_code": _text(entry.get("unit_code"), 12),
                "signing_public": from_b64(entry["signing_public"]),
                "encryption_public": from_b64(entry["encryption_public"]),
                "revoked_at": _text(entry.get("revoked_at"), 40),
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if clean["node_id"] and len(clean["signing_public"]) == 32 and len(clean["encryption_public"]) == 32:
            changed |= peers.store_revocation(ws.db, clean, at)
    return changed


def accept_request(ws: Workspace, path: Path, folder: Path) -> tuple[Path, NodeCard]:
    """Enroll the requesting village (its keys, name, village, the time) and write the response
    addressed to it into ``folder``; returns (response path, the village's card). Accepting a
    request again re-writes the response; a revoked village accepted anew is trusted again."""
    me = peers.self_row(ws.db)
    if me.role != TOWNSHIP:
        raise OnlyTownshipEnrolls()
    if not me.unit_code:
        raise NoUnitChosen()
    manifest = _request(ws, path)
    card = read_request(ws, path)
    if card.role != VILLAGE:
        raise OnlyVillageEnrolls()
    if not card.unit_code:
        raise NoUnitChosen()
    if not card.unit_code.startswith(me.unit_code):
        raise VillageOutsideTownship(village=card.unit_code, township=me.unit_code)
    now = utc_now_text()
    with write_transaction(ws.db):
        unit = _unit_from(manifest.extra, card.unit_code, VILLAGE)
        if unit is not None and reference.unit(ws.db, unit.code) is None:
            reference.store_units(ws.db, [unit])
        peers.enroll(
            ws.db, node_id=card.node_id, role=VILLAGE, unit_code=card.unit_code,
            display_name=_text(manifest.extra.get("display_name"), MAX_DISPLAY_NAME),
            signing_public=manifest.sender.signing_public, encryption_public=manifest.sender.encryption_public, at=now,
        )
        village = peers.node_row(ws.db, card.node_id)
        assert village is not None
        # written inside the transaction: if the stick refuses it, the enrollment is rolled back
        written = write_bundle(
            Path(folder), kind="enrollment-response", sender=sender_of(ws), recipient=party_of(village),
            payload=None, extra={**_card_fields(ws, me), "enrolled_at": now, "revoked": revocation_list(ws)},
        )
    return written.path, card_of(ws, village)


# -- village: complete --------------------------------------------------------------------------


def _response(ws: Workspace, path: Path) -> Manifest:
    manifest = inspect_bundle(Path(path))
    file = Path(path).name
    if manifest.kind == "enrollment-request":
        raise RequestNotResponse(file=file)
    if manifest.kind != "enrollment-response":
        raise NotEnrollmentResponse(file=file)
    if manifest.recipient != ws.node_id:
        raise ResponseForAnotherComputer(file=file)
    return manifest


def read_response(ws: Workspace, path: Path) -> NodeCard:
    """The township's card from its response, to compare before completing."""
    manifest = _response(ws, path)
    card = sender_card(ws, manifest.sender, manifest.extra)
    return NodeCard(
        card.node_id, _text(manifest.extra.get("role"), 16), _text(manifest.extra.get("unit_code"), 12),
        _text(manifest.extra.get("display_name"), MAX_DISPLAY_NAME) or card.display_name,
        card.signing_fingerprint, card.encryption_fingerprint,
    )


def complete(ws: Workspace, path: Path) -> Changes:
    """Store the township and its keys from its response: this computer is now enrolled there."""
    manifest = _response(ws, path)
    card = read_response(ws, path)
    if card.role != TOWNSHIP:
        raise NotEnrollmentResponse(file=Path(path).name)
    now = utc_now_text()
    with write_transaction(ws.db):
        unit = _unit_from(manifest.extra, card.unit_code, TOWNSHIP)
        if unit is not None and reference.unit(ws.db, unit.code) is None:
            reference.store_units(ws.db, [unit])
        peers.enroll(
            ws.db, node_id=card.node_id, role=TOWNSHIP, unit_code=card.unit_code,
            display_name=_text(manifest.extra.get("display_name"), MAX_DISPLAY_NAME),
            signing_public=manifest.sender.signing_public, encryption_public=manifest.sender.encryption_public,
            at=_text(manifest.extra.get("enrolled_at"), 40) or now,
        )
        peers.set_township(ws.db, card.node_id)
        store_revocations(ws, manifest.extra.get("revoked"), now)
    if ws.key is not None:  # from now on the township can recover this database (services.unlock)
        ensure_escrow(ws.db, ws.path, ws.key)
    return Changes(node=True, exchange=True)


# -- lists and revoking -------------------------------------------------------------------------


def enrolled_nodes(ws: Workspace) -> list[EnrolledNode]:
    """The villages enrolled here (revoked ones too, marked), by village code."""
    stats = peers.sender_stats(ws.db)
    found = []
    for row in peers.other_nodes(ws.db, role=VILLAGE):
        if not row.enrolled_at:
            continue  # only named in a revocation list
        seen = stats.get(row.node_id, peers.SenderStats())
        found.append(EnrolledNode(
            card_of(ws, row), row.enrolled_at, row.revoked_at, seen.last_received_at, seen.last_bundle_seq,
            seen.bundles_received, seen.forks, peers.missing_sequences(set(seen.seqs)), row.revoked_reason,
        ))
    return found


def township(ws: Workspace) -> NodeCard | None:
    """The township this village computer is enrolled at (None before enrollment)."""
    me = peers.self_row(ws.db)
    row = peers.node_row(ws.db, me.township_node) if me.township_node else None
    return card_of(ws, row) if row is not None else None


def revoke(ws: Workspace, node_id: str, reason: str) -> Changes:
    """Revoke an enrolled computer: its bundles are refused from now on, here and (through the
    revocation list in return bundles) at the villages."""
    reason = (reason or "").strip()
    if not reason:
        raise RevokeReasonRequired()
    row = peers.node_row(ws.db, node_id)
    if row is None or row.is_self or not row.enrolled_at:
        raise UnknownComputer(node=node_id)
    if row.revoked_at:
        return Changes()
    with write_transaction(ws.db):
        peers.revoke(ws.db, node_id, utc_now_text(), reason)
    return Changes(exchange=True)
