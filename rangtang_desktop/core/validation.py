"""Checks on register records before they are saved.

Each check returns ``Problem``s: errors block saving, warnings are shown and may be accepted.
The same functions serve the forms (inline, as the user types), the services (before writing)
and the ``quality`` report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from . import records
from .dates import ApproxDate, DateError, check_birth_date, local_day
from .id_numbers import check_id_number
from .msg import N_, Message
from .visits import parse_instant

_PARTIAL = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Problem:
    field: str
    level: str  # "error" | "warning"
    message: Message

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def birth_of(person: records.Person) -> ApproxDate | None:
    """The person's birth date, or ``None`` when absent or unreadable."""
    if not person.birth_date:
        return None
    try:
        return ApproxDate.parse(person.birth_date, person.birth_precision or "exact")
    except DateError:
        return None


def _required(record, name: str) -> list[Problem]:
    if getattr(record, name):
        return []
    label = records.info(type(record), name).label
    return [Problem(name, "error", Message(N_("{field} is required."), {"field": Message(label)}))]


def _vocabularies(record) -> list[Problem]:
    problems = []
    for name in records.synced_fields(type(record)):
        field_info = records.info(type(record), name)
        voc = field_info.vocabulary
        if voc is None:
            continue
        value = getattr(record, name)
        values = value if isinstance(value, list) else ([value] if value else [])
        unknown = [v for v in values if v not in voc]
        if unknown:
            problems.append(
                Problem(name, "error", Message(N_("Unknown value: {value}"), {"value": ", ".join(map(str, unknown))}))
            )
    return problems


def _date_field(record, name: str, today: date, *, partial: bool) -> list[Problem]:
    text = getattr(record, name)
    if not text:
        return []
    try:
        if partial and _PARTIAL.match(text) and len(text) == 7:
            day = ApproxDate.parse(text, "month")
        else:
            day = ApproxDate.parse(text, "exact")
    except DateError as exc:
        return [Problem(name, "error", exc.message)]
    if day.earliest() > today and name not in ("expected_end_date", "due_on"):
        return [Problem(name, "error", Message(N_("The date {text} is in the future."), {"text": text}))]
    return []


def _dates(record, today: date) -> list[Problem]:
    problems = []
    for name in records.synced_fields(type(record)):
        kind = records.info(type(record), name).kind
        if kind in ("date", "partial_date"):
            problems += _date_field(record, name, today, partial=kind == "partial_date")
    return problems


def _partial(text: str) -> ApproxDate | None:
    """A stored date of a partial-date field (YYYY-MM or YYYY-MM-DD), or ``None`` when unreadable."""
    try:
        return ApproxDate.parse(text, "month" if len(text) == 7 else "exact")
    except DateError:
        return None


def _order(record, first: str, last: str) -> list[Problem]:
    """An end that cannot be on or after the start (month-only dates compare by their range)."""
    a, b = getattr(record, first), getattr(record, last)
    start, end = (_partial(a) if a else None), (_partial(b) if b else None)
    if start and end and end.latest() < start.earliest():
        return [Problem(last, "error", Message(N_("The end is before the start.")))]
    return []


def validate_household(household: records.Household, today: date) -> list[Problem]:
    return _required(household, "village_code") + _vocabularies(household) + _dates(household, today)


