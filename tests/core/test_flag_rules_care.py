"""Flag rules R15–R27, who cares for the child: 留守 and its county settings, carers, contact,
事实无人抚养 and orphans (both-parents combinations), guardians who cannot or will not care; each
fires and stays quiet at its boundaries (age 16, the minimum absence, six months)."""

from __future__ import annotations

from datetime import timedelta

from rangtang_desktop.core.county_settings import CountySettings
from rangtang_desktop.core.dates import ApproxDate
from rangtang_desktop.core.facts import AdultFacts, SituationFacts

from .flag_builders import (
    TODAY,
    adult,
    at_home,
    away,
    both_away,
    carer,
    check,
    child,
    father,
    grandmother,
    mother,
    rendered,
    situation,
)


def dead(relation: str, status: str = "deceased") -> AdultFacts:
    return adult(relation, alive_status=status)


def imprisoned(relation: str, months: int, days: int = 0) -> AdultFacts:
    return adult(relation, situation("imprisoned", months, days, evidence="prison_document"))


# --- R15, R16: suggested 留守 categories ----------------------------------------------------------


def test_r15_both_parents_away_suggests_the_category():
    """Both parents away 12 months, child 10, rural hukou: LOW, suggesting 双亲留守."""
    found = check("R15", child(adults=both_away()))
    assert found.severity == "low" and not found.mandatory_report and found.suggests == "left_behind_both"
    assert "Father: Away for work since 2024-06-15 (12 months)" in rendered(found)


def test_r15_minimum_absence_boundary():
    """Away 2 months and 30 days is not yet the minimum of 3 months; since this day 3 months ago is."""
    assert check("R15", child(adults=both_away(2, days=30))) is None
    assert check("R15", child(adults=both_away(3))) is not None


def test_r15_minimum_absence_is_the_county_setting():
    """With a minimum of 6 months, 4 months away is not enough."""
    assert check("R15", child(adults=both_away(4)), CountySettings(min_absence_months=6)) is None


def test_r15_outside_county_only_setting():
    """When only work outside the county counts, a parent working in the county is not away."""
    adults = [father(away(outside_county=False)), mother(away()), grandmother()]
    assert check("R15", child(adults=adults)) is not None
    assert check("R15", child(adults=adults), CountySettings(absence_outside_county_only=True)) is None


def test_r15_age_16_boundary():
    """On the 16th birthday (15) the child is 留守; the day after, not."""
    assert check("R15", child(birthday=16, adults=both_away())) is not None
    assert check("R15", child(16, adults=both_away())) is None


def test_r15_needs_rural_hukou_and_a_known_start():
    """Urban or unrecorded hukou, or a start not recorded, is not certain enough to suggest."""
    assert check("R15", child(adults=both_away(), hukou_type="urban")) is None
    assert check("R15", child(adults=both_away(), hukou_type="unknown")) is None
    assert check("R15", child(adults=both_away(None))) is None


def test_r15_not_offered_when_the_category_exists():
    """A child already in 双亲留守 (pending or recognised) is not offered it again; an ended one is."""
    assert check("R15", child(adults=both_away(), categories=[("left_behind_both", "pending")])) is None
    assert check("R15", child(adults=both_away(), categories=["left_behind_both"])) is None
    assert check("R15", child(adults=both_away(), categories=[("left_behind_both", "ended")])) is not None


def test_r16_one_away_other_seriously_ill():
    """Father away, mother seriously ill: LOW, suggesting 单亲留守; R15 quiet."""
    adults = [father(away()), mother(situation("serious_illness"), lives_with=True)]
    found = check("R16", child(adults=adults))
    assert found.suggests == "left_behind_one" and "Mother: Serious illness" in rendered(found)
    assert check("R15", child(adults=adults)) is None


def test_r16_other_parent_severely_disabled_from_the_person_record():
    """A mother with a level-2 disability recorded on her person counts as without capacity."""
    adults = [father(away()), mother(disability_level="2", disability_category="physical", lives_with=True)]
    assert check("R16", child(adults=adults)) is not None


def test_r16_quiet_when_the_other_parent_is_at_home():
    """One parent away and the other at home and able: not 留守."""
    assert check("R16", child(adults=[father(away()), at_home("mother")])) is None
    assert check("R16", child(adults=[father(away()), at_home("mother")], categories=["left_behind_one"])) is None


