"""Automatic, rotating backups of the database, and backups to a USB stick or folder.

Every backup is a snapshot (``storage.snapshots``: SQLite backup API, written atomically, checked with
``PRAGMA integrity_check``, labelled with node, unit and schema) in the ``backups`` folder beside the
database. They are taken

* **daily**: when the program starts and the newest daily (or by-hand) backup is from an earlier
  local day (Asia/Shanghai), and again once a day while the window stays open (a timer in the window
  calls ``snapshot_if_due`` on the runner);
* **before a risky operation**: a schema migration (``storage.migrations``), a batch of bundle
  imports (``services.exchange_receive.import_files``, once per batch), a merge of duplicate records
  (``services.duplicates_review.decide``; merges within 30 minutes of a before-merge backup share
  it), a restore (``services.restore``);
* **by hand**: "back up now to a USB stick or folder" takes a fresh one and copies it there
  (``back_up_to``: temp file, fsync, rename, read back).

Rotation (``kept``), applied after each new backup; nothing else in the folder is touched:

* daily and by-hand backups: the newest of each of the **7** most recent local days that have one,
  and the newest of each of the **4** most recent ISO weeks that have one (the two overlap: about a
  month of history, a laptop left off for weeks still keeps its last ones);
* "before …" backups (migration, import, merge, restore): the **5** newest;
* the newest backup of all is always kept.

An encrypted database's backups are encrypted with its key, and each has a copy of the database's
keys file beside it (``<backup>.keys.json``: wrapped keys only, no secret in the clear), on the USB
stick too, so a backup and what opens it travel together.

A backup that cannot be written (full disk, folder gone) raises a two-part error and leaves the
earlier backups as they were; a backup before an operation that fails stops the operation before
it changes anything. Restoring is ``services.restore``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..core.dates import local_day
from ..core.msg import N_
from ..storage import keyfile, snapshots
from ..storage.snapshots import SnapshotFile
from . import audit
from .workspace import Workspace

log = logging.getLogger(__name__)

KEEP_DAYS = 7
KEEP_WEEKS = 4
KEEP_BEFORE = 5
SCHEDULED = ("daily", "manual")
OPERATIONS = ("import", "merge", "migration", "restore")
MERGE_SESSION = timedelta(minutes=30)

REASON_LABELS = {
    "daily": N_("Daily backup"),
    "manual": N_("Backed up by hand"),
    "before-import": N_("Before importing bundles"),
    "before-merge": N_("Before merging duplicate records"),
    "before-migration": N_("Before upgrading the database"),
    "before-restore": N_("Before restoring a backup"),
}
OTHER_REASON = N_("Backup")


def reason_label(reason: str) -> str:
    """The message id that says why a backup was taken."""
    return REASON_LABELS.get(reason, OTHER_REASON)


@dataclass(frozen=True)
class BackupCopy:
    """A backup taken by hand and its copy in the chosen folder."""

    snapshot: SnapshotFile
    copy: Path | None

    def as_json(self) -> dict[str, Any]:
        return {**snapshot_json(self.snapshot), "copy": str(self.copy) if self.copy else None}


def snapshot_json(snapshot: SnapshotFile) -> dict[str, Any]:
    return {
        "file": str(snapshot.path),
        "created": snapshot.created.isoformat(timespec="milliseconds"),
        "reason": snapshot.reason,
        "bytes": snapshot.size,
    }


# -- the policy -------------------------------------------------------------------------------


def kept(
    found: list[SnapshotFile], *, days: int = KEEP_DAYS, weeks: int = KEEP_WEEKS, before: int = KEEP_BEFORE
) -> set[Path]:
    """The backups the rotation keeps (module docstring)."""
    newest_first = sorted(found, key=lambda s: (s.created, s.path.name), reverse=True)
    keep: set[Path] = {newest_first[0].path} if newest_first else set()
    seen_days: set = set()
    seen_weeks: set = set()
    for snapshot in (s for s in newest_first if s.reason in SCHEDULED):
        day = local_day(snapshot.created)
        week = day.isocalendar()[:2]
        if day not in seen_days and len(seen_days) < days:
            seen_days.add(day)
            keep.add(snapshot.path)
        if week not in seen_weeks and len(seen_weeks) < weeks:
            seen_weeks.add(week)
            keep.add(snapshot.path)
    keep.update(s.path for s in [s for s in newest_first if s.reason not in SCHEDULED][:before])
    return keep


def list_backups(db_path: str | Path) -> list[SnapshotFile]:
    """The backups of a database, newest first."""
    db_path = Path(db_path)
    return snapshots.list_snapshots(snapshots.folder_for(db_path), db_path.stem)


def prune(db_path: str | Path) -> list[Path]:
    """Remove the backups the rotation no longer keeps; return what was removed."""
    found = list_backups(db_path)
    keep = kept(found)
    removed = []
    for snapshot in found:
        if snapshot.path in keep:
            continue
        try:
            snapshot.path.unlink()
            keyfile.path_for(snapshot.path).unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove an old backup: %s", type(error).__name__)
            continue
        removed.append(snapshot.path)
    if removed:
        log.info("rotation removed %d old backups", len(removed))
    return removed


# -- taking backups ---------------------------------------------------------------------------


def take(ws: Workspace, reason: str, *, now: datetime | None = None) -> SnapshotFile | None:
    """A new backup of the workspace's database, then the rotation; ``None`` for an in-memory
    database. Raises ``BackupDiskFull``, ``BackupWriteFailed`` or ``BackupCheckFailed``."""
    if ws.path == ":memory:":
        return None
    snapshot = snapshots.take_snapshot(ws.db.conn, ws.path, reason, now=now)
    try:
        _keys_beside(Path(ws.path), snapshot.path)
    except BaseException:  # an encrypted backup without its keys file is not left behind
        snapshots.remove_quietly(snapshot.path)
        raise
    prune(ws.path)
    return snapshot


def _keys_beside(db_path: Path, copy: Path) -> None:
    """An encrypted database's keys file, copied beside a backup of it."""
    keys = keyfile.path_for(db_path)
    if keys.exists():
        snapshots.copy_file_atomically(keys, copy.parent, keyfile.path_for(copy).name)


