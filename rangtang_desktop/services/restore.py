"""Restoring a backup, and the database check at start-up.

``check_backup`` says whether a backup may replace a database, changing nothing: the file must be
a Rangtang database that passes ``PRAGMA integrity_check``, written by this version or an older one
(a newer schema is refused: this program could not read it), and this computer's own — a backup of
another village or township, or of another computer of the same unit (restoring it would make this
laptop a clone), is refused. One exception: a database that holds nothing yet (no changes, no unit
set) takes any village's backup, which is how a replacement laptop is set up.

``restore(db_path, backup)`` runs with the database closed (the window closes its connections; the
command line has none open). It copies the backup beside the database into a hidden temporary file
and checks that copy (the file on a stick is not trusted twice), then keeps the current database:

* a healthy database is kept as a ``before-restore`` backup (so a restore can be undone);
* a damaged one (it fails ``quick_check``) is never deleted: it stays beside the database as
  ``<name>.damaged-<stamp><suffix>`` with its journal files;
* where there is no database yet (a replacement computer), an encrypted backup brings the keys file
  that travels beside it,

and finally renames the checked copy over the database (``os.replace``, then the folder is
``fsync``ed). Opening it afterwards brings an older schema up to date (with its own backup).

An encrypted database (``storage.cipher``) is checked and restored with its key: its backups are
encrypted with the same key; a backup made before the database was encrypted is refused (restoring
it would leave the data unencrypted), and without the key nothing is touched (``PasswordNeeded``).

``integrity_at_startup(path)`` checks the database read-only before it is opened: the full
``PRAGMA integrity_check`` up to ``FULL_CHECK_BYTES`` (a village demo, 6 MB: 0.02 s; a township
demo, 49 MB: 0.14 s), ``PRAGMA quick_check`` above it (the county demo, 580 MB: 0.7 s with a warm
cache, where ``integrity_check`` takes 2.4 s). Every backup gets the full check anyway, and the next
start-up after a backup failed it runs the full check whatever the size. When the check fails it
names the newest backup that passes ``integrity_check``, for the window to offer.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.errors import DatabaseBusy, RangtangError
from ..core.msg import N_
from ..storage import keyfile, snapshots
from ..storage.cipher import DatabaseKey
from ..storage.database import connect
from ..storage.migrations import SCHEMA_VERSION, migrations
from ..storage.snapshots import BackupDamaged, Description, Identity, SnapshotFile
from . import audit
from .backups import list_backups
from .workspace import Workspace

log = logging.getLogger(__name__)

FULL_CHECK_BYTES = 128 * 1024 * 1024  # the start-up check is integrity_check up to this size, quick_check above


class BackupTooNew(RangtangError):
    reason = "too_new"
    headline = N_(
        "This backup was made by a newer version of Rangtang Desktop (data version {found}; this "
        "program reads up to version {supported})."
    )
    advice = N_("Install the newest version of the program, then restore the backup again. Nothing has been changed.")


class BackupOfAnotherUnit(RangtangError):
    reason = "another_unit"
    headline = N_("This backup belongs to another village or township (unit {found}); this computer keeps unit {here}.")
    advice = N_(
        "Restore only this computer's own backups. To set up a replacement computer, restore the backup "
        "into a new, empty database. Nothing has been changed."
    )


class BackupOfAnotherComputer(RangtangError):
    reason = "another_computer"
    headline = N_("This backup was made on another computer, not on this one.")
    advice = N_(
        "Restoring it would turn this computer into a copy of the other one. Restore only this computer's "
        "own backups; to replace a lost or broken computer, restore the backup into a new, empty database. "
        "Nothing has been changed."
    )


class BackupNotEncrypted(RangtangError):
    reason = "not_encrypted"
    headline = N_("This backup was made before the database was encrypted, so it is not encrypted.")
    advice = N_(
        "Choose a backup made since the database is encrypted; restoring this one would leave the data "
        "unencrypted. Nothing has been changed."
    )


class DamagedWithoutBackup(RangtangError):
    headline = N_("The database file is damaged and there is no good backup of it: {path}")
    advice = N_(
        "Do not delete the file. Close the program and take the computer, or the file and its backups "
        "folder, to the township for repair."
    )


@dataclass(frozen=True)
class BackupCheck:
    """A backup that may be restored: what it is and what restoring it means."""

    path: Path
    description: Description
    current_node: str  # '' when there is no database yet

    @property
    def identity(self) -> Identity:
        return self.description.identity

    @property
    def other_computer(self) -> bool:
        """A backup of another computer, allowed because this database holds nothing yet."""
        return bool(self.current_node) and self.identity.node_id != self.current_node

    @property
    def upgrade_needed(self) -> bool:
        return self.identity.schema_version < SCHEMA_VERSION


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    description: Description
    kept: Path | None  # the before-restore backup, or the damaged file kept aside
    damaged: bool

    def as_json(self) -> dict[str, Any]:
        identity = self.description.identity
        return {
            "restored_from": str(self.restored_from), "created": self.description.created,
            "reason": self.description.reason, "node_id": identity.node_id, "unit_code": identity.unit_code,
            "schema_version": identity.schema_version, "kept": str(self.kept) if self.kept else None,
            "damaged": self.damaged,
        }


@dataclass(frozen=True)
class StartupHealth:
    path: Path
    ok: bool
    check: str
    seconds: float
    problems: tuple[str, ...] = ()
    newest_good: SnapshotFile | None = None


# -- checking ---------------------------------------------------------------------------------


def _encrypted(db_path: Path) -> bool:
    """An encrypted database: no SQLite header, and its keys file beside it (a plain database whose
    first page was destroyed has no keys file)."""
    return db_path.exists() and not snapshots.has_sqlite_header(db_path) and keyfile.path_for(db_path).exists()


def _current(db_path: Path, key: DatabaseKey | None) -> tuple[Identity | None, int, bool]:
    """The database's identity, how many changes it holds, and whether it is damaged (a database
    that cannot be read at all has no identity). Raises ``PasswordNeeded`` for an encrypted
    database without its key."""
    if not db_path.exists():
        return None, 0, False
    encrypted = _encrypted(db_path)
    if encrypted and key is None:
        raise keyfile.PasswordNeeded(path=str(db_path))
    if not encrypted and not snapshots.has_sqlite_header(db_path):
        return None, 0, True
    try:
        with snapshots.read_only(db_path, key if encrypted else None) as conn:
            damaged = bool(snapshots.check(conn, "quick_check"))
            return snapshots.read_identity(conn), snapshots.own_change_count(conn), damaged
    except sqlite3.DatabaseError:
        return None, 0, True


def refuse_foreign(found: Identity, current: Identity | None, current_changes: int) -> None:
    """Raise when a backup with identity ``found`` may not replace the database ``current``."""
    known = {m.name for m in migrations._migrations}
    if any(name not in known for name in found.migrations):
        raise BackupTooNew(found=found.schema_version, supported=SCHEMA_VERSION)
    if current is None or not current.node_id or found.node_id == current.node_id:
        return
    if current_changes == 0 and not current.unit_code:
        return  # a new, empty database: a replacement computer is being set up
    if found.unit_code != current.unit_code:
        raise BackupOfAnotherUnit(found=found.unit_code or "—", here=current.unit_code or "—")
    raise BackupOfAnotherComputer()


def _checked(
    path: Path, shown_name: str, current: Identity | None, changes: int, key: DatabaseKey | None
) -> Description:
    described = snapshots.describe(path, name=shown_name, key=key)
    if not described.ok:
        log.warning("a backup failed its integrity check (%d problems)", len(described.problems))
        raise BackupDamaged(file=shown_name)
    if not described.identity.node_id:
        raise snapshots.NotABackup(file=shown_name)
    if key is not None and snapshots.has_sqlite_header(path):
        raise BackupNotEncrypted()
    refuse_foreign(described.identity, current, changes)
    return described


def check_backup(db_path: str | Path, backup: str | Path, *, key: DatabaseKey | None = None) -> BackupCheck:
    """Whether ``backup`` may replace the database (module docstring); changes nothing. Raises
    ``NotABackup``, ``BackupDamaged``, ``BackupTooNew``, ``BackupOfAnotherUnit``,
    ``BackupOfAnotherComputer``, ``BackupOfAnotherKey`` or ``BackupNotEncrypted``."""
    backup = Path(backup)
    current, changes, _damaged = _current(Path(db_path), key)
    described = _checked(backup, backup.name, current, changes, key)
    return BackupCheck(backup, described, current.node_id if current is not None else "")


# -- restoring --------------------------------------------------------------------------------


def _stage(backup: Path, folder: Path, name: str) -> Path:
    """Copy the backup into a hidden temporary file in the database's folder."""
    staged = snapshots.temp_path(folder, name + ".restore")
    try:
        snapshots.copy_into(backup, staged)
    except BaseException:
        snapshots.remove_quietly(staged)
        raise
    return staged


