"""The password window at start-up: the right password opens, a wrong one says so and the next try
waits longer each time, Cancel closes the program cleanly; nothing is changed by any of it."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from rangtang_desktop.services import unlock
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import keyfile
from rangtang_desktop.ui.dialogs.unlock_dialog import UnlockDialog

PASSWORD = "雪山-2025"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def encrypted_db(tmp_path):
    path = tmp_path / "village.sqlite3"
    open_workspace(path, create=True, password=PASSWORD).close()
    return path


def files_of(path):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in path.parent.iterdir() if p.is_file()}


def test_right_password_opens(qtbot, encrypted_db):
    """Typing the right password and pressing Open accepts the window with the database's key, which opens the workspace."""
    dialog = UnlockDialog(encrypted_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(PASSWORD)
    dialog.open_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.key is not None and dialog.key.key_id == keyfile.read(encrypted_db).key_id
    assert dialog.password.text() == ""
    with open_workspace(encrypted_db, key=dialog.key) as ws:
        assert ws.encrypted


def test_wrong_password_shows_the_message_and_the_next_try_waits(qtbot, encrypted_db):
    """A wrong password shows the two-part message; from the second one the field and Open wait 2, then 4 seconds; files never change."""
    before = files_of(encrypted_db)
    clock = Clock()
    dialog = UnlockDialog(encrypted_db, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("wrong")
    dialog.open_button.click()
    assert dialog.message.isVisible() and dialog.message.text()
    assert dialog.open_button.isEnabled() and not dialog.wait.isVisible()  # the first slip costs nothing
    assert dialog.password.text() == "" and dialog.result() != QDialog.DialogCode.Accepted

    dialog.password.setText("wrong again")
    dialog.open_button.click()
    assert not dialog.open_button.isEnabled() and not dialog.password.isEnabled()
    assert dialog.wait.isVisible() and "2" in dialog.wait.text()
    dialog.password.setText(PASSWORD)
    dialog.try_open()  # Enter while waiting does nothing
    assert dialog.key is None
    clock.now += 2.1
    dialog.tick()
    assert dialog.open_button.isEnabled() and not dialog.wait.isVisible()

    dialog.password.setText("third")
    dialog.open_button.click()
    assert dialog.backoff.wait_left() == pytest.approx(4.0)
    clock.now += 4.1
    dialog.tick()
    dialog.password.setText(PASSWORD)
    dialog.open_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert files_of(encrypted_db) == before


def test_too_many_wrong_passwords_stop_the_window_but_lose_nothing(qtbot, encrypted_db):
    """After the last allowed try the window stops asking and says what to do; the database still opens with its password."""
    before = files_of(encrypted_db)
    clock = Clock()
    dialog = UnlockDialog(encrypted_db, clock=clock)
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(unlock.MAX_ATTEMPTS):
        clock.now += 120
        dialog.tick()
        dialog.password.setText("wrong")
        dialog.open_button.click()
    assert dialog.backoff.exhausted
    assert not dialog.open_button.isEnabled() and not dialog.password.isEnabled()
    assert dialog.message.text() and dialog.cancel_button.isEnabled()
    assert files_of(encrypted_db) == before
    open_workspace(encrypted_db, password=PASSWORD).close()


def test_cancel_closes_the_window_without_a_key(qtbot, encrypted_db):
    """Cancel rejects the window; there is no key."""
    dialog = UnlockDialog(encrypted_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.cancel_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.key is None


def test_missing_keys_file_is_said_in_the_window(qtbot, encrypted_db):
    """Without its keys file the window says so and offers no password field to try."""
    keyfile.path_for(encrypted_db).unlink()
    dialog = UnlockDialog(encrypted_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText(PASSWORD)
    dialog.open_button.click()
    assert dialog.message.isVisible() and keyfile.path_for(encrypted_db).name in dialog.message.text()
    assert not dialog.open_button.isEnabled()


def test_start_up_asks_for_the_password_and_cancel_exits_cleanly(qtbot, encrypted_db):
    """run_gui on an encrypted database shows the password (login) window first; Cancel ends the program with exit code 0 and opens nothing."""
    from rangtang_desktop.ui.app import run_gui
    from rangtang_desktop.ui.dialogs.login_dialog import LoginDialog

    seen = []

    def cancel_when_shown():
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, (UnlockDialog, LoginDialog)) and w.isVisible()]
        if not found:
            QTimer.singleShot(20, cancel_when_shown)
            return
        seen.append(found[0])
        found[0].cancel_button.click()

    before = files_of(encrypted_db)
    QTimer.singleShot(0, cancel_when_shown)
    assert run_gui(encrypted_db) == 0
    assert seen
    assert files_of(encrypted_db) == before
