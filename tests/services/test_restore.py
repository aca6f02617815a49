"""Restoring backups and the start-up check, on real temporary databases: a backup restores exactly
the rows it holds and keeps the database it replaces; another village's or computer's backup and a
newer version's are refused with the database unchanged; a damaged database is found at start-up,
the newest good backup is offered, and the damaged file is kept, never deleted."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from rangtang_desktop.core.errors import DatabaseBusy
from rangtang_desktop.i18n import render
from rangtang_desktop.services import backups, restore
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import snapshots
from rangtang_desktop.storage.migrations import SCHEMA_VERSION
from rangtang_desktop.storage.snapshots import BackupDamaged, BackupWriteFailed
from tests.services.backup_support import OTHER_VILLAGE, VILLAGE, add_household, damage, files_in, rows, village_laptop


@pytest.fixture
def laptop(tmp_path):
    ws = village_laptop(tmp_path / "village.sqlite3")
    yield ws
    ws.close()


def backup_of(ws, reason: str = "daily") -> Path:
    return backups.take(ws, reason).path


def unchanged(path: Path):
    """The rows of a database and the backups beside it, for before/after comparisons."""
    return rows(path), files_in(path.parent / "backups")


def test_a_backup_restores_exactly_its_rows_and_keeps_the_database_it_replaces(laptop):
    """After restoring, the database holds byte for byte the rows of the backup; the database as it
    was is the newest backup, and it opens again."""
    path = Path(laptop.path)
    at_backup = rows(path)
    backup = backup_of(laptop)
    add_household(laptop, name="扎西家")
    later = rows(path)
    laptop.close()
    result = restore.restore(path, backup)
    assert rows(path) == at_backup
    assert not result.damaged and result.kept is not None
    assert result.kept == backups.list_backups(path)[0].path
    assert [line for line in rows(result.kept) if "'snapshot'" not in line] == later
    assert [p for p in files_in(path.parent) if p.endswith(".tmp")] == []
    open_workspace(path).close()


def test_check_says_what_a_backup_is_without_changing_anything(laptop):
    """The wizard's check reads the backup and the database and changes neither."""
    backup = backup_of(laptop)
    before = unchanged(Path(laptop.path))
    check = restore.check_backup(laptop.path, backup)
    assert check.identity.node_id == laptop.node_id and check.description.reason == "daily"
    assert not check.upgrade_needed and not check.other_computer
    assert unchanged(Path(laptop.path)) == before


def test_another_villages_backup_is_refused(laptop, tmp_path):
    """A backup of another village's computer is refused with a two-part message; nothing changes."""
    (tmp_path / "elsewhere").mkdir()
    other = village_laptop(tmp_path / "elsewhere" / "village.sqlite3", OTHER_VILLAGE)
    foreign = backup_of(other)
    other.close()
    path = Path(laptop.path)
    laptop.close()
    before = unchanged(path)
    with pytest.raises(restore.BackupOfAnotherUnit) as caught:
        restore.restore(path, foreign)
    assert OTHER_VILLAGE in render(caught.value.headline_message()) and VILLAGE in render(caught.value.headline_message())
    assert render(caught.value.advice_message())
    assert unchanged(path) == before
    with pytest.raises(restore.BackupOfAnotherUnit):
        restore.check_backup(path, foreign)


def test_another_computers_backup_of_the_same_village_is_refused(laptop, tmp_path):
    """Two computers of one village: restoring one's backup on the other would clone it; refused."""
    (tmp_path / "second").mkdir()
    second = village_laptop(tmp_path / "second" / "village.sqlite3", VILLAGE)
    foreign = backup_of(second)
    second.close()
    path = Path(laptop.path)
    laptop.close()
    before = unchanged(path)
    with pytest.raises(restore.BackupOfAnotherComputer):
        restore.restore(path, foreign)
    assert unchanged(path) == before


def test_a_new_empty_database_takes_another_computers_backup(laptop, tmp_path):
    """Setting up a replacement laptop: a database that holds nothing yet takes the village's backup."""
    backup = backup_of(laptop)
    (tmp_path / "new").mkdir()
    fresh = tmp_path / "new" / "rangtang.sqlite3"
    open_workspace(fresh, create=True).close()
    check = restore.check_backup(fresh, backup)
    assert check.other_computer
    restore.restore(fresh, backup)
    with open_workspace(fresh) as ws:
        assert ws.node_id == laptop.node_id
    missing = tmp_path / "new" / "other.sqlite3"
    restore.restore(missing, backup)  # no database at all yet
    assert snapshots.describe(missing).identity.node_id == laptop.node_id