def test_r16_not_offered_when_the_category_exists():
    """A child in 单亲留守 is not offered it again."""
    adults = [father(away()), mother(situation("incapable"))]
    assert check("R16", child(adults=adults, categories=["left_behind_one"])) is None


# --- R17–R22: entrusted care ----------------------------------------------------------------------


def test_r17_left_behind_without_care_arrangement():
    """A 留守 child with no care arrangement: HIGH, no report."""
    found = check("R17", child(adults=both_away()))
    assert found.severity == "high" and not found.mandatory_report
    assert "No care arrangement recorded" in rendered(found)


def test_r17_protective_when_the_start_is_not_recorded():
    """Parents away with no start recorded may be 留守: R17 fires, saying the start is missing."""
    found = check("R17", child(adults=both_away(None)))
    assert found is not None and "Father: Away for work, start not recorded" in rendered(found)


def test_r17_approximate_start_that_may_reach_the_minimum():
    """Away since "2025-03" (2 or 3 full months): may be 留守, so R17 fires; R15 does not."""
    adults = [father(SituationFacts("migrant_work", start=ApproxDate("2025-03", "month"))), mother(away()), grandmother()]
    assert check("R17", child(adults=adults)) is not None
    assert check("R15", child(adults=adults)) is None


def test_r17_quiet_with_care_or_short_absence():
    """A care arrangement, or parents away only a month, keeps R17 quiet."""
    assert check("R17", child(adults=both_away(), care=[carer()])) is None
    assert check("R17", child(adults=both_away(1))) is None


def test_r18_carer_minor_or_without_capacity():
    """A carer who may be 17, or one without full capacity, is HIGH."""
    assert check("R18", child(care=[carer(carer_age=(17, 18))])).severity == "high"
    assert check("R18", child(care=[carer(carer_full_capacity=False)])) is not None


def test_r18_quiet_for_an_adult_carer_of_18():
    """A carer certainly 18 with full capacity is fine."""
    assert check("R18", child(care=[carer(carer_age=(18, 18))])) is None
    assert check("R18", child(care=[carer(carer_age=None)])) is None


def test_r19_disqualified_carer_report_only_if_harm_suspected():
    """A carer with a drinking habit is HIGH; a report is due only with harm suspected on the visit."""
    found = check("R19", child(care=[carer(disqualifiers=("addiction",))]))
    assert found.severity == "high" and not found.mandatory_report
    assert "Carer (Paternal grandparent): Drug, alcohol or gambling habit" in rendered(found)
    assert check("R19", child(care=[carer(disqualifiers=("neglect",))], answers={"guardian_harm": "suspected"})).mandatory_report
    assert not check("R19", child(care=[carer(disqualifiers=("neglect",))], answers={"begging": "observed"})).mandatory_report


def test_r19_quiet_without_disqualifiers():
    """A fit carer raises nothing."""
    assert check("R19", child(care=[carer()])) is None


def test_r20_elderly_carer_boundary():
    """A carer who may be 70 is MEDIUM; one certainly 69 is not; the age is the county setting."""
    assert check("R20", child(care=[carer(carer_age=(70, 70))])).severity == "medium"
    assert check("R20", child(care=[carer(carer_age=(69, 70))])) is not None
    assert check("R20", child(care=[carer(carer_age=(69, 69))])) is None
    assert check("R20", child(care=[carer(carer_age=(72, 72))]), CountySettings(elderly_carer_age=75)) is None


def test_r20_ill_carer():
    """An ill or disabled carer is MEDIUM; a healthy one is not."""
    assert check("R20", child(care=[carer(carer_health="disabled")])) is not None
    assert check("R20", child(care=[carer(carer_health="ok")])) is None


def _contact(days: int | None = None, frequency: str = "") -> list[AdultFacts]:
    last = TODAY - timedelta(days=days) if days is not None else None
    return [father(away(last_contact_on=last, contact_frequency=frequency)), mother(away(last_contact_on=TODAY)), grandmother()]


def test_r21_contact_boundaries():
    """7 days since the last contact is fine, 8 is MEDIUM, 60 still MEDIUM, 61 HIGH."""
    assert check("R21", child(adults=_contact(7))) is None
    assert check("R21", child(adults=_contact(8))).severity == "medium"
    assert check("R21", child(adults=_contact(60))).severity == "medium"
    found = check("R21", child(adults=_contact(61)))
    assert found.severity == "high"
    assert "Father: last contact with the child on 2025-04-15 (61 days ago)" in rendered(found)


