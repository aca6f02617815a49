"""The backups in the window: the settings group lists them and backs up to a folder; the restore
dialog checks a backup, refuses a foreign one, and on confirmation the controller restores it and
reopens the database; at start-up a damaged database is not opened and the newest good backup is
offered instead. Message boxes answer at once (``no_modal``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from rangtang_desktop.i18n import render
from rangtang_desktop.services import backups, register_lists
from rangtang_desktop.services.restore import BackupOfAnotherUnit
from rangtang_desktop.ui.dialogs.damaged_database import check_at_startup
from rangtang_desktop.ui.widgets.backups_box import BackupsBox
from tests.services.backup_support import OTHER_VILLAGE, add_household, damage, files_in, rows, village_laptop


def backups_box(controller) -> BackupsBox:
    controller.window.show_area("settings")
    box = controller.window.findChild(BackupsBox)
    assert box is not None
    return box


def test_settings_group_lists_the_backups(controller, qtmodeltester):
    """The group shows every backup of the database with when, why and size; its model is sound."""
    backups.take(controller.ws, "daily")
    backups.take(controller.ws, "before-import")
    box = backups_box(controller)
    box.reload()
    assert box.model.rowCount() == 2
    assert box.model.row_at(0).reason == "before-import"
    assert all(box.model.index(0, c).data() for c in range(box.model.columnCount()))
    qtmodeltester.check(box.model)


def test_daily_backup_from_the_window_once_a_day(controller):
    """The controller's daily backup is taken once and not again the same day."""
    controller.daily_backup()
    controller.daily_backup()
    assert [s.reason for s in backups.list_backups(controller.ws.path)] == ["daily"]
    assert backups_box(controller).model.rowCount() == 1


def test_back_up_to_a_chosen_folder(controller, tmp_path, monkeypatch, no_modal):
    """"Back up now to a USB stick or folder" writes a fresh backup there and says where."""
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(stick))
    box = backups_box(controller)
    box.to_usb.click()
    [copy] = list(stick.iterdir())
    [snapshot] = backups.list_backups(controller.ws.path)
    assert copy.read_bytes() == snapshot.path.read_bytes()
    assert box.model.rowCount() == 1 and box.to_usb.isEnabled()
    assert any(str(copy) in " ".join(map(str, shown)) for shown in no_modal)


def test_restore_through_the_dialog_reopens_the_database(controller, no_modal):
    """Choose a backup, see it checked, confirm: the database is restored and reopened, and the window
    shows the restored register."""
    ws = controller.ws
    backup = backups.take(ws, "daily")
    counts_then = register_lists.counts(ws)
    add_household(ws, name="扎西家")
    assert register_lists.counts(ws) != counts_then
    old_window = controller.window
    dialog = backups_box(controller).open_restore()
    assert not dialog.restore_button.isEnabled()
    dialog.table.selectRow([s.path for s in dialog.model._rows].index(backup.path))
    assert dialog.check is not None and dialog.check.path == backup.path
    assert dialog.restore_button.isEnabled()
    assert dialog.confirm()
    assert controller.window is not old_window and controller.ws is not ws
    try:
        assert register_lists.counts(controller.ws) == counts_then
        assert backups.list_backups(controller.ws.path)[0].reason == "before-restore"
        assert len(no_modal) == 2  # the confirmation, then "restored"
        assert controller.window.findChild(BackupsBox).model.rowCount() == 2
    finally:
        controller.window.close()


def test_a_foreign_backup_is_refused_in_the_dialog(controller, tmp_path):
    """Another village's backup fails the check: the dialog says why and offers no restore."""
    (tmp_path / "other").mkdir()
    other = village_laptop(tmp_path / "other" / "village.sqlite3", OTHER_VILLAGE)
    foreign = backups.take(other, "manual").path
    other.close()
    dialog = backups_box(controller).open_restore()
    dialog.choose(foreign)
    assert dialog.check is None and not dialog.restore_button.isEnabled()
    expected = BackupOfAnotherUnit(found=OTHER_VILLAGE, here="—")  # this test laptop has no unit set
    assert render(expected.headline_message()) in dialog.result.text()
    dialog.reject()


@pytest.fixture
def damaged_laptop(tmp_path, qapp):
    """A village database with one good backup, then more work, then pages overwritten with garbage."""
    from rangtang_desktop.ui.app import prepare_application

    prepare_application("zh")
    path = tmp_path / "village.sqlite3"
    ws = village_laptop(path)
    good = backups.take(ws, "daily")
    add_household(ws, name="扎西家")
    ws.close()
    damage(path)
    return path, good


def test_damaged_database_at_startup_offers_the_newest_good_backup(damaged_laptop, no_modal):
    """The start-up check finds the damage, offers the backup, restores it on yes and keeps the
    damaged file renamed beside the database."""
    path, good = damaged_laptop
    damaged_bytes = path.read_bytes()
    assert check_at_startup(path, synchronous=True)
    offer, done = no_modal
    assert str(path) in offer[0]
    assert [line for line in rows(good.path) if "'snapshot'" not in line] == rows(path)
    [kept] = [name for name in files_in(path.parent) if ".damaged-" in name and name.endswith(".sqlite3")]
    assert (path.parent / kept).read_bytes() == damaged_bytes
    assert kept in done[1]


def test_declining_the_offer_opens_nothing_and_changes_nothing(damaged_laptop, monkeypatch):
    """"Close the program": the damaged file stays as it was and no copy is made."""
    path, _good = damaged_laptop
    before = path.read_bytes()
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Cancel)
    assert not check_at_startup(path, synchronous=True)
    assert path.read_bytes() == before
    assert not [name for name in files_in(path.parent) if ".damaged-" in name]


def test_damaged_database_without_a_good_backup_is_explained(damaged_laptop, no_modal):
    """With no good backup, a two-part message says so and the database is not opened."""
    path, good = damaged_laptop
    good.path.unlink()
    assert not check_at_startup(path, synchronous=True)
    [(headline, advice)] = no_modal
    assert str(path) in headline and advice


def test_healthy_database_passes_the_startup_check(tmp_path, qapp, no_modal):
    """A sound database opens without any question."""
    path = tmp_path / "village.sqlite3"
    village_laptop(path).close()
    assert check_at_startup(Path(path), synchronous=True)
    assert no_modal == []
