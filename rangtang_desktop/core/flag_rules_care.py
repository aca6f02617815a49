"""Flag rules R15–R27: who cares for the child. Left-behind children (留守, 国发〔2016〕13号) and
their entrusted care (未成年人保护法 第二十二条, 第二十三条), parents out of touch, de facto
unsupported children (事实无人抚养, 民发〔2019〕62号, 〔2020〕125号), orphans, and guardians who
cannot or will not care (法发〔2014〕24号 第三十五条).
"""

from __future__ import annotations

from .county_settings import CountySettings
from .facts import AdultFacts, ChildFacts, SituationFacts
from .flag_rules_common import (
    ADULT_AGE,
    DANGER_QUESTIONS,
    DETAINED,
    HARM_QUESTIONS,
    UNSUPPORTED_MONTHS,
    Check,
    age_fact,
    age_text,
    ages,
    answered,
    carer_fact,
    completed_months,
    finding,
    for_children,
    gone_fact,
    guardians,
    has_category,
    is_alive,
    left_behind,
    may_be_unsupporting,
    months_certain,
    parent_pair,
    plain,
    register_alone,
    relation,
    situation_fact,
    status_fact,
    unsupporting_fact,
    worst,
)
from .flags import Finding, Rule
from .msg import N_, Message
from .vocab import CARER_DISQUALIFIERS, CARER_HEALTH, CONTACT_FREQUENCY, SITUATION_KIND

IN_SCHOOL = ("kindergarten", "primary", "junior", "senior", "vocational", "special_education")
UNWELL_CARER = ("ill", "disabled", "infectious")
CONTACT_MEDIUM_DAYS = 7  # 未成年人保护法 第二十三条: at least once a week
CONTACT_HIGH_DAYS = 60
NO_CARE = N_("No care arrangement recorded")


def _suggest(rule_id: str, kind: str) -> Check:
    """R15 / R16: the child is certainly 留守 of ``kind`` and not yet in that category."""

    @for_children
    def check(facts: ChildFacts, settings: CountySettings) -> Finding | None:
        if has_category(facts, kind):
            return None
        status = left_behind(facts, settings)
        if status is None or not status.certain or status.kind != kind:
            return None
        return finding(rule_id, facts, "low", False, status.facts(facts), suggests=kind)

    check.__name__ = check.__qualname__ = f"check_{rule_id.lower()}"
    return check


