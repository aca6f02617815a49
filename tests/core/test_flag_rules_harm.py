"""Flag rules R01–R14, harm and danger: each fires on its visit answers (and register facts where it
has them) and stays quiet at its boundaries — ages 8, 14 and 16 by 周岁, the birthday itself
against the day after."""

from __future__ import annotations

import pytest

from rangtang_desktop.core.dates import ApproxDate

from .flag_builders import (
    adult,
    away,
    both_away,
    carer,
    check,
    child,
    father,
    mother,
    rendered,
    situation,
)

PLAIN = {
    "R01": "private_injury", "R04": "injuries_violence", "R05": "serious_harm", "R06": "abandoned",
    "R07": "missing", "R08": "begging", "R09": "domestic_violence", "R13": "guardian_harm", "R14": "used_for_crime",
}


@pytest.mark.parametrize("rule_id", PLAIN)
@pytest.mark.parametrize("answer", ["observed", "suspected"])
def test_checklist_rule_fires_with_a_mandatory_report(rule_id, answer):
    """An observed or suspected answer raises the rule with a mandatory report, naming the visit and answer."""
    found = check(rule_id, child(answers={PLAIN[rule_id]: answer}))
    assert found is not None and found.mandatory_report
    assert found.severity == ("high" if rule_id == "R14" else "critical")
    assert rendered(found)[0].startswith("Visit of 2025-06-12: ")
    assert rendered(found)[0].endswith("— " + answer.capitalize())


@pytest.mark.parametrize("rule_id", PLAIN)
def test_checklist_rule_quiet_when_not_observed_or_no_visit(rule_id):
    """"Not observed", another question's answer, or no signed visit at all keeps the rule quiet."""
    assert check(rule_id, child(answers={PLAIN[rule_id]: "not_observed"})) is None
    assert check(rule_id, child(answers={"adult_returns_same_day": "observed"})) is None
    assert check(rule_id, child()) is None


def test_r01_for_a_boy_of_17():
    """R01 is for every minor, boys too, up to the 18th birthday."""
    assert check("R01", child(birthday=18, sex="male", answers={"private_injury": "suspected"})) is not None


def test_r02_girl_on_her_14th_birthday():
    """On her 14th birthday a girl is 13: suspected assault is R02, not R03."""
    facts = child(birthday=14, answers={"sexual_assault": "suspected"})
    found = check("R02", facts)
    assert found is not None and found.mandatory_report and found.severity == "critical"
    assert "Age 13" in rendered(found)
    assert check("R03", facts) is None


def test_r02_quiet_the_day_after_the_14th_birthday():
    """The day after her 14th birthday, suspected assault alone fires neither R02 nor R03."""
    facts = child(14, answers={"sexual_assault": "suspected"})
    assert check("R02", facts) is None
    assert check("R03", facts) is None


def test_r02_pregnancy_under_14_from_visit_or_register():
    """Pregnancy of a girl under 14, from the visit or from the register, is R02."""
    assert check("R02", child(10, answers={"pregnancy": "observed"})) is not None
    found = check("R02", child(13, marital_status="married"))
    assert found is not None and "Marriage or betrothal: Married or cohabiting" in rendered(found)


def test_r02_quiet_for_a_boy_and_for_betrothal():
    """R02 is about girls; betrothal alone is R31's, not R02's."""
    assert check("R02", child(10, sex="male", answers={"sexual_assault": "observed"})) is None
    assert check("R02", child(10, marital_status="betrothed")) is None


def test_r02_sex_not_recorded_counts_as_a_girl():
    """With the sex not recorded, the rule fires rather than miss a girl."""
    assert check("R02", child(10, sex="unknown", answers={"sexual_assault": "suspected"})) is not None


def test_r02_approximate_birth_that_may_be_under_14():
    """Born in 2011 (13 or 14 today): may be under 14, so R02, and not R03."""
    facts = child(birth=ApproxDate("2011", "year"), answers={"pregnancy": "observed", "sexual_assault": "suspected"})
    assert check("R02", facts) is not None
    assert check("R03", facts) is None


def test_r03_pregnant_with_assault_from_14():
    """A girl of 14 pregnant (visit or register) with suspected assault is R03."""
    assert check("R03", child(14, answers={"pregnancy": "observed", "sexual_assault": "suspected"})) is not None
    found = check("R03", child(17, marital_status="pregnant", answers={"sexual_assault": "suspected"}))
    assert found is not None and found.mandatory_report


def test_r03_quiet_without_assault_or_after_18():
    """Pregnancy at 16 with no assault suspected is not R03; nor anything at 18."""
    assert check("R03", child(16, answers={"pregnancy": "observed"})) is None
    assert check("R03", child(18, answers={"pregnancy": "observed", "sexual_assault": "observed"})) is None


def test_r10_on_the_16th_birthday_fires():
    """On the 16th birthday a child is 15: living alone is CRITICAL."""
    found = check("R10", child(birthday=16, answers={"living_alone": "observed"}))
    assert found is not None and found.severity == "critical"


def test_r10_quiet_the_day_after_the_16th_birthday():
    """The day after the 16th birthday, living alone is not flagged."""
    assert check("R10", child(16, answers={"living_alone": "observed"})) is None


