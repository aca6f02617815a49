"""Opening the database: recognise our files, refuse others, set the pragmas, run migrations, and
turn SQLite's failures into errors a user can act on.

Every durable write happens inside ``write_transaction``: ``BEGIN IMMEDIATE`` … ``COMMIT``, WAL with
``synchronous=FULL`` (simulated power cuts lost acknowledged commits under ``NORMAL``), foreign keys
on. The live database never lives on a USB stick.

An encrypted database (``storage.cipher``: SQLCipher, a raw 256-bit key) is opened the same way with
its key: ``open_database(path, key=key)``, ``connect(path, key=key)``. Without the key its file does
not even look like SQLite, and it is refused before anything is read or written.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from ..core.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    NotOurDatabase,
    RangtangError,
)
from ..core.msg import N_
from . import cipher
from .cipher import DatabaseKey

APPLICATION_ID = 0x52544E47  # "RTNG", in the SQLite header of every Rangtang database
SQLITE_HEADER = b"SQLite format 3\x00"


class DatabaseMissing(RangtangError):
    headline = N_("There is no database at {path}.")
    advice = N_("Check the path, or create a database first (for example with the demo command).")


def _primary_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def translate_sqlite_error(exc: sqlite3.Error, path: str = "") -> RangtangError | None:
    """The user-facing error for a SQLite failure, or ``None`` for a programming error."""
    code = _primary_code(exc)
    text = str(exc).lower()
    if code == 13 or "disk is full" in text:
        return DiskFull()
    if code == 8 or "readonly" in text:
        return DatabaseReadOnly()
    if code in (5, 6) or "locked" in text:
        return DatabaseBusy()
    if code == 26 or "not a database" in text:
        return NotOurDatabase(path=path)
    if code in (10, 11) or "malformed" in text:
        return DatabaseDamaged(path=path)
    return None


@contextlib.contextmanager
def sqlite_errors(path: str = "") -> Iterator[None]:
    """Re-raise SQLite failures the user can act on as ``RangtangError``s."""
    try:
        yield
    except sqlite3.Error as exc:
        translated = translate_sqlite_error(exc, path)
        if translated is None:
            raise
        raise translated from exc


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One durable write: everything inside commits together or not at all."""
    with sqlite_errors(db_path(db)):
        if db.conn.in_transaction:  # nested: a savepoint inside the caller's transaction
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        else:
            try:
                db.conn.execute("COMMIT")
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise


def db_path(db: sqlite_utils.Database) -> str:
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row else ""


def _check_file(path: Path, create: bool, encrypted: bool = False) -> None:
    if not path.exists():
        if not create:
            raise DatabaseMissing(path=str(path))
        folder = path.parent
        if not os.access(folder, os.W_OK):
            raise DatabaseReadOnly()
        return
    if path.is_dir():
        raise NotOurDatabase(path=str(path))
    with open(path, "rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER and not encrypted:
        raise NotOurDatabase(path=str(path))
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseReadOnly()


def connect(path: str | Path, key: DatabaseKey | None = None) -> sqlite_utils.Database:
    """A connection with our pragmas, without checks or migrations (for a second thread); with
    ``key``, to an encrypted database (a wrong key raises ``NotOurDatabase`` here)."""
    with sqlite_errors(str(path)):
        if key is None:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        else:
            conn = cipher.connect_encrypted(path, key)
    db = sqlite_utils.Database(conn)
    with sqlite_errors(str(path)):
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA busy_timeout = 10000")
    return db


def open_database(path: str | Path, *, create: bool = False, key: DatabaseKey | None = None) -> sqlite_utils.Database:
    """Open (or create) a Rangtang database and bring its schema up to date; with ``key``, an
    encrypted one (a new file is created encrypted).

    Raises ``DatabaseMissing``, ``NotOurDatabase``, ``DatabaseTooNew``, ``DatabaseReadOnly`` or
    ``DatabaseDamaged``; the file is never changed when one of them is raised.
    """
    from .migrations import migrate, refuse_newer  # the migration list imports this module

    path = Path(path)
    if str(path) != ":memory:":
        _check_file(path, create, encrypted=key is not None)
    db = connect(path, key)
    try:
        with sqlite_errors(str(path)):
            app_id = conn_value(db, "PRAGMA application_id")
            has_tables = conn_value(db, "SELECT count(*) FROM sqlite_master") > 0
            if has_tables and app_id != APPLICATION_ID:
                raise NotOurDatabase(path=str(path))
            refuse_newer(db)  # before WAL is switched on: a refused file stays byte for byte the same
            if str(path) != ":memory:":
                mode = conn_value(db, "PRAGMA journal_mode = WAL")
                if str(mode).lower() != "wal":
                    raise DatabaseReadOnly()
            migrate(db, path if str(path) != ":memory:" else None)
    except BaseException:
        db.close()
        raise
    return db


def conn_value(db: sqlite_utils.Database, sql: str, params=()):
    row = db.conn.execute(sql, params).fetchone()
    return row[0] if row else None


__all__ = [
    "APPLICATION_ID",
    "DatabaseKey",
    "DatabaseMissing",
    "DatabaseTooNew",
    "connect",
    "open_database",
    "sqlite_errors",
    "translate_sqlite_error",
    "write_transaction",
]