def validate_person(person: records.Person, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if not person.name_zh.strip() and not person.name_bo.strip():
        problems.append(
            Problem("name_zh", "error", Message(N_("Write the name in Chinese, in Tibetan, or both.")))
        )
    if not person.household_id:
        problems += _required(person, "household_id")
    birth = None
    if person.birth_date:
        try:
            birth = ApproxDate.parse(person.birth_date, person.birth_precision or "exact")
        except DateError as exc:
            problems.append(Problem("birth_date", "error", exc.message))
        else:
            problems += [Problem("birth_date", "error", m) for m in check_birth_date(birth, today)]
    else:
        problems.append(
            Problem(
                "birth_date",
                "warning",
                Message(N_("No birth date: the person's age, and every check that needs it, is unknown.")),
            )
        )
    check = check_id_number(
        person.id_number,
        birth_date=birth.earliest() if birth else None,
        birth_exact=bool(birth and birth.is_exact),
        sex=person.sex,
        today=today,
    )
    problems += [Problem("id_number", "error", m) for m in check.errors]
    problems += [Problem("id_number", "warning", m) for m in check.warnings]
    return problems + _vocabularies(person) + _dates(person, today)


def validate_relation(relation: records.Relation, today: date) -> list[Problem]:
    problems = _required(relation, "child_id") + _required(relation, "adult_id")
    if relation.child_id and relation.child_id == relation.adult_id:
        problems.append(Problem("adult_id", "error", Message(N_("A child cannot be related to themself."))))
    return problems + _vocabularies(relation)


def validate_parent_situation(situation: records.ParentSituation, today: date) -> list[Problem]:
    problems = _required(situation, "person_id") + _vocabularies(situation) + _dates(situation, today)
    problems += _order(situation, "start_date", "end_date")
    if situation.kind == "migrant_work" and not (situation.place_province or situation.place_city):
        problems.append(
            Problem(
                "place_city",
                "warning",
                Message(N_("Where does the parent work? The place helps to reach them.")),
            )
        )
    return problems


def validate_care_arrangement(care: records.CareArrangement, today: date) -> list[Problem]:
    problems = _required(care, "child_id") + _required(care, "carer_id")
    if care.child_id and care.child_id == care.carer_id:
        problems.append(Problem("carer_id", "error", Message(N_("A child cannot be their own carer."))))
    return problems + _vocabularies(care) + _dates(care, today) + _order(care, "start_date", "end_date")


def validate_classification(classification: records.Classification, today: date) -> list[Problem]:
    return _required(classification, "child_id") + _vocabularies(classification) + _dates(classification, today)


def validate_family_education_session(session: records.FamilyEducationSession, today: date) -> list[Problem]:
    problems = _required(session, "session_date") + _vocabularies(session) + _dates(session, today)
    if not session.guardian_ids:
        problems.append(Problem("guardian_ids", "warning", Message(N_("No guardian is listed as taking part."))))
    return problems


def validate_referral(referral: records.Referral, today: date) -> list[Problem]:
    problems = _required(referral, "child_id") + _required(referral, "sent_on")
    problems += _vocabularies(referral) + _dates(referral, today) + _order(referral, "sent_on", "due_on")
    if referral.status in ("done", "declined") and not referral.outcome.strip():
        problems.append(Problem("outcome", "warning", Message(N_("Write what came of the referral."))))
    return problems


def _instant(record, name: str, today: date) -> list[Problem]:
    """A required UTC instant (ISO 8601) that is not in the future."""
    text = getattr(record, name)
    if not text:
        return _required(record, name)
    instant = parse_instant(text)
    if instant is None:
        return [Problem(name, "error", Message(N_("Write the date and time, for example 2025-03-07 14:30.")))]
    if local_day(instant) > today:
        return [Problem(name, "error", Message(N_("The date {text} is in the future."), {"text": text[:10]}))]
    return []


def validate_mandatory_report(report: records.MandatoryReport, today: date) -> list[Problem]:
    problems = _required(report, "child_id") + _required(report, "receiving_unit") + _vocabularies(report)
    problems += _instant(report, "discovered_at", today) + _instant(report, "reported_at", today)
    discovered, reported = parse_instant(report.discovered_at), parse_instant(report.reported_at)
    if discovered and reported and reported < discovered:
        problems.append(Problem("reported_at", "error", Message(N_("The report cannot be made before the situation was discovered."))))
    if not report.case_number.strip():
        problems.append(Problem("case_number", "warning", Message(N_("No case number yet: add it when the receiving unit gives one."))))
    return problems


VALIDATORS = {
    records.Household: validate_household,
    records.Person: validate_person,
    records.Relation: validate_relation,
    records.ParentSituation: validate_parent_situation,
    records.CareArrangement: validate_care_arrangement,
    records.Classification: validate_classification,
    records.FamilyEducationSession: validate_family_education_session,
    records.Referral: validate_referral,
    records.MandatoryReport: validate_mandatory_report,
}


def validate(record, today: date) -> list[Problem]:
    """All problems of a register record."""
    return VALIDATORS[type(record)](record, today)


assert set(VALIDATORS) == set(records.ENTITIES.values())
