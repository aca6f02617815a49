"""A record's history: who changed which field, when, from what, to what, and why."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.dates import LOCAL_ZONE
from ...core.records import ENTITY_LABELS, field_label
from ...i18n import _
from ...i18n.formatting import format_datetime
from ...i18n.values import display_change_value
from ...services.history import HistoryEntry, history
from ..env import UiEnv
from ..screen import resize_to_fit


def author_text(entry: HistoryEntry) -> str:
    return entry.author_name or _("Local user ({id})").format(id=entry.author_id[-6:])


class HistoryDialog(QDialog):
    def __init__(self, env: UiEnv, entity: str, record_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("History"))
        self.setObjectName("history_dialog")
        entries = history(env.ws, entity, record_id)
        headers = [_("When"), _("Who"), _("Record"), _("Field"), _("From"), _("To"), _("Reason")]
        self.table = QTableWidget(len(entries), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, entry in enumerate(entries):
            values = [
                format_datetime(entry.when.astimezone(LOCAL_ZONE)),
                author_text(entry),
                _(ENTITY_LABELS.get(entry.entity, entry.entity)),
                _(field_label(entry.entity, entry.field)),
                " / ".join(display_change_value(entry.entity, entry.field, old) for old in entry.old),
                display_change_value(entry.entity, entry.field, entry.new),
                entry.reason,
            ]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        resize_to_fit(self, 980, 520)
