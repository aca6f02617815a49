"""The flag rules as a whole: every rule of rules.md once, with codes from the vocabularies; who is
evaluated; every fact filled in, translatable and free of names and ids; no rule crashes on any
facts. The rules one by one are in test_flag_rules_harm, _care and _welfare."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rangtang_desktop.core import vocab
from rangtang_desktop.core.compliance import STATES
from rangtang_desktop.core.county_settings import CountySettings
from rangtang_desktop.core.dates import ApproxDate
from rangtang_desktop.core.facts import AdultFacts, CareFacts, ChildFacts, SituationFacts, VisitFacts
from rangtang_desktop.core.flag_rules import RULES, RULES_BY_ID, evaluate
from rangtang_desktop.core.flags import MANDATORY, SEVERITY, Finding
from rangtang_desktop.core.msg import Message
from rangtang_desktop.core.visits import QUESTION_CODES

from .flag_builders import (
    CHILD_ID,
    SETTINGS,
    WithSessions,
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

PACKAGE = Path(__file__).resolve().parents[2] / "rangtang_desktop"
# rules.md R01–R35, and R36 split into R36a (visits), R36b (family education), R36c (ID number
# check), R36d (possible duplicate).
EXPECTED_IDS = (*(f"R{n:02d}" for n in range(1, 36)), "R36a", "R36b", "R36c", "R36d")
CONDITIONAL = {"R10", "R12", "R19", "R26", "R30", "R31"}
SUGGESTING = {
    "R15": "left_behind_both", "R16": "left_behind_one", "R24": "de_facto_unsupported",
    "R25": "orphan_scattered", "R33": "difficulty_disability", "R34": "difficulty_illness",
}


def _dead(relation: str) -> AdultFacts:
    return AdultFacts(f"{relation}-扎西-id", relation, alive_status="deceased")


# One child's facts that make each rule fire.
SAMPLES: dict[str, ChildFacts] = {
    "R01": child(answers={"private_injury": "observed"}),
    "R02": child(12, answers={"sexual_assault": "suspected"}),
    "R03": child(15, answers={"pregnancy": "observed", "sexual_assault": "suspected"}),
    "R04": child(answers={"injuries_violence": "suspected"}),
    "R05": child(answers={"serious_harm": "observed"}),
    "R06": child(answers={"abandoned": "observed"}),
    "R07": child(answers={"missing": "suspected"}),
    "R08": child(answers={"begging": "observed"}),
    "R09": child(answers={"domestic_violence": "suspected"}),
    "R10": child(12, answers={"living_alone": "observed"}, adults=both_away()),
    "R11": child(answers={"carer_not_caring": "observed"}, adults=both_away(), care=[carer()]),
    "R12": child(5, answers={"left_unattended": "observed", "abandoned": "suspected"}),
    "R13": child(answers={"guardian_harm": "suspected"}),
    "R14": child(answers={"used_for_crime": "observed"}),
    "R15": child(adults=both_away()),
    "R16": child(adults=[father(away()), mother(situation("serious_illness"), lives_with=True), grandmother()]),
    "R17": child(adults=both_away()),
    "R18": child(care=[carer(carer_age=(15, 15), carer_relation="elder_sibling")]),
    "R19": child(care=[carer(disqualifiers=("addiction",))], answers={"domestic_violence": "suspected"}),
    "R20": child(care=[carer(carer_age=(74, 74), carer_health="ill")]),
    "R21": child(adults=both_away(last_contact_on=date(2025, 3, 1)), care=[carer()]),
    "R22": child(care=[carer(notice_school_on=None, notice_village_on=None)]),
    "R23": child(adults=[father(situation("lost_contact", 8)), mother(situation("at_home"), lives_with=True)]),
    "R24": child(adults=[_dead("father"), mother(situation("imprisoned", 10, evidence="prison_document"))]),
    "R25": child(adults=[_dead("father"), mother(alive_status="declared_missing")]),
    "R26": child(adults=[father(situation("compulsory_detox", 2), legal_guardian=True), _dead("mother")],
                 answers={"abandoned": "observed"}),
    "R27": child(adults=[father(situation("guardianship_revoked", 2)), mother(situation("divorced_not_raising", 30))]),
    "R28": child(13, school_status="dropped_out"),
    "R29": child(16, school_status="left_school"),
    "R30": child(15, work="hazardous"),
    "R31": child(13, sex="female", marital_status="married"),
    "R32": child(hukou_status="not_registered", id_number=""),
    "R33": child(health="disabled", disability_category="intellectual", disability_level="3"),
    "R34": child(health="seriously_ill", illness="大骨节病", illness_untreated=True),
    "R35": child(housing="dangerous", hazards=("drowning", "geological")),
    "R36a": child(visits_this_month=1, visits_needed=2, month_state="at_risk"),
    "R36b": WithSessions(CHILD_ID, date(2025, 11, 2), family_education_this_year=0),
    "R36c": child(id_check="bad_checksum"),
    "R36d": child(possible_duplicate_of=("person-次仁卓玛-0002",)),
}


def _message_texts(message: Message):
    yield message.text
    for value in message.params.values():
        if isinstance(value, Message):
            yield from _message_texts(value)


@pytest.fixture(scope="module")
def marked_strings() -> set[str]:
    """Every string literal marked with N_ or _ in the package (what babel extracts)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("N_", "_")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_every_rule_of_the_table_is_present_once():
    """RULES holds R01–R35 and R36a–R36d of rules.md, each exactly once, in table order."""
    assert tuple(rule.id for rule in RULES) == EXPECTED_IDS
    assert set(RULES_BY_ID) == set(EXPECTED_IDS)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_fields_come_from_the_vocabularies(rule, marked_strings):
    """Each rule has version 1, a severity and mandatory code of the vocabularies, and a marked basis and condition."""
    assert rule.version == 1
    assert rule.severity in SEVERITY
    assert rule.mandatory_report in MANDATORY
    assert rule.basis in marked_strings and rule.condition in marked_strings
    assert rule.condition.endswith(".")
    assert (rule.mandatory_report == "conditional") == (rule.id in CONDITIONAL)
    assert bool(rule.mandatory_note) == (rule.id in CONDITIONAL)
    assert not rule.mandatory_note or rule.mandatory_note in marked_strings
    assert rule.suggests == SUGGESTING.get(rule.id, "")
    assert not rule.suggests or rule.suggests in vocab.CLASSIFICATION_KIND


