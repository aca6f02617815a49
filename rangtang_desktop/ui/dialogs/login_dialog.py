"""The login window: who is there (the users who can log in) and their password. Used at start-up
(in place of the single password window when the database has users with passwords), for "Switch
user…" on a shared village computer, and to open a locked window again (the same user only).

The check itself is a service call handed in (``services.users``: ``authenticate``,
``switch_user``, ``unlock_session``); a wrong password waits as the password window does
(``services.unlock.Backoff``). Nothing is written by a wrong password.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
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
from ...services import unlock, users
from ...storage.keyfile import WrongPassword

TICK_MS = 250


class LoginPanel(QWidget):
    """A user list (or one fixed user) and a password; ``check(user_id, password)`` is tried on
    "Log in" and ``done`` is called with its result. The password window of an encrypted database
    without users is this panel with one hidden choice (``unlock_dialog``).

    From the second wrong password in a row the next try waits (2, 4, 8 … seconds, at most a
    minute: ``services.unlock.Backoff``); after ten the panel stops asking. An error a password
    cannot mend (no keys file, a damaged one) stops it too when there is no other user to choose."""

    def __init__(
        self, choices: list[tuple[str, str]], check: Callable[[str, str], Any], done: Callable[[Any], None],
        intro: str, parent: QWidget | None = None, *, button: str = "", clock=time.monotonic,
    ):
        super().__init__(parent)
        self.check, self.done = check, done
        self.backoff = unlock.Backoff(clock)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.user = QComboBox()
        self.user.setObjectName("login_user")
        for user_id, name in choices:
            self.user.addItem(name or _("(no name)"), user_id)
        self.user.setVisible(len(choices) > 1)
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("Password"))
        self.password.returnPressed.connect(self.try_login)
        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.wait = QLabel()
        self.wait.setObjectName("login_wait")
        self.wait.hide()
        self.ok = QPushButton(button or _("Log in"))
        self.ok.setObjectName("login_ok")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.try_login)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.user)
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(self.wait)
        layout.addWidget(self.ok)

    def user_id(self) -> str:
        return self.user.currentData() or ""

    def try_login(self) -> None:
        if not self.ok.isEnabled() or self.backoff.wait_left() > 0:
            return
        password = self.password.text()
        if not password:
            self.password.setFocus()
            return
        try:
            result = self.check(self.user_id(), password)
        except WrongPassword as error:
            self._wrong(error)
            return
        except RangtangError as error:
            self.password.clear()
            self._show(error)
            if self.user.count() <= 1:  # a password cannot mend it, and there is nobody else to choose
                self._stop()
            return
        self.password.clear()
        self.message.hide()
        self.backoff = unlock.Backoff(self.backoff._clock)
        self.done(result)

    def _wrong(self, error: WrongPassword) -> None:
        self.password.clear()
        self.backoff.failed()
        if self.backoff.exhausted:
            self.message.setText(
                _("Too many wrong passwords. Close the program and try again later, or ask the township to give the "
                  "database a new password. Nothing has been changed.")
            )
            self.message.show()
            self._stop()
            return
        self._show(error)
        self.tick()
        if self.backoff.wait_left() > 0:
            self.timer.start()

    def _stop(self) -> None:
        self.password.setEnabled(False)
        self.ok.setEnabled(False)
        self.wait.hide()
        self.timer.stop()

    def _show(self, error: RangtangError) -> None:
        self.message.setText(render(error.headline_message()) + "\n" + render(error.advice_message()))
        self.message.show()
        self._grow()

    def _grow(self) -> None:
        """Make the window tall enough for the wrapped message (a window does not grow by itself,
        and the lines were cut)."""
        window = self.window()
        window.layout().activate()
        needed = window.layout().totalHeightForWidth(window.width()) if window.layout() else -1
        if needed > window.height():
            window.resize(window.width(), needed)

    def tick(self) -> None:
        """Show the seconds left before the next try; allow it when they are over."""
        if self.backoff.exhausted:
            return
        left = self.backoff.wait_left()
        waiting = left > 0
        self.password.setEnabled(not waiting)
        self.ok.setEnabled(not waiting)
        if waiting:
            self.wait.setText(_("Wait {seconds} seconds before the next try.").format(seconds=math.ceil(left)))
            self.wait.show()
            self._grow()
        else:
            self.wait.hide()
            self.timer.stop()
            self.password.setFocus()


class LoginDialog(QDialog):
    """The login panel in a window; ``result_value`` holds the check's result once accepted."""

    def __init__(
        self, choices: list[tuple[str, str]], check: Callable[[str, str], Any], intro: str,
        parent: QWidget | None = None, *, title: str = "", cancel: str = "",
    ):
        super().__init__(parent)
        self.setObjectName("login")
        self.setWindowTitle(title or _("Log in"))
        self.result_value: Any = None
        self.panel = LoginPanel(choices, check, self._done, intro, self)
        buttons = QDialogButtonBox()
        self.cancel_button = buttons.addButton(cancel or _("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("login_cancel")
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        self.resize(420, 220)

    def _done(self, result: Any) -> None:
        self.result_value = result
        self.accept()


def login_dialog(path: str | Path, parent: QWidget | None = None) -> LoginDialog:
    path = Path(path)
    return LoginDialog(
        users.login_choices(path), lambda user_id, password: users.authenticate(path, user_id, password),
        _("Choose your name and type your password."), parent, cancel=_("Close the program"),
    )


def ask_for_login(path: str | Path, parent: QWidget | None = None) -> users.Authenticated | None:
    """At start-up: the checked user and the database key, or ``None`` when the window was closed."""
    dialog = login_dialog(path, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.result_value
