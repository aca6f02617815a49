"""The flags table: severity first, then how long the flag has been open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.flags import FLAG_STATUS, SEVERITY_SHORT
from ...core.msg import N_
from ...i18n import _, render
from ...i18n.formatting import display_name
from ...services.flags import FlagRow
from ...storage.reference import Unit
from ..labels import unit_label
from .lazy_table import ID_ROLE

SEVERITY_COLOURS = {"critical": "#f8d3d3", "high": "#fde3c2", "medium": "#fff4c2", "low": "#e8f0fb", "data": "#eceff1"}


def days_open(row: FlagRow, today: date) -> int:
    try:
        return (today - datetime.fromisoformat(row.first_raised_at).date()).days
    except ValueError:
        return 0


class FlagsModel(QAbstractTableModel):
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
        self._rows: list[FlagRow] = []

    def set_rows(self, rows: list[FlagRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> FlagRow:
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

    def _text(self, row: FlagRow, key: str) -> str:
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

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, self.COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == 0:
            return QBrush(QColor(SEVERITY_COLOURS.get(row.severity, "#ffffff")))
        if role == Qt.ItemDataRole.ToolTipRole and self.COLUMNS[index.column()][0] == "facts":
            return "\n".join(render(m) for m in row.facts)
        if role == ID_ROLE:
            return row.flag_id
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
