"""The users of this computer on the settings page (child directors and township supervisors only):
add a user with a role, the village groups a grid worker looks after, set a password, switch a user
off. Every action is one ``services.users`` call through the runner."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...i18n import _
from ...services import permissions, register_views, users
from ...services import units as unit_service
from ...services.changes import Changes
from ..env import UiEnv
from ..errors import show_error
from ..labels import unit_label
from ..models.lazy_table import ID_ROLE


class UsersBox(QGroupBox):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(_("Users"), parent)
        self.env = env
        self.setObjectName("users")
        self.list = QListWidget()
        self.list.setObjectName("user_list")
        self.list.setMaximumHeight(140)
        self.list.currentItemChanged.connect(lambda *_args: self._show_groups())
        self.name = QLineEdit()
        self.name.setObjectName("user_new_name")
        self.name.setPlaceholderText(_("Name"))
        self.role = QComboBox()
        self.role.setObjectName("user_new_role")
        for code, label in vocab.USER_ROLE.items:
            self.role.addItem(_(label), code)
        add = QPushButton(_("Add user"))
        add.setObjectName("add_user")
        add.clicked.connect(self.add)
        self.groups = QListWidget()
        self.groups.setObjectName("user_groups")
        self.groups.setMaximumHeight(110)
        save_groups = QPushButton(_("Save the groups"))
        save_groups.setObjectName("save_user_groups")
        save_groups.clicked.connect(self.save_groups)
        password = QPushButton(_("Set password…"))
        password.setObjectName("set_user_password")
        password.clicked.connect(self.set_password)
        switch_off = QPushButton(_("Switch off"))
        switch_off.setObjectName("switch_off_user")
        switch_off.clicked.connect(self.switch_off)
        row = QHBoxLayout()
        row.addWidget(self.name, 2)
        row.addWidget(self.role, 1)
        row.addWidget(add)
        actions = QHBoxLayout()
        actions.addWidget(save_groups)
        actions.addWidget(password)
        actions.addWidget(switch_off)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.groups)
        layout.addLayout(actions)
        self.reload()

    def reload(self) -> None:
        allowed = permissions.allowed(self.env.ws, "manage_users")
        if not allowed:
            self.hide()
            return
        if self.parentWidget() is not None:
            self.show()
        selected = self.selected()
        self.list.clear()
        for user in users.list_users(self.env.ws):
            name = user.display_name or _("Local user ({id})").format(id=user.user_id[-6:])
            password = _("password set") if user.has_password else _("no password")
            item = QListWidgetItem(f"{name} · {_(vocab.USER_ROLE.label(user.role))} · {password}")
            item.setData(ID_ROLE, user.user_id)
            item.setData(Qt.ItemDataRole.UserRole + 2, user.groups)
            self.list.addItem(item)
            if user.user_id == selected:
                self.list.setCurrentItem(item)
        self._show_groups()

    def selected(self) -> str:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else ""

    def _show_groups(self) -> None:
        item = self.list.currentItem()
        chosen = set(item.data(Qt.ItemDataRole.UserRole + 2) or ()) if item is not None else set()
        self.groups.clear()
        units = self.env.units()
        village = register_views.node_unit(self.env.ws)
        for unit in unit_service.list_units(self.env.ws, "group", village if len(village) == 12 else None):
            entry = QListWidgetItem(unit_label(units, unit.code))
            entry.setData(ID_ROLE, unit.code)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if unit.code in chosen else Qt.CheckState.Unchecked)
            self.groups.addItem(entry)

    def _checked_groups(self) -> list[str]:
        return [
            self.groups.item(n).data(ID_ROLE) for n in range(self.groups.count())
            if self.groups.item(n).checkState() == Qt.CheckState.Checked
        ]

    def _done(self, _result=None) -> None:
        self.reload()
        self.env.publish(Changes(visits=True, register=True, flags=True))

    def add(self) -> None:
        def added(_user) -> None:
            self.name.clear()
            self._done()

        self.env.runner.run(
            users.create_user, self.name.text(), self.role.currentData(), groups=self._checked_groups(),
            on_done=added, on_error=lambda e: show_error(self, e),
        )

    def save_groups(self) -> None:
        if self.selected():
            self.env.runner.run(
                users.set_groups, self.selected(), self._checked_groups(), on_done=self._done,
                on_error=lambda e: show_error(self, e),
            )

    def set_password(self) -> None:
        user_id = self.selected()
        if not user_id:
            return
        password, ok = QInputDialog.getText(
            self, _("Set password…"), _("The user's new password:"), QLineEdit.EchoMode.Password
        )
        if ok and password:
            self.env.runner.run(
                users.set_password, user_id, password, on_done=self._done, on_error=lambda e: show_error(self, e),
            )

    def switch_off(self) -> None:
        if self.selected():
            self.env.runner.run(
                users.switch_off, self.selected(), on_done=self._done, on_error=lambda e: show_error(self, e),
            )

    def on_changes(self, changes: Changes) -> None:
        self.reload()