def test_r21_contact_frequency_when_no_date():
    """With no date, "rarely" is MEDIUM, "never" HIGH, "monthly" quiet."""
    assert check("R21", child(adults=_contact(frequency="rarely"))).severity == "medium"
    assert check("R21", child(adults=_contact(frequency="never"))).severity == "high"
    assert check("R21", child(adults=_contact(frequency="monthly"))) is None


def test_r21_quiet_when_the_child_lives_with_a_parent():
    """A father away and out of touch, the mother at home with the child: not R21."""
    last = TODAY - timedelta(days=90)
    assert check("R21", child(adults=[father(away(last_contact_on=last)), at_home("mother")])) is None


def test_r22_notices():
    """No written notice to the village committee is LOW; the school only matters for a child in school."""
    found = check("R22", child(care=[carer(notice_village_on=None)]))
    assert found.severity == "low"
    assert rendered(found) == ["Carer (Paternal grandparent): village committee not informed in writing"]
    assert check("R22", child(3, school_status="not_school_age", care=[carer(notice_school_on=None)])) is None
    assert check("R22", child(care=[carer(notice_school_on=None)])) is not None
    assert check("R22", child(care=[carer()])) is None


# --- R23–R25: out of touch, de facto unsupported, orphans -------------------------------------


def test_r23_lost_contact_six_month_boundary():
    """Out of touch since this day 6 months ago is HIGH; 5 months and 30 days is not yet."""
    assert check("R23", child(adults=[father(situation("lost_contact", 5, days=30)), at_home("mother")])) is None
    found = check("R23", child(adults=[father(situation("lost_contact", 6)), at_home("mother")]))
    assert found.severity == "high"
    assert rendered(found) == ["Father: lost contact since 2024-12-15 (6 months), no police report recorded"]


def test_r23_approximate_start_claims_six_months_only_when_certain():
    """Out of touch since "2024-12" (6 months from its first day, not from its last): quiet."""
    lost = SituationFacts("lost_contact", start=ApproxDate("2024-12", "month"))
    assert check("R23", child(adults=[father(lost), at_home("mother")])) is None


def test_r23_quiet_once_reported_to_the_police():
    """With the police report recorded, R23 has nothing to ask (R24 screens)."""
    lost = situation("lost_contact", 8, evidence="police_missing_report")
    assert check("R23", child(adults=[father(lost), at_home("mother")])) is None


def test_r23_a_later_contact_restarts_the_count():
    """A contact 2 months ago after a lost-contact start 8 months ago: not 6 months out of touch."""
    lost = situation("lost_contact", 8, last_contact_on=TODAY - timedelta(days=60))
    assert check("R23", child(adults=[father(lost), at_home("mother")])) is None


def test_r24_two_incapable_parents():
    """Father severely disabled, mother seriously ill: HIGH, suggesting 事实无人抚养."""
    found = check("R24", child(adults=[father(situation("severe_disability")), mother(health="seriously_ill")]))
    assert found.suggests == "de_facto_unsupported" and found.severity == "high"
    assert rendered(found) == ["Father: Severe disability", "Mother: Seriously ill"]


def test_r24_one_dead_one_imprisoned_six_months():
    """Father dead, mother imprisoned since this day 6 months ago: fires."""
    found = check("R24", child(adults=[dead("father"), imprisoned("mother", 6)]))
    assert rendered(found) == ["Father: Deceased", "Mother: Imprisoned since 2024-12-15 (6 months)"]


def test_r24_imprisoned_five_months_is_quiet():
    """Father dead, mother imprisoned 5 months (and 30 days): not yet."""
    assert check("R24", child(adults=[dead("father"), imprisoned("mother", 5)])) is None
    assert check("R24", child(adults=[dead("father"), imprisoned("mother", 5, days=30)])) is None


def test_r24_one_dead_one_at_home_is_quiet():
    """Father dead, mother at home and able: not 事实无人抚养."""
    assert check("R24", child(adults=[dead("father"), at_home("mother")])) is None


def test_r24_declared_missing_and_deported():
    """Mother declared missing, father deported: fires."""
    assert check("R24", child(adults=[father(situation("deported")), dead("mother", "declared_missing")])) is not None


def test_r24_lost_contact_needs_a_police_report():
    """Both parents out of touch 8 months count only with the police report recorded."""
    plain = [father(situation("lost_contact", 8)), mother(situation("lost_contact", 8))]
    assert check("R24", child(adults=plain)) is None
    reported = [adult(p, situation("lost_contact", 8, evidence="police_missing_report")) for p in ("father", "mother")]
    found = check("R24", child(adults=reported))
    assert "Father: lost contact, reported to the police 2024-10-15 (8 months ago)" in rendered(found)


