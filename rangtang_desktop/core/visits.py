"""Visits (巡查寻访): what a visit records, the checklist of observable facts behind the flag rules,
and the content hash that signing fixes.

A visit is an immutable event once signed: it is never edited, a correction is a new visit that
*amends* it and is signed again. Until it is signed it is a draft, kept on this computer only.
The checklist asks one plain question per fact the rules R01–R14 of `rules.md` need, for each
child seen, answered "not observed", "observed" or "suspected".
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .dates import local_day
from .msg import N_, Message
from .vocab import ANSWER


@dataclass(frozen=True)
class Question:
    code: str
    rules: tuple[str, ...]
    text: str  # message id: one plain question


CHECKLIST: tuple[Question, ...] = (
    Question("private_injury", ("R01",), N_("Is there an injury to the child's genitals or private parts, seen or reported?")),
    Question("sexual_assault", ("R02", "R03"), N_("Is there any sign or report that the child has been sexually assaulted?")),
    Question("pregnancy", ("R02", "R03", "R31"), N_("Is the girl pregnant, or has she had an abortion?")),
    Question("injuries_violence", ("R04",), N_("Does the child have several injuries, severe malnutrition or clouded consciousness, with violence, abuse, bullying or drugging suspected?")),
    Question("serious_harm", ("R05",), N_("Has the child been disabled or killed by suicide, self-harm, a work injury, poisoning or beating?")),
    Question("abandoned", ("R06",), N_("Has the child been abandoned, or left without anyone caring for a long time?")),
    Question("missing", ("R07",), N_("Is the child missing, of unknown origin, or suspected of having been trafficked?")),
    Question("begging", ("R08",), N_("Is the child organised or made to beg?")),
    Question("domestic_violence", ("R09",), N_("Is the child beaten, tied up, locked in, or habitually abused or threatened at home?")),
    Question("living_alone", ("R10",), N_("Does the child (under 16) live alone without a guardian?")),
    Question("adult_returns_same_day", ("R10",), N_("If the child was alone: does an adult come back the same day?")),
    Question("carer_not_caring", ("R11",), N_("Has the child's carer lost the ability to care, or do they not do their duties?")),
    Question("left_unattended", ("R12",), N_("Is a young child (under 8) or a disabled child who needs care left alone, or with an unfit temporary carer?")),
    Question("guardian_harm", ("R13",), N_("Does the guardian threaten or seriously harm the child, so that the child must be taken to safety now?")),
    Question("used_for_crime", ("R14",), N_("Does the guardian use the child for theft, fraud or another crime?")),
)
QUESTION_CODES = tuple(q.code for q in CHECKLIST)


@dataclass(frozen=True)
class ChildSeen:
    person_id: str
    seen: str = "in_person"  # SEEN


@dataclass(frozen=True)
class Visit:
    """A visit as recorded; ``content_hash`` and ``signed_at`` are set by signing."""

    id: str | None = None
    household_id: str = ""
    children: tuple[ChildSeen, ...] = ()
    visitor_user_id: str = ""
    visitor_name: str = ""
    visitor_role: str = "grid_worker"
    visited_at: str = ""  # UTC instant, ISO 8601
    mode: str = "home"
    spoken_to: str = ""
    language: str = "amdo"
    interpreter: bool = False
    interpreter_name: str = ""
    checklist: dict[str, dict[str, str]] = field(default_factory=dict)  # child id → question → answer
    rating: str = ""
    notes: str = ""
    actions: str = ""
    next_step: str = ""
    visitor_signature: str = ""  # SHA-256 of the signature image (PNG), kept in attachments
    guardian_signature: str = ""
    guardian_signer_name: str = ""
    guardian_no_signature_reason: str = ""
    guardian_no_signature_note: str = ""
    amends: str = ""  # the id of the signed visit this one corrects
    entered_by: str = ""
    entered_at: str = ""  # UTC instant the visit was first entered (late entry is allowed)
    signed_at: str = ""
    content_hash: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.content_hash)

    def local_date(self) -> date | None:
        """The day of the visit in Rangtang."""
        instant = parse_instant(self.visited_at)
        return local_day(instant) if instant else None

    def answer(self, child_id: str, code: str) -> str:
        return self.checklist.get(child_id, {}).get(code, "not_observed")


def parse_instant(text: str) -> datetime | None:
    if not text:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


_VISIT_FIELDS = tuple(f.name for f in dataclasses.fields(Visit))
_CHILD_FIELDS = tuple(f.name for f in dataclasses.fields(ChildSeen))


def to_json(visit: Visit) -> dict[str, Any]:
    """The visit as plain JSON values (children as objects). The same as ``dataclasses.asdict``
    with children as a list, written out because signing and storing call it for every visit."""
    value = {name: getattr(visit, name) for name in _VISIT_FIELDS}
    value["children"] = [{name: getattr(c, name) for name in _CHILD_FIELDS} for c in visit.children]
    value["checklist"] = {child: dict(answers) for child, answers in visit.checklist.items()}
    return value


def from_json(value: dict[str, Any]) -> Visit:
    known = {f.name for f in dataclasses.fields(Visit)}
    data = {k: v for k, v in value.items() if k in known}
    data["children"] = tuple(ChildSeen(**c) for c in data.get("children", ()))
    return Visit(**data)


def canonical_content(visit: Visit) -> bytes:
    """The bytes signing fixes: every field but the hash itself, as canonical JSON (sorted keys,
    no spaces, UTF-8)."""
    return _canonical(to_json(visit))


def _canonical(value: dict[str, Any]) -> bytes:
    value.pop("content_hash", None)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_hash(visit: Visit) -> str:
    return hashlib.sha256(canonical_content(visit)).hexdigest()


def verify(visit: Visit) -> bool:
    """True when a signed visit's content still matches its hash."""
    return visit.signed and content_hash(visit) == visit.content_hash


