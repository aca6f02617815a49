"""Choose any person in the register by searching (a carer or parent outside the household)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ...core import records
from ...i18n import _
from ...i18n.formatting import format_partial
from ...services import register_views
from ..env import UiEnv
from ..labels import person_label


class PersonPicker(QDialog):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.setWindowTitle(_("Choose a person"))
        self.query = QLineEdit()
        self.query.setObjectName("picker_query")
        self.query.setPlaceholderText(_("Name in Chinese or Tibetan, pinyin, ID number or house name"))
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.search)
        self.query.textChanged.connect(self._timer.start)
        self.resize(480, 420)

    def search(self) -> None:
        ids = register_views.search(self.env.ws, self.query.text(), limit=100)
        found = register_views.people(self.env.ws, ids)
        self.results.clear()
        for person_id in ids:
            person = found.get(person_id)
            if person is None:
                continue
            item = QListWidgetItem(f"{person_label(person)}  {format_partial(person.birth_date)}")
            item.setData(Qt.ItemDataRole.UserRole, person_id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def chosen(self) -> records.Person | None:
        item = self.results.currentItem()
        if item is None:
            return None
        return register_views.find(self.env.ws, "person", item.data(Qt.ItemDataRole.UserRole))

    @classmethod
    def choose(cls, env: UiEnv, parent: QWidget | None = None) -> records.Person | None:
        dialog = cls(env, parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
