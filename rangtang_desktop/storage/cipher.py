"""SQLCipher: the encrypted database file, its connections, and converting a plain file.

An encrypted database is an ordinary Rangtang database in SQLCipher 4's format (the ``sqlcipher3``
binding, SQLCipher 4.x on SQLite 3.4x+; AES-256-CBC per page with HMAC-SHA512, the first 16 bytes of
the file a random salt instead of SQLite's header). The 256-bit master key is given raw —
``PRAGMA key = "x'<64 hex digits>'"`` — so SQLCipher's own PBKDF2 is skipped: the master key is random,
and the password KDF is ours (``storage.keyfile``). The WAL file is encrypted page by page with the
same key; temporary tables and sorts stay in memory (``temp_store = MEMORY``), so nothing about a
child is written in the clear beside the database.

Connections to encrypted files are ``sqlcipher3`` connections whose errors are re-raised as the
standard library's ``sqlite3`` exceptions (same class names, same ``sqlite_errorcode``), so
``except sqlite3.IntegrityError`` in our code and in sqlite-utils keeps working whichever kind of
file is open. Plain files keep using the standard library's ``sqlite3``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # an optional import only so that a missing wheel is a clear error, not an import failure
    from sqlcipher3 import dbapi2 as _sqlcipher
except ImportError:  # pragma: no cover - the dependency is installed everywhere we run
    _sqlcipher = None

KEY_BYTES = 32
SQLITE_HEADER = b"SQLite format 3\x00"
_KEY_ID_CONTEXT = b"rangtang database key id v1"


@dataclass(frozen=True)
class DatabaseKey:
    """A database's 256-bit master key. Its ``repr`` never shows the key."""

    raw: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError("a database key has 32 bytes")

    @classmethod
    def generate(cls) -> DatabaseKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    @property
    def key_id(self) -> str:
        """16 hex digits naming the key (a hash; it tells nothing about the key itself): the keys
        file records it, so a keys file can be matched to its database."""
        return hashlib.sha256(_KEY_ID_CONTEXT + self.raw).hexdigest()[:16]

    def pragma_value(self) -> str:
        """The ``PRAGMA key`` value: a raw key as a blob literal, no KDF."""
        return f"\"x'{self.raw.hex()}'\""


def available() -> bool:
    return _sqlcipher is not None


def is_encrypted_file(path: str | Path) -> bool:
    """True for a file that exists, is not empty and does not start with SQLite's header (an
    encrypted database starts with 16 random bytes)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return bool(head) and head != SQLITE_HEADER


# -- connections ----------------------------------------------------------------------------------


def _translated(error: Exception) -> sqlite3.Error:
    kind = getattr(sqlite3, type(error).__name__, sqlite3.DatabaseError)
    if not (isinstance(kind, type) and issubclass(kind, sqlite3.Error)):
        kind = sqlite3.DatabaseError
    new = kind(*error.args)
    for name in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, name):
            setattr(new, name, getattr(error, name))
    return new


if _sqlcipher is not None:

    class CipherCursor(_sqlcipher.Cursor):
        """A sqlcipher3 cursor that raises the standard library's sqlite3 exceptions."""

        def execute(self, sql, parameters=()):  # noqa: D102
            try:
                return super().execute(sql, parameters)
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def executemany(self, sql, seq_of_parameters):  # noqa: D102
            try:
                return super().executemany(sql, seq_of_parameters)
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def executescript(self, sql_script):  # noqa: D102
            try:
                return super().executescript(sql_script)
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def fetchone(self):  # noqa: D102
            try:
                return super().fetchone()
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def fetchmany(self, size=None):  # noqa: D102
            try:
                return super().fetchmany(self.arraysize if size is None else size)
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def fetchall(self):  # noqa: D102
            try:
                return super().fetchall()
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def __next__(self):  # noqa: D105
            try:
                return super().__next__()
            except _sqlcipher.Error as error:
                raise _translated(error) from None

    class CipherConnection(_sqlcipher.Connection):
        """A sqlcipher3 connection that raises the standard library's sqlite3 exceptions and
        remembers its key (for a second connection to the same file: a worker thread, a backup)."""

        rangtang_key: DatabaseKey | None = None

        def cursor(self, factory=CipherCursor):  # noqa: D102
            return super().cursor(factory)

        def execute(self, sql, parameters=()):  # noqa: D102
            return self.cursor().execute(sql, parameters)

        def executemany(self, sql, seq_of_parameters):  # noqa: D102
            return self.cursor().executemany(sql, seq_of_parameters)

        def executescript(self, sql_script):  # noqa: D102
            return self.cursor().executescript(sql_script)

        def commit(self):  # noqa: D102
            try:
                return super().commit()
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def rollback(self):  # noqa: D102
            try:
                return super().rollback()
            except _sqlcipher.Error as error:
                raise _translated(error) from None

        def iterdump(self):  # noqa: D102 - the binding has none; the standard library's works on any connection
            from sqlite3.dump import _iterdump

            return _iterdump(self)

        def backup(self, target, **kwargs):  # noqa: D102
            try:
                return super().backup(target, **kwargs)
            except _sqlcipher.Error as error:
                raise _translated(error) from None


