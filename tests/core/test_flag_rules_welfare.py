"""Flag rules R28–R36d, the child's own welfare and the county's checks: school ages (6, 14, 16),
work under 16, marriage (with R02/R03), hukou and ID, severe disability, serious illness, a safe
home, visits, family education, ID checks and duplicates."""

from __future__ import annotations

from datetime import date

from rangtang_desktop.core.county_settings import CountySettings
from rangtang_desktop.core.dates import ApproxDate
from rangtang_desktop.core.facts import ChildFacts

from .flag_builders import CHILD_ID, WithSessions, check, child, rendered


def test_r28_dropped_out_on_the_16th_birthday():
    """On the 16th birthday (15) a child who dropped out is HIGH; the day after, R28 is quiet and R29 takes over."""
    found = check("R28", child(birthday=16, school_status="dropped_out"))
    assert found.severity == "high" and rendered(found) == ["Schooling: Dropped out", "Age 15"]
    assert check("R29", child(birthday=16, school_status="dropped_out")) is None
    assert check("R28", child(16, school_status="dropped_out")) is None
    assert check("R29", child(16, school_status="dropped_out")).severity == "medium"


def test_r28_school_start_age_boundary():
    """Not in kindergarten or school on the 6th birthday (5) is quiet; the day after, HIGH."""
    assert check("R28", child(birthday=6, school_status="not_in_kindergarten")) is None
    assert check("R28", child(6, school_status="not_in_kindergarten")) is not None


def test_r28_start_age_is_the_county_setting():
    """With school starting at 7, a child of 6 not in school is not flagged."""
    assert check("R28", child(6, school_status="not_in_kindergarten"), CountySettings(school_start_age=7)) is None


def test_r28_not_yet_school_age_contradicted_only_when_certain():
    """"Not yet school age" at 8 is HIGH; with a birth year that may make the child 5, it is left alone."""
    assert check("R28", child(8, school_status="not_school_age")) is not None
    assert check("R28", child(birth=ApproxDate("2019", "year"), school_status="not_school_age")) is None


def test_r28_quiet_in_school_or_deferred():
    """In primary school, or with an approved deferral, or status not recorded: quiet."""
    for status in ("primary", "deferred", "home_teaching", "special_education", ""):
        assert check("R28", child(10, school_status=status)) is None


def test_r29_age_14_boundary():
    """Finished school on the 14th birthday (13): quiet; the day after (14): MEDIUM."""
    assert check("R29", child(birthday=14, school_status="left_school")) is None
    assert check("R29", child(14, school_status="left_school")).severity == "medium"


def test_r29_age_16_upper_boundary():
    """Not in school on the 17th birthday (16): fires; the day after (17): quiet."""
    assert check("R29", child(birthday=17, school_status="not_in_school_14_16")) is not None
    assert check("R29", child(17, school_status="not_in_school_14_16")) is None


def test_r29_quiet_in_school():
    """A 15-year-old in senior school is in school."""
    assert check("R29", child(15, school_status="senior")) is None


def test_r30_employed_under_16():
    """Employed by others on the 16th birthday (15): HIGH, no report; the day after: quiet."""
    found = check("R30", child(birthday=16, work="employed"))
    assert found.severity == "high" and not found.mandatory_report
    assert check("R30", child(16, work="employed")) is None


def test_r30_hazardous_work_at_any_age_is_critical():
    """Hazardous work at 17 is CRITICAL with a report."""
    found = check("R30", child(17, work="hazardous"))
    assert found.severity == "critical" and found.mandatory_report
    assert check("R30", child(12, work="family_herding")) is None


def test_r31_betrothed_is_high():
    """A boy of 16 betrothed: HIGH, no report."""
    found = check("R31", child(16, sex="male", marital_status="betrothed"))
    assert found.severity == "high" and not found.mandatory_report
    assert rendered(found) == ["Marriage or betrothal: Betrothed", "Age 16"]


def test_r31_critical_with_r02_facts():
    """A girl of 13 cohabiting is CRITICAL with a report (R02's facts); at 15 without assault, HIGH."""
    found = check("R31", child(13, marital_status="married"))
    assert found.severity == "critical" and found.mandatory_report
    assert check("R31", child(15, marital_status="married")).severity == "high"


def test_r31_critical_with_r03_facts():
    """A pregnant girl of 16 with assault suspected is CRITICAL with a report."""
    found = check("R31", child(16, answers={"pregnancy": "observed", "sexual_assault": "suspected"}))
    assert found.severity == "critical" and found.mandatory_report


def test_r31_quiet_when_single():
    """No marriage, betrothal or pregnancy: quiet."""
    assert check("R31", child(16, answers={"pregnancy": "not_observed"})) is None


