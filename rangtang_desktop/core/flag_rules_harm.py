"""Flag rules R01–R14: harm and danger a visitor observes, most of them a mandatory report to the
police (2020 意见 第四条; 反家庭暴力法; 未成年人保护法 第二十一条, 第九十二条; 国发〔2016〕13号).

They fire from the latest signed visit's checklist answers ("observed" or "suspected"); R02 also
from the register (a girl under 14 recorded as pregnant or cohabiting), R10 from the register (no
adult lives with a child under 16) and R11 from the care arrangement (a 留守 child's carer without
capacity or neglecting the child).
"""

from __future__ import annotations

from .county_settings import CountySettings
from .facts import ChildFacts
from .flag_rules_common import (
    Check,
    age_fact,
    ages,
    answered,
    carer_fact,
    disability_fact,
    finding,
    for_children,
    left_behind,
    plain,
    register_alone,
    visit_fact,
)
from .flags import Finding, Rule
from .msg import N_, Message
from .vocab import HEALTH, MARITAL_STATUS


def checklist_check(rule_id: str, *codes: str, severity: str = "critical") -> Check:
    """A rule that fires, with a mandatory report, on an observed or suspected answer to ``codes``."""

    @for_children
    def check(facts: ChildFacts, settings: CountySettings) -> Finding | None:
        found = answered(facts, *codes)
        return finding(rule_id, facts, severity, True, found) if found else None

    check.__name__ = check.__qualname__ = f"check_{rule_id.lower()}"
    return check


def _register_marriage(facts: ChildFacts, *statuses: str) -> list[Message]:
    if facts.marital_status not in statuses:
        return []
    return [Message(N_("Marriage or betrothal: {status}"), {"status": plain(MARITAL_STATUS.label(facts.marital_status))})]


def r02_facts(facts: ChildFacts) -> list[Message]:
    """R02's triggering facts: a girl (or sex not recorded) who may be under 14 with suspected
    sexual assault, pregnancy or abortion — from the visit, or recorded as pregnant or cohabiting
    in the register (any sexual relation with a girl under 14 is a crime)."""
    if facts.sex == "male" or ages(facts)[0] >= 14:
        return []
    found = answered(facts, "sexual_assault", "pregnancy") + _register_marriage(facts, "pregnant", "married")
    return [*found, age_fact(facts)] if found else []


def r03_facts(facts: ChildFacts) -> list[Message]:
    """R03's triggering facts: a girl certainly 14 or over (younger ones are R02's), pregnant or
    aborted, with sexual assault suspected."""
    if facts.sex == "male" or ages(facts)[0] < 14:
        return []
    assault = answered(facts, "sexual_assault")
    pregnant = answered(facts, "pregnancy") + _register_marriage(facts, "pregnant")
    return [*pregnant, *assault, age_fact(facts)] if assault and pregnant else []


