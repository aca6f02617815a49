"""Showing stored values to people: vocabulary codes as labels, yes/no, lists, partial dates."""

from __future__ import annotations

from typing import Any

from ..core import records
from . import N_, current_language
from .formatting import format_partial

YES, NO = N_("Yes"), N_("No")


def display_value(record_type: type, name: str, value: Any, lang: str | None = None) -> str:
    """One field's value in the current language."""
    from . import translator

    tr = translator(lang or current_language())
    field_info = records.info(record_type, name)
    if field_info.kind == "bool" or isinstance(value, bool):
        return tr(YES) if value else tr(NO)
    if field_info.vocabulary is not None:
        items = value if isinstance(value, list) else [value]
        return "、".join(tr(field_info.vocabulary.label(v)) for v in items if v)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if field_info.kind in ("date", "partial_date", "approx_date") and value:
        try:
            return format_partial(str(value), lang)
        except ValueError:
            return str(value)
    return "" if value is None else str(value)


def display_change_value(entity: str, key: str, value: Any, lang: str | None = None) -> str:
    """A change-log value (one field, or a group as a dict) in the current language."""
    record_type = records.ENTITIES[entity]
    if isinstance(value, dict):
        parts = [display_value(record_type, name, v, lang) for name, v in value.items() if name in record_type.__dataclass_fields__]
        return " · ".join(p for p in parts if p)
    if key not in record_type.__dataclass_fields__:
        return str(value)
    return display_value(record_type, key, value, lang)



