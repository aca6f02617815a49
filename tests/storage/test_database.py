"""Opening databases: pragmas of a new file, refusing files that are not ours or too new, and
SQLite failures turned into errors a user can act on."""

from __future__ import annotations

import os
import sqlite3

import pytest

from rangtang_desktop.core.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    NotOurDatabase,
)
from rangtang_desktop.storage.database import (
    APPLICATION_ID,
    DatabaseMissing,
    open_database,
    translate_sqlite_error,
    write_transaction,
)
from rangtang_desktop.storage.migrations import SCHEMA_VERSION, schema_version


def pragma(db, name):
    return db.execute(f"PRAGMA {name}").fetchone()[0]


def snapshot(folder):
    """Every file in a folder with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_new_database_gets_our_pragmas(tmp_path):
    """A new database is in WAL mode, with foreign keys on, synchronous FULL and our application id."""
    db = open_database(tmp_path / "new.sqlite3", create=True)
    try:
        assert pragma(db, "journal_mode") == "wal"
        assert pragma(db, "foreign_keys") == 1
        assert pragma(db, "synchronous") == 2
        assert pragma(db, "application_id") == APPLICATION_ID
        assert schema_version(db) == SCHEMA_VERSION
    finally:
        db.close()


def test_reopening_keeps_pragmas_and_data(tmp_path):
    """Reopening our database sets the per-connection pragmas again and keeps what was written."""
    path = tmp_path / "t.sqlite3"
    db = open_database(path, create=True)
    with write_transaction(db):
        db.execute("INSERT INTO meta (key, value) VALUES ('probe', 'kept')")
    db.close()
    db = open_database(path)
    try:
        assert pragma(db, "foreign_keys") == 1
        assert pragma(db, "synchronous") == 2
        assert db.execute("SELECT value FROM meta WHERE key = 'probe'").fetchone()[0] == "kept"
    finally:
        db.close()


def test_text_file_is_not_ours_and_stays_unchanged(tmp_path):
    """Opening a text file raises NotOurDatabase and leaves the folder exactly as it was."""
    path = tmp_path / "notes.txt"
    path.write_text("这不是数据库\n", encoding="utf-8")
    before = snapshot(tmp_path)
    with pytest.raises(NotOurDatabase):
        open_database(path, create=True)
    assert snapshot(tmp_path) == before


def test_other_sqlite_database_is_not_ours_and_stays_unchanged(tmp_path):
    """Opening another program's SQLite database raises NotOurDatabase and changes nothing."""
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (name TEXT)")
    conn.execute("INSERT INTO photos VALUES ('yak.jpg')")
    conn.commit()
    conn.close()
    before = snapshot(tmp_path)
    with pytest.raises(NotOurDatabase):
        open_database(path, create=True)
    assert snapshot(tmp_path) == before


def test_folder_is_not_a_database(tmp_path):
    """A folder chosen as the database is refused as not ours."""
    with pytest.raises(NotOurDatabase):
        open_database(tmp_path)


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_database_from_a_newer_version_is_refused_unchanged(tmp_path, journal_mode):
    """A database with a migration this code does not know raises DatabaseTooNew and stays byte for byte."""
    path = tmp_path / "t.sqlite3"
    open_database(path, create=True).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('rangtang', 'm999_from_the_future', '2030-01-01')"
    )
    conn.close()
    before = snapshot(tmp_path)
    with pytest.raises(DatabaseTooNew) as caught:
        open_database(path)
    assert caught.value.params == {"found": SCHEMA_VERSION + 1, "supported": SCHEMA_VERSION}
    assert snapshot(tmp_path) == before


def test_missing_file_without_create_raises_and_creates_nothing(tmp_path):
    """Opening a path where no file exists, without create, raises DatabaseMissing."""
    with pytest.raises(DatabaseMissing):
        open_database(tmp_path / "absent.sqlite3")
    assert list(tmp_path.iterdir()) == []


needs_permissions = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions"
)


@needs_permissions
def test_read_only_file_raises_database_read_only(tmp_path):
    """A database file without write permission raises DatabaseReadOnly and stays unchanged."""
    path = tmp_path / "t.sqlite3"
    open_database(path, create=True).close()
    path.chmod(0o444)
    try:
        before = path.read_bytes()
        with pytest.raises(DatabaseReadOnly):
            open_database(path)
        assert path.read_bytes() == before
    finally:
        path.chmod(0o644)


@needs_permissions
def test_new_database_in_read_only_folder_raises_database_read_only(tmp_path):
    """Creating a database in a folder without write permission raises DatabaseReadOnly."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(DatabaseReadOnly):
            open_database(folder / "t.sqlite3", create=True)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database or disk is full", DiskFull),
        ("attempt to write a readonly database", DatabaseReadOnly),
        ("database is locked", DatabaseBusy),
        ("file is not a database", NotOurDatabase),
        ("database disk image is malformed", DatabaseDamaged),
    ],
)
def test_translate_sqlite_error_by_message(message, expected):
    """SQLite's messages for full disks, read-only files, locks, foreign and damaged files map to our errors."""
    assert isinstance(translate_sqlite_error(sqlite3.OperationalError(message), "x.sqlite3"), expected)


def test_programming_errors_are_not_translated():
    """A mistake in our SQL is not turned into a user message."""
    assert translate_sqlite_error(sqlite3.OperationalError("no such table: nothing")) is None


def test_write_transaction_rolls_back_on_error(workspace):
    """Everything written inside a failed write transaction is undone."""
    with pytest.raises(RuntimeError), write_transaction(workspace.db):
        workspace.db.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')")
        raise RuntimeError("power cut")
    assert workspace.db.execute("SELECT count(*) FROM meta WHERE key = 'half'").fetchone()[0] == 0
    assert not workspace.db.conn.in_transaction


def test_nested_write_transaction_is_a_savepoint(workspace):
    """A failing inner write transaction undoes only its own part."""
    db = workspace.db
    with write_transaction(db):
        db.execute("INSERT INTO meta (key, value) VALUES ('outer', '1')")
        with pytest.raises(RuntimeError), write_transaction(db):
            db.execute("INSERT INTO meta (key, value) VALUES ('inner', '1')")
            raise RuntimeError
    keys = {r[0] for r in db.execute("SELECT key FROM meta WHERE key IN ('outer', 'inner')")}
    assert keys == {"outer"}


def test_real_full_disk_is_disk_full(tmp_path):
    """A write past the page limit (a full disk, simulated) raises DiskFull and keeps earlier data."""
    db = open_database(tmp_path / "t.sqlite3", create=True)
    try:
        with write_transaction(db):
            db.execute("INSERT INTO meta (key, value) VALUES ('early', 'safe')")
        db.execute(f"PRAGMA max_page_count = {pragma(db, 'page_count')}")
        with pytest.raises(DiskFull), write_transaction(db):
            for i in range(500):
                db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [f"k{i}", "x" * 4000])
        assert not db.conn.in_transaction
        assert db.execute("SELECT value FROM meta WHERE key = 'early'").fetchone()[0] == "safe"
        assert db.execute("SELECT count(*) FROM meta WHERE key LIKE 'k%'").fetchone()[0] == 0
    finally:
        db.close()
