"""Dates as villages know them: exact or approximate birth dates, ages in 周岁, local days.

Birth dates are often known only to the month or year, or estimated; an ``ApproxDate`` keeps the
precision beside the value. Ages are completed years (周岁) on the Gregorian calendar, never 虚岁.
Instants are stored in UTC; every "which day" question is asked in Asia/Shanghai.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from .msg import N_, Message

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
EARLIEST_BIRTH_YEAR = 1900

_PATTERNS = {
    "exact": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "year": re.compile(r"^(\d{4})$"),
}


class DateError(ValueError):
    """A date text that cannot be used; ``message`` says why in the user's terms."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text)
        self.message = message


@dataclass(frozen=True)
class ApproxDate:
    """A date known to a precision: ``exact`` (YYYY-MM-DD), ``month`` (YYYY-MM), ``year`` (YYYY),
    or ``estimated`` (any of the three forms, a guess)."""

    text: str
    precision: str = "exact"

    @classmethod
    def parse(cls, text: str, precision: str = "exact") -> ApproxDate:
        """Check ``text`` against ``precision``; raise ``DateError`` with a user message if wrong."""
        text = (text or "").strip()
        forms = ("exact", "month", "year") if precision == "estimated" else (precision,)
        for form in forms:
            match = _PATTERNS.get(form, _PATTERNS["exact"]).match(text)
            if not match:
                continue
            year, month, day = ([int(g) for g in match.groups()] + [1, 1])[:3]
            if year < 1 or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
                raise DateError(Message(N_("{text} is not a date in the calendar."), {"text": text}))
            return cls(text, precision)
        examples = {
            "exact": "2015-03-07",
            "month": "2015-03",
            "year": "2015",
            "estimated": "2015, 2015-03 or 2015-03-07",
        }
        raise DateError(
            Message(
                N_("Write the date as {example}."),
                {"example": examples.get(precision, examples["exact"])},
            )
        )

    @property
    def parts(self) -> tuple[int, int | None, int | None]:
        pieces = [int(p) for p in self.text.split("-")]
        return (pieces[0], pieces[1] if len(pieces) > 1 else None, pieces[2] if len(pieces) > 2 else None)

    def earliest(self) -> date:
        """The first day this date can be."""
        year, month, day = self.parts
        return date(year, month or 1, day or 1)

    def latest(self) -> date:
        """The last day this date can be."""
        year, month, day = self.parts
        month = month or 12
        return date(year, month, day or calendar.monthrange(year, month)[1])

    def middle(self) -> date:
        """A single representative day (the middle of the possible range)."""
        first, last = self.earliest(), self.latest()
        return date.fromordinal((first.toordinal() + last.toordinal()) // 2)

    @property
    def is_exact(self) -> bool:
        return self.precision == "exact"


def check_birth_date(birth: ApproxDate, today: date) -> list[Message]:
    """Problems that make a birth date unusable (in the future, before 1900)."""
    if birth.earliest() > today:
        return [Message(N_("The birth date {text} is in the future."), {"text": birth.text})]
    if birth.parts[0] < EARLIEST_BIRTH_YEAR:
        return [Message(N_("The birth year {year} is too early."), {"year": birth.parts[0]})]
    return []


def completed_years(birth: date, on: date) -> int:
    """Age in completed years (周岁) on the day ``on``.

    Follows the Supreme People's Court's counting (法释〔2006〕1号 第二条): a person reaches N full
    years on the day *after* their N-th birthday. For a 29 February birth in a common year the
    period ends on 28 February (民法典 第二百零二条: with no corresponding day, the month's last day
    ends the period), so the full year is reached on 1 March.
    """
    years = on.year - birth.year
    try:
        anniversary = birth.replace(year=on.year)
    except ValueError:  # 29 February in a common year
        anniversary = date(on.year, 2, 28)
    if on <= anniversary:
        years -= 1
    return max(years, 0)


def age_range(birth: ApproxDate, on: date) -> tuple[int, int]:
    """The youngest and oldest completed age a person born on ``birth`` can have on ``on``."""
    return completed_years(birth.latest(), on), completed_years(birth.earliest(), on)


ADULT_AGE = 18


def is_minor(birth: ApproxDate, on: date) -> bool:
    """Under 18 on ``on``, judged by the birth date's best estimate (the middle of its range when
    approximate), so a person born "2008" is not counted a child for half a year longer than one
    born on a known day. Lists and counts use the same estimate (``person.birth_estimate``)."""
    return completed_years(birth.middle(), on) < ADULT_AGE


def minor_cutoff(on: date) -> date:
    """People whose estimated birth date is on or after this day are minors on ``on``."""
    try:
        return on.replace(year=on.year - ADULT_AGE)
    except ValueError:  # 29 February
        return date(on.year - ADULT_AGE, 3, 1)


def local_day(instant: datetime) -> date:
    """The calendar day in Rangtang (Asia/Shanghai) on which a UTC instant falls."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(LOCAL_ZONE).date()


def local_today(now: datetime | None = None) -> date:
    """Today in Rangtang."""
    return local_day(now or datetime.now(UTC))


def utc_now_text() -> str:
    """The current instant as an ISO 8601 UTC string with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_LOOSE = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})(?:\s*[-./月]\s*(\d{1,2})\s*日?)?\s*月?\s*$")


def normalize_date_text(text: str) -> str:
    """Common ways of writing a date turned into ISO form: 2015.3.7, 2015/3/7, 2015年3月7日 and
    20150307 become 2015-03-07; 2015.3 and 2015年3月 become 2015-03. Other text is returned as is,
    for the checks to explain."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _LOOSE.match(text)
    if not match:
        return text
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