def test_r24_needs_both_parents_recorded():
    """With only the mother recorded (imprisoned), nothing is assumed about the father."""
    assert check("R24", child(adults=[imprisoned("mother", 12)])) is None


def test_r24_not_offered_when_the_category_exists():
    """A child already in 事实无人抚养 is not offered it again."""
    adults = [dead("father"), imprisoned("mother", 12)]
    assert check("R24", child(adults=adults, categories=["de_facto_unsupported"])) is None


def test_r24_is_quiet_for_orphans():
    """Both parents dead is R25, not R24."""
    assert check("R24", child(adults=[dead("father"), dead("mother")])) is None


def test_r25_orphan_combinations():
    """Both dead; dead and declared missing; both declared missing; declared dead: each suggests orphan."""
    for first, second in [("deceased", "deceased"), ("deceased", "declared_missing"),
                          ("declared_missing", "declared_missing"), ("declared_dead", "deceased")]:
        found = check("R25", child(adults=[dead("father", first), dead("mother", second)]))
        assert found is not None and found.suggests == "orphan_scattered", (first, second)


def test_r25_death_recorded_as_a_situation():
    """A death recorded as the parent's situation counts like the alive status."""
    assert check("R25", child(adults=[father(situation("deceased")), dead("mother")])) is not None


def test_r25_one_dead_only_is_quiet():
    """One parent dead and the other alive (even imprisoned) is not an orphan."""
    assert check("R25", child(adults=[dead("father"), at_home("mother")])) is None
    assert check("R25", child(adults=[dead("father"), imprisoned("mother", 12)])) is None


def test_r25_not_offered_when_an_orphan_category_exists():
    """A child already an orphan, in the community or an institution, is not offered it again."""
    adults = [dead("father"), dead("mother")]
    assert check("R25", child(adults=adults, categories=["orphan_institution"])) is None
    assert check("R25", child(adults=adults, categories=[("orphan_scattered", "suggested")])) is None


# --- R26, R27: guardians who cannot or will not care ----------------------------------------------


def test_r26_detained_guardian_and_nobody_caring():
    """Father imprisoned, mother dead, nobody caring: HIGH; with a child alone under 16 a report is due."""
    found = check("R26", child(12, adults=[imprisoned("father", 2), dead("mother")]))
    assert found.severity == "high" and found.mandatory_report
    assert "No other adult is recorded as caring for the child" in rendered(found)


def test_r26_no_report_when_no_danger_is_known():
    """A detained guardian of a 16-year-old with nobody caring, no danger seen: HIGH without report."""
    found = check("R26", child(16, adults=[imprisoned("father", 2), dead("mother")]))
    assert found is not None and not found.mandatory_report


def test_r26_quiet_when_care_is_arranged_or_someone_cares():
    """A care arrangement, or a grandmother caring, keeps R26 quiet."""
    assert check("R26", child(adults=[imprisoned("father", 2), dead("mother")], care=[carer()])) is None
    assert check("R26", child(adults=[imprisoned("father", 2), dead("mother"), grandmother()])) is None
    assert check("R26", child(adults=[imprisoned("father", 2), at_home("mother")])) is None


def test_r27_revoked_guardian_and_nobody_caring():
    """Father's guardianship revoked, mother dead, nobody caring: CRITICAL with a report."""
    found = check("R27", child(adults=[father(situation("guardianship_revoked")), dead("mother")]))
    assert found.severity == "critical" and found.mandatory_report


def test_r27_divorced_not_raising_six_months():
    """A mother divorced and not raising the child 6 months, father dead, nobody caring: fires; 5 months 30 days: quiet."""
    assert check("R27", child(adults=[dead("father"), mother(situation("divorced_not_raising", 6))])) is not None
    assert check("R27", child(adults=[dead("father"), mother(situation("divorced_not_raising", 5, days=30))])) is None


def test_r27_quiet_when_someone_cares_unless_abandoned():
    """A grandmother caring keeps R27 quiet, unless the visit found the child abandoned."""
    adults = [father(situation("guardianship_revoked")), dead("mother"), grandmother()]
    assert check("R27", child(adults=adults)) is None
    assert check("R27", child(adults=adults, answers={"abandoned": "suspected"})) is not None
