"""Snapshots of a database: consistent copies made with SQLite's backup API, written atomically,
checked, and labelled with what they are.

A snapshot is one self-contained SQLite file (rollback journal, not WAL) named
``<database stem>.<UTC stamp>.<reason>.sqlite3`` — ``rangtang.20250301-081500-123.daily.sqlite3`` —
in the ``backups`` folder beside the database (``services.backups`` decides when one is taken and
which are kept; ``migrations`` takes one before it changes the schema).

Writing (``take_snapshot``): the free space is checked first (the copy must leave room for the live
database to grow); the open database is copied in one backup step (a consistent read of the last
commit; writers on other connections are not blocked in WAL mode) into a hidden temporary file in the
target folder; the copy is switched to a rollback journal, labelled, checked with
``PRAGMA integrity_check`` and closed; the file is ``fsync``ed, renamed over its final name and the
folder ``fsync``ed. Any failure removes the temporary file and leaves every earlier snapshot as it was;
the temporary files of a snapshot whose process was killed are removed by a later snapshot
(``backup_files.remove_stale``: once ten minutes old).

The label is a JSON row ``snapshot`` in the copy's ``meta`` table: node id, role, unit (village or
township code), schema version and migration names, when and why it was taken. It travels with the
file (a copy on a USB stick says what it is even when renamed); the identity a restore checks is read
from the copy's own ``node`` and migration tables, never from the file name.

``describe`` opens any file read-only and says what it is, or raises ``NotABackup`` /
``BackupDamaged``. Copies to a USB stick and the staging of a restore use ``storage.backup_files``
(re-exported here): the same temporary file, fsync, rename, and a read-back.

A snapshot of an encrypted database is encrypted with the same key (the copy is written through a
connection of the source's kind, ``cipher.connect_like``); reading one needs that key.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..core.errors import RangtangError
from ..core.msg import N_
from . import cipher
from .backup_files import (
    BackupDamaged,
    BackupDiskFull,
    BackupWriteFailed,
    copy_file_atomically,
    copy_into,
    megabytes,
    remove_quietly,
    remove_stale,
    sync_file,
    sync_folder,
    temp_path,
    write_error,
)

log = logging.getLogger(__name__)

FOLDER = "backups"
SUFFIX = ".sqlite3"
LABEL_KEY = "snapshot"
MIGRATION_SET = "rangtang"
_STAMP = "%Y%m%d-%H%M%S"
_REASON = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_APPLICATION_ID = 0x52544E47  # the same as storage.database.APPLICATION_ID (importing it would be circular)
_HEADER = b"SQLite format 3\x00"
_RESERVE = 64 * 1024 * 1024  # free space a snapshot leaves at least, so the live database can still grow


class BackupCheckFailed(RangtangError):
    reason = "check_failed"
    headline = N_("The new backup failed its check, so the database itself may be damaged.")
    advice = N_(
        "Do not delete anything. Close the program and open it again: it checks the database when it "
        "starts and offers to restore the newest good backup. The earlier backups are kept."
    )


class NotABackup(RangtangError):
    reason = "not_a_backup"
    headline = N_("This file is not a Rangtang Desktop backup: {file}")
    advice = N_(
        "Choose a backup made by this program (a .sqlite3 file from the backups folder or from the USB "
        "stick). Nothing has been changed."
    )


class BackupOfAnotherKey(RangtangError):
    reason = "another_key"
    headline = N_("This backup is encrypted with another database's key, so it cannot be read here: {file}")
    advice = N_("Restore only this computer's own backups. Nothing has been changed.")


@dataclass(frozen=True)
class SnapshotFile:
    """A snapshot in a folder, as its name tells: when (UTC) and why it was taken, and its size."""

    path: Path
    created: datetime
    reason: str
    size: int


@dataclass(frozen=True)
class Identity:
    """Whose database a file is: this node, its role and unit, and the schema it is written in."""

    node_id: str
    role: str
    unit_code: str
    migrations: tuple[str, ...]

    @property
    def schema_version(self) -> int:
        return len(self.migrations)


@dataclass(frozen=True)
class Description:
    """What a snapshot file is: its identity (from its own tables), its label (when and why it was
    taken, empty for a database that is not a labelled snapshot) and the result of its check."""

    path: Path
    identity: Identity
    created: str
    reason: str
    size: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


# -- names -------------------------------------------------------------------------------------


def folder_for(db_path: str | Path) -> Path:
    """The ``backups`` folder beside a database."""
    return Path(db_path).parent / FOLDER


def check_failed_mark(db_path: str | Path) -> Path:
    """The file that says a backup of this database failed its check, so the next start-up runs
    the full ``integrity_check`` instead of ``quick_check``."""
    db_path = Path(db_path)
    return folder_for(db_path) / f".{db_path.stem}.check-failed"


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}\.(\d{{8}}-\d{{6}})-(\d{{3}})\.([a-z][a-z0-9-]*){re.escape(SUFFIX)}$")


def snapshot_name(stem: str, created: datetime, reason: str) -> str:
    stamp = created.astimezone(UTC).strftime(_STAMP) + f"-{created.microsecond // 1000:03d}"
    return f"{stem}.{stamp}.{reason}{SUFFIX}"


def parse_name(path: Path, stem: str) -> SnapshotFile | None:
    """The snapshot a file name describes, or ``None`` for another file."""
    match = _pattern(stem).match(path.name)
    if not match:
        return None
    created = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC, microsecond=int(match.group(2)) * 1000)
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return SnapshotFile(path, created, match.group(3), size)


def list_snapshots(folder: Path, stem: str) -> list[SnapshotFile]:
    """The snapshots of the database ``stem`` in ``folder``, newest first (other files are ignored)."""
    if not folder.is_dir():
        return []
    found = [s for s in (parse_name(p, stem) for p in folder.iterdir() if p.is_file()) if s is not None]
    return sorted(found, key=lambda s: (s.created, s.path.name), reverse=True)


# -- reading -----------------------------------------------------------------------------------


def read_identity(conn: sqlite3.Connection) -> Identity:
    """Node, role, unit and applied migrations of an open database (empty where it has none yet)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    node = ("", "", "")
    if "node" in tables:
        row = conn.execute("SELECT node_id, role, unit_code FROM node WHERE is_self = 1").fetchone()
        node = tuple(row) if row else node
    names: tuple[str, ...] = ()
    if "_sqlite_migrations" in tables:
        names = tuple(
            r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [MIGRATION_SET]
            )
        )
    return Identity(str(node[0]), str(node[1]), str(node[2]), names)


