"""The flags table: severity first, then how long the flag has been open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ...core.flags import FLAG_STATUS, SEVERITY_SHORT
from ...core.msg import N_
from ...i18n import _, render
from ...i18n.formatting import display_name
from ...services.flags import FlagRow
from ...storage.reference import Unit
from ..labels import unit_label
from .lazy_table import ID_ROLE
from .list_model import ListTableModel

SEVERITY_COLOURS = {"critical": "#f8d3d3", "high": "#fde3c2", "medium": "#fff4c2", "low": "#e8f0fb", "data": "#eceff1"}


def days_open(row: FlagRow, today: date) -> int:
    try:
        return (today - datetime.fromisoformat(row.first_raised_at).date()).days
    except ValueError:
        return 0


class FlagsModel(ListTableModel):
    COLUMNS = (
        ("severity", N_("Severity")),
        ("rule", N_("Rule")),
        ("child", N_("Child")),
        ("household", N_("Household number")),
        ("place", N_("Village group")),
        ("status", N_("Status")),
        ("days", N_("Days open")),
        ("facts", N_("Why")),
    )

    def __init__(self, units: Callable[[], dict[str, Unit]], today: Callable[[], date], parent=None):
        super().__init__(parent)
        self._units = units
        self._today = today


    def text(self, row: FlagRow, key: str) -> str:
        if key == "severity":
            text = _(SEVERITY_SHORT.get(row.severity, row.severity))
            return text + (" · " + _("report due") if row.report_pending else "")
        if key == "rule":
            return row.rule_id
        if key == "child":
            return display_name(row.child_name_zh, row.child_name_bo)
        if key == "household":
            return row.household_number
        if key == "place":
            return unit_label(self._units(), row.group_code) or unit_label(self._units(), row.village_code)
        if key == "status":
            text = _(FLAG_STATUS.label(row.status))
            return text if row.holds else text + " · " + _("no longer holds")
        if key == "days":
            return str(days_open(row, self._today()))
        if key == "facts":
            return "; ".join(render(m) for m in row.facts)
        return ""

    def role_data(self, row: FlagRow, column: int, role: int) -> Any:
        key = self.COLUMNS[column][0]
        if role == Qt.ItemDataRole.BackgroundRole and key == "severity":
            return QBrush(QColor(SEVERITY_COLOURS.get(row.severity, "#ffffff")))
        if role == Qt.ItemDataRole.ToolTipRole and key == "facts":
            return "\n".join(render(m) for m in row.facts)
        if role == ID_ROLE:
            return row.flag_id
        return None
