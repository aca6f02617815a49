"""The worklist's table: households that still need visits this month, with their state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ...core.compliance import STATE_LABELS
from ...core.msg import N_
from ...i18n import _
from ...i18n.formatting import format_day
from ...services.compliance import ComplianceRow
from ...storage.reference import Unit
from ..labels import unit_label
from .lazy_table import ID_ROLE
from .list_model import ListTableModel

STATE_COLOURS = {"met": "#e3f2e5", "due": "#ffffff", "at_risk": "#fff1d6", "missed": "#fbe0e0", "away": "#eceff1"}


class WorklistModel(ListTableModel):
    COLUMNS = (
        ("group", N_("Village group")),
        ("household_number", N_("Household number")),
        ("house_name", N_("House name")),
        ("minors", N_("Children")),
        ("visit_days", N_("Visits this month")),
        ("next_target", N_("Next visit due by")),
        ("state", N_("State")),
        ("visitor", N_("Visited by")),
    )

    def __init__(self, units: Callable[[], dict[str, Unit]], visitor_names: Callable[[], dict[str, str]], parent=None):
        super().__init__(parent)
        self._units = units
        self._visitor_names = visitor_names


    def text(self, row: ComplianceRow, key: str) -> str:
        result = row.result
        if key == "group":
            return unit_label(self._units(), row.group_code)
        if key == "household_number":
            return row.household_number
        if key == "house_name":
            return " ".join(n for n in (row.house_name_zh, row.house_name_bo) if n)
        if key == "minors":
            return str(row.minors)
        if key == "visit_days":
            days = "、".join(str(day.day) for day in result.visit_days)
            return f"{result.counted}/{result.needed}" + (f" ({days})" if days else "")
        if key == "next_target":
            return format_day(result.next_target) if result.next_target else ""
        if key == "state":
            text = _(STATE_LABELS[result.state])
            return text + (" · " + _("this week") if result.due_this_week else "")
        if key == "visitor":
            return self._visitor_names().get(row.assigned_worker, "")
        return ""

    def role_data(self, row: ComplianceRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(STATE_COLOURS.get(row.result.state, "#ffffff")))
        if role == ID_ROLE:
            return row.household_id
        return None