def before_operation(ws: Workspace, operation: str, *, now: datetime | None = None) -> SnapshotFile | None:
    """The backup before a risky operation (``import``, ``merge``, …); if it fails, the error
    stops the operation before it has changed anything. Merges made one after another (a supervisor
    going through a list of duplicates) share the backup taken before the first of them, for
    ``MERGE_SESSION`` — on a township database a backup takes seconds."""
    if operation not in OPERATIONS:
        raise ValueError(operation)
    reason = f"before-{operation}"
    now = now or datetime.now(UTC)
    if operation == "merge" and ws.path != ":memory:":
        recent = next((s for s in list_backups(ws.path) if s.reason == reason), None)
        if recent is not None and timedelta(0) <= now - recent.created < MERGE_SESSION:
            return recent
    return take(ws, reason, now=now)


def is_due(db_path: str | Path, *, now: datetime | None = None) -> bool:
    """Whether today (local day) has no daily or by-hand backup yet."""
    newest = next((s for s in list_backups(db_path) if s.reason in SCHEDULED), None)
    today = local_day(now or datetime.now(UTC))
    return newest is None or local_day(newest.created) != today


def snapshot_if_due(ws: Workspace, *, now: datetime | None = None) -> SnapshotFile | None:
    """The daily backup, when today has none yet (at start-up and from the window's daily timer)."""
    if ws.path == ":memory:" or not is_due(ws.path, now=now):
        return None
    snapshot = take(ws, "daily", now=now)
    if snapshot is not None:
        audit.record(ws, "backup", detail={"reason": "daily", "bytes": snapshot.size})
    return snapshot


def back_up_to(ws: Workspace, folder: str | Path | None) -> BackupCopy:
    """Back up now ("by hand") and copy the backup into ``folder`` (a USB stick), verified; without
    a folder, only the backup beside the database."""
    snapshot = take(ws, "manual")
    if snapshot is None:
        raise ValueError("an in-memory database has no backups")
    copy = snapshots.copy_file_atomically(snapshot.path, Path(folder)) if folder else None
    if copy is not None:
        try:
            _keys_beside(Path(ws.path), copy)
        except BaseException:  # nor on the stick: the backup and what opens it travel together
            snapshots.remove_quietly(copy)
            raise
        log.info("backup copied to a chosen folder, %d bytes", snapshot.size)
    audit.record(ws, "backup", detail={"reason": snapshot.reason, "bytes": snapshot.size, "copied": copy is not None})
    return BackupCopy(snapshot, copy)
