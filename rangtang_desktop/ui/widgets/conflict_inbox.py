"""The conflict inbox: fields changed on two computers that had not seen each other's change. Each
value is shown with who wrote it, on which computer and when; a person chooses one and says why.
Nothing is settled without a person (DESIGN §4)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.msg import N_
from ...core.records import ENTITY_LABELS
from ...i18n import _
from ...i18n.formatting import format_number
from ...services import conflicts
from ...services.changes import Changes
from ...services.node import computer_names
from ..env import UiEnv
from ..errors import show_error
from ..labels import utc_text_to_local
from ..models.list_model import ListTableModel
from ..pages.page import BackgroundPage
from .tables import row_view

COLUMNS = (
    ("record", N_("Record")),
    ("field", N_("Field")),
    ("values", N_("Values")),
    ("detected", N_("Found on")),
)


def _entity_label(entity: str) -> str:
    from ...services.conflicts import DUPLICATE_LABEL, FLAG_STATUS_LABEL

    label = ENTITY_LABELS.get(entity) or {"flag": FLAG_STATUS_LABEL, "duplicate_decision": DUPLICATE_LABEL}.get(entity)
    return _(label) if label else ""


class ConflictModel(ListTableModel):
    COLUMNS = COLUMNS

    def text(self, row: conflicts.ConflictItem, key: str) -> str:
        if key == "record":
            kind = _entity_label(row.entity)
            return f"{row.record_label} ({kind})" if row.record_label and kind else row.record_label or kind
        if key == "field":
            return _(row.label)
        if key == "values":
            return format_number(len(row.options))
        if key == "detected":
            return utc_text_to_local(row.detected_at)
        return ""


class ConflictInbox(BackgroundPage):
    """The list of open conflicts and, for the chosen one, its values to choose from."""

    count_changed = Signal(int)

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(env, parent)
        self.setObjectName("conflict_inbox")
        self.items: list[conflicts.ConflictItem] = []
        self.model = ConflictModel(self)
        self.table = row_view("conflict_table", self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self._show(current.row()))

        self.empty = QLabel(_("No conflicts wait for a decision."))
        self.empty.setObjectName("conflicts_empty")
        self.heading = QLabel()
        self.heading.setObjectName("conflict_heading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.explain = QLabel(
            _("This field was changed on two computers before either had seen the other's change. Both values "
              "are kept; the first one is shown for now. Choose the right value and say why.")
        )
        self.explain.setWordWrap(True)
        self.options_box = QGroupBox(_("Values"))
        self.options_layout = QVBoxLayout(self.options_box)
        self.choices = QButtonGroup(self)
        self.reason = QLineEdit()
        self.reason.setObjectName("conflict_reason")
        self.reason.setPlaceholderText(_("Why this value is right (required)"))
        self.resolve = QPushButton(_("Keep the chosen value"))
        self.resolve.setObjectName("resolve_conflict")
        self.resolve.clicked.connect(self._resolve)

        detail = QWidget()
        self.detail = detail
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.heading)
        detail_layout.addWidget(self.explain)
        detail_layout.addWidget(self.options_box)
        detail_layout.addWidget(QLabel(_("Reason")))
        detail_layout.addWidget(self.reason)
        detail_layout.addWidget(self.resolve, 0, Qt.AlignmentFlag.AlignRight)
        detail_layout.addStretch(1)

        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self._show(-1)

    # -- BackgroundPage ----------------------------------------------------------------------

    def wants(self, changes: Changes) -> bool:
        return bool(changes)  # an import, a resolution or an edit of a conflicted field

    def load_job(self):
        return _load, ()

    def show_data(self, data) -> None:
        chosen = self.current_item().conflict_id if self.current_item() else None
        self.items, self.names = data
        self.model.set_rows(self.items)
        self.empty.setVisible(not self.items)
        self.count_changed.emit(len(self.items))
        row = next((i for i, item in enumerate(self.items) if item.conflict_id == chosen), 0 if self.items else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._show(row)

    # -- detail ------------------------------------------------------------------------------

    def current_item(self) -> conflicts.ConflictItem | None:
        row = self.table.currentIndex().row()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show(self, row: int) -> None:
        for button in self.choices.buttons():
            self.choices.removeButton(button)
        while self.options_layout.count():
            widget = self.options_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        item = self.items[row] if 0 <= row < len(self.items) else None
        self.detail.setEnabled(item is not None)
        if item is None:
            self.heading.setText("")
            return
        self.heading.setText(f"{self.model.text(item, 'record')} — {_(item.label)}")
        for index, option in enumerate(item.options):
            button = QRadioButton(conflicts.option_text(item.entity, item.field, option.value) or _("(empty)"))
            button.setObjectName(f"conflict_option_{index}")
            who = option.author_name or _("a user with no name recorded")
            where = getattr(self, "names", {}).get(option.node_id, option.node_id[:8])
            line = _("by {who} on {computer}, {when}").format(who=who, computer=where, when=utc_text_to_local(option.when))
            if option.reason:
                line += " — " + option.reason
            note = QLabel(line)
            note.setWordWrap(True)
            note.setStyleSheet("color: #555; margin-left: 24px;")
            self.choices.addButton(button, index)
            self.options_layout.addWidget(button)
            self.options_layout.addWidget(note)
        self.choices.button(0).setChecked(True)
        self.reason.clear()

    def _resolve(self) -> None:
        item = self.current_item()
        if item is None:
            return
        option = item.options[max(self.choices.checkedId(), 0)]

        def done(changes: Changes) -> None:
            self.env.publish(changes | Changes(exchange=True))

        self.env.runner.run(
            conflicts.resolve_conflict, item.conflict_id, option.value, self.reason.text(),
            on_done=done, on_error=lambda error: show_error(self, error),
        )


def _load(ws):
    return conflicts.list_conflicts(ws), computer_names(ws)
