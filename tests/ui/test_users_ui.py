"""Users in the window (issue 7 part 2): the login window, switching user, the automatic lock after
idle time, and a grid worker's register holding only their village groups."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from rangtang_desktop.core import records
from rangtang_desktop.services import audit, register, users
from rangtang_desktop.ui.dialogs.login_dialog import LoginDialog, login_dialog

from .conftest import GROUP, VILLAGE, small_register, window_on

OTHER_GROUP = VILLAGE + "002"


@pytest.fixture
def village(tmp_path):
    """The small register with a second household in another group, a director and a grid worker of the first group."""
    from rangtang_desktop.storage.database import write_transaction
    from rangtang_desktop.storage.reference import Unit, store_units

    ws, people = small_register(tmp_path / "ui.sqlite3")
    with write_transaction(ws.db):
        store_units(ws.db, [Unit(OTHER_GROUP, "group", VILLAGE, "二组", "ཚོ་ཆུང་གཉིས་པ", is_demo=True)])
    register.save(ws, records.Household(village_code=VILLAGE, group_code=OTHER_GROUP, house_name_zh="多吉仓"))
    users.setup_first_user(ws, "卓玛", "director-1")
    worker = users.create_user(ws, "扎西", "grid_worker", groups=[GROUP], password="worker-1")
    yield ws, worker
    ws.close()


def choose(dialog: LoginDialog, user_id: str, password: str) -> None:
    panel = dialog.panel
    panel.user.setCurrentIndex(panel.user.findData(user_id))
    panel.password.setText(password)
    panel.ok.click()


def test_the_login_window_lets_the_right_user_in(qtbot, village):
    """A wrong password says so and keeps the window open; the right one accepts it with the user."""
    ws, worker = village
    dialog = login_dialog(ws.path)
    qtbot.addWidget(dialog)
    assert dialog.panel.user.count() == 2
    choose(dialog, worker.user_id, "director-1")
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.panel.message.isVisibleTo(dialog)
    choose(dialog, worker.user_id, "worker-1")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_value.user.user_id == worker.user_id


def test_switching_user_changes_the_author_and_the_register(qtbot, qapp, village, monkeypatch):
    """After "Switch user…" the grid worker sees only their group's household, and is the acting user."""
    ws, worker = village

    def answer(dialog):
        choose(dialog, worker.user_id, "worker-1")
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", answer)
    with window_on(qapp, ws, "zh") as ctl:
        page = ctl.window.pages["register"]
        assert page.table.model().rowCount() == 2
        ctl.window.session.switch_button.click()
        assert ctl.ws.user_id == worker.user_id
        assert ctl.window.session.who.text() == "扎西"
        assert page.table.model().rowCount() == 1
        assert audit.entries(ctl.ws, limit=1)[0]["action"] == "switch_user"


def test_the_window_locks_after_idle_time_and_opens_with_the_password(qtbot, qapp, village):
    """A short idle timeout covers the window; a wrong password keeps it covered; the right one uncovers it."""
    ws, _worker = village
    with window_on(qapp, ws, "bo") as ctl:
        guard = ctl.window.session
        guard.watcher.timeout_s = 0.05
        guard.watcher.timer.setInterval(20)
        qtbot.waitUntil(lambda: guard.locked, timeout=3000)
        assert guard.cover.isVisible() and not ctl.window.centralWidget().isVisible()
        assert audit.entries(ctl.ws, limit=1)[0]["action"] == "lock"
        guard.watcher.timeout_s = 0  # no second lock while the test types
        guard.panel.password.setText("worker-1")
        guard.panel.ok.click()
        assert guard.locked
        guard.panel.password.setText("director-1")
        guard.panel.ok.click()
        assert not guard.locked and ctl.window.centralWidget().isVisible()
        assert audit.entries(ctl.ws, limit=1)[0]["action"] == "unlock"


def test_a_user_without_a_password_is_never_locked(qtbot, qapp, register_data):
    """No password to come back with: no lock."""
    ws, _people = register_data
    with window_on(qapp, ws, "zh") as ctl:
        ctl.window.session.lock(idle=True)
        assert not ctl.window.session.locked


def test_the_users_box_is_for_directors_only(qtbot, qapp, village, monkeypatch):
    """The settings page shows the users to a director, not to a grid worker."""
    ws, worker = village
    with window_on(qapp, ws, "zh") as ctl:
        box = ctl.window.pages["settings"].users
        assert not box.isHidden() and box.list.count() == 2
        monkeypatch.setattr(LoginDialog, "exec", lambda d: (choose(d, worker.user_id, "worker-1"), d.result())[1])
        ctl.window.session.switch_button.click()
        assert box.isHidden()


def test_a_grid_worker_is_not_shown_what_the_role_may_not_use(qtbot, qapp, village, monkeypatch):
    """After switching to a grid worker, the Exchange area and the settings groups for county
    settings, visitors, backups and the audit log are hidden, and the window leaves the Exchange area."""
    ws, worker = village
    with window_on(qapp, ws, "bo") as ctl:
        window = ctl.window
        exchange_item = window.nav.item(list(window.pages).index("exchange"))
        settings = window.pages["settings"]
        groups = (settings.county, settings.visitors, settings.backups, settings.audit)
        window.show_area("exchange")
        assert not exchange_item.isHidden() and not any(g.isHidden() for g in groups)
        monkeypatch.setattr(LoginDialog, "exec", lambda d: (choose(d, worker.user_id, "worker-1"), d.result())[1])
        window.session.switch_button.click()
        assert exchange_item.isHidden() and all(g.isHidden() for g in groups)
        assert window.current_area() == "dashboard"
