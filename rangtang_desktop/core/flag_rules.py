"""The guardianship flag rules R01–R36 of ``rules.md`` as data: ``RULES``, and ``evaluate`` to run
them all over one child's facts.

The rules live by group in ``flag_rules_harm`` (R01–R14, harm and danger seen on visits),
``flag_rules_care`` (R15–R27, who cares for the child) and ``flag_rules_welfare`` (R28–R35, the
child's own welfare, and R36a–R36d, visits and data); their shared helpers are in
``flag_rules_common``. R36 of the table is four rules with stable ids: R36a fewer visits this
month than needed, R36b no family-education session this year, R36c an ID number that fails its
check, R36d a possible duplicate person.

Decisions every rule follows:

* **Who is evaluated.** Only a living child who is a minor by the birth date's best estimate
  (``dates.is_minor``, the register's one definition of a child, so a flag never names someone the
  register lists as an adult). A child with no birth date is evaluated, taken as any age 0–17.
* **Ages** are 周岁 (``dates.completed_years``: N full years the day *after* the N-th birthday). An
  approximate birth date gives a range of possible ages; a rule fires when the child *may* be in
  its age band, so an approximate date never hides a case: "under N" uses the youngest possible
  age (< N), "N or over" the oldest (≥ N). Exceptions: R03 (14 to 17) needs a girl certainly 14
  or over, because R02 already covers any girl who may be under 14 with wider facts; R28 does not
  contradict a "not yet school age" record unless the child is certainly of school age.
* **Months** are full on the corresponding day: six months from 15 January are reached on
  15 July (5 months and 30 days, on 14 July, are not); from 31 August, on 28 February (民法典
  第二百零二条). Days (R21) are plain differences: 8 days after the last contact is "more than 7".
  "≥ 6 months" is claimed only when certain, from a situation's *latest* possible start;
  with no start recorded it is never claimed. 留守 needs the county's minimum absence the same way
  for the suggestions R15/R16; for the protective HIGH/CRITICAL rules (R10's report, R11, R17) a
  child *may* be 留守 when the absence may reach the minimum (earliest possible start) or its start
  is not recorded, and the household's hukou type is rural or not recorded.
* **Parents** are the father (a stepfather when no father is recorded), the mother (likewise), and
  adoptive parents in an empty place. A parent not in the register is assumed nothing: 留守,
  事实无人抚养 and orphan rules need both parents recorded. Dead means deceased or declared dead,
  in the person's alive status or a current situation; declared missing likewise.
* **Guardians** (R26, R27) are adults marked as legal guardians, and parents (guardians by law).
* **Checklist rules** fire on the latest signed visit's answer "observed" or "suspected".
* **Suggestions** (R15, R16, R24, R25, R33, R34) are not made when the child has the category in
  any status but ended (R25: either orphan category); R34 still fires, HIGH and without a
  suggestion, for an untreated illness of a child already in the category.

Per-rule boundaries (y = youngest possible age, o = oldest):

====== ===================================================================================
R02    girl or sex not recorded, y < 14; also from the register: pregnant or cohabiting
R03    girl or sex not recorded, y ≥ 14; pregnant (visit or register) and assault suspected
R10    y < 16; visit answer, or register: related adults recorded and none alive, possibly
       adult, living with the child, every carer among them; HIGH only on "observed" for
       an adult returning the same day; report when the child may be 留守
R11    may be 留守; visit answer, or a carer without full capacity or with long neglect
R12    y < 8, or disabled (health or a disability level); CRITICAL + report when the visit
       also says the child was left without care for a long time
R15/16 certainly 留守 (absence from the latest start ≥ minimum, rural hukou); y < 16
R17    may be 留守 and no care arrangement
R18    carer without full capacity, or carer's youngest possible age < 18
R20    carer ill, disabled or infectious, or carer's oldest possible age ≥ elderly-carer age
R21    parents away for work, unless the child lives with a parent who is not away; > 7 days
       since the last contact (8 days fires), > 60 HIGH; with no date, "rarely" MEDIUM,
       "never" HIGH
R22    written notice to the village committee; to the school only when the child is in one
R23    lost contact ≥ 6 months from the later of the latest start and the last contact, and
       no police report recorded (with one, R24 takes over)
R24    both parents meet a criterion, or one dead / declared missing and the other meets
       one; lost contact counts only with a police report, from the situation's start
R25    both parents dead or declared missing, in any combination
R26    a guardian imprisoned, in compulsory detox or other detention; no care arrangement
       and no other living adult marked as caring; report when any danger answer or y < 16
       and nobody lives with the child
R27    a guardian's guardianship revoked, or divorced and not raising the child ≥ 6 months
       (the facts have no "refused"); and nobody caring or living with the child, or the
       visit says abandoned
R28    o ≥ school start age and y < school end age; dropped out, not in school or
       kindergarten, or "not yet school age" when y ≥ start age
R29    o ≥ 14 and y ≤ 16, not in school (also "finished school"), and R28 quiet
R30    hazardous work at any age (CRITICAL + report); employed by others when y < 16
R31    betrothed, married, pregnant (register or visit); CRITICAL + report when R02/R03 hold
R32    hukou not registered (pending registration is quiet), or registered with no ID number
R34    illness on the county's list (the stored mark, or the name on the settings list)
R36a   month at risk or missed and fewer visits than needed
R36b   from October, fewer sessions this year than the county asks (needs a missing fact)
R36c   ID check bad checksum, bad date or not an ID number
====== ===================================================================================
"""

from __future__ import annotations

from .county_settings import CountySettings
from .facts import ChildFacts
from .flag_rules_care import RULES as CARE_RULES
from .flag_rules_common import is_child
from .flag_rules_harm import RULES as HARM_RULES
from .flag_rules_welfare import RULES as WELFARE_RULES
from .flags import Finding, Rule

RULES: tuple[Rule, ...] = (*HARM_RULES, *CARE_RULES, *WELFARE_RULES)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

# The checks without their child gate: ``evaluate`` asks once per child whether to evaluate at all.
_CHECKS = tuple(getattr(rule.check, "__wrapped__", rule.check) for rule in RULES)


def evaluate(facts: ChildFacts, settings: CountySettings) -> list[Finding]:
    """Every rule's finding for one child, in rule order; none for anyone not an alive minor
    (``flag_rules_common.is_child``). A rule that raises is a bug: nothing is caught here."""
    if not is_child(facts):
        return []
    return [found for check in _CHECKS if (found := check(facts, settings)) is not None]
