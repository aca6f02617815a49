"""The register's records: households, people, relations, parents' situations, care arrangements
and classifications.

Each record is a dataclass; each field carries its label, its kind of value and, where it has one,
its vocabulary. Fields that only make sense together (a birth date and its precision; where a parent
works) share a *group* and travel as one change, so they never half-merge. Storage, forms, history
and the change log all read these declarations: a field is declared once, here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import vocab
from .flags import REFERRAL_STATUS, REFERRAL_TARGET
from .msg import N_


@dataclass(frozen=True)
class FieldInfo:
    label: str
    kind: str = "text"  # text, notes, choice, multi, bool, date, partial_date, list, ref, unit, hidden
    vocabulary: vocab.Vocabulary | None = None
    group: str | None = None


def fld(label: str, default: Any = "", *, kind: str = "text", vocabulary=None, group=None):
    info = FieldInfo(label, kind, vocabulary, group)
    if isinstance(default, list):
        return field(default_factory=list, metadata={"info": info})
    return field(default=default, metadata={"info": info})


def info(record_type: type, name: str) -> FieldInfo:
    return record_type.__dataclass_fields__[name].metadata["info"]


def synced_fields(record_type: type) -> list[str]:
    """The fields that the change log records (all but the id)."""
    return [f.name for f in dataclasses.fields(record_type) if f.name != "id"]


@cache
def change_keys(record_type: type) -> dict[str, tuple[str, ...]]:
    """Change-log field keys → the record fields each covers (a group covers several)."""
    keys: dict[str, tuple[str, ...]] = {}
    for name in synced_fields(record_type):
        group = info(record_type, name).group or name
        keys[group] = keys.get(group, ()) + (name,)
    return keys


DELETED = N_("Deleted")


@dataclass
class Household:
    id: str | None = None
    village_code: str = fld(N_("Village"), kind="unit")
    group_code: str = fld(N_("Village group"), kind="unit")
    household_number: str = fld(N_("Household number"), kind="hidden")
    house_name_zh: str = fld(N_("House name (Chinese)"))
    house_name_bo: str = fld(N_("House name (Tibetan)"))
    address: str = fld(N_("Address"))
    hukou_type: str = fld(N_("Hukou type"), "rural", kind="choice", vocabulary=vocab.HUKOU_TYPE)
    livelihood: str = fld(N_("Livelihood"), "mixed", kind="choice", vocabulary=vocab.LIVELIHOOD)
    seasonal_absence_months: list = fld(
        N_("Months away (herding, caterpillar fungus)"), [], kind="multi",
        vocabulary=vocab.MONTHS, group="seasonal_absence",
    )
    seasonal_absence_note: str = fld(N_("About the seasonal absence"), group="seasonal_absence")
    economic_status: list = fld(
        N_("Economic status"), [], kind="multi", vocabulary=vocab.ECONOMIC_STATUS
    )
    housing: str = fld(N_("Housing"), "unknown", kind="choice", vocabulary=vocab.HOUSING)
    hazards: list = fld(N_("Hazards at home"), [], kind="multi", vocabulary=vocab.HAZARDS)
    legal_basis: str = fld(
        N_("Legal basis for the record"), "statutory_duty", kind="choice",
        vocabulary=vocab.LEGAL_BASIS, group="legal_notice",
    )
    notice_given_on: str = fld(N_("Notice given to the family on"), kind="date", group="legal_notice")
    notes: str = fld(N_("Notes"), kind="notes")
    assigned_worker: str = fld(N_("Visited by"), kind="hidden")
    deleted: bool = fld(DELETED, False, kind="hidden")


@dataclass
class Person:
    id: str | None = None
    household_id: str = fld(N_("Household"), kind="ref")
    name_zh: str = fld(N_("Name (Chinese)"))
    name_bo: str = fld(N_("Name (Tibetan)"))
    aliases: list = fld(N_("Other names"), [], kind="list")
    sex: str = fld(N_("Sex"), "unknown", kind="choice", vocabulary=vocab.SEX)
    ethnicity: str = fld(N_("Ethnicity"), "tibetan", kind="choice", vocabulary=vocab.ETHNICITY)
    birth_date: str = fld(N_("Birth date"), kind="approx_date", group="birth")
    birth_precision: str = fld(
        N_("Birth date precision"), "exact", kind="choice", vocabulary=vocab.DATE_PRECISION,
        group="birth",
    )
    id_number: str = fld(N_("ID number"))
    hukou_status: str = fld(
        N_("Hukou"), "registered", kind="choice", vocabulary=vocab.HUKOU_STATUS
    )
    hukou_place: str = fld(N_("Hukou place"))
    alive_status: str = fld(N_("Alive or deceased"), "alive", kind="choice", vocabulary=vocab.ALIVE_STATUS)
    phones: list = fld(N_("Phone numbers"), [], kind="list")
    residence_village_code: str = fld(N_("Village of residence"), kind="unit")
    school_status: str = fld(N_("Schooling"), kind="choice", vocabulary=vocab.SCHOOL_STATUS)
    school_name: str = fld(N_("School"))
    boarding: bool = fld(N_("Boards at school"), False, kind="bool")
    health: str = fld(N_("Health"), "healthy", kind="choice", vocabulary=vocab.HEALTH)
    disability_category: str = fld(
        N_("Disability category"), kind="choice", vocabulary=vocab.DISABILITY_CATEGORY,
        group="disability",
    )
    disability_level: str = fld(
        N_("Disability level"), kind="choice", vocabulary=vocab.DISABILITY_LEVEL, group="disability"
    )
    disability_certificate: str = fld(N_("Disability certificate number"), group="disability")
    illness: str = fld(N_("Illness"), group="illness_facts")
    illness_on_county_list: bool = fld(
        N_("On the county's serious-illness list"), False, kind="bool", group="illness_facts"
    )
    illness_untreated: bool = fld(N_("Illness not being treated"), False, kind="bool", group="illness_facts")
    nutrition: str = fld(N_("Nutrition"), "none", kind="choice", vocabulary=vocab.NUTRITION)
    mental_health_concern: bool = fld(N_("Mental-health concern"), False, kind="bool")
    behaviours: list = fld(N_("Behaviour concerns"), [], kind="multi", vocabulary=vocab.BEHAVIOURS)
    work: str = fld(N_("Work"), "none", kind="choice", vocabulary=vocab.WORK)
    marital_status: str = fld(
        N_("Marriage or betrothal"), "none", kind="choice", vocabulary=vocab.MARITAL_STATUS
    )
    notes: str = fld(N_("Notes"), kind="notes")
    deleted: bool = fld(DELETED, False, kind="hidden")
    merged_into: str = fld(N_("Merged into"), kind="hidden")


@dataclass
class Relation:
    id: str | None = None
    child_id: str = fld(N_("Child"), kind="ref")
    adult_id: str = fld(N_("Adult"), kind="ref")
    kind: str = fld(N_("Relation to the child"), "father", kind="choice", vocabulary=vocab.RELATION_KIND)
    legal_guardian: bool = fld(N_("Legal guardian"), False, kind="bool")
    actual_caregiver: bool = fld(N_("Actually cares for the child"), False, kind="bool")
    lives_with: bool = fld(N_("Lives with the child"), False, kind="bool")
    deleted: bool = fld(DELETED, False, kind="hidden")


@dataclass
class ParentSituation:
    id: str | None = None
    person_id: str = fld(N_("Parent"), kind="ref")
    kind: str = fld(N_("Situation"), "at_home", kind="choice", vocabulary=vocab.SITUATION_KIND)
    place_province: str = fld(N_("Province"), group="work_place")
    place_city: str = fld(N_("City or county"), group="work_place")
    outside_county: bool = fld(N_("Outside Rangtang County"), False, kind="bool", group="work_place")
    start_date: str = fld(N_("Since"), kind="partial_date")
    expected_end_date: str = fld(N_("Expected to end"), kind="partial_date")
    end_date: str = fld(N_("Ended"), kind="partial_date")
    evidence: str = fld(N_("Evidence"), "none", kind="choice", vocabulary=vocab.EVIDENCE, group="evidence_facts")
    evidence_ref: str = fld(N_("Evidence reference"), group="evidence_facts")
    last_contact_on: str = fld(N_("Last contact with the child"), kind="date")
    contact_frequency: str = fld(
        N_("Contact with the child"), kind="choice", vocabulary=vocab.CONTACT_FREQUENCY
    )
    notes: str = fld(N_("Notes"), kind="notes")
    deleted: bool = fld(DELETED, False, kind="hidden")


@dataclass
class CareArrangement:
    id: str | None = None
    child_id: str = fld(N_("Child"), kind="ref")
    carer_id: str = fld(N_("Carer"), kind="ref")
    start_date: str = fld(N_("From"), kind="partial_date")
    end_date: str = fld(N_("Until"), kind="partial_date")
    notice_school_on: str = fld(N_("School informed in writing on"), kind="date")
    notice_village_on: str = fld(N_("Village committee informed in writing on"), kind="date")
    confirmation_signed_on: str = fld(N_("Carer's confirmation signed on"), kind="date")
    carer_full_capacity: bool = fld(N_("Carer is an adult with full capacity"), True, kind="bool")
    carer_health: str = fld(N_("Carer's health"), "ok", kind="choice", vocabulary=vocab.CARER_HEALTH)
    disqualifiers: list = fld(
        N_("Reasons the carer may be unfit"), [], kind="multi", vocabulary=vocab.CARER_DISQUALIFIERS
    )
    child_view_recorded: bool = fld(N_("Child's view asked and recorded"), False, kind="bool")
    notes: str = fld(N_("Notes"), kind="notes")
    deleted: bool = fld(DELETED, False, kind="hidden")


@dataclass
class Classification:
    id: str | None = None
    child_id: str = fld(N_("Child"), kind="ref")
    kind: str = fld(
        N_("Category"), "left_behind_both", kind="choice", vocabulary=vocab.CLASSIFICATION_KIND
    )
    status: str = fld(
        N_("Status"), "pending", kind="choice", vocabulary=vocab.CLASSIFICATION_STATUS
    )
    recognised_by: str = fld(N_("Recognised by"))
    status_date: str = fld(N_("Status date"), kind="date")
    document_number: str = fld(N_("Document number"))
    benefits: list = fld(N_("Benefits"), [], kind="multi", vocabulary=vocab.BENEFITS)
    notes: str = fld(N_("Notes"), kind="notes")
    deleted: bool = fld(DELETED, False, kind="hidden")


@dataclass
class FamilyEducationSession:
    id: str | None = None
    session_date: str = fld(N_("Date"), kind="date")
    topic: str = fld(N_("Topic"))
    provider: str = fld(N_("Given by"))
    language: str = fld(N_("Language"), "amdo", kind="choice", vocabulary=vocab.VISIT_LANGUAGE)
    village_code: str = fld(N_("Village"), kind="unit")
    guardian_ids: list = fld(N_("Guardians who took part"), [], kind="people")
    notes: str = fld(N_("Notes"), kind="notes")
    deleted: bool = fld(DELETED, False, kind="hidden")


@dataclass
class Referral:
    """A child's case passed to another body (township, civil affairs, police, school, clinic,
    women's federation), usually for a flag, with a due date, a status and the outcome."""

    id: str | None = None
    flag_id: str = fld(N_("Flag"), kind="hidden")
    child_id: str = fld(N_("Child"), kind="ref")
    target: str = fld(N_("Referred to"), "township", kind="choice", vocabulary=REFERRAL_TARGET)
    unit_name: str = fld(N_("Receiving unit"))
    sent_on: str = fld(N_("Sent on"), kind="date")
    due_on: str = fld(N_("Answer due by"), kind="date")
    status: str = fld(N_("Status"), "sent", kind="choice", vocabulary=REFERRAL_STATUS)
    outcome: str = fld(N_("Outcome"), kind="notes")
    notes: str = fld(N_("Notes"), kind="notes")
    deleted: bool = fld(DELETED, False, kind="hidden")


