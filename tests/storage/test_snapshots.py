"""Snapshots on real temporary databases: a consistent, checked, labelled copy written atomically;
a failing write leaves the earlier snapshots and no temporary file; the pre-migration copy is a
snapshot."""

from __future__ import annotations

import errno
import json
import os
import sqlite3

import pytest
import sqlite_utils

from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import snapshots
from rangtang_desktop.storage.database import APPLICATION_ID
from rangtang_desktop.storage.migrations import SCHEMA_VERSION, migrations
from rangtang_desktop.storage.snapshots import BackupCheckFailed, BackupDiskFull, NotABackup
from tests.services.backup_support import VILLAGE, add_household, files_in, rows, village_laptop


@pytest.fixture
def laptop(tmp_path):
    ws = village_laptop(tmp_path / "village.sqlite3")
    yield ws
    ws.close()


def test_snapshot_is_a_checked_labelled_copy_of_every_row(laptop, tmp_path):
    """The snapshot holds every row of the database, says whose it is and why it was taken, and is one
    self-contained file (rollback journal, nothing beside it)."""
    snapshot = snapshots.take_snapshot(laptop.db.conn, laptop.path, "daily")
    assert snapshot.path.parent == tmp_path / "backups"
    assert snapshots.parse_name(snapshot.path, "village") == snapshot
    assert files_in(tmp_path / "backups") == [snapshot.path.name]
    described = snapshots.describe(snapshot.path)
    assert described.ok and described.reason == "daily"
    assert described.identity.node_id == laptop.node_id
    assert described.identity.unit_code == VILLAGE
    assert described.identity.schema_version == SCHEMA_VERSION
    with snapshots.read_only(snapshot.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        label = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()[0])
    assert label["node_id"] == laptop.node_id and label["schema_version"] == SCHEMA_VERSION
    copied = [line for line in rows(snapshot.path) if "'snapshot'" not in line]
    assert copied == rows(laptop.path)


def test_snapshot_is_consistent_while_another_connection_writes(laptop):
    """A snapshot holds the last commit, not a write still in progress on another connection."""
    other = open_workspace(laptop.path)
    try:
        other.db.conn.execute("BEGIN IMMEDIATE")
        other.db.conn.execute("INSERT INTO meta (key, value) VALUES ('half-written', 'x')")
        snapshot = snapshots.take_snapshot(laptop.db.conn, laptop.path, "daily")
        other.db.conn.execute("ROLLBACK")
    finally:
        other.close()
    assert not any("half-written" in line for line in rows(snapshot.path))


@pytest.mark.parametrize("broken", ["replace", "fsync"])
def test_full_disk_keeps_the_old_snapshots_and_leaves_no_temporary_file(laptop, tmp_path, monkeypatch, broken):
    """ENOSPC while the snapshot is synced or renamed: a clear error, the earlier snapshots as they were,
    and nothing else in the folder."""
    first = snapshots.take_snapshot(laptop.db.conn, laptop.path, "daily")
    before = (files_in(tmp_path / "backups"), first.path.read_bytes())

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, broken, full)
    with pytest.raises(BackupDiskFull) as caught:
        snapshots.take_snapshot(laptop.db.conn, laptop.path, "manual")
    monkeypatch.undo()
    assert (files_in(tmp_path / "backups"), first.path.read_bytes()) == before
    assert "MB" in str(caught.value)


def test_too_little_free_space_is_refused_before_writing(laptop, tmp_path, monkeypatch):
    """A snapshot that would fill the disk (and leave the live database no room) is not started."""
    usage = snapshots.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(snapshots.shutil, "disk_usage", lambda _p: usage._replace(free=10 * 1024 * 1024))
    with pytest.raises(BackupDiskFull):
        snapshots.take_snapshot(laptop.db.conn, laptop.path, "daily")
    assert files_in(tmp_path / "backups") == []


def test_a_copy_that_fails_its_check_is_not_kept(laptop, tmp_path, monkeypatch):
    """When the copy fails integrity_check, no snapshot is kept and the next start-up runs the full check."""
    monkeypatch.setattr(snapshots, "check", lambda _conn, _pragma="integrity_check", limit=20: ("row 3 missing from index",))
    with pytest.raises(BackupCheckFailed):
        snapshots.take_snapshot(laptop.db.conn, laptop.path, "daily")
    assert files_in(tmp_path / "backups") == [snapshots.check_failed_mark(laptop.path).name]


def test_copy_to_a_stick_is_verified_and_a_full_stick_leaves_nothing(laptop, tmp_path, monkeypatch):
    """The copy on the stick is byte for byte the snapshot; a full stick leaves no file there."""
    snapshot = snapshots.take_snapshot(laptop.db.conn, laptop.path, "manual")
    stick = tmp_path / "stick"
    stick.mkdir()
    copy = snapshots.copy_file_atomically(snapshot.path, stick)
    assert copy.read_bytes() == snapshot.path.read_bytes()
    copy.unlink()

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(BackupDiskFull):
        snapshots.copy_file_atomically(snapshot.path, stick)
    assert files_in(stick) == []


def test_describe_refuses_other_files(tmp_path):
    """A text file and another program's SQLite database are not backups."""
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path in (text, other, tmp_path / "missing.sqlite3"):
        with pytest.raises(NotABackup):
            snapshots.describe(path)


def test_snapshots_of_other_databases_in_the_folder_are_not_listed(laptop, tmp_path):
    """Only this database's snapshots are listed, newest first; stray files are ignored."""
    first = snapshots.take_snapshot(laptop.db.conn, laptop.path, "daily")
    add_household(laptop)
    second = snapshots.take_snapshot(laptop.db.conn, laptop.path, "before-import")
    folder = tmp_path / "backups"
    (folder / "village2.20250101-000000-000.daily.sqlite3").write_bytes(b"")
    (folder / "village.notes.txt").write_text("x", encoding="utf-8")
    assert [s.path for s in snapshots.list_snapshots(folder, "village")] == [second.path, first.path]


def test_migration_takes_a_snapshot_first(tmp_path):
    """Opening a database of an older schema snapshots it (labelled with its old version) before migrating."""
    path = tmp_path / "old.sqlite3"
    db = sqlite_utils.Database(path)
    last = migrations._migrations[-1].name
    migrations.apply(db, stop_before=last)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.close()
    before = rows(path)
    ws = open_workspace(path)
    ws.close()
    [snapshot] = snapshots.list_snapshots(tmp_path / "backups", "old")
    assert snapshot.reason == "before-migration"
    described = snapshots.describe(snapshot.path)
    assert described.ok and described.identity.schema_version == SCHEMA_VERSION - 1
    assert [line for line in rows(snapshot.path) if "'snapshot'" not in line] == before
