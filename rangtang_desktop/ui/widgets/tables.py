"""The two kinds of read-only tables the pages show: a view over a list model whose rows are chosen
one at a time, and a small table filled cell by cell (a preview, a history)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget


def _shape(table: QAbstractItemView, name: str) -> None:
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().hide()


def row_view(name: str, model: QAbstractItemModel) -> QTableView:
    """A table over ``model``, one row chosen at a time, columns as wide as their contents."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    _shape(table, name)
    return table


def cell_table(name: str, headers: list[str], rows: int = 0) -> QTableWidget:
    """A read-only table with these (translated) column headers, filled cell by cell."""
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(headers)
    _shape(table, name)
    return table
