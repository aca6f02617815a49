"""The password window at start-up for an encrypted database.

A wrong password says so and what to do; from the second wrong password in a row the next try waits
(2, 4, 8 … seconds, at most a minute: ``services.unlock.Backoff``), and after ten the window stops
asking — the program can be started again later, or the township can give the database a new password.
Nothing is ever deleted or changed by a wrong password. Cancel closes the program cleanly.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import RangtangError
from ...i18n import _, render
from ...services import unlock
from ...storage.cipher import DatabaseKey
from ...storage.keyfile import WrongPassword

TICK_MS = 250


class UnlockDialog(QDialog):
    """Asks for the password of the encrypted database at ``path``; ``key`` holds its key once the
    dialog is accepted."""

    def __init__(self, path: str | Path, parent: QWidget | None = None, *, clock=time.monotonic):
        super().__init__(parent)
        self.path = Path(path)
        self.key: DatabaseKey | None = None
        self.backoff = unlock.Backoff(clock)
        self.setObjectName("unlock")
        self.setWindowTitle(_("Rangtang Desktop"))
        intro = QLabel(_("This database is encrypted. Type its password to open it."))
        intro.setWordWrap(True)
        where = QLabel(str(self.path))
        where.setObjectName("unlock_path")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.password = QLineEdit()
        self.password.setObjectName("unlock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Password"))
        self.message = QLabel()
        self.message.setObjectName("unlock_message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.wait = QLabel()
        self.wait.setObjectName("unlock_wait")
        self.wait.hide()
        buttons = QDialogButtonBox()
        self.open_button: QPushButton = buttons.addButton(_("Open"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setObjectName("unlock_open")
        self.open_button.setDefault(True)
        self.cancel_button: QPushButton = buttons.addButton(_("Close the program"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("unlock_cancel")
        self.open_button.clicked.connect(self.try_open)
        self.cancel_button.clicked.connect(self.reject)
        self.password.returnPressed.connect(self.try_open)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(self.wait)
        layout.addWidget(buttons)
        self.resize(460, 200)

    def try_open(self) -> None:
        """Turn the typed password into the database's key (``services.unlock``), or say why not."""
        if not self.open_button.isEnabled() or self.backoff.wait_left() > 0:
            return
        password = self.password.text()
        if not password:
            self.password.setFocus()
            return
        try:
            self.key = unlock.unlock(self.path, password)
        except WrongPassword as error:
            self._wrong(error)
            return
        except RangtangError as error:  # no keys file, a damaged one: a password cannot help
            self._show(error)
            self.password.setEnabled(False)
            self.open_button.setEnabled(False)
            return
        self.password.clear()
        self.accept()

    def _wrong(self, error: WrongPassword) -> None:
        self.password.clear()
        self.backoff.failed()
        if self.backoff.exhausted:
            self.message.setText(
                _("Too many wrong passwords. Close the program and try again later, or ask the township to give the "
                  "database a new password. Nothing has been changed.")
            )
            self.message.show()
            self.password.setEnabled(False)
            self.open_button.setEnabled(False)
            self.wait.hide()
            return
        self._show(error)
        self.tick()
        if self.backoff.wait_left() > 0:
            self.timer.start()

    def _show(self, error: RangtangError) -> None:
        self.message.setText(render(error.headline_message()) + "\n" + render(error.advice_message()))
        self.message.show()

    def tick(self) -> None:
        """Show the seconds left before the next try; allow it when they are over."""
        left = self.backoff.wait_left()
        waiting = left > 0 and not self.backoff.exhausted
        self.password.setEnabled(not waiting)
        self.open_button.setEnabled(not waiting)
        if waiting:
            self.wait.setText(_("Wait {seconds} seconds before the next try.").format(seconds=math.ceil(left)))
            self.wait.show()
        else:
            self.wait.hide()
            self.timer.stop()
            self.password.setFocus()


def ask_for_key(path: str | Path, parent: QWidget | None = None) -> DatabaseKey | None:
    """The key of the encrypted database at ``path``, or ``None`` when the user closed the window."""
    dialog = UnlockDialog(path, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.key