@dataclass
class MandatoryReport:
    """A mandatory report (强制报告) of harm to a child: when the situation was discovered, when and
    to whom it was reported, the receiving unit and its case number. Restricted: the reporter's
    identity is confidential (kept in the record, never shown in lists or exports for others)."""

    id: str | None = None
    flag_id: str = fld(N_("Flag"), kind="hidden")
    child_id: str = fld(N_("Child"), kind="ref")
    discovered_at: str = fld(N_("Situation discovered at"), kind="instant")  # UTC instant, ISO 8601
    reported_at: str = fld(N_("Reported at"), kind="instant")  # UTC instant, ISO 8601
    reported_to: str = fld(N_("Reported to"), "police", kind="choice", vocabulary=REFERRAL_TARGET)
    receiving_unit: str = fld(N_("Receiving unit"))
    case_number: str = fld(N_("Case number"))
    reporter: str = fld(N_("Reporter"), kind="hidden")  # user id: confidential
    notes: str = fld(N_("Notes"), kind="notes")
    deleted: bool = fld(DELETED, False, kind="hidden")


ENTITIES: dict[str, type] = {
    "household": Household,
    "person": Person,
    "relation": Relation,
    "parent_situation": ParentSituation,
    "care_arrangement": CareArrangement,
    "classification": Classification,
    "family_education_session": FamilyEducationSession,
    "referral": Referral,
    "mandatory_report": MandatoryReport,
}