def test_a_backup_from_a_newer_version_is_refused(laptop):
    """A backup with a migration this program does not know is refused, saying both versions."""
    backup = backup_of(laptop)
    conn = sqlite3.connect(backup)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('rangtang', 'm999_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    path = Path(laptop.path)
    laptop.close()
    before = unchanged(path)
    with pytest.raises(restore.BackupTooNew) as caught:
        restore.restore(path, backup)
    assert caught.value.params == {"found": SCHEMA_VERSION + 1, "supported": SCHEMA_VERSION}
    assert unchanged(path) == before


def test_the_database_itself_is_not_a_backup(laptop):
    """Choosing the live database file as the backup is refused."""
    path = Path(laptop.path)
    laptop.close()
    with pytest.raises(snapshots.NotABackup):
        restore.restore(path, path)


def test_a_damaged_backup_is_refused(laptop):
    """A backup that fails integrity_check is not restored."""
    backup = backup_of(laptop)
    damage(backup, range(3, 6))
    path = Path(laptop.path)
    laptop.close()
    before = rows(path)
    with pytest.raises(BackupDamaged):
        restore.restore(path, backup)
    assert rows(path) == before


def test_a_failing_rename_leaves_the_database_and_no_temporary_file(laptop, tmp_path, monkeypatch):
    """ENOSPC when the checked copy is renamed over the database: the database is as it was, and the
    folder holds no temporary file."""
    backup = backup_of(laptop)
    add_household(laptop, name="扎西家")
    path = Path(laptop.path)
    laptop.close()
    before = rows(path)
    real_replace = os.replace

    def replace(source, target):
        if Path(target) == path:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(BackupWriteFailed):
        restore.restore(path, backup)
    monkeypatch.undo()
    assert rows(path) == before
    assert [p for p in files_in(tmp_path) if p.endswith(".tmp")] == []


def test_a_database_another_program_has_open_is_not_replaced(laptop):
    """While another connection holds the database, the restore stops and changes nothing."""
    backup = backup_of(laptop)
    add_household(laptop, name="扎西家")
    before = rows(Path(laptop.path))
    with pytest.raises(DatabaseBusy):
        restore.restore(laptop.path, backup)
    assert rows(Path(laptop.path)) == before


def test_a_healthy_database_passes_the_startup_check(laptop, monkeypatch):
    """integrity_check at start-up for a small database, quick_check for a large one; after a backup
    failed its check, the full integrity_check whatever the size."""
    path = Path(laptop.path)
    laptop.close()
    health = restore.integrity_at_startup(path)
    assert health.ok and health.check == "integrity_check"
    monkeypatch.setattr(restore, "FULL_CHECK_BYTES", 1024)
    health = restore.integrity_at_startup(path)
    assert health.ok and health.check == "quick_check"
    mark = snapshots.check_failed_mark(path)
    mark.parent.mkdir(exist_ok=True)
    mark.write_text("x", encoding="utf-8")
    health = restore.integrity_at_startup(path)
    assert health.ok and health.check == "integrity_check"
    assert not mark.exists()


def test_a_damaged_database_is_found_and_the_newest_good_backup_offered(laptop):
    """Pages overwritten with garbage are found at start-up; the newest backup that passes its check
    is offered (a newer damaged one is passed over); restoring it keeps the damaged file renamed."""
    path = Path(laptop.path)
    good = backup_of(laptop, "daily")
    good_rows = [line for line in rows(good) if "'snapshot'" not in line]
    add_household(laptop, name="扎西家")
    newer = backup_of(laptop, "before-import")
    laptop.close()
    damage(newer, range(3, 6))
    damage(path)
    damaged_bytes = path.read_bytes()
    health = restore.integrity_at_startup(path)
    assert not health.ok and health.problems
    assert health.newest_good is not None and health.newest_good.path == good
    result = restore.restore(path, health.newest_good.path)
    assert result.damaged
    assert result.kept.parent == path.parent and ".damaged-" in result.kept.name
    assert result.kept.read_bytes() == damaged_bytes
    assert rows(path) == good_rows
    assert restore.integrity_at_startup(path).ok


def test_a_destroyed_first_page_is_found_when_backups_exist(laptop):
    """A database whose header is garbage is damaged when it has backups (and only then)."""
    path = Path(laptop.path)
    backup_of(laptop)
    laptop.close()
    damage(path, range(1, 2))
    health = restore.integrity_at_startup(path)
    assert not health.ok and health.newest_good is not None
    for snapshot in backups.list_backups(path):
        snapshot.path.unlink()
    assert restore.integrity_at_startup(path).ok  # not recognisable as ours: opening it says so


def test_no_good_backup_means_nothing_to_offer(laptop):
    """A damaged database without backups: the check fails and offers nothing."""
    path = Path(laptop.path)
    laptop.close()
    damage(path)
    health = restore.integrity_at_startup(path)
    assert not health.ok and health.newest_good is None
