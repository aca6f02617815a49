"""Dates and numbers in each language.

Chinese uses babel (CLDR). Tibetan uses the PRC official style of `tibetan-terms.md`
(``2024ལོའི་ཟླ་5ཚེས་30ཉིན``) written here, because CLDR's Tibetan patterns are misspelt (ཙེས for
ཚེས). Tibetan digits (༠–༩) are an option.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_date
from babel.numbers import format_decimal

from . import LANGUAGES, current_language

TIBETAN_DIGITS = str.maketrans("0123456789", "༠༡༢༣༤༥༦༧༨༩")
_options = {"tibetan_digits": False}


def set_tibetan_digits(enabled: bool) -> None:
    _options["tibetan_digits"] = bool(enabled)


def tibetan_digits_enabled() -> bool:
    return _options["tibetan_digits"]


def digits(text: str, lang: str | None = None) -> str:
    """Tibetan digits when the language is Tibetan and the option is on."""
    if (lang or current_language()) == "bo" and _options["tibetan_digits"]:
        return text.translate(TIBETAN_DIGITS)
    return text


def format_day(day: date, lang: str | None = None) -> str:
    lang = lang or current_language()
    if lang == "bo":
        return digits(f"{day.year}ལོའི་ཟླ་{day.month}ཚེས་{day.day}ཉིན", lang)
    return babel_date(day, format="long", locale=LANGUAGES[lang])


def format_month(year: int, month: int, lang: str | None = None) -> str:
    lang = lang or current_language()
    if lang == "bo":
        return digits(f"{year}ལོའི་ཟླ་{month}", lang)
    return f"{year}年{month}月"


def format_year(year: int, lang: str | None = None) -> str:
    lang = lang or current_language()
    return digits(f"{year}ལོ", lang) if lang == "bo" else f"{year}年"


def format_partial(text: str, lang: str | None = None) -> str:
    """A stored date of one, two or three parts (YYYY, YYYY-MM, YYYY-MM-DD)."""
    if not text:
        return ""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        return format_day(date(*parts), lang)
    if len(parts) == 2:
        return format_month(parts[0], parts[1], lang)
    return format_year(parts[0], lang)


def format_datetime(moment: datetime, lang: str | None = None) -> str:
    """A local date and time (the caller converts to Asia/Shanghai first)."""
    return f"{format_day(moment.date(), lang)} {digits(moment.strftime('%H:%M'), lang)}"


def format_number(value: float | int, lang: str | None = None) -> str:
    lang = lang or current_language()
    return digits(format_decimal(value, locale=LANGUAGES[lang]), lang)


def format_age(age: tuple[int, int] | None, lang: str | None = None) -> str:
    """A completed age (周岁), or its range when the birth date is approximate."""
    if age is None:
        return ""
    lang = lang or current_language()
    low, high = age
    number = str(low) if low == high else f"{low}–{high}"
    return digits(f"ལོ་{number}", lang) if lang == "bo" else f"{number}岁"


def display_name(name_zh: str, name_bo: str, lang: str | None = None) -> str:
    """A person's names in both scripts, the reader's script first."""
    lang = lang or current_language()
    names = [name_bo, name_zh] if lang == "bo" else [name_zh, name_bo]
    return " ".join(n for n in names if n)
