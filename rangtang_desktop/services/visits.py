"""Visit use cases: start a visit, save its draft as it is typed, sign it (which locks it), and
correct a signed visit with an amending one.

Drafts live on this computer only and are saved continuously, so a crash or power cut loses at
most the last second of typing. Signing checks the visit, fixes its SHA-256 and stores it through
the change log as one immutable event, in the same transaction that removes the draft.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from ..core.errors import RangtangError, RecordNotFound, ValidationFailed
from ..core.ids import new_id
from ..core.msg import N_, Message
from ..core.visits import ChildSeen, Visit, VisitProblem, check_visit, seal, verify
from ..storage import nodes
from ..storage import register as reg
from ..storage import visits as store
from ..storage.database import write_transaction
from . import audit, permissions
from . import flags as flag_service
from .changes import Changes
from .register_views import household_view
from .workspace import Workspace


class VisitLocked(RangtangError):
    headline = N_("This visit is signed and cannot be changed.")
    advice = N_("To correct it, record a correction: it amends the signed visit and is signed again.")


@dataclass(frozen=True)
class VisitEntry:
    """A visit of a household as shown in its history."""

    visit: Visit
    amended_by: str  # id of the correction, if any
    intact: bool  # the content still matches its hash


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _visitor_name(ws: Workspace) -> str:
    return next((u.display_name for u in nodes.users(ws.db) if u.user_id == ws.user_id), "")


def start_visit(ws: Workspace, household_id: str) -> Visit:
    """A new draft for the household: the minors listed as seen, now as the time, this user as
    visitor. Saved at once. A grid worker visits the households of their village groups only."""
    view = household_view(ws, household_id)
    permissions.require_household(ws, view.household)
    now = _iso(_now())
    visit = Visit(
        id=new_id(),
        household_id=household_id,
        children=tuple(ChildSeen(m.person.id) for m in view.members if m.is_minor and m.person.alive_status == "alive"),
        visitor_user_id=ws.user_id,
        visitor_name=_visitor_name(ws),
        visited_at=now,
        entered_by=ws.user_id,
        entered_at=now,
    )
    with write_transaction(ws.db):
        store.save_draft(ws.db, visit)
    return visit


def save_draft(ws: Workspace, visit: Visit) -> Changes:
    """Keep the visit as typed so far (called continuously by the form)."""
    if store.get_visit(ws.db, visit.id) is not None:
        raise VisitLocked()
    with write_transaction(ws.db):
        store.save_draft(ws.db, visit)
    return Changes(visits=True)


def store_signature(ws: Workspace, png: bytes) -> str:
    """Keep a signature image; returns its SHA-256, which the visit then names."""
    with write_transaction(ws.db):
        return store.store_attachment(ws.db, png)


def signature_image(ws: Workspace, digest: str) -> bytes | None:
    return store.get_attachment(ws.db, digest) if digest else None


def discard_draft(ws: Workspace, draft_id: str) -> Changes:
    with write_transaction(ws.db):
        store.delete_draft(ws.db, draft_id)
    return Changes(visits=True)


def draft(ws: Workspace, draft_id: str) -> Visit | None:
    return store.get_draft(ws.db, draft_id)


def drafts(ws: Workspace, household_id: str | None = None) -> list[tuple[Visit, str]]:
    return store.drafts(ws.db, household_id)


def draft_count(ws: Workspace, village_code: str = "") -> int:
    return store.draft_count(ws.db, village_code)


def problems(ws: Workspace, visit: Visit) -> list[VisitProblem]:
    """What stops this visit from being signed now."""
    found = check_visit(visit, _now(), for_signing=True)
    if visit.household_id and reg.find(ws.db, "household", visit.household_id) is None:
        found.append(VisitProblem("household_id", "error", Message(N_("The household no longer exists."))))
    for name in ("visitor_signature", "guardian_signature"):
        digest = getattr(visit, name)
        if digest and store.get_attachment(ws.db, digest) is None:
            found.append(VisitProblem(name, "error", Message(N_("The signature image is missing; sign again."))))
    if visit.amends:
        original = store.get_visit(ws.db, visit.amends)
        if original is None or original.household_id != visit.household_id:
            found.append(VisitProblem("amends", "error", Message(N_("The visit this one corrects is not in the register."))))
    return found


def sign(ws: Workspace, visit: Visit) -> Visit:
    """Sign the visit: check it, fix its hash, store it as one immutable change, remove the draft."""
    if store.get_visit(ws.db, visit.id) is not None:
        raise VisitLocked()
    found = [p for p in problems(ws, visit) if p.is_error]
    if found:
        raise ValidationFailed(found)
    sealed = seal(visit, _now())
    with write_transaction(ws.db):
        ws.changelog().write_value(store.VISIT_ENTITY, sealed.id, store.VISIT_FIELD, store.visit_change_value(sealed))
        store.insert_visit(ws.db, sealed)
        store.delete_draft(ws.db, sealed.id)
        audit.changed(ws, "visit", sealed.id, {"op": "sign", "amends": bool(sealed.amends)})
    flag_service.reevaluate(ws, sealed)
    return sealed


def start_amendment(ws: Workspace, visit_id: str) -> Visit:
    """A draft that corrects a signed visit: its content copied, unsigned, naming what it amends."""
    original = store.get_visit(ws.db, visit_id)
    if original is None:
        raise RecordNotFound()
    now = _iso(_now())
    correction = dataclasses.replace(
        original,
        id=new_id(),
        amends=original.id,
        visitor_signature="",
        guardian_signature="",
        guardian_no_signature_reason="",
        guardian_no_signature_note="",
        entered_by=ws.user_id,
        entered_at=now,
        signed_at="",
        content_hash="",
    )
    with write_transaction(ws.db):
        store.save_draft(ws.db, correction)
    return correction


def get(ws: Workspace, visit_id: str) -> Visit | None:
    return store.get_visit(ws.db, visit_id)


def household_history(ws: Workspace, household_id: str) -> list[VisitEntry]:
    """A household's signed visits, newest first, each with what corrects it and whether its hash
    still verifies."""
    found = store.household_visits(ws.db, household_id)
    corrections = store.amended_by(ws.db, [v.id for v in found])
    return [VisitEntry(v, corrections.get(v.id, ""), verify(v)) for v in found]


def amendment_chain(ws: Workspace, visit_id: str) -> list[Visit]:
    """The visit, what it corrects, what that corrects …, oldest first."""
    chain: list[Visit] = []
    current = store.get_visit(ws.db, visit_id)
    while current is not None and current.id not in {v.id for v in chain}:
        chain.insert(0, current)
        current = store.get_visit(ws.db, current.amends) if current.amends else None
    return chain
