"""Possible duplicate people across the register (at the township: across villages), the surest
first, each opened side by side for a decision."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.msg import N_
from ...i18n import _, render
from ...i18n.formatting import format_number
from ...services import duplicates_review
from ...services.changes import Changes
from ..dialogs.duplicate_dialog import DuplicateDialog
from ..env import UiEnv
from ..labels import person_label, unit_label
from ..models.list_model import ListTableModel
from ..pages.page import BackgroundPage
from .tables import row_view


class DuplicateModel(ListTableModel):
    COLUMNS = (
        ("newer", N_("Record")),
        ("newer_village", N_("Village")),
        ("older", N_("Other record")),
        ("older_village", N_("Village")),
        ("certainty", N_("Certainty")),
        ("reasons", N_("Why")),
    )

    def __init__(self, units, parent=None):
        super().__init__(parent)
        self.units = units

    def text(self, row: duplicates_review.Candidate, key: str) -> str:
        if key in ("newer", "older"):
            return person_label(getattr(row, key))
        if key in ("newer_village", "older_village"):
            return unit_label(self.units(), getattr(row, key))
        if key == "certainty":
            return _("Same ID number") if row.match.certain else _("Likely") if row.match.score >= 6 else _("Possible")
        if key == "reasons":
            return "; ".join(render(reason) for reason in row.match.reasons)
        return ""


class DuplicateList(BackgroundPage):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(env, parent)
        self.setObjectName("duplicate_list")
        self.model = DuplicateModel(env.units, self)
        self.table = row_view("duplicate_table", self.model)
        self.table.doubleClicked.connect(lambda index: self.review(index.row()))
        self.status = QLabel()
        self.status.setObjectName("duplicate_status")
        self.status.setWordWrap(True)
        self.open_button = QPushButton(_("Compare and decide"))
        self.open_button.setObjectName("review_duplicate")
        self.open_button.clicked.connect(lambda: self.review(self.table.currentIndex().row()))
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.status.setText(_("Looking for possible duplicates…"))

    def wants(self, changes: Changes) -> bool:
        return changes.register or changes.exchange

    def load_job(self):
        return duplicates_review.candidates, ()

    def show_data(self, data) -> None:
        self.model.set_rows(data)
        self.open_button.setEnabled(bool(data))
        if data:
            self.status.setText(
                _("{count} pairs of records may be the same person. Check each with the people who know the family "
                  "before deciding.").format(count=format_number(len(data)))
            )
            self.table.selectRow(0)
        else:
            self.status.setText(_("No possible duplicates wait for a decision."))

    def review(self, row: int) -> DuplicateDialog | None:
        if not 0 <= row < self.model.rowCount():
            return None
        dialog = DuplicateDialog(self.env, self.model.row_at(row), self)
        dialog.open()
        return dialog
