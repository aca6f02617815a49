"""The register's two lists: households and people, as lazy table models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ...core import vocab
from ...core.dates import ApproxDate, DateError, age_range
from ...core.msg import N_
from ...i18n import _, current_language
from ...i18n.formatting import format_age, format_partial
from ...services import register_lists
from ...services.workspace import Workspace
from ...storage.reference import Unit
from ..labels import unit_label
from .lazy_table import Column, LazyTableModel


def _age(row: dict, today: date) -> tuple[int, int] | None:
    try:
        birth = ApproxDate.parse(row.get("birth_date") or "", row.get("birth_precision") or "exact")
    except DateError:
        return None
    return age_range(birth, today)


def _house_name(row: dict) -> str:
    names = [row.get("house_name_bo"), row.get("house_name_zh")] if current_language() == "bo" else [
        row.get("house_name_zh"), row.get("house_name_bo")]
    return " ".join(n for n in names if n)


def household_columns(units: Callable[[], dict[str, Unit]]) -> list[Column]:
    return [
        Column("household_number", N_("Household number"), lambda r: r.get("household_number", "")),
        Column("house_name", N_("House name"), _house_name),
        Column("village", N_("Village"), lambda r: unit_label(units(), r.get("village_code", ""))),
        Column("group", N_("Village group"), lambda r: unit_label(units(), r.get("group_code", ""))),
        Column("members", N_("Members"), lambda r: str(r.get("members", 0))),
        Column("children", N_("Children"), lambda r: str(r.get("minors", 0))),
        Column("livelihood", N_("Livelihood"), lambda r: _(vocab.LIVELIHOOD.label(r.get("livelihood")))),
        Column("housing", N_("Housing"), lambda r: _(vocab.HOUSING.label(r.get("housing")))),
    ]


def person_columns(units: Callable[[], dict[str, Unit]], today: Callable[[], date]) -> list[Column]:
    def id_status(row: dict) -> str:
        status = row.get("id_check", "absent")
        return "" if status in ("valid", "valid_old") else _(vocab.ID_CHECK.label(status))

    def categories(row: dict) -> str:
        return "、".join(_(vocab.CLASSIFICATION_KIND.label(k)) for k in row.get("categories", []))

    name_columns = [
        Column("name_zh", N_("Name (Chinese)"), lambda r: r.get("name_zh", "")),
        Column("name_bo", N_("Name (Tibetan)"), lambda r: r.get("name_bo", "")),
    ]
    if current_language() == "bo":
        name_columns.reverse()
    return [
        *name_columns,
        Column("sex", N_("Sex"), lambda r: _(vocab.SEX.label(r.get("sex")))),
        Column("age", N_("Age"), lambda r: format_age(_age(r, today()))),
        Column("birth_date", N_("Birth date"), lambda r: format_partial(r.get("birth_date", ""))),
        Column("household_number", N_("Household number"), lambda r: r.get("household_number") or ""),
        Column("house_name", N_("House name"), _house_name),
        Column("village", N_("Village"), lambda r: unit_label(units(), r.get("village_code") or "")),
        Column("id_check", N_("ID number"), id_status),
        Column("categories", N_("Categories"), categories),
    ]


class HouseholdTableModel(LazyTableModel):
    def __init__(self, ws: Workspace, units: Callable[[], dict[str, Unit]], parent=None):
        super().__init__(household_columns(units), lambda ids: register_lists.household_rows(ws, ids), parent)


class PersonTableModel(LazyTableModel):
    def __init__(self, ws: Workspace, units: Callable[[], dict[str, Unit]], parent=None):
        super().__init__(person_columns(units, ws.today), lambda ids: register_lists.person_rows(ws, ids), parent)
