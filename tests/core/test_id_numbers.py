"""Resident ID numbers (GB 11643-1999): check digit, encoded birth date and sex, old numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rangtang_desktop.core.id_numbers import check_character, check_id_number, make_id_number, normalize

TODAY = date(2024, 6, 1)
RANGTANG = "513230"


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_published_samples_pass(number):
    """The standard's published sample numbers pass the check without errors."""
    result = check_id_number(number, today=TODAY)
    assert result.status == "valid"
    assert result.errors == []


def test_sample_encodes_birth_date_and_sex():
    """The birth date and sex are read from the number (17th digit even = female)."""
    result = check_id_number("11010519491231002X", today=TODAY)
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "female"
    assert check_id_number("440524188001010014", today=TODAY).sex == "male"


def test_lower_case_x_and_spaces_are_normalised():
    """A trailing lower-case x and spaces typed inside the number are accepted."""
    assert normalize(" 110105 19491231 002x ") == "11010519491231002X"
    assert check_id_number("11010519491231002x", today=TODAY).status == "valid"


def test_changed_digit_fails_with_bad_checksum():
    """A mistyped sequence digit is caught by the check character, as an error."""
    result = check_id_number("11010519491231003X", today=TODAY)
    assert result.status == "bad_checksum"
    assert result.errors and not result.warnings


def test_wrong_check_character_fails():
    """A wrong last character alone fails the check."""
    assert check_id_number("440524188001010015", today=TODAY).status == "bad_checksum"


@pytest.mark.parametrize("birth_digits", ["20150230", "20151301", "20150000"])
def test_impossible_birth_date_is_bad_date(birth_digits):
    """A number whose birth date cannot exist is refused as bad_date even with a fitting check digit."""
    first17 = f"{RANGTANG}{birth_digits}001"
    result = check_id_number(first17 + check_character(first17), today=TODAY)
    assert result.status == "bad_date"
    assert result.errors


def test_birth_date_in_the_future_is_bad_date():
    """A number saying the person is born after today is refused."""
    number = make_id_number(RANGTANG, date(2030, 1, 1), 1)
    assert check_id_number(number, today=TODAY).status == "bad_date"


def test_old_fifteen_digit_number_is_valid_old():
    """A 15-digit number from before 1999 is accepted, with its 19xx birth date and sex."""
    result = check_id_number("513230750312031", today=TODAY)
    assert result.status == "valid_old"
    assert result.birth_date == date(1975, 3, 12)
    assert result.sex == "male"
    assert result.errors == []


def test_old_fifteen_digit_number_with_impossible_date():
    """A 15-digit number with an impossible birth date is bad_date."""
    assert check_id_number("513230751332031", today=TODAY).status == "bad_date"


@pytest.mark.parametrize("number", ["5132302015", "51323020150307001Y", "5132302015030700112"])
def test_malformed_numbers_are_bad_format(number):
    """A number of the wrong length or with letters other than a final X is bad_format."""
    result = check_id_number(number, today=TODAY)
    assert result.status == "bad_format"
    assert result.errors


def test_absent_number_is_not_an_error():
    """No number at all is status absent, with neither errors nor warnings."""
    result = check_id_number("  ", today=TODAY)
    assert (result.status, result.errors, result.warnings) == ("absent", [], [])


def test_prefix_outside_aba_is_a_warning_only():
    """A number first registered outside Aba (5132) is valid, with one warning."""
    result = check_id_number(make_id_number("440524", date(2015, 3, 7), 12), today=TODAY)
    assert result.status == "valid"
    assert result.errors == []
    assert len(result.warnings) == 1
    assert result.warnings[0].params["prefix"] == "440524"


def test_rangtang_number_has_no_warnings():
    """A Rangtang number matching the recorded birth date and sex raises nothing."""
    number = make_id_number(RANGTANG, date(2015, 3, 7), 12)
    result = check_id_number(number, birth_date=date(2015, 3, 7), sex="female", today=TODAY)
    assert (result.status, result.errors, result.warnings) == ("valid", [], [])


def test_birth_date_mismatch_is_a_warning():
    """A number whose birth date differs from the recorded one stays valid, with a warning."""
    number = make_id_number(RANGTANG, date(2015, 3, 7), 12)
    result = check_id_number(number, birth_date=date(2015, 3, 8), sex="female", today=TODAY)
    assert result.status == "valid"
    assert result.errors == []
    assert [w.params.get("encoded") for w in result.warnings] == ["2015-03-07"]


def test_approximate_birth_date_in_the_same_year_is_not_a_mismatch():
    """When only the birth year is known, a number from that year raises no warning."""
    number = make_id_number(RANGTANG, date(2015, 3, 7), 12)
    result = check_id_number(number, birth_date=date(2015, 1, 1), birth_exact=False, today=TODAY)
    assert result.warnings == []
    other_year = check_id_number(number, birth_date=date(2014, 1, 1), birth_exact=False, today=TODAY)
    assert len(other_year.warnings) == 1


def test_sex_mismatch_is_a_warning():
    """An odd (male) sequence digit on a record of a girl stays valid, with a warning."""
    number = make_id_number(RANGTANG, date(2015, 3, 7), 11)
    result = check_id_number(number, sex="female", today=TODAY)
    assert result.status == "valid"
    assert result.errors == []
    assert len(result.warnings) == 1
    assert check_id_number(number, sex="unknown", today=TODAY).warnings == []


areas = st.from_regex(r"\A[1-9]\d{5}\Z")
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


@given(areas, births, sequences)
def test_made_numbers_always_check_valid(area, birth, sequence):
    """Every number built by make_id_number passes the check and encodes its birth date."""
    result = check_id_number(make_id_number(area, birth, sequence), today=TODAY)
    assert result.status == "valid"
    assert result.birth_date == birth
    assert result.sex == ("male" if sequence % 2 else "female")


@given(areas, births, sequences, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_fails(area, birth, sequence, position, shift):
    """Changing any one of the first 17 digits always makes the number fail its check."""
    number = make_id_number(area, birth, sequence)
    digit = (int(number[position]) + shift) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert check_id_number(changed, today=TODAY).status in ("bad_checksum", "bad_date")
