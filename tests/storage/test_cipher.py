"""SQLCipher underneath the database: version 4, the raw key, our sqlite-utils use on an encrypted
connection, the standard library's exceptions, nothing about a child in the clear on disk, and the
copies the backup API and ``sqlcipher_export`` make.

The whole storage and services suite also runs on encrypted databases with
``RANGTANG_TEST_ENCRYPTED=1`` (``tests/conftest.py``)."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import DatabaseBusy, NotOurDatabase
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.services import register
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import cipher
from rangtang_desktop.storage.cipher import DatabaseKey
from rangtang_desktop.storage.database import APPLICATION_ID, connect, open_database, sqlite_errors, write_transaction
from rangtang_desktop.storage.reference import Unit, store_units

VILLAGE = "513230101201"
NAME_ZH = "泽仁卓玛测"
NAME_BO = "ཚེ་རིང་སྒྲོལ་མ་ཚོད"
ID_NUMBER = make_id_number("513230", date(2016, 5, 4), 7)


def digest(*paths: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.exists()}


def child_in(ws) -> None:
    """One household with one child, through the real register service."""
    with write_transaction(ws.db):
        store_units(ws.db, [Unit(VILLAGE, "village", "513230101", "德吉村（示例）", "བདེ་སྐྱིད་གྲོང་ཚོ།", is_demo=True)])
    household = register.save(ws, records.Household(village_code=VILLAGE, house_name_zh="阿尼仓")).record
    register.save(ws, records.Person(
        household_id=household.id, name_zh=NAME_ZH, name_bo=NAME_BO, sex="female", birth_date="2016-05-04",
        id_number=ID_NUMBER,
    ))


def test_cipher_version_is_sqlcipher_4(tmp_path):
    """The binding is SQLCipher 4.x (recorded here: the issue asks for it), with a raw key and no KDF of its own."""
    db = open_database(tmp_path / "e.sqlite3", create=True, key=DatabaseKey.generate())
    version = cipher.cipher_version(db.conn)
    print("cipher_version:", version, "sqlite:", db.execute("SELECT sqlite_version()").fetchone()[0])
    assert version.startswith("4."), version
    assert db.execute("PRAGMA cipher_provider").fetchone()[0]
    assert db.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY: no temporary files
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.close()
    plain = open_database(tmp_path / "p.sqlite3", create=True)
    assert cipher.cipher_version(plain.conn) == ""
    plain.close()


def test_file_starts_with_random_bytes_not_sqlite_header(tmp_path):
    """An encrypted file does not even say it is SQLite; a plain one does."""
    key = DatabaseKey.generate()
    open_database(tmp_path / "e.sqlite3", create=True, key=key).close()
    assert cipher.is_encrypted_file(tmp_path / "e.sqlite3")
    open_database(tmp_path / "p.sqlite3", create=True).close()
    assert not cipher.is_encrypted_file(tmp_path / "p.sqlite3")
    assert not cipher.is_encrypted_file(tmp_path / "missing.sqlite3")


def test_no_child_name_or_id_number_in_the_clear(tmp_path):
    """After a child is saved, neither her names nor her ID number appear byte-wise in the database, its WAL or its shared memory file."""
    path = tmp_path / "village.sqlite3"
    ws = open_workspace(path, create=True, password="secret-1")
    child_in(ws)
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0, "the write is still in the WAL"
    needles = [s.encode("utf-8") for s in (NAME_ZH, NAME_BO, ID_NUMBER, "阿尼仓")]
    needles += [ID_NUMBER.encode("utf-16-le"), NAME_ZH.encode("utf-16-le")]
    files = [path, wal, path.with_name(path.name + "-shm"), path.with_name(path.name + ".keys.json")]
    for file in files:
        data = file.read_bytes()
        found = [n for n in needles if n in data]
        assert found == [], f"{file.name} holds register content in the clear"
    ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert all(n not in path.read_bytes() for n in needles)
    ws.close()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in {f.name for f in files}]
    assert leftovers == [], "no temporary file is left beside the database"


def test_rollback_journal_of_an_encrypted_database_is_encrypted(tmp_path):
    """In rollback-journal mode (as backups are written) the -journal file holds encrypted pages only, while a change is still open."""
    path = tmp_path / "village.sqlite3"
    ws = open_workspace(path, create=True, password="secret-1")
    child_in(ws)
    key = ws.key
    ws.close()
    conn = cipher.connect_encrypted(path, key)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE person SET notes = 'changed'")
    conn.execute("PRAGMA cache_spill = 1")
    conn.execute("DELETE FROM person_search")
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    data = journal.read_bytes()
    assert ID_NUMBER.encode() not in data and NAME_ZH.encode() not in data
    conn.execute("ROLLBACK")
    conn.close()


def test_same_content_in_a_plain_database_is_found(tmp_path):
    """The byte search above can find what it looks for: in a plain database the ID number is there."""
    path = tmp_path / "plain.sqlite3"
    ws = open_workspace(path, create=True, password=None)
    child_in(ws)
    ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.close()
    assert ID_NUMBER.encode() in path.read_bytes()


def test_wrong_key_is_refused_before_anything_is_written(tmp_path):
    """A wrong key fails at once (SQLite's 'not a database', code 26) and leaves every file as it was."""
    path = tmp_path / "e.sqlite3"
    db = open_database(path, create=True, key=DatabaseKey.generate())
    db.close()
    before = digest(path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
    with pytest.raises(sqlite3.DatabaseError) as raised:
        cipher.connect_encrypted(path, DatabaseKey.generate())
    assert raised.value.sqlite_errorcode & 0xFF == 26
    with pytest.raises(NotOurDatabase):
        open_database(path, key=DatabaseKey.generate())
    with pytest.raises(NotOurDatabase):
        open_database(path)  # no key: not even a SQLite header
    assert digest(path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) == before


def test_errors_are_the_standard_librarys(tmp_path):
    """Constraint, syntax and busy errors on an encrypted connection are sqlite3's classes with their codes, so our handlers and sqlite-utils' catch them."""
    key = DatabaseKey.generate()
    db = connect(tmp_path / "e.sqlite3", key)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    db.execute("INSERT INTO t (name) VALUES ('a')")
    with pytest.raises(sqlite3.IntegrityError) as raised:
        db.execute("INSERT INTO t (name) VALUES ('a')")
    assert raised.value.sqlite_errorcode & 0xFF == 19
    with pytest.raises(sqlite3.OperationalError):
        db.execute("SELEC nothing")
    with pytest.raises(sqlite3.OperationalError):
        db.conn.execute("SELECT * FROM t").fetchall() and db.conn.execute("SELECT * FROM missing")
    other = connect(tmp_path / "e.sqlite3", key)
    other.execute("PRAGMA busy_timeout = 0")
    db.conn.execute("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseBusy), sqlite_errors():
        other.conn.execute("BEGIN IMMEDIATE")
    db.conn.execute("ROLLBACK")
    other.close()
    db.close()


def test_sqlite_utils_features_we_use_work_encrypted(tmp_path):
    """Database(conn), execute, query (its savepoint guard, INSERT … RETURNING), atomic, JSON functions, window functions, triggers and iterdump all work on an encrypted connection."""
    db = connect(tmp_path / "e.sqlite3", DatabaseKey.generate())
    assert isinstance(db, sqlite_utils.Database)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INTEGER)")
    db.execute(
        "CREATE TRIGGER t_locked BEFORE DELETE ON t WHEN old.n = 0 BEGIN SELECT RAISE(ABORT, 'locked'); END"
    )
    with db.atomic():
        db.conn.executemany("INSERT INTO t (v, n) VALUES (?, ?)", [("a", 1), ("b", 2), ("c", 0)])
    rows = list(db.query("SELECT v, sum(n) OVER (ORDER BY v) AS running FROM t ORDER BY v"))
    assert [r["running"] for r in rows] == [1, 3, 3]
    assert list(db.query("INSERT INTO t (v, n) VALUES ('d', 4) RETURNING id")) == [{"id": 4}]
    picked = db.execute("SELECT count(*) FROM t WHERE v IN (SELECT value FROM json_each(?))", ['["a","d"]']).fetchone()
    assert picked == (2,)
    assert db.execute("SELECT json_extract('{\"k\": [1, 2]}', '$.k[1]')").fetchone() == (2,)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM t WHERE v = 'c'")
    with pytest.raises(ValueError), db.atomic():
        db.execute("INSERT INTO t (v, n) VALUES ('e', 5)")
        raise ValueError("rolled back")
    assert db.execute("SELECT count(*) FROM t").fetchone() == (4,)
    assert any("CREATE TABLE t" in line for line in db.conn.iterdump())
    plain = connect(tmp_path / "p.sqlite3")
    for pragma in ("recursive_triggers", "foreign_keys", "synchronous"):  # the same behaviour either way
        assert db.execute(f"PRAGMA {pragma}").fetchone() == plain.execute(f"PRAGMA {pragma}").fetchone(), pragma
    plain.close()
    db.close()


def test_backup_api_copy_of_an_encrypted_database_stays_encrypted(tmp_path):
    """conn.backup into connect_like(conn, …) gives a copy encrypted with the same key (what snapshots need)."""
    path = tmp_path / "village.sqlite3"
    ws = open_workspace(path, create=True, password="secret-1")
    child_in(ws)
    copy_path = tmp_path / "copy.sqlite3"
    target = cipher.connect_like(ws.db.conn, copy_path)
    ws.db.conn.backup(target)
    target.execute("PRAGMA journal_mode = DELETE")
    target.close()
    assert cipher.is_encrypted_file(copy_path)
    assert ID_NUMBER.encode() not in copy_path.read_bytes()
    reopened = cipher.connect_encrypted(copy_path, ws.key)
    assert reopened.execute("SELECT count(*) FROM person").fetchone() == (1,)
    assert reopened.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reopened.close()
    ws.close()
    plain = open_workspace(tmp_path / "plain.sqlite3", create=True, password=None)
    assert isinstance(cipher.connect_like(plain.db.conn, tmp_path / "plain-copy.sqlite3"), sqlite3.Connection)
    plain.close()


def test_sqlcipher_export_keeps_schema_data_and_header_values(tmp_path):
    """A plain database exported encrypted has the same rows, application id and user version, and opens only with the key."""
    plain = tmp_path / "plain.sqlite3"
    ws = open_workspace(plain, create=True, password=None)
    child_in(ws)
    ws.db.execute("PRAGMA user_version = 7")
    ws.db.execute("PRAGMA journal_mode = DELETE")
    ws.close()
    key = DatabaseKey.generate()
    target = tmp_path / "encrypted.sqlite3"
    cipher.export_encrypted(plain, target, key)
    conn = cipher.connect_encrypted(target, key)
    assert conn.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert conn.execute("PRAGMA user_version").fetchone() == (7,)
    assert conn.execute("SELECT name_zh, id_number FROM person").fetchall() == [(NAME_ZH, ID_NUMBER)]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] > 0
    conn.close()
    assert ID_NUMBER.encode() not in target.read_bytes()


def test_key_is_never_shown(tmp_path):
    """A key's repr hides it; its id is a hash that does not contain it."""
    key = DatabaseKey.generate()
    assert key.raw.hex() not in repr(key) and key.raw.hex() not in key.key_id
    assert len(key.key_id) == 16
    with pytest.raises(ValueError):
        DatabaseKey(b"short")
