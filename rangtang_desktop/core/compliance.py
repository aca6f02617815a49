"""The visit-compliance function: the one definition of whether a household with minors got its
visits in a month. Every list, dashboard, printout and the ``compliance`` command calls
``month_compliance``; there is no stored status and no second definition anywhere.

Definitions (the county settings are ``CountySettings``; defaults in brackets):

* **Visit days** — the distinct local calendar days (Asia/Shanghai, see ``dates.local_day``) of the
  month on which the household had a visit of a counting mode (``counting_modes``: home, school).
  Days outside the month and visits of other modes (phone, video by default) are ignored. Several
  visits on one day are one visit day. The order in which visits were entered does not matter.
* **Counted** — how many visit days count. Without a minimum spacing (``min_spacing_days`` 0 or
  1) every visit day counts. With a spacing of *s* days it is the largest number of visit days
  that can be chosen with every two chosen days at least *s* days apart (days exactly *s* apart
  both count); choosing the earliest day, then each next day at least *s* after the last chosen
  one, reaches that largest number.
* **Needed** — ``visits_per_month`` (2).
* **State**, the first that applies:

  1. ``met`` — counted ≥ needed (also in a month the household is away);
  2. ``away`` — the household is marked away for the season that month (herding, caterpillar
     fungus) and not met: shown as away, never as a false "missed";
  3. ``missed`` — the month is over (today is after its last day) and not met;
  4. ``at_risk`` — the month is the current one and either the days left (today to the month's
     last day, both included) are fewer than ``at_risk_days_per_visit`` (7) × the visits still
     needed, or the visits still needed cannot count any more even with a visit on every day
     left (the spacing does not fit);
  5. ``due`` — otherwise: the current month with time to spare, or a month still to come.

* **Next target** — on an even schedule the *k*-th of *n* needed visits is due by day
  ⌈k × days in month ÷ n⌉ (with 2 visits: the 16th and the 31st of a 31-day month, the 14th and
  the 28th of a 28-day February); the next target is that day for *k* = counted + 1. None when the
  state is met, missed or away.
* **Due this week** — the state is due or at risk and the next target is no later than six days
  after today (a target already passed is due this week too).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .county_settings import CountySettings
from .msg import N_

STATES = ("met", "at_risk", "missed", "due", "away")

STATE_LABELS = {
    "met": N_("Met"),
    "at_risk": N_("At risk"),
    "missed": N_("Missed"),
    "due": N_("Due"),
    "away": N_("Away for the season"),
}

_WEEK = timedelta(days=6)


@dataclass(frozen=True)
class MonthCompliance:
    """One household's visits in one month, judged by the county settings."""

    state: str  # one of STATES
    visit_days: tuple[date, ...]  # distinct local days with a visit of a counting mode, sorted
    counted: int  # how many of those count (see the module docstring)
    needed: int
    next_target: date | None  # the day the next visit is due by on an even schedule
    due_this_week: bool

    @property
    def label(self) -> str:
        """The state's message id, for the caller to translate."""
        return STATE_LABELS[self.state]


@lru_cache(maxsize=512)
def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month; ``ValueError`` for a month that does not exist."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); ``ValueError`` for anything else (2024-13, 24-01, March)."""
    match = _MONTH.match(text or "")
    if not match:
        raise ValueError(text)
    year, month = int(match.group(1)), int(match.group(2))
    month_bounds(year, month)  # raises for month 0 or 13, year 0
    return year, month


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def even_target(year: int, month: int, k: int, n: int) -> date:
    """The day by which the ``k``-th of ``n`` visits is due on an even schedule."""
    first, last = month_bounds(year, month)
    day = -(-k * last.day // n) if n > 0 else last.day
    return first.replace(day=min(max(day, 1), last.day))


def most_spaced(days: Sequence[date], spacing: int) -> int:
    """The most of the sorted distinct ``days`` that can be chosen at least ``spacing`` days apart."""
    if spacing <= 1:
        return len(days)
    count, chosen = 0, None
    for day in days:
        if chosen is None or (day - chosen).days >= spacing:
            count, chosen = count + 1, day
    return count


def _most_possible(visit_days: Sequence[date], today: date, days_left: int, spacing: int) -> int:
    """The most visit days that could count if a visit were made on every day left."""
    past = [d for d in visit_days if d < today]
    if spacing <= 1:
        return len(past) + days_left
    return most_spaced(past + [today + timedelta(days=n) for n in range(days_left)], spacing)


def month_compliance(
    year: int,
    month: int,
    visits: Iterable[tuple[date, str]],
    *,
    today: date,
    rules: CountySettings,
    away: bool = False,
) -> MonthCompliance:
    """The compliance of one household in one month from its visits as (local day, mode)."""
    first, last = month_bounds(year, month)
    modes = rules.counting_modes
    visit_days = tuple(sorted({day for day, mode in visits if first <= day <= last and mode in modes}))
    spacing = rules.min_spacing_days
    counted = most_spaced(visit_days, spacing)
    needed = rules.visits_per_month
    if counted >= needed:
        return MonthCompliance("met", visit_days, counted, needed, None, False)
    if away:
        return MonthCompliance("away", visit_days, counted, needed, None, False)
    if today > last:
        return MonthCompliance("missed", visit_days, counted, needed, None, False)
    state = "due"
    if today >= first:
        days_left = (last - today).days + 1
        if days_left < rules.at_risk_days_per_visit * (needed - counted):
            state = "at_risk"
        elif _most_possible(visit_days, today, days_left, spacing) < needed:
            state = "at_risk"
    target = even_target(year, month, counted + 1, needed)
    return MonthCompliance(state, visit_days, counted, needed, target, target <= today + _WEEK)