def connect_encrypted(path: str | Path, key: DatabaseKey, *, uri: bool = False, timeout: float = 10) -> Any:
    """A connection to an encrypted database (created when the file does not exist yet), with the
    key applied and checked: a wrong key raises ``sqlite3.DatabaseError`` ("file is not a database",
    code 26) here, before anything else is read or written. ``isolation_level=None`` as for plain
    files; temporary storage in memory; recursive triggers off, as in the standard library's build."""
    if _sqlcipher is None:  # pragma: no cover
        raise RuntimeError("the sqlcipher3 package is not installed")
    try:
        conn = _sqlcipher.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=timeout, uri=uri,
            factory=CipherConnection,
        )
    except _sqlcipher.Error as error:
        raise _translated(error) from None
    conn.rangtang_key = key
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our error to report, not a line on stderr
        conn.execute(f"PRAGMA key = {key.pragma_value()}")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a wrong key fails here
    except BaseException:
        conn.close()
        raise
    return conn


def connection_key(conn: Any) -> DatabaseKey | None:
    """The key an open connection was made with (``None`` for a plain database)."""
    return getattr(conn, "rangtang_key", None)


def connect_like(conn: Any, path: str | Path, *, uri: bool = False) -> Any:
    """A new connection to ``path`` of the same kind as ``conn``: encrypted with the same key, or
    plain. For copies made with the backup API (``conn.backup`` only writes into a connection of
    its own kind, and a copy of an encrypted database must stay encrypted)."""
    key = connection_key(conn)
    if key is None:
        return sqlite3.connect(str(path), isolation_level=None, uri=uri)
    return connect_encrypted(path, key, uri=uri)


def cipher_version(conn: Any) -> str:
    """SQLCipher's version on an encrypted connection (``""`` on a plain one)."""
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row and row[0] else ""


# -- converting a plain file --------------------------------------------------------------------


def export_encrypted(plain: str | Path, target: str | Path, key: DatabaseKey) -> None:
    """Write an encrypted copy of the plain database ``plain`` into the new file ``target`` with
    ``sqlcipher_export`` (schema, data, triggers, the application id and user version), then
    ``fsync`` it. ``plain`` must not be written to meanwhile (the caller holds it closed)."""
    if _sqlcipher is None:  # pragma: no cover
        raise RuntimeError("the sqlcipher3 package is not installed")
    target = Path(target)
    if target.exists():
        raise FileExistsError(str(target))
    conn = _sqlcipher.connect(str(plain), isolation_level=None, factory=CipherConnection)
    try:
        conn.execute("PRAGMA temp_store = MEMORY")
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS encrypted KEY " + key.pragma_value(), [str(target)])
        conn.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        conn.execute(f"PRAGMA encrypted.application_id = {int(application_id)}")
        conn.execute(f"PRAGMA encrypted.user_version = {int(user_version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


__all__ = [
    "DatabaseKey",
    "available",
    "cipher_version",
    "connect_encrypted",
    "connect_like",
    "connection_key",
    "export_encrypted",
    "is_encrypted_file",
]
