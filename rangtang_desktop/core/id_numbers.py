"""Resident identity numbers (GB 11643-1999): the check digit, the birth date and sex they encode.

A wrong check digit is an error (the number was mistyped); a number registered outside Rangtang, a
birth date or sex that differs from the record are warnings: they happen for real reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .msg import N_, Message
from .vocab import SEX

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
HOME_PREFIX = "5132"  # Aba prefecture; Rangtang itself is 513230

_EIGHTEEN = re.compile(r"^\d{17}[\dX]$")
_FIFTEEN = re.compile(r"^\d{15}$")


@dataclass(frozen=True)
class IdCheck:
    """The result of checking one ID number."""

    number: str
    status: str  # a code of vocab.ID_CHECK
    birth_date: date | None = None
    sex: str | None = None
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)


def normalize(number: str | None) -> str:
    """Strip spaces and make a trailing x upper case."""
    return re.sub(r"\s+", "", number or "").upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17[:17], WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _birth(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def check_id_number(
    number: str | None,
    *,
    birth_date: date | None = None,
    birth_exact: bool = True,
    sex: str | None = None,
    today: date | None = None,
) -> IdCheck:
    """Check an ID number, and compare it with the recorded birth date and sex when given."""
    number = normalize(number)
    if not number:
        return IdCheck(number, "absent")
    if _FIFTEEN.match(number):
        encoded = _birth("19" + number[6:12])
        if encoded is None:
            return IdCheck(number, "bad_date", errors=[_impossible_date(number)])
        return IdCheck(number, "valid_old", encoded, "male" if int(number[14]) % 2 else "female")
    if not _EIGHTEEN.match(number):
        return IdCheck(
            number,
            "bad_format",
            errors=[
                Message(
                    N_(
                        "An ID number has 18 characters: 17 digits and a last digit or X "
                        "(old numbers have 15 digits). This one has {count}."
                    ),
                    {"count": len(number)},
                )
            ],
        )
    encoded = _birth(number[6:14])
    if encoded is None or encoded > (today or date.today()) or encoded.year < 1800:
        return IdCheck(number, "bad_date", errors=[_impossible_date(number)])
    encoded_sex = "male" if int(number[16]) % 2 else "female"
    if check_character(number[:17]) != number[17]:
        return IdCheck(
            number,
            "bad_checksum",
            encoded,
            encoded_sex,
            errors=[
                Message(
                    N_(
                        "The last character does not fit the other 17 digits, so one of them is "
                        "probably mistyped. Compare the number digit by digit with the ID card or "
                        "the hukou book."
                    )
                )
            ],
        )
    warnings = []
    if not number.startswith(HOME_PREFIX):
        warnings.append(
            Message(
                N_(
                    "The number was first registered outside Aba prefecture (area code {prefix}). "
                    "That is possible; check it if the person was born here."
                ),
                {"prefix": number[:6]},
            )
        )
    if birth_date is not None and encoded != birth_date:
        if birth_exact or encoded.year != birth_date.year:
            warnings.append(
                Message(
                    N_(
                        "The number says the person was born on {encoded}, but the record says "
                        "{recorded}. Check which one is right."
                    ),
                    {"encoded": encoded.isoformat(), "recorded": birth_date.isoformat()},
                )
            )
    if sex in ("male", "female") and sex != encoded_sex:
        warnings.append(
            Message(
                N_(
                    "The 17th digit of the number says the person is {encoded_sex}, but the record "
                    "says {recorded_sex}. Check which one is right."
                ),
                {"encoded_sex": Message(SEX.label(encoded_sex)), "recorded_sex": Message(SEX.label(sex))},
            )
        )
    return IdCheck(number, "valid", encoded, encoded_sex, warnings=warnings)


def _impossible_date(number: str) -> Message:
    return Message(
        N_("The birth date inside the number ({digits}) is not a possible date."),
        {"digits": number[6:14] if len(number) == 18 else number[6:12]},
    )


def make_id_number(area: str, birth: date, sequence: int) -> str:
    """Build a valid 18-character number (used by the demo data and tests)."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