def _set_aside_damaged(db_path: Path) -> Path:
    """Keep the damaged database (and its journal files) under a new name beside it; the original
    name is replaced only afterwards, so a power cut in between loses nothing."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kept = db_path.with_name(f"{db_path.stem}.damaged-{stamp}{db_path.suffix or '.sqlite3'}")
    try:
        os.link(db_path, kept)
    except OSError:  # no hard links on this file system (FAT): a full copy
        snapshots.copy_into(db_path, kept)
    for side in ("-wal", "-journal", "-shm"):
        source = db_path.with_name(db_path.name + side)
        if source.exists():
            os.replace(source, kept.with_name(kept.name + side))
    snapshots.sync_folder(db_path.parent)
    return kept


def _keep_healthy(db_path: Path, key: DatabaseKey | None) -> Path:
    """A before-restore backup of the database; then make sure nobody else has it open."""
    db = connect(db_path, key)
    try:
        kept = snapshots.take_snapshot(db.conn, db_path, "before-restore").path
    finally:
        db.close()
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():  # the last connection to close removes it: another program still has it open
        raise DatabaseBusy()
    with contextlib.suppress(OSError):
        db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)
    return kept


def restore(db_path: str | Path, backup: str | Path, *, key: DatabaseKey | None = None) -> RestoreResult:
    """Replace the (closed) database with a checked backup (module docstring); ``key`` for an
    encrypted database. Raises the refusals of ``check_backup``, ``BackupDiskFull`` /
    ``BackupWriteFailed``, ``PasswordNeeded`` or ``DatabaseBusy``; then the database is as it was."""
    db_path, backup = Path(db_path), Path(backup)
    started = time.perf_counter()
    if backup.exists() and db_path.exists() and backup.resolve() == db_path.resolve():
        raise snapshots.NotABackup(file=backup.name)  # the database itself, not a backup of it
    current, changes, damaged = _current(db_path, key)
    staged = _stage(backup, db_path.parent, db_path.name)
    try:
        described = _checked(staged, backup.name, current, changes, key)
        snapshots.remove_label(staged, None if snapshots.has_sqlite_header(staged) else key)
        snapshots.sync_file(staged)
        kept = None
        if db_path.exists():
            kept = _set_aside_damaged(db_path) if damaged else _keep_healthy(db_path, key)
        elif key is not None and keyfile.path_for(backup).exists():  # a replacement computer: its keys too
            snapshots.copy_file_atomically(keyfile.path_for(backup), db_path.parent, keyfile.path_for(db_path).name)
        try:
            os.replace(staged, db_path)
        except PermissionError:  # Windows: another program has the file open
            raise DatabaseBusy() from None
        snapshots.sync_folder(db_path.parent)
    except OSError as error:
        raise snapshots.BackupWriteFailed(folder=str(db_path.parent)) from error
    finally:
        snapshots.remove_quietly(staged)
    log.info(
        "backup restored (%s, schema %d, damaged database kept aside: %s) in %.2f s",
        described.reason or "unlabelled", described.identity.schema_version, damaged, time.perf_counter() - started,
    )
    return RestoreResult(backup, described, kept, damaged)


# -- start-up ---------------------------------------------------------------------------------


def newest_good(
    db_path: str | Path, identity: Identity | None = None, key: DatabaseKey | None = None
) -> SnapshotFile | None:
    """The newest backup that passes ``integrity_check`` and may replace the database."""
    for snapshot in list_backups(db_path):
        try:
            _checked(snapshot.path, snapshot.path.name, identity, 1, key)
        except RangtangError as error:
            log.info("backup passed over: %s", type(error).__name__)
            continue
        return snapshot
    return None


def integrity_at_startup(path: str | Path, key: DatabaseKey | None = None) -> StartupHealth:
    """Check the database read-only before it is opened (module docstring); an encrypted database
    is checked only with its key (without it, there is nothing to read yet)."""
    path = Path(path)
    started = time.perf_counter()
    mark = snapshots.check_failed_mark(path)
    small = path.exists() and path.stat().st_size <= FULL_CHECK_BYTES
    pragma = "integrity_check" if mark.exists() or small else "quick_check"
    encrypted = _encrypted(path)
    if not path.exists() or (encrypted and key is None):
        return StartupHealth(path, True, pragma, 0.0)
    identity = None
    if not encrypted and not snapshots.has_sqlite_header(path):
        # not a database at all — or one whose first page was destroyed: only its backups tell
        problems: tuple[str, ...] = ("no SQLite header",) if list_backups(path) else ()
    else:
        try:
            with snapshots.read_only(path, key if encrypted else None) as conn:
                problems = snapshots.check(conn, pragma)
                with contextlib.suppress(sqlite3.DatabaseError):
                    identity = snapshots.read_identity(conn)
        except sqlite3.DatabaseError as error:
            problems = (f"{type(error).__name__}: {error}",)
    seconds = time.perf_counter() - started
    if not problems:
        mark.unlink(missing_ok=True)
        log.info("start-up %s passed in %.2f s", pragma, seconds)
        return StartupHealth(path, True, pragma, seconds)
    log.error("start-up %s failed in %.2f s: %s", pragma, seconds, "; ".join(problems[:5]))
    return StartupHealth(path, False, pragma, seconds, problems, newest_good(path, identity, key))


def record_restore(ws: Workspace, result: RestoreResult) -> None:
    """Put the restore in the audit log of the database that now stands (call once it is open)."""
    audit.record(ws, "restore", detail={"reason": result.description.reason, "damaged": result.damaged})
