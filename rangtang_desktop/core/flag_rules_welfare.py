"""Flag rules R28–R36: the child's own welfare — school, work, marriage, hukou, disability, illness,
a safe home — and the county's data and visit checks (R36a–R36d).
"""

from __future__ import annotations

from .compliance import STATE_LABELS
from .county_settings import CountySettings
from .facts import ChildFacts
from .flag_rules_common import (
    age_fact,
    ages,
    answered,
    disability_fact,
    finding,
    for_children,
    has_category,
    plain,
    severe_disability,
)
from .flag_rules_harm import r02_facts, r03_facts
from .flags import Finding, Rule
from .msg import N_, Message
from .vocab import HAZARDS, HOUSING, HUKOU_STATUS, ID_CHECK, MARITAL_STATUS, SCHOOL_STATUS, WORK

# Statuses that say a child is not enrolled in school; "not yet school age" only when the child is
# certainly of school age (the record may be right for a child who may be younger).
NOT_ENROLLED = ("dropped_out", "not_in_school_14_16", "not_in_kindergarten", "not_school_age")
NOT_IN_SCHOOL = (*NOT_ENROLLED, "left_school")
UNSAFE_HOUSING = ("dangerous", "temporary")
HOME_HAZARDS = ("electricity", "fire_gas", "drowning")  # 未成年人保护法 第十八条
BAD_ID = ("bad_checksum", "bad_date", "bad_format")
EDUCATION_FROM_MONTH = 10  # the family-education check speaks in the year's last quarter
# The fact R36b needs and ``ChildFacts`` does not have yet: family-education sessions this
# calendar year attended by the child's guardian or carer (``None``: not gathered).
EDUCATION_FACT = "family_education_this_year"


def _schooling(facts: ChildFacts) -> Message:
    return Message(N_("Schooling: {status}"), {"status": plain(SCHOOL_STATUS.label(facts.school_status))})


def compulsory_not_enrolled(facts: ChildFacts, settings: CountySettings) -> bool:
    """May be of compulsory-school age (school start age to under the end age) and not enrolled."""
    if facts.school_status not in NOT_ENROLLED:
        return False
    youngest, oldest = ages(facts)
    if facts.school_status == "not_school_age" and youngest < settings.school_start_age:
        return False
    return oldest >= settings.school_start_age and youngest < settings.school_end_age