@for_children
def check_r17(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    if facts.care:
        return None
    status = left_behind(facts, settings)
    if status is None:
        return None
    return finding("R17", facts, "high", False, [*status.facts(facts), plain(NO_CARE)])


@for_children
def check_r18(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = []
    for care in facts.care:
        if not care.carer_full_capacity:
            found.append(carer_fact(care, plain(N_("not an adult with full capacity"))))
        if care.carer_age is not None and care.carer_age[0] < ADULT_AGE:
            found.append(carer_fact(care, Message(N_("age {age}"), {"age": age_text(*care.carer_age)})))
    return finding("R18", facts, "high", False, found) if found else None


@for_children
def check_r19(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = [
        carer_fact(care, plain(CARER_DISQUALIFIERS.label(reason)))
        for care in facts.care
        for reason in care.disqualifiers
    ]
    if not found:
        return None
    harm = answered(facts, *HARM_QUESTIONS)
    return finding("R19", facts, "high", bool(harm), [*found, *harm])


@for_children
def check_r20(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = []
    for care in facts.care:
        if care.carer_health in UNWELL_CARER:
            found.append(carer_fact(care, plain(CARER_HEALTH.label(care.carer_health))))
        if care.carer_age is not None and care.carer_age[1] >= settings.elderly_carer_age:
            found.append(carer_fact(care, Message(
                N_("age {age} ({limit} or over counts as elderly)"),
                {"age": age_text(*care.carer_age), "limit": settings.elderly_carer_age},
            )))
    return finding("R20", facts, "medium", False, found) if found else None


@for_children
def check_r21(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Parents away for work out of touch, unless the child lives with a parent at home."""
    away: list[tuple[AdultFacts, SituationFacts]] = []
    for parent in facts.parents:
        if not is_alive(parent):
            continue
        situation = parent.has("migrant_work")
        if situation is None:
            if parent.lives_with:
                return None
            continue
        away.append((parent, situation))
    found, severities = [], []
    for parent, situation in away:
        if situation.last_contact_on is not None:
            days = (facts.today - situation.last_contact_on).days
            if days <= CONTACT_MEDIUM_DAYS:
                continue
            severities.append("high" if days > CONTACT_HIGH_DAYS else "medium")
            found.append(Message(
                N_("{relation}: last contact with the child on {day} ({days} days ago)"),
                {"relation": relation(parent), "day": situation.last_contact_on.isoformat(), "days": days},
            ))
        elif situation.contact_frequency in ("rarely", "never"):
            severities.append("high" if situation.contact_frequency == "never" else "medium")
            found.append(Message(
                N_("{relation}: contact with the child — {frequency}"),
                {"relation": relation(parent), "frequency": plain(CONTACT_FREQUENCY.label(situation.contact_frequency))},
            ))
    return finding("R21", facts, worst(severities), False, found) if found else None


@for_children
def check_r22(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = []
    for care in facts.care:
        if care.notice_school_on is None and facts.school_status in IN_SCHOOL:
            found.append(carer_fact(care, plain(N_("school not informed in writing"))))
        if care.notice_village_on is None:
            found.append(carer_fact(care, plain(N_("village committee not informed in writing"))))
    return finding("R22", facts, "low", False, found) if found else None


@for_children
def check_r23(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """A parent out of touch for 6 months or more (certain, from the later of the situation's
    latest start and the last contact) with no police report recorded."""
    found = []
    for parent in parent_pair(facts):
        if parent is None or not is_alive(parent):
            continue
        situation = parent.has("lost_contact")
        if situation is None or situation.evidence == "police_missing_report":
            continue
        since, since_text = None, ""
        if situation.start is not None:
            since, since_text = situation.start.latest(), situation.start.text
        if situation.last_contact_on is not None and (since is None or situation.last_contact_on > since):
            since, since_text = situation.last_contact_on, situation.last_contact_on.isoformat()
        if since is None:
            continue
        months = completed_months(since, facts.today)
        if months < UNSUPPORTED_MONTHS:
            continue
        found.append(Message(
            N_("{relation}: lost contact since {since} ({months} months), no police report recorded"),
            {"relation": relation(parent), "since": since_text, "months": months},
        ))
    return finding("R23", facts, "high", False, found) if found else None


@for_children
def check_r24(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Both parents unable to support the child, or one dead or declared missing and the other so."""
    if has_category(facts, "de_facto_unsupported"):
        return None
    father, mother = parent_pair(facts)
    if father is None or mother is None or not (may_be_unsupporting(father) and may_be_unsupporting(mother)):
        return None
    father_fact = unsupporting_fact(father, facts.today) or gone_fact(father)
    mother_fact = unsupporting_fact(mother, facts.today) or gone_fact(mother)
    if father_fact is None or mother_fact is None:
        return None
    if gone_fact(father) is not None and gone_fact(mother) is not None:
        return None  # both dead or declared missing: an orphan (R25)
    return finding("R24", facts, "high", False, (father_fact, mother_fact), suggests="de_facto_unsupported")


@for_children
def check_r25(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Both parents dead or declared missing, in any combination."""
    if has_category(facts, "orphan_scattered", "orphan_institution"):
        return None
    father, mother = parent_pair(facts)
    if father is None or mother is None:
        return None
    father_fact, mother_fact = gone_fact(father), gone_fact(mother)
    if father_fact is None or mother_fact is None:
        return None
    return finding("R25", facts, "high", False, (father_fact, mother_fact), suggests="orphan_scattered")


def _danger(facts: ChildFacts) -> list[Message]:
    """Signs that the child is in danger: any harm or danger answer of the latest visit, or a
    child under 16 (may be) with no adult living with them."""
    found = answered(facts, *DANGER_QUESTIONS)
    if ages(facts)[0] < 16 and register_alone(facts):
        found.append(plain(N_("No adult in the register lives with the child")))
    return found


@for_children
def check_r26(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """A guardian detained (prison, compulsory drug rehabilitation, other detention) and nobody
    else caring: no care arrangement and no other living adult marked as the child's carer."""
    if facts.care:
        return None
    held = []
    for guardian in guardians(facts):
        situation = guardian.has(*DETAINED)
        if situation is not None and is_alive(guardian) and guardian.has("guardianship_revoked") is None:
            held.append((guardian, situation))
    if not held:
        return None
    held_ids = {guardian.person_id for guardian, _ in held}
    if any(a.actual_caregiver and is_alive(a) and a.person_id not in held_ids for a in facts.adults):
        return None
    danger = _danger(facts)
    messages = [
        *(situation_fact(guardian, situation, facts.today) for guardian, situation in held),
        plain(NO_CARE),
        plain(N_("No other adult is recorded as caring for the child")),
        *danger,
    ]
    return finding("R26", facts, "high", bool(danger), messages)


@for_children
def check_r27(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """A guardian who refused care — guardianship revoked, or divorced and not raising the child
    for 6 months or more (certain) — and nobody caring for the child, or the child abandoned."""
    refused = []
    for guardian in guardians(facts):
        revoked = guardian.has("guardianship_revoked")
        if revoked is not None:
            refused.append(status_fact(guardian, SITUATION_KIND.label(revoked.kind)))
            continue
        divorced = guardian.has("divorced_not_raising")
        months = months_certain(divorced, facts.today) if divorced else None
        if months is not None and months >= UNSUPPORTED_MONTHS:
            refused.append(situation_fact(guardian, divorced, facts.today))
    if not refused:
        return None
    abandoned = answered(facts, "abandoned")
    nobody = not facts.care and not any(
        (a.lives_with or a.actual_caregiver) and is_alive(a) and a.has("guardianship_revoked", "divorced_not_raising") is None
        for a in facts.adults
    )
    if not (nobody or abandoned):
        return None
    messages = [*refused, *([plain(N_("Nobody is recorded as caring for the child or living with them"))] if nobody else []), *abandoned]
    return finding("R27", facts, "critical", True, [*messages, age_fact(facts)])


RULES: tuple[Rule, ...] = (
    Rule(
        "R15", 1, "low", "no",
        N_("State Council Opinions on Left-Behind Children (2016) No. 13"),
        N_("Both parents have been away for work for the county's minimum time, the child is under 16 and has a rural hukou: suggest the category left-behind (both parents away)."),
        _suggest("R15", "left_behind_both"),
        suggests="left_behind_both",
    ),
    Rule(
        "R16", 1, "low", "no",
        N_("State Council Opinions on Left-Behind Children (2016) No. 13"),
        N_("One parent is away for work and the other cannot care (serious illness, severe disability or otherwise), the child is under 16 and has a rural hukou: suggest the category left-behind (one parent away)."),
        _suggest("R16", "left_behind_one"),
        suggests="left_behind_one",
    ),
    Rule(
        "R17", 1, "high", "no",
        N_("Minors Protection Law, art. 22"),
        N_("A left-behind child has no entrusted-care arrangement recorded."),
        check_r17,
    ),
    Rule(
        "R18", 1, "high", "no",
        N_("Minors Protection Law, art. 22"),
        N_("The child's entrusted carer is not an adult with full capacity."),
        check_r18,
    ),
    Rule(
        "R19", 1, "high", "conditional",
        N_("Minors Protection Law, art. 22"),
        N_("The child's entrusted carer is unfit: a record of abuse or violence, a drug, alcohol or gambling habit, or long neglect."),
        check_r19,
        mandatory_note=N_("A report is due when harm to the child is suspected."),
    ),
    Rule(
        "R20", 1, "medium", "no",
        N_("Minors Protection Law, art. 22"),
        N_("The child's entrusted carer is ill, disabled, or of the county's elderly-carer age or over (not a legal limit)."),
        check_r20,
    ),
    Rule(
        "R21", 1, "medium", "no",
        N_("Minors Protection Law, art. 23"),
        N_("A parent away for work has not been in touch with the child or carer for more than 7 days. High after more than 60 days."),
        check_r21,
    ),
    Rule(
        "R22", 1, "low", "no",
        N_("Minors Protection Law, art. 23"),
        N_("The school or the village committee has not been told in writing about the child's care arrangement."),
        check_r22,
    ),
    Rule(
        "R23", 1, "high", "no",
        N_("Ministry of Civil Affairs Opinions on De Facto Unsupported Children (2019) No. 62"),
        N_("A parent has been out of touch for 6 months or more and no police report is recorded: record the report and check whether the child is de facto unsupported."),
        check_r23,
    ),
    Rule(
        "R24", 1, "high", "no",
        N_("Ministry of Civil Affairs Opinions on De Facto Unsupported Children (2019) No. 62 and (2020) No. 125"),
        N_("Both parents cannot support the child (severe disability, serious illness, detained or out of touch for 6 months or more, guardianship revoked, deported), or one parent is dead or declared missing and the other cannot: suggest the category de facto unsupported."),
        check_r24,
        suggests="de_facto_unsupported",
    ),
    Rule(
        "R25", 1, "high", "no",
        N_("State Council General Office Opinions on Orphans (2010) No. 54"),
        N_("Both parents are dead, or one is dead and the other declared missing, or both are declared missing: suggest the category orphan."),
        check_r25,
        suggests="orphan_scattered",
    ),
    Rule(
        "R26", 1, "high", "conditional",
        N_("Opinions on Revoking Guardianship (2014) No. 24, art. 35"),
        N_("A guardian is in prison, compulsory drug rehabilitation or other detention, and nobody else has been arranged to care for the child."),
        check_r26,
        mandatory_note=N_("A report is due when the child is in danger."),
    ),
    Rule(
        "R27", 1, "critical", "yes",
        N_("Opinions on Revoking Guardianship (2014) No. 24, art. 35"),
        N_("A guardian has refused to care for the child for 6 months or more, and the child has nobody caring for them or has been abandoned."),
        check_r27,
    ),
)