@pytest.mark.parametrize("rule_id", EXPECTED_IDS)
def test_every_rule_fires_on_its_sample(rule_id, marked_strings):
    """The sample for a rule makes it fire; its facts are marked strings with every placeholder filled."""
    found = check(rule_id, SAMPLES[rule_id])
    assert found is not None and found.rule_id == rule_id and found.child_id == CHILD_ID
    assert found.severity in SEVERITY and found.facts
    assert found.suggests == SUGGESTING.get(rule_id, "")
    for fact in found.facts:
        assert set(_message_texts(fact)) <= marked_strings
    for text in rendered(found):
        assert "{" not in text and "}" not in text


@pytest.mark.parametrize("rule_id", EXPECTED_IDS)
def test_no_finding_for_a_deceased_child(rule_id):
    """A deceased child is never flagged, whatever the facts."""
    assert check(rule_id, dataclasses.replace(SAMPLES[rule_id], alive_status="deceased")) is None


@pytest.mark.parametrize("rule_id", EXPECTED_IDS)
def test_no_finding_for_an_adult(rule_id):
    """A person 18 or over (the day after the 18th birthday) is never flagged."""
    sample = SAMPLES[rule_id]
    adult_birth = sample.today.replace(year=sample.today.year - 18) - timedelta(days=1)
    assert check(rule_id, dataclasses.replace(sample, birth=ApproxDate(adult_birth.isoformat()))) is None


def test_on_the_18th_birthday_a_child_is_still_flagged():
    """On the 18th birthday a person is 17 by 周岁, still a minor."""
    assert check("R01", child(birthday=18, answers={"private_injury": "observed"})) is not None
    assert check("R01", child(18, answers={"private_injury": "observed"})) is None


def test_a_child_with_no_birth_date_is_evaluated():
    """Without a birth date the child is taken for a minor of any age."""
    assert check("R10", child(birth=None, answers={"living_alone": "observed"})) is not None


def test_an_approximate_birth_date_counts_as_possibly_younger():
    """Born "2009" (aged 15 or 16 today): may be under 16, so living alone is flagged."""
    facts = child(birth=ApproxDate("2009", "year"), answers={"living_alone": "observed"})
    found = check("R10", facts)
    assert found is not None and "Age 15–16" in rendered(found)


def test_evaluate_runs_every_rule_in_order():
    """evaluate() returns each firing rule's finding, in rule order, and nothing for a quiet child."""
    facts = child(5, answers={"private_injury": "observed", "left_unattended": "observed"}, housing="temporary")
    assert [f.rule_id for f in evaluate(facts, SETTINGS)] == ["R01", "R12", "R35"]
    assert evaluate(child(), SETTINGS) == []


