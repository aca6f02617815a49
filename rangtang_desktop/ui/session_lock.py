"""Who is at the window: the logged-in user's name, "Switch user…" for a shared village computer,
"Lock", and the automatic lock after the county's ``auto_lock_minutes`` without use.

``IdleWatcher`` is an application-wide event filter that notes the time of the last key press, mouse
click, mouse move or wheel turn. ``SessionGuard`` locks the main window by hiding its content under
a cover that asks for the same user's password again (or lets another user log in). The services
(``services.users``) check the passwords and record login, switch, lock and unlock in the audit log.
Locking needs a password to come back to: a user without one is never locked out.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QPushButton, QVBoxLayout, QWidget

from ..i18n import _
from ..services import county_settings, users
from ..services.changes import Changes
from .dialogs.login_dialog import LoginDialog, LoginPanel
from .env import UiEnv

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
})
CHECK_MS = 5000


class IdleWatcher(QObject):
    """Emits ``idle`` once ``timeout_s`` seconds pass without user input (0: never)."""

    idle = Signal()

    def __init__(self, timeout_s: float, parent: QObject | None = None, *, check_ms: int = CHECK_MS, clock=time.monotonic):
        super().__init__(parent)
        self.timeout_s = timeout_s
        self._clock = clock
        self.last_input = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in INPUT_EVENTS:
            self.last_input = self._clock()
        return False

    def check(self) -> None:
        if self.timeout_s > 0 and self._clock() - self.last_input >= self.timeout_s:
            self.last_input = self._clock()
            self.idle.emit()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockCover(QWidget):
    """Covers the whole window while it is locked."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("lock_cover")
        self.setAutoFillBackground(True)
        self.box = QVBoxLayout(self)
        self.box.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()


class SessionGuard(QObject):
    """The user shown in the status bar, switching, locking; attach one to the main window."""

    changed = Signal(object)  # Changes after a switch

    def __init__(self, window: QMainWindow, env: UiEnv, *, timeout_s: float | None = None, check_ms: int = CHECK_MS):
        super().__init__(window)
        self.window, self.env = window, env
        self.locked = False
        self.who = QLabel()
        self.who.setObjectName("current_user")
        self.switch_button = QPushButton(_("Switch user…"))
        self.switch_button.setObjectName("switch_user")
        self.switch_button.setFlat(True)
        self.switch_button.clicked.connect(self.ask_switch)
        self.lock_button = QPushButton(_("Lock"))
        self.lock_button.setObjectName("lock_now")
        self.lock_button.setFlat(True)
        self.lock_button.clicked.connect(lambda: self.lock(idle=False))
        for widget in (self.who, self.switch_button, self.lock_button):
            window.statusBar().addPermanentWidget(widget)
        self.cover = LockCover(window)
        self.cover_text = QLabel()
        self.cover_text.setObjectName("lock_text")
        self.cover_text.setWordWrap(True)
        self.cover.box.addWidget(self.cover_text)
        self.panel: LoginPanel | None = None
        cover_switch = QPushButton(_("Switch user…"))
        cover_switch.setObjectName("lock_switch_user")
        cover_switch.clicked.connect(self.ask_switch)
        self.cover.box.addWidget(cover_switch)
        self._own_timeout = timeout_s
        self.watcher = IdleWatcher(self._timeout(), self, check_ms=check_ms)
        self.watcher.idle.connect(lambda: self.lock(idle=True))
        window.installEventFilter(self)
        self.refresh()

    def _timeout(self) -> float:
        if self._own_timeout is not None:
            return self._own_timeout
        return county_settings.load(self.env.ws).auto_lock_minutes * 60.0

    def on_changes(self, changes: Changes) -> None:
        if changes.settings:
            self.watcher.timeout_s = self._timeout()
        self.refresh()

    def refresh(self) -> None:
        me = users.current_user(self.env.ws)
        self.who.setText(me.display_name if me and me.display_name else "")
        can_lock = bool(me and me.has_password)
        self.lock_button.setVisible(can_lock)
        self.switch_button.setVisible(len(self._choices()) > 1 or not can_lock and bool(self._choices()))

    def _choices(self) -> list[tuple[str, str]]:
        return [(u.user_id, u.display_name) for u in users.list_users(self.env.ws) if u.has_password]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.window and event.type() == QEvent.Type.Resize and self.locked:
            self.cover.setGeometry(self.window.rect())
        return False

    # -- locking ---------------------------------------------------------------------------------

    def lock(self, *, idle: bool) -> None:
        """Cover the window until the same user's password is typed (or another user logs in)."""
        me = users.current_user(self.env.ws)
        if self.locked or me is None or not me.has_password:
            return
        users.lock(self.env.ws, idle=idle)
        self.locked = True
        if self.panel is not None:
            self.panel.deleteLater()
        self.panel = LoginPanel(
            [(me.user_id, me.display_name)], lambda _user, password: users.unlock_session(self.env.ws, password),
            lambda _result: self.unlock(), _("Type your password to go on."), self.cover, button=_("Unlock"),
        )
        self.panel.setObjectName("lock_panel")
        self.cover.box.insertWidget(1, self.panel)
        self.cover_text.setText(_("The window is locked.") + "\n" + (me.display_name or ""))
        self.window.centralWidget().hide()
        self.cover.setGeometry(self.window.rect())
        self.cover.show()
        self.cover.raise_()
        self.panel.password.setFocus()

    def unlock(self) -> None:
        self.locked = False
        self.cover.hide()
        self.window.centralWidget().show()
        self.watcher.last_input = self.watcher._clock()

    # -- switching -------------------------------------------------------------------------------

    def ask_switch(self) -> None:
        """Another user of this computer logs in; the pages redraw for them (their groups, their role)."""
        ws = self.env.ws
        dialog = LoginDialog(
            self._choices(), lambda user_id, password: users.switch_user(ws, user_id, password),
            _("Choose your name and type your password."), self.window, title=_("Switch user"),
        )
        if dialog.exec() != LoginDialog.DialogCode.Accepted:
            return
        if self.locked:
            self.unlock()
        self.refresh()
        self.env.publish(dialog.result_value)

    def stop(self) -> None:
        self.watcher.stop()