def test_r10_high_when_an_adult_returns_the_same_day():
    """An adult seen to come back the same day lowers R10 to HIGH; "suspected" does not."""
    found = check("R10", child(answers={"living_alone": "observed", "adult_returns_same_day": "observed"}))
    assert found is not None and found.severity == "high"
    found = check("R10", child(answers={"living_alone": "observed", "adult_returns_same_day": "suspected"}))
    assert found.severity == "critical"


def test_r10_report_only_for_a_left_behind_child():
    """The report is due for a 留守 child, not for a child whose parents are at home."""
    left = check("R10", child(answers={"living_alone": "observed"}, adults=both_away()))
    assert left.mandatory_report
    home = [father(situation("at_home")), mother(situation("at_home"))]
    assert not check("R10", child(answers={"living_alone": "observed"}, adults=home)).mandatory_report


def test_r10_from_the_register():
    """Related adults recorded but none living with a child of 12 raises R10 without a visit."""
    found = check("R10", child(12, adults=[father(away()), mother(away())]))
    assert found is not None and "No adult in the register lives with the child" in rendered(found)


def test_r10_register_quiet_when_an_adult_lives_with_the_child_or_nothing_is_recorded():
    """A grandmother at home, a carer whose home is unknown, or no relations at all keep R10 quiet."""
    assert check("R10", child(12, adults=both_away())) is None
    assert check("R10", child(12, adults=[father(away()), mother(away())], care=[carer(carer_id="neighbour")])) is None
    assert check("R10", child(12)) is None


def test_r10_register_a_minor_sibling_is_not_an_adult():
    """An elder sibling of 15 living with the child does not count as an adult."""
    sibling = adult("elder_sibling", lives_with=True, actual_caregiver=True, age=(15, 15), person_id="sibling")
    assert check("R10", child(12, adults=[father(away()), mother(away()), sibling])) is not None


def test_r11_left_behind_carer_not_caring():
    """A 留守 child whose carer does not care is HIGH with a report."""
    found = check("R11", child(answers={"carer_not_caring": "suspected"}, adults=both_away(), care=[carer()]))
    assert found is not None and found.severity == "high" and found.mandatory_report


def test_r11_from_the_care_arrangement():
    """A 留守 child's carer without full capacity raises R11 without a visit answer."""
    found = check("R11", child(adults=both_away(), care=[carer(carer_full_capacity=False)]))
    assert found is not None and "Carer (Paternal grandparent): not an adult with full capacity" in rendered(found)


def test_r11_quiet_when_not_left_behind():
    """A child living with a parent at home is not 留守: R11 stays quiet."""
    home = [father(away()), mother(situation("at_home"), lives_with=True)]
    assert check("R11", child(answers={"carer_not_caring": "observed"}, adults=home)) is None


def test_r11_quiet_at_16():
    """A child of 16 is no longer 留守."""
    assert check("R11", child(16, answers={"carer_not_caring": "observed"}, adults=both_away())) is None


def test_r12_on_the_8th_birthday_fires():
    """On the 8th birthday a child is 7: left unattended is HIGH."""
    found = check("R12", child(birthday=8, answers={"left_unattended": "observed"}))
    assert found is not None and found.severity == "high" and not found.mandatory_report


def test_r12_quiet_the_day_after_the_8th_birthday():
    """The day after the 8th birthday a healthy child left alone is not R12."""
    assert check("R12", child(8, answers={"left_unattended": "observed"})) is None


def test_r12_disabled_child_of_any_age():
    """A disabled child of 12 left unattended is R12, naming the disability."""
    found = check("R12", child(12, health="disabled", disability_category="physical", disability_level="3",
                               answers={"left_unattended": "suspected"}))
    assert found is not None and "Disability: Physical, level 3" in rendered(found)


def test_r12_long_term_is_critical_with_report():
    """Left unattended and also without care for a long time: CRITICAL with a report."""
    found = check("R12", child(5, answers={"left_unattended": "observed", "abandoned": "observed"}))
    assert found.severity == "critical" and found.mandatory_report


def test_r14_is_high_with_report():
    """Using the child for crime is HIGH, still with a mandatory report."""
    found = check("R14", child(answers={"used_for_crime": "suspected"}))
    assert found.severity == "high" and found.mandatory_report


def test_visit_fact_names_question_and_answer():
    """A visit fact is the day, the question's text and the answer's label."""
    found = check("R08", child(answers={"begging": "suspected"}))
    assert rendered(found) == ["Visit of 2025-06-12: Is the child organised or made to beg? — Suspected"]


def test_away_parent_fact_names_relation_since_months_and_place():
    """Left-behind facts name each parent, the start, the full months and the place."""
    found = check("R11", child(answers={"carer_not_caring": "observed"}, adults=both_away(20), care=[carer()]))
    assert "Father: Away for work since 2023-10-15 (20 months)" in rendered(found)
    assert "Mother: working in 浙江 宁波" in rendered(found)


def test_months_are_full_on_the_corresponding_day():
    """Away since 20 months ago less a day counts 19 full months today."""
    found = check("R11", child(answers={"carer_not_caring": "observed"}, adults=both_away(19, days=30), care=[carer()]))
    assert "Father: Away for work since 2023-10-16 (19 months)" in rendered(found)