def seal(visit: Visit, signed_at: datetime) -> Visit:
    """The visit signed at ``signed_at``: its content fixed by a SHA-256 hash."""
    stamp = signed_at.astimezone(UTC).isoformat(timespec="seconds")
    value = to_json(visit)
    value["signed_at"] = stamp  # the content as it will be once stamped, hashed without building it twice
    return dataclasses.replace(visit, signed_at=stamp, content_hash=hashlib.sha256(_canonical(value)).hexdigest())


@dataclass(frozen=True)
class VisitProblem:
    field: str
    level: str  # error | warning
    message: Message

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def check_visit(visit: Visit, now: datetime, *, for_signing: bool) -> list[VisitProblem]:
    """What must be right before a visit can be signed (drafts may be incomplete)."""
    problems: list[VisitProblem] = []

    def error(name: str, text: str, **params) -> None:
        problems.append(VisitProblem(name, "error", Message(text, params)))

    instant = parse_instant(visit.visited_at)
    if instant is None:
        error("visited_at", N_("Write the date and time of the visit."))
    elif instant > now:
        error("visited_at", N_("The visit cannot be in the future."))
    if not visit.household_id:
        error("household_id", N_("Choose the household visited."))
    if not for_signing:
        return problems
    if not visit.children:
        error("children", N_("Mark at least one child of the household as seen or not seen."))
    if not visit.visitor_name.strip():
        error("visitor_name", N_("Write the visitor's name."))
    if not visit.rating:
        error("rating", N_("Rate the guardianship: good, fair or poor."))
    if not visit.visitor_signature:
        error("visitor_signature", N_("The visitor must sign."))
    if not visit.guardian_signature and not visit.guardian_no_signature_reason:
        error("guardian_signature", N_("The guardian signs, or write why the guardian cannot or will not sign."))
    for code in QUESTION_CODES:
        for child in visit.children:
            if visit.answer(child.person_id, code) not in ANSWER:
                error("checklist", N_("Every checklist question needs an answer."))
                return problems
    return problems