def own_change_count(conn: sqlite3.Connection) -> int:
    """How many changes a database holds (0: nothing has been entered or received yet)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'change'").fetchone():
        return 0
    return conn.execute("SELECT count(*) FROM change").fetchone()[0]


def check(conn: sqlite3.Connection, pragma: str = "integrity_check", limit: int = 20) -> tuple[str, ...]:
    """The problems ``PRAGMA integrity_check`` (or ``quick_check``) finds; empty when it says ok.
    The messages name pages, tables and indexes, never register content."""
    assert pragma in ("integrity_check", "quick_check")
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}({int(limit)})")]
    except sqlite3.DatabaseError as error:
        return (f"{type(error).__name__}: {error}",)
    return () if rows == ["ok"] else tuple(str(r) for r in rows)


def read_label(conn: sqlite3.Connection) -> dict:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [LABEL_KEY]).fetchone()
    except sqlite3.DatabaseError:
        return {}
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@contextlib.contextmanager
def read_only(path: Path, key: cipher.DatabaseKey | None = None) -> Iterator[sqlite3.Connection]:
    """A read-only connection that never writes to the file (no checkpoint, no journal roll-back);
    with ``key``, to an encrypted file."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    if key is None:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    else:
        conn = cipher.connect_encrypted(uri, key, uri=True)
    try:
        yield conn
    finally:
        conn.close()


def has_sqlite_header(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_HEADER)) == _HEADER
    except OSError:
        return False


def describe(
    path: str | Path, *, name: str = "", pragma: str = "integrity_check", key: cipher.DatabaseKey | None = None
) -> Description:
    """Open a file read-only and say what it is and whether it passes its check; raise
    ``NotABackup`` for a file that is not a Rangtang database, ``BackupOfAnotherKey`` for one
    encrypted with a key other than ``key``, and ``BackupDamaged`` for one that cannot even be read
    (``name``: the file name the messages show, for a staged copy). A plain file is read as such
    even when a key is given."""
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise NotABackup(file=name)
    plain = has_sqlite_header(path)
    if not plain and key is None:
        raise NotABackup(file=name)
    try:
        with read_only(path, None if plain else key) as conn:
            if int(conn.execute("PRAGMA application_id").fetchone()[0] or 0) != _APPLICATION_ID:
                raise NotABackup(file=name)
            problems = check(conn, pragma)
            try:
                identity = read_identity(conn)
            except sqlite3.DatabaseError:
                raise BackupDamaged(file=name) from None
            label = read_label(conn)
    except sqlite3.DatabaseError as error:
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code == 26:
            raise (NotABackup(file=name) if plain else BackupOfAnotherKey(file=name)) from None
        raise BackupDamaged(file=name) from None
    return Description(
        path, identity, str(label.get("created", "")), str(label.get("reason", "")), path.stat().st_size, problems
    )


# -- writing -----------------------------------------------------------------------------------


def _database_bytes(conn: sqlite3.Connection) -> int:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    return int(pages) * int(conn.execute("PRAGMA page_size").fetchone()[0])  # SQLCipher answers in text


