"""Checks on register records before saving: which problems block a save, which only warn."""

from __future__ import annotations

from datetime import date

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.core.validation import errors, validate

TODAY = date(2024, 6, 1)


def person(**fields) -> records.Person:
    """A valid girl born 2015-03-07 in household h1, changed by ``fields``."""
    base = {"household_id": "h1", "name_zh": "卓玛", "sex": "female", "birth_date": "2015-03-07"}
    return records.Person(**{**base, **fields})


def problems_of(record, level=None, field=None):
    return [
        p for p in validate(record, TODAY)
        if (level is None or p.level == level) and (field is None or p.field == field)
    ]


def test_a_complete_person_has_no_problems():
    """A person with name, household, birth date and a matching Rangtang ID number is clean."""
    assert validate(person(id_number=make_id_number("513230", date(2015, 3, 7), 2)), TODAY) == []


def test_future_birth_date_is_an_error():
    """A birth date after today blocks the save."""
    assert problems_of(person(birth_date="2024-06-02"), "error", "birth_date")


def test_unreadable_birth_date_is_an_error():
    """A birth date that is not in the calendar blocks the save."""
    assert problems_of(person(birth_date="2015-02-30"), "error", "birth_date")
    assert problems_of(person(birth_date="0000-01-01"), "error", "birth_date")


def test_approximate_birth_date_in_its_own_precision_is_fine():
    """A year-only birth date is accepted with precision year."""
    assert errors(validate(person(birth_date="2015", birth_precision="year"), TODAY)) == []


def test_missing_birth_date_is_only_a_warning():
    """A person without a birth date can be saved, with a warning."""
    found = problems_of(person(birth_date=""), field="birth_date")
    assert [p.level for p in found] == ["warning"]


def test_invalid_id_check_digit_is_an_error():
    """An ID number whose check character does not fit blocks the save."""
    number = make_id_number("513230", date(2015, 3, 7), 2)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert problems_of(person(id_number=wrong), "error", "id_number")


def test_id_prefix_outside_aba_is_only_a_warning():
    """A number first registered outside Aba prefecture is shown, not refused."""
    found = problems_of(person(id_number=make_id_number("440524", date(2015, 3, 7), 2)), field="id_number")
    assert [p.level for p in found] == ["warning"]


def test_id_birth_date_and_sex_mismatch_are_warnings():
    """A number disagreeing with the recorded birth date and sex gives warnings only."""
    number = make_id_number("513230", date(2015, 3, 8), 1)
    found = problems_of(person(id_number=number), field="id_number")
    assert [p.level for p in found] == ["warning", "warning"]


@pytest.mark.parametrize("names", [{"name_zh": "", "name_bo": ""}, {"name_zh": "  ", "name_bo": ""}])
def test_person_without_any_name_is_refused(names):
    """A person needs a name in Chinese, in Tibetan, or both."""
    assert problems_of(person(**names), "error", "name_zh")


def test_a_tibetan_name_alone_is_enough():
    """A person named only in Tibetan script is accepted."""
    assert errors(validate(person(name_zh="", name_bo="སྒྲོལ་མ"), TODAY)) == []


def test_person_without_household_is_refused():
    """Every person belongs to a household."""
    assert problems_of(person(household_id=""), "error", "household_id")


def test_unknown_vocabulary_code_is_refused():
    """A code outside its vocabulary (a typo, or a newer version's code) blocks the save."""
    assert problems_of(person(sex="boy"), "error", "sex")
    assert problems_of(person(behaviours=["truancy", "nonsense"]), "error", "behaviours")


def test_relation_to_self_is_refused():
    """A child cannot be their own relative."""
    assert problems_of(records.Relation(child_id="p1", adult_id="p1"), "error", "adult_id")
    assert validate(records.Relation(child_id="p1", adult_id="p2"), TODAY) == []


def test_child_cannot_be_their_own_carer():
    """An entrusted-care arrangement needs a carer other than the child."""
    assert problems_of(records.CareArrangement(child_id="p1", carer_id="p1"), "error", "carer_id")


@pytest.mark.parametrize(
    ("start", "end"),
    [("2020-05-10", "2020-05-09"), ("2020-05", "2020-04"), ("2020-05-10", "2020-04")],
)
def test_end_before_start_is_refused(start, end):
    """A parent's situation or a care arrangement cannot end before it starts."""
    situation = records.ParentSituation(person_id="p1", start_date=start, end_date=end)
    care = records.CareArrangement(child_id="c1", carer_id="a1", start_date=start, end_date=end)
    assert problems_of(situation, "error", "end_date")
    assert problems_of(care, "error", "end_date")


@pytest.mark.parametrize(
    ("start", "end"),
    [("2020-05-10", "2020-05-10"), ("2020-05-10", "2020-05"), ("2020-05", "2020-05-01"), ("2020-05", "2021-01")],
)
def test_end_that_can_be_after_start_is_accepted(start, end):
    """An end on the start day, or a month-only end in the start's month, is not refused."""
    situation = records.ParentSituation(person_id="p1", start_date=start, end_date=end)
    assert problems_of(situation, "error") == []


def test_future_dates_are_refused_except_expected_end():
    """A situation cannot have started in the future; its expected end can be in the future."""
    started_later = records.ParentSituation(person_id="p1", start_date="2025-01")
    expected = records.ParentSituation(person_id="p1", start_date="2024-01", expected_end_date="2025-01")
    assert problems_of(started_later, "error", "start_date")
    assert problems_of(expected, "error") == []


def test_migrant_work_without_place_is_a_warning():
    """A parent away for work without a place gets a warning, not an error."""
    found = problems_of(records.ParentSituation(person_id="p1", kind="migrant_work"))
    assert [(p.field, p.level) for p in found] == [("place_city", "warning")]


def test_household_needs_a_village():
    """A household without a village is refused."""
    assert problems_of(records.Household(), "error", "village_code")
    assert validate(records.Household(village_code="513230101203"), TODAY) == []