def test_r32_hukou_and_id_number():
    """No hukou, or registered with no ID number: HIGH; pending registration, or registered with a number: quiet."""
    assert check("R32", child(hukou_status="not_registered")).severity == "high"
    assert rendered(check("R32", child(id_number=""))) == ["Hukou registered, but no ID number recorded"]
    assert check("R32", child(hukou_status="pending", id_number="")) is None
    assert check("R32", child()) is None


def test_r33_severe_disability_levels():
    """Level 1–2 of any category, or level 3–4 intellectual or mental, suggest the category; level 3 physical does not."""
    for level, category in (("1", "visual"), ("2", "physical"), ("3", "intellectual"), ("4", "mental")):
        found = check("R33", child(health="disabled", disability_level=level, disability_category=category))
        assert found is not None and found.suggests == "difficulty_disability", (level, category)
    assert check("R33", child(health="disabled", disability_level="3", disability_category="physical")) is None


def test_r33_not_offered_when_the_category_exists():
    """A child in 困境-残疾 is not offered it again."""
    facts = child(disability_level="1", disability_category="multiple", categories=["difficulty_disability"])
    assert check("R33", facts) is None


def test_r34_listed_illness_suggests_the_category():
    """An illness on the county's list (by the settings) is MEDIUM, suggesting 困境-重病."""
    found = check("R34", child(illness="白血病"))
    assert found.severity == "medium" and found.suggests == "difficulty_illness"
    assert check("R34", child(illness="白血病"), CountySettings(serious_illnesses=("尿毒症",))) is None
    assert check("R34", child(illness="感冒")) is None


def test_r34_untreated_illness_is_high():
    """A known illness not being treated is HIGH, and suggests the category only when listed."""
    found = check("R34", child(illness="感冒", illness_untreated=True))
    assert found.severity == "high" and found.suggests == ""
    assert check("R34", child(illness="大骨节病", illness_untreated=True)).suggests == "difficulty_illness"


def test_r34_category_exists():
    """In 困境-重病 already: quiet while treated; still HIGH, with no suggestion, when untreated."""
    assert check("R34", child(illness_on_county_list=True, categories=["difficulty_illness"])) is None
    found = check("R34", child(illness_on_county_list=True, illness_untreated=True, categories=["difficulty_illness"]))
    assert found.severity == "high" and found.suggests == ""


def test_r35_unsafe_home():
    """A tent and water nearby are MEDIUM; a safe home with a landslide risk only is quiet (not in the rule)."""
    found = check("R35", child(housing="temporary", hazards=("drowning",)))
    assert rendered(found) == ["Housing: Tent or temporary shelter", "Hazard at home: Water nearby (drowning)"]
    assert check("R35", child(housing="safe", hazards=("geological", "animals"))) is None


def test_r36a_visits_behind():
    """1 of 2 visits with the month at risk or missed: LOW; due, met or away: quiet."""
    found = check("R36a", child(visits_this_month=1, visits_needed=2, month_state="missed"))
    assert found.severity == "low" and rendered(found) == ["Visits this month: 1 of 2 (Missed)"]
    for state in ("due", "met", "away", ""):
        assert check("R36a", child(visits_this_month=1, visits_needed=2, month_state=state)) is None
    assert check("R36a", child(visits_this_month=2, visits_needed=2, month_state="at_risk")) is None


def test_r36b_family_education_from_october():
    """No session by 1 October: LOW; in September, with a session, or without the fact: quiet."""
    assert check("R36b", WithSessions(CHILD_ID, date(2025, 10, 1), family_education_this_year=0)).severity == "low"
    assert check("R36b", WithSessions(CHILD_ID, date(2025, 9, 30), family_education_this_year=0)) is None
    assert check("R36b", WithSessions(CHILD_ID, date(2025, 12, 1), family_education_this_year=1)) is None
    assert check("R36b", ChildFacts(CHILD_ID, date(2025, 12, 1))) is None


def test_r36c_id_number_fails_its_check():
    """A wrong check digit is DATA, naming the check and not the number."""
    found = check("R36c", child(id_check="bad_checksum"))
    assert found.severity == "data" and rendered(found) == ["ID number check: Check digit wrong"]
    assert check("R36c", child(id_check="valid_old")) is None
    assert check("R36c", child(id_number="", id_check="absent")) is None


def test_r36d_possible_duplicate():
    """A possible duplicate is DATA, counting the other records without naming them."""
    found = check("R36d", child(possible_duplicate_of=("a", "b")))
    assert found.severity == "data" and rendered(found) == ["Possibly the same person as other records: 2"]
    assert check("R36d", child()) is None