def _ensure_room(folder: Path, needed: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # the write itself will say what is wrong
    if free < needed + _RESERVE:
        raise BackupDiskFull(folder=str(folder), needed=megabytes(needed + _RESERVE))


def _temp_pattern(stem: str) -> re.Pattern[str]:
    """The temporary files of this database's snapshots (and of the keys files beside them), with
    the journal SQLite may have left beside one."""
    return re.compile(
        rf"^\.{re.escape(stem)}\.\d{{8}}-\d{{6}}-\d{{3}}\.[a-z][a-z0-9-]*{re.escape(SUFFIX)}(\.keys\.json)?"
        r"\.[0-9a-f]{8}\.tmp(-journal|-wal|-shm)?$"
    )


def _side_files(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))


def take_snapshot(
    conn: sqlite3.Connection, db_path: str | Path, reason: str, *, folder: Path | None = None, now: datetime | None = None
) -> SnapshotFile:
    """Copy the database open on ``conn`` (outside any transaction) into a new snapshot (module
    docstring). Raises ``BackupDiskFull``, ``BackupWriteFailed`` or ``BackupCheckFailed``; then no
    new file is left behind and the earlier snapshots are untouched."""
    if not _REASON.match(reason):
        raise ValueError(reason)
    if conn.in_transaction:
        raise RuntimeError("a snapshot is taken outside a transaction")
    db_path = Path(db_path)
    folder = Path(folder) if folder is not None else folder_for(db_path)
    started = time.perf_counter()
    size = _database_bytes(conn)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise write_error(error, folder, size) from error
    remove_stale(folder, _temp_pattern(db_path.stem))
    _ensure_room(folder, size)
    created = (now or datetime.now(UTC)).astimezone(UTC)
    created = created.replace(microsecond=created.microsecond // 1000 * 1000)  # the name holds milliseconds
    name = snapshot_name(db_path.stem, created, reason)
    while (folder / name).exists():  # two snapshots in the same millisecond
        created += timedelta(milliseconds=1)
        name = snapshot_name(db_path.stem, created, reason)
    final = folder / name
    temp = temp_path(folder, name)
    try:
        problems = _write_copy(conn, temp, reason, created)
        if problems:
            log.error("a new snapshot failed its integrity check (%d problems)", len(problems))
            with contextlib.suppress(OSError):
                check_failed_mark(db_path).write_text(created.isoformat(), encoding="utf-8")
            raise BackupCheckFailed()
        sync_file(temp)
        os.replace(temp, final)
        sync_folder(folder)
    except (OSError, sqlite3.Error) as error:
        remove_quietly(temp, *_side_files(temp))
        log.warning("snapshot not written: %s", type(error).__name__)
        raise write_error(error, folder, size) from error
    except BaseException:
        remove_quietly(temp, *_side_files(temp))
        raise
    snapshot = SnapshotFile(final, created, reason, final.stat().st_size)
    log.info("snapshot taken: %s, %d bytes, %.2f s", reason, snapshot.size, time.perf_counter() - started)
    return snapshot


def _write_copy(conn: sqlite3.Connection, temp: Path, reason: str, created: datetime) -> tuple[str, ...]:
    identity = read_identity(conn)
    label = {
        "node_id": identity.node_id, "role": identity.role, "unit_code": identity.unit_code,
        "schema_version": identity.schema_version, "migrations": list(identity.migrations),
        "created": created.isoformat(timespec="milliseconds"), "reason": reason,
    }
    dest = cipher.connect_like(conn, temp)  # an encrypted database gives an encrypted copy
    try:
        conn.backup(dest)  # one step: a consistent copy of the last commit
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        dest.execute("PRAGMA synchronous = FULL")
        if dest.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
            dest.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [LABEL_KEY, json.dumps(label, sort_keys=True)],
            )
        return check(dest, "integrity_check")
    finally:
        dest.close()


def remove_label(path: Path, key: cipher.DatabaseKey | None = None) -> None:
    """Take the snapshot label out of a staged copy that is about to become the live database."""
    conn = sqlite3.connect(str(path), isolation_level=None) if key is None else cipher.connect_encrypted(path, key)
    try:
        conn.execute("PRAGMA synchronous = FULL")
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
            conn.execute("DELETE FROM meta WHERE key = ?", [LABEL_KEY])
    finally:
        conn.close()


__all__ = [
    "BackupCheckFailed", "BackupDamaged", "BackupDiskFull", "BackupOfAnotherKey", "BackupWriteFailed", "Description",
    "Identity", "NotABackup", "SnapshotFile", "copy_file_atomically", "copy_into", "describe", "list_snapshots",
    "remove_quietly", "sync_file", "sync_folder", "take_snapshot", "temp_path",
]
