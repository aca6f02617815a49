"""A table model over a list of record ids that fetches row snapshots a page at a time, only when
rows are shown, so the full county register (45,000 people) scrolls smoothly.

Columns are declared once as (key, header message id, formatter). Sorting and filtering happen in
the query that produces the ids, not in a proxy (a proxy would read every row).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from ...i18n import _

ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # message id
    format: Callable[[dict], str]
    tooltip: Callable[[dict], str] | None = None


class LazyTableModel(QAbstractTableModel):
    PAGE_SIZE = 200
    MAX_PAGES = 60

    def __init__(self, columns: list[Column], fetch: Callable[[list[str]], dict[str, dict]], parent=None):
        super().__init__(parent)
        self.columns = columns
        self._fetch = fetch
        self._ids: list[str] = []
        self._pages: OrderedDict[int, dict[str, dict]] = OrderedDict()

    # -- contents ----------------------------------------------------------------------------

    def set_ids(self, ids: list[str]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def refresh(self) -> None:
        """Drop cached rows (the data changed); the ids stay."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1))

    def ids(self) -> list[str]:
        return list(self._ids)

    def id_at(self, row: int) -> str:
        return self._ids[row]

    def row_of(self, record_id: str) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def snapshot(self, row: int) -> dict:
        page_number = row // self.PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            start = page_number * self.PAGE_SIZE
            page = self._fetch(self._ids[start : start + self.PAGE_SIZE])
            self._pages[page_number] = page
            if len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[row], {})

    # -- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids) or not 0 <= index.column() < len(self.columns):
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.snapshot(index.row())
            return column.format(row) if row else ""
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            row = self.snapshot(index.row())
            return column.tooltip(row) if row else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return _(self.columns[section].header)
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
