"""Short display texts shared by pages and dialogs: unit names and person lines in the current
language."""

from __future__ import annotations

from datetime import datetime

from ..core import records
from ..core.dates import LOCAL_ZONE
from ..i18n import current_language
from ..i18n.formatting import display_name, format_datetime
from ..storage.reference import Unit


def unit_label(units: dict[str, Unit], code: str) -> str:
    unit = units.get(code)
    if unit is None:
        return code
    if current_language() == "bo" and unit.name_bo:
        return unit.name_bo
    return unit.name_zh


def person_label(person: records.Person | None) -> str:
    if person is None:
        return "?"
    return display_name(person.name_zh, person.name_bo)


def village_items(units: dict[str, Unit]) -> list[tuple[str, str]]:
    villages = sorted((u for u in units.values() if u.level == "village" and not u.valid_to), key=lambda u: u.code)
    return [(u.code, f"{unit_label(units, u.parent_code)} · {unit_label(units, u.code)}") for u in villages]


def group_items(units: dict[str, Unit], village_code: str) -> list[tuple[str, str]]:
    groups = sorted((u for u in units.values() if u.level == "group" and u.parent_code == village_code), key=lambda u: u.code)
    return [(u.code, unit_label(units, u.code)) for u in groups]


def utc_text_to_local(text: str) -> str:
    """A stored UTC instant (ISO 8601) as local date and time; the text itself if it is not one."""
    try:
        return format_datetime(datetime.fromisoformat(text).astimezone(LOCAL_ZONE))
    except (TypeError, ValueError):
        return text