# Records only the people working the case may see (DESIGN §3); their confidential fields are
# never shown in lists and never leave in exports meant for others.
RESTRICTED = frozenset({"referral", "mandatory_report"})
CONFIDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {"mandatory_report": ("reporter",)}

ENTITY_LABELS = {
    "household": N_("Household"),
    "person": N_("Person"),
    "relation": N_("Relation"),
    "parent_situation": N_("Parent's situation"),
    "care_arrangement": N_("Entrusted care"),
    "classification": N_("Category"),
    "family_education_session": N_("Family-education session"),
    "visit": N_("Visit"),
    "referral": N_("Referral"),
    "mandatory_report": N_("Mandatory report"),
    "flag": N_("Flag"),
}


def entity_name(record: Any) -> str:
    for name, record_type in ENTITIES.items():
        if isinstance(record, record_type):
            return name
    raise TypeError(f"not a register record: {type(record).__name__}")


GROUP_LABELS = {
    "birth": N_("Birth date"),
    "seasonal_absence": N_("Seasonal absence"),
    "legal_notice": N_("Legal basis and notice"),
    "disability": N_("Disability"),
    "illness_facts": N_("Illness"),
    "work_place": N_("Where"),
    "evidence_facts": N_("Evidence"),
}


def field_label(entity: str, key: str) -> str:
    """The label id of a change-log field key (a field name or a group name)."""
    if key in GROUP_LABELS:
        return GROUP_LABELS[key]
    record_type = ENTITIES[entity]
    if key in record_type.__dataclass_fields__:
        return info(record_type, key).label
    return key
