"""The worklist's table: households that still need visits this month, with their state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.compliance import STATE_LABELS
from ...core.msg import N_
from ...i18n import _
from ...i18n.formatting import format_day
from ...services.compliance import ComplianceRow
from ...storage.reference import Unit
from ..labels import unit_label
from .lazy_table import ID_ROLE

STATE_COLOURS = {"met": "#e3f2e5", "due": "#ffffff", "at_risk": "#fff1d6", "missed": "#fbe0e0", "away": "#eceff1"}


class WorklistModel(QAbstractTableModel):
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
        self._rows: list[ComplianceRow] = []

    def set_rows(self, rows: list[ComplianceRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ComplianceRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return _(self.COLUMNS[section][1])
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def _text(self, row: ComplianceRow, key: str) -> str:
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

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, self.COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(STATE_COLOURS.get(row.result.state, "#ffffff")))
        if role == ID_ROLE:
            return row.household_id
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
