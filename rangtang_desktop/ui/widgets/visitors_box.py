"""The people who visit households (grid workers, group leaders, the child director): add them
and correct their names, so visits and worklists can name them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...i18n import _
from ...services import people_who_visit
from ...services.changes import Changes
from ..env import UiEnv
from ..errors import show_error
from ..models.lazy_table import ID_ROLE


class VisitorsBox(QGroupBox):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(_("People who visit"), parent)
        self.env = env
        self.setObjectName("visitors")
        self.list = QListWidget()
        self.list.setMaximumHeight(140)
        self.name = QLineEdit()
        self.name.setObjectName("visitor_new_name")
        self.name.setPlaceholderText(_("Name"))
        self.role = QComboBox()
        for code, label in vocab.VISITOR_ROLE.items:
            self.role.addItem(_(label), code)
        add = QPushButton(_("Add"))
        add.setObjectName("add_visitor")
        add.clicked.connect(self.add)
        row = QHBoxLayout()
        row.addWidget(self.name, 2)
        row.addWidget(self.role, 1)
        row.addWidget(add)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for user in people_who_visit.visitors(self.env.ws):
            name = user.display_name or _("Local user ({id})").format(id=user.user_id[-6:])
            item = QListWidgetItem(f"{name} · {_(vocab.VISITOR_ROLE.label(user.role))}")
            item.setData(ID_ROLE, user.user_id)
            self.list.addItem(item)

    def add(self) -> None:
        def added(user) -> None:
            self.name.clear()
            self.reload()
            self.env.publish(Changes(visits=True))

        self.env.runner.run(
            people_who_visit.add_visitor, self.name.text(), self.role.currentData(),
            on_done=added, on_error=lambda e: show_error(self, e),
        )
