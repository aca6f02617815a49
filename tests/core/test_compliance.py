"""The visit-compliance function: month edges, leap years, time-zone edges, duplicates, late entry,
spacing on and off, away months, and every state reachable."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rangtang_desktop.core.compliance import (
    STATE_LABELS,
    STATES,
    MonthCompliance,
    even_target,
    month_bounds,
    month_compliance,
    most_spaced,
    parse_month,
)
from rangtang_desktop.core.county_settings import CountySettings
from rangtang_desktop.core.dates import local_day

RULES = CountySettings()
MODES = ("home", "school", "phone", "video")


def judge(year, month, visits, today, rules=RULES, away=False) -> MonthCompliance:
    return month_compliance(year, month, visits, today=today, rules=rules, away=away)


def home(*days: date) -> list[tuple[date, str]]:
    return [(d, "home") for d in days]


@st.composite
def months(draw) -> tuple[int, int]:
    return draw(st.integers(2000, 2040)), draw(st.integers(1, 12))


@st.composite
def cases(draw, current: bool = False):
    """A month, visits around it (some outside, some of non-counting modes), a today (within the
    month when ``current``) and settings."""
    year, month = draw(months())
    first, last = month_bounds(year, month)
    near = st.dates(first - timedelta(days=6), last + timedelta(days=6))
    visits = draw(st.lists(st.tuples(near, st.sampled_from(MODES)), max_size=12))
    today = draw(st.dates(first, last) if current else st.dates(first - timedelta(days=40), last + timedelta(days=40)))
    rules = CountySettings(
        visits_per_month=draw(st.integers(0, 5)),
        counting_modes=tuple(draw(st.sets(st.sampled_from(MODES), min_size=1))),
        min_spacing_days=draw(st.integers(0, 20)),
        at_risk_days_per_visit=draw(st.integers(0, 14)),
    )
    return year, month, visits, today, rules, draw(st.booleans())


# -- visit days and counting ---------------------------------------------------------------------


@given(cases())
def test_visit_days_are_distinct_sorted_counting_days_of_the_month(case):
    """Visit days are the distinct, sorted days of the month that have a visit of a counting mode."""
    year, month, visits, today, rules, away = case
    first, last = month_bounds(year, month)
    result = judge(year, month, visits, today, rules, away)
    expected = sorted({d for d, mode in visits if first <= d <= last and mode in rules.counting_modes})
    assert list(result.visit_days) == expected
    assert result.needed == rules.visits_per_month


@given(cases(), st.randoms(use_true_random=False))
def test_order_of_entry_does_not_matter(case, rng):
    """Visits entered late (in any order) give the same result."""
    year, month, visits, today, rules, away = case
    shuffled = list(visits)
    rng.shuffle(shuffled)
    assert judge(year, month, shuffled, today, rules, away) == judge(year, month, visits, today, rules, away)


@given(cases(), st.data())
def test_duplicates_on_the_same_day_count_once(case, data):
    """Repeating visits on days that already have one changes nothing."""
    year, month, visits, today, rules, away = case
    assume(visits)
    repeats = data.draw(st.lists(st.sampled_from(visits), min_size=1, max_size=6))
    assert judge(year, month, visits + repeats, today, rules, away) == judge(year, month, visits, today, rules, away)


@given(cases(), st.lists(st.sampled_from(MODES), min_size=1, max_size=4))
def test_visits_outside_the_month_or_of_other_modes_are_ignored(case, modes):
    """Visits the day before the month, the day after it, or of a non-counting mode change nothing."""
    year, month, visits, today, rules, away = case
    first, last = month_bounds(year, month)
    extra = [(first - timedelta(days=1), m) for m in modes] + [(last + timedelta(days=1), m) for m in modes]
    extra += [(first, m) for m in MODES if m not in rules.counting_modes]
    assert judge(year, month, visits + extra, today, rules, away) == judge(year, month, visits, today, rules, away)


@given(cases())
def test_without_spacing_every_visit_day_counts(case):
    """With no minimum spacing, counted is the number of visit days."""
    year, month, visits, today, rules, away = case
    rules = dataclasses.replace(rules, min_spacing_days=0)
    result = judge(year, month, visits, today, rules, away)
    assert result.counted == len(result.visit_days)


@given(cases())
def test_spacing_never_counts_more_than_without(case):
    """With a minimum spacing, counted never exceeds the spacing-free count and is at least one visit day when there is one."""
    year, month, visits, today, rules, away = case
    spaced = judge(year, month, visits, today, rules, away)
    free = judge(year, month, visits, today, dataclasses.replace(rules, min_spacing_days=0), away)
    assert spaced.counted <= free.counted
    assert (spaced.counted >= 1) == bool(spaced.visit_days)


@given(st.lists(st.dates(date(2024, 1, 1), date(2024, 1, 31)), unique=True), st.integers(2, 20))
def test_spacing_count_is_the_largest_spaced_choice(days, spacing):
    """most_spaced equals a brute-force search for the largest subset with every gap at least the spacing."""
    days = sorted(days)[:10]
    best = 0
    for mask in range(1 << len(days)):
        chosen = [d for i, d in enumerate(days) if mask >> i & 1]
        if all((b - a).days >= spacing for a, b in zip(chosen, chosen[1:], strict=False)):
            best = max(best, len(chosen))
    assert most_spaced(days, spacing) == best


@given(months(), st.integers(1, 14), st.data())
def test_days_exactly_the_spacing_apart_both_count(month, spacing, data):
    """Two visits exactly the minimum spacing apart both count; one day closer, only one does."""
    year, month = month
    first, last = month_bounds(year, month)
    assume((last - first).days >= spacing)
    start = data.draw(st.dates(first, last - timedelta(days=spacing)))
    rules = CountySettings(min_spacing_days=spacing)
    after = date(year + 1, 1, 1)
    assert judge(year, month, home(start, start + timedelta(days=spacing)), after, rules).counted == 2
    if spacing > 1:
        assert judge(year, month, home(start, start + timedelta(days=spacing - 1)), after, rules).counted == 1


# -- month edges and time zones ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "days", "targets"),
    [
        (2023, 2, 28, (14, 28)),
        (2024, 2, 29, (15, 29)),
        (2024, 4, 30, (15, 30)),
        (2024, 1, 31, (16, 31)),
        (2024, 12, 31, (16, 31)),
    ],
)
def test_month_lengths_and_even_targets(year, month, days, targets):
    """28-, 29-, 30- and 31-day months end on their last day; two visits are due by mid-month and month end."""
    assert month_bounds(year, month) == (date(year, month, 1), date(year, month, days))
    assert tuple(even_target(year, month, k, 2).day for k in (1, 2)) == targets


@given(months())
def test_first_and_last_day_of_the_month_count(month):
    """Visits on the first and the last day of any month (leap Februaries included) make it met."""
    year, month = month
    first, last = month_bounds(year, month)
    result = judge(year, month, home(first, last), first)
    assert result.state == "met" and result.visit_days == (first, last)


def test_leap_day_belongs_to_february():
    """A visit on 29 February 2024 counts in February, not in March."""
    visits = home(date(2024, 2, 29))
    assert judge(2024, 2, visits, date(2024, 2, 29)).visit_days == (date(2024, 2, 29),)
    assert judge(2024, 3, visits, date(2024, 3, 1)).visit_days == ()


def test_time_zone_edges_of_the_month():
    """16:30 UTC on 31 January is 1 February in Rangtang; 15:59 UTC is still 31 January."""
    late = local_day(datetime(2024, 1, 31, 16, 30, tzinfo=UTC))
    early = local_day(datetime(2024, 1, 31, 15, 59, tzinfo=UTC))
    assert (late, early) == (date(2024, 2, 1), date(2024, 1, 31))
    assert judge(2024, 2, home(late), date(2024, 2, 1)).visit_days == (date(2024, 2, 1),)
    assert judge(2024, 1, home(late), date(2024, 2, 1)).visit_days == ()
    assert judge(2024, 1, home(early), date(2024, 2, 1)).visit_days == (date(2024, 1, 31),)


@given(st.datetimes(datetime(2000, 1, 1), datetime(2040, 12, 31), timezones=st.just(UTC)))
def test_every_instant_counts_in_exactly_one_month(instant):
    """A visit at any UTC instant counts in one month only: the month of the instant eight hours later."""
    day = local_day(instant)
    shifted = (instant + timedelta(hours=8)).date()
    assert day == shifted
    first, last = month_bounds(day.year, day.month)
    before, after = first - timedelta(days=1), last + timedelta(days=1)
    found = [
        (other.year, other.month)
        for other in (before, day, after)
        if judge(other.year, other.month, home(day), day).visit_days
    ]
    assert found == [(day.year, day.month)]


# -- states --------------------------------------------------------------------------------------


@given(cases())
def test_met_exactly_when_enough_visits_count_even_when_away(case):
    """The state is met exactly when counted reaches needed, whether or not the household is away."""
    year, month, visits, today, rules, away = case
    result = judge(year, month, visits, today, rules, away)
    assert (result.state == "met") == (result.counted >= result.needed)
    if result.state == "met":
        assert judge(year, month, visits, today, rules, not away).state == "met"


@given(cases())
def test_away_shows_instead_of_anything_but_met(case):
    """A household away that month and not met is away — never missed, due or at risk."""
    year, month, visits, today, rules, _away = case
    result = judge(year, month, visits, today, rules, away=True)
    assert result.state == ("met" if result.counted >= result.needed else "away")


@given(cases())
def test_past_months_are_met_missed_or_away(case):
    """Once a month is over its state is met, missed or away; a month still to come is met, due or away."""
    year, month, visits, today, rules, away = case
    first, last = month_bounds(year, month)
    state = judge(year, month, visits, today, rules, away).state
    if today > last:
        assert state in ("met", "missed", "away")
    if today < first:
        assert state in ("met", "due", "away")


@given(cases(current=True))
def test_state_follows_the_definitions(case):
    """In the current month, at risk means too few days left per missing visit or no way to fit them; otherwise due."""
    year, month, visits, today, rules, _away = case
    first, last = month_bounds(year, month)
    result = judge(year, month, visits, today, rules)
    if result.state == "met":
        return
    days_left = (last - today).days + 1
    missing = result.needed - result.counted
    every_day_left = visits + [(today + timedelta(days=n), rules.counting_modes[0]) for n in range(days_left)]
    can_fit = judge(year, month, every_day_left, today, rules).state == "met"
    assert (result.state == "at_risk") == (days_left < rules.at_risk_days_per_visit * missing or not can_fit)


@given(cases())
def test_next_target_and_due_this_week(case):
    """A household due or at risk has the even-schedule day of its next visit; others have none."""
    year, month, visits, today, rules, away = case
    result = judge(year, month, visits, today, rules, away)
    first, last = month_bounds(year, month)
    if result.state in ("met", "missed", "away"):
        assert result.next_target is None and not result.due_this_week
    else:
        k, n = result.counted + 1, result.needed
        assert first <= result.next_target <= last
        assert result.next_target.day == min(-(-k * last.day // n), last.day)
        assert result.due_this_week == (result.next_target <= today + timedelta(days=6))


@pytest.mark.parametrize(
    ("state", "visits", "today", "rules", "away"),
    [
        ("met", home(date(2024, 3, 2), date(2024, 3, 20)), date(2024, 3, 21), RULES, False),
        ("met", home(date(2024, 3, 2), date(2024, 3, 20)), date(2024, 4, 2), RULES, True),
        ("away", home(date(2024, 3, 2)), date(2024, 4, 2), RULES, True),
        ("missed", home(date(2024, 3, 2)), date(2024, 4, 1), RULES, False),
        ("missed", [(date(2024, 3, 2), "phone"), (date(2024, 3, 9), "home")], date(2024, 4, 1), RULES, False),
        ("at_risk", [], date(2024, 3, 19), RULES, False),
        ("due", [], date(2024, 3, 18), RULES, False),
        ("at_risk", home(date(2024, 3, 5)), date(2024, 3, 26), RULES, False),
        ("due", home(date(2024, 3, 5)), date(2024, 3, 25), RULES, False),
        ("due", [], date(2024, 2, 20), RULES, False),
        ("at_risk", home(date(2024, 3, 20)), date(2024, 3, 21), CountySettings(min_spacing_days=14), False),
        ("due", home(date(2024, 3, 10)), date(2024, 3, 11), CountySettings(min_spacing_days=14), False),
        ("met", [], date(2024, 3, 1), CountySettings(visits_per_month=0), False),
    ],
)
def test_every_state_is_reachable(state, visits, today, rules, away):
    """Worked examples in March 2024 (31 days) reach each of the five states."""
    result = judge(2024, 3, visits, today, rules, away)
    assert result.state == state
    assert result.label == STATE_LABELS[state]


def test_every_state_has_a_label():
    """Each state has a display label for the window and the command line."""
    assert set(STATE_LABELS) == set(STATES)


def test_due_this_week_near_the_target():
    """With no visit yet, the first visit of March is due this week from 10 March (target the 16th)."""
    assert not judge(2024, 3, [], date(2024, 3, 9)).due_this_week
    assert judge(2024, 3, [], date(2024, 3, 10)).due_this_week
    assert judge(2024, 3, [], date(2024, 3, 10)).next_target == date(2024, 3, 16)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "24-01", "2024/01", "March", "", "0000-01"])
def test_bad_month_texts_are_refused(text):
    """Only an existing month written YYYY-MM is accepted."""
    with pytest.raises(ValueError):
        parse_month(text)


@given(months())
def test_month_texts_round_trip(month):
    """Every month written as YYYY-MM parses back to itself."""
    year, number = month
    assert parse_month(f"{year:04d}-{number:02d}") == (year, number)
    assert calendar.monthrange(year, number)[1] == month_bounds(year, number)[1].day