@for_children
def check_r02(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = r02_facts(facts)
    return finding("R02", facts, "critical", True, found) if found else None


@for_children
def check_r03(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = r03_facts(facts)
    return finding("R03", facts, "critical", True, found) if found else None


@for_children
def check_r10(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Under 16 (may be) living alone: CRITICAL, HIGH when an adult is seen to come back the same
    day; a mandatory report when the child may be 留守."""
    if ages(facts)[0] >= 16:
        return None
    found = answered(facts, "living_alone")
    if register_alone(facts):
        found.append(plain(N_("No adult in the register lives with the child")))
    if not found:
        return None
    severity = "critical"
    visit = facts.latest_visit
    if visit is not None and visit.answer("adult_returns_same_day") == "observed":
        severity = "high"
        found.append(visit_fact(facts, "adult_returns_same_day", "observed"))
    status = left_behind(facts, settings)
    messages = [*found, *(status.facts(facts) if status else (age_fact(facts),))]
    return finding("R10", facts, severity, status is not None, messages)


@for_children
def check_r11(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    found = answered(facts, "carer_not_caring")
    for care in facts.care:
        if not care.carer_full_capacity:
            found.append(carer_fact(care, plain(N_("not an adult with full capacity"))))
        if "neglect" in care.disqualifiers:
            found.append(carer_fact(care, plain(N_("long neglect of care duties"))))
    if not found:
        return None
    status = left_behind(facts, settings)
    if status is None:
        return None
    return finding("R11", facts, "high", True, [*found, *status.facts(facts)])


@for_children
def check_r12(facts: ChildFacts, settings: CountySettings) -> Finding | None:
    """Under 8 (may be) or disabled, left unattended: HIGH; CRITICAL with a report when the visit
    also found the child left without care for a long time (R06)."""
    disabled = facts.health == "disabled" or bool(facts.disability_level)
    if ages(facts)[0] >= 8 and not disabled:
        return None
    found = answered(facts, "left_unattended")
    if not found:
        return None
    long_term = answered(facts, "abandoned")
    if disabled:
        who = (
            disability_fact(facts.disability_level, facts.disability_category)
            if facts.disability_level
            else Message(N_("Health: {health}"), {"health": plain(HEALTH.label(facts.health))})
        )
        found.append(who)
    messages = [*found, *long_term, age_fact(facts)]
    return finding("R12", facts, "critical" if long_term else "high", bool(long_term), messages)


RULES: tuple[Rule, ...] = (
    Rule(
        "R01", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(1)"),
        N_("An injury to the child's genitals or private parts is seen or reported."),
        checklist_check("R01", "private_injury"),
    ),
    Rule(
        "R02", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(2)"),
        N_("A girl under 14 may have been sexually assaulted, is pregnant or has had an abortion."),
        check_r02,
    ),
    Rule(
        "R03", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(3)"),
        N_("A girl aged 14 to 17 is pregnant or has had an abortion, and sexual assault is suspected."),
        check_r03,
    ),
    Rule(
        "R04", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(4)"),
        N_("The child has several injuries, severe malnutrition or clouded consciousness, and violence, abuse, bullying or drugging is suspected."),
        checklist_check("R04", "injuries_violence"),
    ),
    Rule(
        "R05", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(5)"),
        N_("The child was disabled or killed by suicide, self-harm, a work injury, poisoning or beating."),
        checklist_check("R05", "serious_harm"),
    ),
    Rule(
        "R06", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(6); Minors Protection Law, art. 92"),
        N_("The child has been abandoned, or left without anyone caring for a long time."),
        checklist_check("R06", "abandoned"),
    ),
    Rule(
        "R07", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(7)"),
        N_("The child is missing, of unknown origin, or may have been trafficked."),
        checklist_check("R07", "missing"),
    ),
    Rule(
        "R08", 1, "critical", "yes",
        N_("Mandatory Reporting Opinions (2020), art. 4(8)"),
        N_("The child is organised or forced to beg."),
        checklist_check("R08", "begging"),
    ),
    Rule(
        "R09", 1, "critical", "yes",
        N_("Anti-Domestic Violence Law, arts. 2 and 14"),
        N_("Domestic violence is suspected: the child is beaten, tied up, locked in, or habitually abused or threatened."),
        checklist_check("R09", "domestic_violence"),
    ),
    Rule(
        "R10", 1, "critical", "conditional",
        N_("Minors Protection Law, art. 21; State Council Opinions on Left-Behind Children (2016) No. 13"),
        N_("A child under 16 lives alone without a guardian. High instead of critical when an adult comes back the same day."),
        check_r10,
        mandatory_note=N_("A report is due when the child is left behind (both parents away for work, or one away and the other unable to care)."),
    ),
    Rule(
        "R11", 1, "high", "yes",
        N_("State Council Opinions on Left-Behind Children (2016) No. 13"),
        N_("A left-behind child's carer has lost the ability to care, or does not do their duties."),
        check_r11,
    ),
    Rule(
        "R12", 1, "high", "conditional",
        N_("Minors Protection Law, art. 21"),
        N_("A child under 8, or a disabled child who needs care, is left alone or with an unfit temporary carer. Critical when this has lasted a long time."),
        check_r12,
        mandatory_note=N_("A report is due when the child has been left without care for a long time."),
    ),
    Rule(
        "R13", 1, "critical", "yes",
        N_("Minors Protection Law, art. 92(6)"),
        N_("A guardian threatens or seriously harms the child, and the child must be taken to safety now."),
        checklist_check("R13", "guardian_harm"),
    ),
    Rule(
        "R14", 1, "high", "yes",
        N_("Minors Protection Law, arts. 17(2) and 92(5)"),
        N_("A guardian uses the child for theft, fraud or another crime."),
        checklist_check("R14", "used_for_crime", severity="high"),
    ),
)
