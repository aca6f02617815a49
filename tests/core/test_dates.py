"""Approximate birth dates, ages in completed years (周岁) and local days in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rangtang_desktop.core.dates import ApproxDate, DateError, age_range, check_birth_date, completed_years, local_day


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2015-03-07", "exact", date(2015, 3, 7), date(2015, 3, 7)),
        ("2015-02", "month", date(2015, 2, 1), date(2015, 2, 28)),
        ("2016-02", "month", date(2016, 2, 1), date(2016, 2, 29)),
        ("2015", "year", date(2015, 1, 1), date(2015, 12, 31)),
        ("2015", "estimated", date(2015, 1, 1), date(2015, 12, 31)),
        ("2015-04", "estimated", date(2015, 4, 1), date(2015, 4, 30)),
        ("2015-04-09", "estimated", date(2015, 4, 9), date(2015, 4, 9)),
    ],
)
def test_parse_each_precision_gives_its_range(text, precision, earliest, latest):
    """Each precision accepts its form, and earliest/latest bound the possible days."""
    day = ApproxDate.parse(f" {text} ", precision)
    assert (day.text, day.precision) == (text, precision)
    assert day.earliest() == earliest
    assert day.latest() == latest
    assert earliest <= day.middle() <= latest


@pytest.mark.parametrize(
    ("text", "precision"),
    [("2015-03", "exact"), ("2015-03-07", "month"), ("2015-03", "year"), ("15-3-7", "estimated"), ("", "exact")],
)
def test_parse_refuses_the_wrong_form(text, precision):
    """A text in another form than its precision asks for is refused with an example."""
    with pytest.raises(DateError) as caught:
        ApproxDate.parse(text, precision)
    assert "example" in caught.value.message.params


@pytest.mark.parametrize("text", ["2015-02-29", "2015-02-30", "2015-13-01", "2015-00-10", "2015-04-31", "0000-01-01"])
def test_parse_refuses_days_not_in_the_calendar(text):
    """Days that do not exist (29 February in a common year, month 13, year 0) are refused."""
    with pytest.raises(DateError):
        ApproxDate.parse(text, "exact")


def test_leap_day_is_accepted_in_a_leap_year():
    """29 February exists in 2016."""
    assert ApproxDate.parse("2016-02-29").earliest() == date(2016, 2, 29)


def test_check_birth_date_refuses_future_and_too_early():
    """A birth after today or before 1900 is a problem; one today is not."""
    today = date(2024, 6, 1)
    assert check_birth_date(ApproxDate.parse("2024-06-02"), today)
    assert check_birth_date(ApproxDate.parse("1899", "year"), today)
    assert check_birth_date(ApproxDate.parse("2024-06-01"), today) == []
    assert check_birth_date(ApproxDate.parse("2024", "year"), today) == []


def test_completed_years_count_from_the_day_after_the_birthday():
    """A person is N full years old from the day after the N-th birthday (法释〔2006〕1号)."""
    birth = date(2010, 5, 20)
    assert completed_years(birth, date(2028, 5, 19)) == 17
    assert completed_years(birth, date(2028, 5, 20)) == 17
    assert completed_years(birth, date(2028, 5, 21)) == 18


def test_completed_years_never_negative():
    """Before birth and on the birth day itself the age is 0."""
    assert completed_years(date(2020, 1, 1), date(2019, 1, 1)) == 0
    assert completed_years(date(2020, 1, 1), date(2020, 1, 1)) == 0


def test_completed_years_for_29_february_births():
    """A 29 February birth ends its year on 28 February in common years (民法典 202), so the
    full year is reached on 1 March; in leap years on 1 March too (the day after 29 February)."""
    birth = date(2008, 2, 29)
    assert completed_years(birth, date(2009, 2, 28)) == 0
    assert completed_years(birth, date(2009, 3, 1)) == 1
    assert completed_years(birth, date(2012, 2, 29)) == 3
    assert completed_years(birth, date(2012, 3, 1)) == 4


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(min_value=1, max_value=100))
def test_age_rises_by_one_the_day_after_each_birthday(birth, years):
    """Over any N-th birthday the completed age goes from N-1 (on the day) to N (the day after)."""
    try:
        birthday = birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year: the period ends on 28 February (民法典 202)
        birthday = date(birth.year + years, 2, 28)
    assert completed_years(birth, birthday) == years - 1
    assert completed_years(birth, birthday + timedelta(days=1)) == years


def test_age_range_of_approximate_dates():
    """A year-only birth date gives the youngest and oldest age the person can have."""
    on = date(2024, 6, 1)
    assert age_range(ApproxDate.parse("2010", "year"), on) == (13, 14)
    assert age_range(ApproxDate.parse("2010-03", "month"), on) == (14, 14)
    assert age_range(ApproxDate.parse("2010-06-01"), on) == (13, 13)


def test_local_day_is_the_day_in_shanghai():
    """2024-01-31T16:30Z is already 1 February in Rangtang (UTC+8)."""
    assert local_day(datetime(2024, 1, 31, 16, 30, tzinfo=UTC)) == date(2024, 2, 1)
    assert local_day(datetime(2024, 1, 31, 15, 59, tzinfo=UTC)) == date(2024, 1, 31)


def test_local_day_treats_naive_instants_as_utc():
    """A datetime without a zone is taken as UTC, as every stored instant is."""
    assert local_day(datetime(2024, 1, 31, 16, 30)) == date(2024, 2, 1)


def test_local_day_of_an_instant_in_another_zone():
    """An instant given in another zone is converted, not re-labelled."""
    kathmandu = timezone(timedelta(hours=5, minutes=45))
    assert local_day(datetime(2024, 2, 1, 0, 30, tzinfo=kathmandu)) == date(2024, 2, 1)
    assert local_day(datetime(2024, 1, 31, 22, 0, tzinfo=kathmandu)) == date(2024, 2, 1)