def test_evaluate_lets_a_broken_rule_raise(monkeypatch):
    """evaluate() catches nothing: a rule that raises is a bug for the tests to find."""
    from rangtang_desktop.core import flag_rules

    def broken(facts, settings):
        raise ZeroDivisionError

    monkeypatch.setattr(flag_rules, "_CHECKS", (broken,))
    with pytest.raises(ZeroDivisionError):
        evaluate(child(), SETTINGS)


# --- any facts at all -------------------------------------------------------------------------

DAYS = st.dates(date(1995, 1, 1), date(2030, 12, 31))
IDS = st.uuids().map(lambda u: f"卓玛{u.hex[:12]}")


@st.composite
def approx_dates(draw, days=DAYS) -> ApproxDate:
    day = draw(days)
    precision = draw(st.sampled_from(vocab.DATE_PRECISION.codes))
    form = precision if precision != "estimated" else draw(st.sampled_from(("exact", "month", "year")))
    text = {"exact": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[form]
    return ApproxDate(text, precision)


def _codes(vocabulary, *extra: str):
    return st.sampled_from((*extra, *vocabulary.codes))


AGES = st.tuples(st.integers(0, 95), st.integers(0, 3)).map(lambda t: (t[0], t[0] + min(t[1], 1)))
SITUATIONS = st.builds(
    SituationFacts,
    kind=_codes(vocab.SITUATION_KIND),
    start=st.none() | approx_dates(),
    expected_end=st.none() | approx_dates(),
    outside_county=st.booleans(),
    place=st.sampled_from(("", "四川 成都", "浙江 宁波")),
    evidence=_codes(vocab.EVIDENCE),
    last_contact_on=st.none() | DAYS,
    contact_frequency=_codes(vocab.CONTACT_FREQUENCY, ""),
)
ADULTS = st.builds(
    AdultFacts,
    person_id=IDS,
    relation=_codes(vocab.RELATION_KIND),
    legal_guardian=st.booleans(),
    actual_caregiver=st.booleans(),
    lives_with=st.booleans(),
    alive_status=_codes(vocab.ALIVE_STATUS),
    age=st.none() | AGES,
    health=_codes(vocab.HEALTH),
    disability_level=_codes(vocab.DISABILITY_LEVEL, ""),
    disability_category=_codes(vocab.DISABILITY_CATEGORY, ""),
    situations=st.lists(SITUATIONS, max_size=3).map(tuple),
)
PARENT_SITUATIONS = st.builds(
    SituationFacts,
    kind=st.sampled_from(("migrant_work", "migrant_work", "at_home", "imprisoned", "lost_contact", "serious_illness")),
    start=st.none() | approx_dates(),
    outside_county=st.booleans(),
    evidence=st.sampled_from(("none", "police_missing_report")),
    last_contact_on=st.none() | DAYS,
    contact_frequency=_codes(vocab.CONTACT_FREQUENCY, ""),
)


def parents(kind: str):
    """A parent, mostly alive, mostly away for work or at home."""
    return st.builds(
        AdultFacts,
        person_id=IDS,
        relation=st.just(kind),
        legal_guardian=st.booleans(),
        actual_caregiver=st.booleans(),
        lives_with=st.booleans(),
        alive_status=st.sampled_from(("alive", "alive", "alive", "deceased", "declared_missing")),
        age=st.none() | AGES,
        situations=st.lists(PARENT_SITUATIONS, max_size=2).map(tuple),
    )


# Any adults, or a father and a mother first (so the 留守, 事实无人抚养 and orphan rules get to work).
FAMILIES = st.one_of(
    st.lists(ADULTS, max_size=5).map(tuple),
    st.tuples(parents("father"), parents("mother"), st.lists(ADULTS, max_size=2)).map(lambda t: (t[0], t[1], *t[2])),
)
CARE = st.builds(
    CareFacts,
    carer_id=IDS,
    carer_relation=_codes(vocab.RELATION_KIND, ""),
    carer_age=st.none() | AGES,
    carer_full_capacity=st.booleans(),
    carer_health=_codes(vocab.CARER_HEALTH),
    disqualifiers=st.lists(_codes(vocab.CARER_DISQUALIFIERS), max_size=2).map(tuple),
    notice_school_on=st.none() | DAYS,
    notice_village_on=st.none() | DAYS,
    start=st.none() | approx_dates(),
)
VISITS = st.builds(
    VisitFacts,
    visit_id=IDS,
    day=DAYS,
    answers=st.dictionaries(st.sampled_from(QUESTION_CODES), _codes(vocab.ANSWER)),
    rating=_codes(vocab.RATING, ""),
    seen_in_person=st.booleans(),
)
CHILD_FACTS = st.builds(
    ChildFacts,
    child_id=IDS,
    today=st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    household_id=IDS,
    birth=st.none() | approx_dates(st.dates(date(2005, 1, 1), date(2030, 12, 31))),
    sex=_codes(vocab.SEX),
    alive_status=_codes(vocab.ALIVE_STATUS),
    hukou_status=_codes(vocab.HUKOU_STATUS),
    hukou_type=_codes(vocab.HUKOU_TYPE),
    id_number=st.sampled_from(("", "51323020150307002X", "513230201503070021")),
    id_check=_codes(vocab.ID_CHECK),
    school_status=_codes(vocab.SCHOOL_STATUS, ""),
    health=_codes(vocab.HEALTH),
    disability_category=_codes(vocab.DISABILITY_CATEGORY, ""),
    disability_level=_codes(vocab.DISABILITY_LEVEL, ""),
    illness=st.sampled_from(("", "大骨节病", "感冒", "白血病")),
    illness_on_county_list=st.booleans(),
    illness_untreated=st.booleans(),
    nutrition=_codes(vocab.NUTRITION),
    work=_codes(vocab.WORK),
    marital_status=_codes(vocab.MARITAL_STATUS),
    behaviours=st.lists(_codes(vocab.BEHAVIOURS), max_size=2).map(tuple),
    housing=_codes(vocab.HOUSING),
    hazards=st.lists(_codes(vocab.HAZARDS), max_size=3).map(tuple),
    adults=FAMILIES,
    care=st.lists(CARE, max_size=2).map(tuple),
    classifications=st.lists(st.tuples(_codes(vocab.CLASSIFICATION_KIND), _codes(vocab.CLASSIFICATION_STATUS)), max_size=3).map(tuple),
    latest_visit=st.none() | VISITS,
    visits_this_month=st.integers(0, 5),
    visits_needed=st.integers(0, 5),
    month_state=st.sampled_from(("", *STATES)),
    possible_duplicate_of=st.lists(IDS, max_size=2).map(tuple),
)
SETTINGS_ANY = st.builds(
    CountySettings,
    visits_per_month=st.integers(0, 4),
    family_education_per_year=st.integers(0, 3),
    min_absence_months=st.integers(0, 12),
    absence_outside_county_only=st.booleans(),
    elderly_carer_age=st.integers(50, 90),
    school_start_age=st.integers(5, 7),
    school_end_age=st.integers(14, 17),
)


def _private_strings(facts: ChildFacts) -> set[str]:
    strings = {facts.child_id, facts.household_id, *facts.possible_duplicate_of}
    strings |= {a.person_id for a in facts.adults} | {c.carer_id for c in facts.care}
    if facts.latest_visit:
        strings.add(facts.latest_visit.visit_id)
    if facts.id_number:
        strings.add(facts.id_number)
    strings.add("卓玛")  # every generated id carries this name
    return strings - {""}


@given(CHILD_FACTS, SETTINGS_ANY)
def test_no_rule_crashes_and_no_fact_names_a_person(facts, settings):
    """On any facts every rule answers a well-formed finding or None, whose facts carry no name, id or ID number."""
    found = evaluate(facts, settings)
    private = _private_strings(facts)
    for finding in found:
        assert isinstance(finding, Finding) and finding.child_id == facts.child_id
        assert finding.severity in SEVERITY and isinstance(finding.mandatory_report, bool)
        assert finding.suggests == "" or finding.suggests == RULES_BY_ID[finding.rule_id].suggests
        if finding.suggests:
            assert not any(kind == finding.suggests and status != "ended" for kind, status in facts.classifications)
        for text in rendered(finding):
            assert "{" not in text
            assert not any(secret in text for secret in private), text
    if facts.alive_status != "alive":
        assert found == []


def test_mixed_sample_facts_name_no_person():
    """The samples' findings name relations, dates and counts, never a person id or ID number."""
    for rule_id, facts in SAMPLES.items():
        text = " ".join(rendered(check(rule_id, facts)))
        assert not any(secret in text for secret in _private_strings(facts)), rule_id


def test_a_child_at_home_with_both_parents_raises_nothing():
    """A child living with both parents at home, in school and registered raises nothing."""
    facts = child(adults=[father(situation("at_home"), lives_with=True), mother(situation("at_home"), lives_with=True)])
    assert evaluate(facts, SETTINGS) == []
