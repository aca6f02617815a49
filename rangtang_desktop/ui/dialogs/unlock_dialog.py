"""The password window at start-up for an encrypted database (one without users to choose from;
with users, ``login_dialog``). It is the login panel with one hidden choice: the same waits after
wrong passwords, the same stop after ten (``login_dialog.LoginPanel``). Nothing is ever deleted
or changed by a wrong password. Cancel closes the program cleanly.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from ...i18n import _
from ...services import unlock
from ...storage.cipher import DatabaseKey
from ..screen import resize_to_fit
from .login_dialog import LoginPanel


class UnlockDialog(QDialog):
    """Asks for the password of the encrypted database at ``path``; ``key`` holds its key once the
    dialog is accepted."""

    def __init__(self, path: str | Path, parent: QWidget | None = None, *, clock=time.monotonic):
        super().__init__(parent)
        self.path = Path(path)
        self.key: DatabaseKey | None = None
        self.setObjectName("unlock")
        self.setWindowTitle(_("Rangtang Desktop"))
        where = QLabel(str(self.path))
        where.setObjectName("unlock_path")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.panel = LoginPanel(
            [("", "")], lambda _user, password: unlock.unlock(self.path, password), self._unlocked,
            _("This database is encrypted. Type its password to open it."), self, button=_("Open"), clock=clock,
        )
        buttons = QDialogButtonBox()
        self.cancel_button: QPushButton = buttons.addButton(_("Close the program"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("unlock_cancel")
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        # the panel's parts, by the names this window has always had
        self.password, self.open_button = self.panel.password, self.panel.ok
        self.message, self.wait = self.panel.message, self.panel.wait
        self.try_open, self.tick = self.panel.try_login, self.panel.tick
        resize_to_fit(self, 460, 220)

    @property
    def backoff(self) -> unlock.Backoff:
        return self.panel.backoff

    def _unlocked(self, key: DatabaseKey) -> None:
        self.key = key
        self.accept()


def ask_for_key(path: str | Path, parent: QWidget | None = None) -> DatabaseKey | None:
    """The key of the encrypted database at ``path``, or ``None`` when the user closed the window."""
    dialog = UnlockDialog(path, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.key