@for_children
def check_r28(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    if not compulsory_not_enrolled(facts, settings):
        return None
    return finding("R28", facts, "high", False, (_schooling(facts), age_fact(facts)))


@for_children
def check_r29(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Aged 14 to 16 (may be) and not in school, when R28 does not already say so."""
    if facts.school_status not in NOT_IN_SCHOOL:
        return None
    youngest, oldest = ages(facts)
    if oldest < 14 or youngest > 16 or compulsory_not_enrolled(facts, settings):
        return None
    return finding("R29", facts, "medium", False, (_schooling(facts), age_fact(facts)))


@for_children
def check_r30(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    hazardous = facts.work == "hazardous"
    if not hazardous and not (facts.work == "employed" and ages(facts)[0] < 16):
        return None
    work = Message(N_("Work: {work}"), {"work": plain(WORK.label(facts.work))})
    return finding("R30", facts, "critical" if hazardous else "high", hazardous, (work, age_fact(facts)))


@for_children
def check_r31(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Betrothed, married, cohabiting or pregnant; CRITICAL with a report when R02's or R03's
    facts hold."""
    found = answered(facts, "pregnancy")
    if facts.marital_status in ("betrothed", "married", "pregnant"):
        found.insert(0, Message(N_("Marriage or betrothal: {status}"), {"status": plain(MARITAL_STATUS.label(facts.marital_status))}))
    if not found:
        return None
    assault = r02_facts(facts) or r03_facts(facts)
    if assault:
        return finding("R31", facts, "critical", True, [*found, *(f for f in assault if f not in found)])
    return finding("R31", facts, "high", False, [*found, age_fact(facts)])


@for_children
def check_r32(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    if facts.hukou_status == "not_registered":
        fact = Message(N_("Hukou: {status}"), {"status": plain(HUKOU_STATUS.label(facts.hukou_status))})
    elif facts.hukou_status == "registered" and not facts.id_number.strip():
        fact = plain(N_("Hukou registered, but no ID number recorded"))
    else:
        return None
    return finding("R32", facts, "high", False, (fact,))


@for_children
def check_r33(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    if not severe_disability(facts.disability_level, facts.disability_category):
        return None
    if has_category(facts, "difficulty_disability"):
        return None
    fact = disability_fact(facts.disability_level, facts.disability_category)
    return finding("R33", facts, "medium", False, (fact,), suggests="difficulty_disability")


@for_children
def check_r34(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """A serious illness (on the county's list) not yet in the category: MEDIUM; an illness not
    being treated: HIGH even when the category exists (then with no suggestion)."""
    illness = facts.illness.strip()
    listed = facts.illness_on_county_list or (bool(illness) and illness in settings.serious_illnesses)
    classified = has_category(facts, "difficulty_illness")
    if not facts.illness_untreated and (classified or not listed):
        return None
    name = Message(N_("Illness: {illness}"), {"illness": illness}) if illness else plain(N_("Illness not named"))
    found = [name]
    if listed:
        found.append(plain(N_("On the county's serious-illness list")))
    if facts.illness_untreated:
        found.append(plain(N_("Illness not being treated")))
    suggests = "difficulty_illness" if listed and not classified else ""
    return finding("R34", facts, "high" if facts.illness_untreated else "medium", False, found, suggests)


@for_children
def check_r35(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = []
    if facts.housing in UNSAFE_HOUSING:
        found.append(Message(N_("Housing: {housing}"), {"housing": plain(HOUSING.label(facts.housing))}))
    for hazard in facts.hazards:
        if hazard in HOME_HAZARDS:
            found.append(Message(N_("Hazard at home: {hazard}"), {"hazard": plain(HAZARDS.label(hazard))}))
    return finding("R35", facts, "medium", False, found) if found else None


@for_children
def check_r36a(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Fewer visits this month than needed, once the month is over or at risk."""
    if facts.month_state not in ("missed", "at_risk") or facts.visits_this_month >= facts.visits_needed:
        return None
    fact = Message(
        N_("Visits this month: {counted} of {needed} ({state})"),
        {"counted": facts.visits_this_month, "needed": facts.visits_needed, "state": plain(STATE_LABELS[facts.month_state])},
    )
    return finding("R36a", facts, "low", False, (fact,))


@for_children
def check_r36b(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Fewer family-education sessions this year than the county asks, from October on. Quiet
    while ``ChildFacts`` has no such fact (see ``EDUCATION_FACT``)."""
    sessions = getattr(facts, EDUCATION_FACT, None)
    if sessions is None or facts.today.month < EDUCATION_FROM_MONTH or sessions >= settings.family_education_per_year:
        return None
    fact = Message(
        N_("Family-education sessions this year: {count} of {needed}"),
        {"count": sessions, "needed": settings.family_education_per_year},
    )
    return finding("R36b", facts, "low", False, (fact,))


@for_children
def check_r36c(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    if facts.id_check not in BAD_ID or not facts.id_number.strip():
        return None
    fact = Message(N_("ID number check: {result}"), {"result": plain(ID_CHECK.label(facts.id_check))})
    return finding("R36c", facts, "data", False, (fact,))


@for_children
def check_r36d(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    if not facts.possible_duplicate_of:
        return None
    fact = Message(N_("Possibly the same person as other records: {count}"), {"count": len(facts.possible_duplicate_of)})
    return finding("R36d", facts, "data", False, (fact,))


RULES: tuple[Rule, ...] = (
    Rule(
        "R28", 1, "high", "no",
        N_("Minors Protection Law, art. 17(5); Compulsory Education Law"),
        N_("A child of compulsory-school age is not enrolled in school or has dropped out. Tell the township and the school."),
        check_r28,
    ),
    Rule(
        "R29", 1, "medium", "no",
        N_("National left-behind children registration form (2016)"),
        N_("A child aged 14 to 16 is not in school."),
        check_r29,
    ),
    Rule(
        "R30", 1, "high", "conditional",
        N_("Minors Protection Law, arts. 17(8) and 61"),
        N_("A child under 16 is employed by others, or a minor does hazardous work (then critical)."),
        check_r30,
        mandatory_note=N_("A report is due when the work is hazardous."),
    ),
    Rule(
        "R31", 1, "high", "conditional",
        N_("Minors Protection Law, art. 17(9)"),
        N_("A minor is betrothed, married, living with a partner or pregnant. Critical when rule R02 or R03 also applies."),
        check_r31,
        mandatory_note=N_("A report is due when rule R02 or R03 applies: a girl under 14, or sexual assault suspected."),
    ),
    Rule(
        "R32", 1, "high", "no",
        N_("State Council Opinions on Left-Behind Children (2016) No. 13"),
        N_("The child has no hukou, or is registered but has no ID number recorded."),
        check_r32,
    ),
    Rule(
        "R33", 1, "medium", "no",
        N_("State Council Opinions on Children in Difficulty (2016) No. 36"),
        N_("The child has a severe disability: suggest the category in difficulty (own disability), and check the nursing subsidy and rehabilitation."),
        check_r33,
        suggests="difficulty_disability",
    ),
    Rule(
        "R34", 1, "medium", "no",
        N_("State Council Opinions on Children in Difficulty (2016) No. 36"),
        N_("The child has an illness on the county's serious-illness list: suggest the category in difficulty (serious illness). High when a known illness is not being treated."),
        check_r34,
        suggests="difficulty_illness",
    ),
    Rule(
        "R35", 1, "medium", "no",
        N_("Minors Protection Law, art. 18"),
        N_("The home is unsafe: a dangerous building or a tent, unsafe electricity, fire or gas, or water nearby."),
        check_r35,
    ),
    Rule(
        "R36a", 1, "low", "no",
        N_("County policy: guardianship visits each month"),
        N_("The household had fewer visits this month than the county asks, and the month is over or at risk."),
        check_r36a,
    ),
    Rule(
        "R36b", 1, "low", "no",
        N_("County policy: family-education guidance each year"),
        N_("The child's guardian has had fewer family-education sessions this year than the county asks (checked from October)."),
        check_r36b,
    ),
    Rule(
        "R36c", 1, "data", "no",
        N_("National standard GB 11643 (citizen ID numbers)"),
        N_("The child's ID number fails its check."),
        check_r36c,
    ),
    Rule(
        "R36d", 1, "data", "no",
        N_("County policy: one record for each person"),
        N_("The child may be recorded twice."),
        check_r36d,
    ),
)
