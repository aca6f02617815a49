"""Durable file copies for backups, and the errors of writing them.

A file is written under a hidden temporary name in its target folder, ``fsync``ed, renamed over its
final name with ``os.replace`` and the folder ``fsync``ed where the system allows it (not on
Windows); a copy to a USB stick is then read back (from the stick, not the cache, where
``posix_fadvise`` allows) and compared by SHA-256. Any failure removes the temporary file: a full
disk or a stick pulled out leaves the old files and no partial one. A temporary file that a killed
process (a power cut) could not remove is removed later by ``remove_stale``, once it is old enough
not to belong to a write still going on.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from ..core.errors import RangtangError
from ..core.msg import N_

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
_TEMP_SUFFIX = ".tmp"
STALE_AFTER = 600.0  # seconds: a temporary file not written to for this long was left by a killed process
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_WIN_DISK_FULL = {112, 39}


class BackupDiskFull(RangtangError):
    reason = "disk_full"
    headline = N_("There is not enough free space in {folder} for a backup ({needed} MB needed).")
    advice = N_(
        "Free some space there, or choose another folder or USB stick, then try again. Nothing has been "
        "changed, and the earlier backups are kept."
    )


class BackupWriteFailed(RangtangError):
    reason = "write_failed"
    headline = N_("The backup could not be written to {folder}.")
    advice = N_(
        "Check that the folder or USB stick is still there and not write-protected, then try again. "
        "Nothing has been changed, and the earlier backups are kept."
    )


class BackupDamaged(RangtangError):
    reason = "damaged"
    headline = N_("This backup is damaged and cannot be restored: {file}")
    advice = N_("Choose another backup, for example an older one. Nothing has been changed.")


def megabytes(size: int) -> int:
    return size // (1024 * 1024) + 1


def write_error(error: BaseException, folder: Path, needed: int) -> RangtangError:
    winerror = getattr(error, "winerror", None)
    code = getattr(error, "sqlite_errorcode", None)
    if (
        (isinstance(error, OSError) and (error.errno in _DISK_FULL or winerror in _WIN_DISK_FULL))
        or (code is not None and code & 0xFF == 13)
    ):
        return BackupDiskFull(folder=str(folder), needed=megabytes(needed))
    return BackupWriteFailed(folder=str(folder))


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as error:  # the stick may be gone; nothing more can be done
            log.warning("could not remove a temporary backup file: %s", type(error).__name__)


def sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder for fsync; NTFS metadata is flushed with the file
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders
    finally:
        os.close(fd)


def remove_stale(folder: Path, pattern: re.Pattern[str], *, older_than: float = STALE_AFTER) -> int:
    """Remove the temporary files a killed process (a power cut) left in ``folder``: those whose
    name matches ``pattern`` and that have not been written to for ``older_than`` seconds (a copy
    another process is writing right now is younger). Returns how many were removed."""
    removed = 0
    try:
        candidates = [p for p in folder.iterdir() if pattern.match(p.name)]
    except OSError:
        return 0
    limit = time.time() - older_than
    for path in candidates:
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError as error:
            log.warning("could not remove a stale temporary file: %s", type(error).__name__)
    if removed:
        log.info("removed %d temporary files left by an interrupted write", removed)
    return removed


def temp_path(folder: Path, name: str) -> Path:
    """A hidden temporary name in ``folder`` that no listing of snapshots or bundles takes."""
    return folder / f".{name}.{secrets.token_hex(4)}{_TEMP_SUFFIX}"


def copy_into(source: Path, target: Path) -> None:
    """Copy a file into a new file (which must not exist) and fsync it. A source that cannot be
    read raises ``BackupDamaged``; a target that cannot be written ``BackupDiskFull`` or
    ``BackupWriteFailed``; no partial file is left behind."""
    try:
        reader = open(source, "rb")  # noqa: SIM115 - closed below, its errors told apart from the writer's
        size = os.fstat(reader.fileno()).st_size
    except OSError:
        raise BackupDamaged(file=source.name) from None
    try:
        with reader, open(target, "xb") as writer:
            while True:
                try:
                    chunk = reader.read(_CHUNK)
                except OSError:
                    raise BackupDamaged(file=source.name) from None
                if not chunk:
                    break
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
    except OSError as error:
        if not isinstance(error, FileExistsError):
            remove_quietly(target)
        raise write_error(error, target.parent, size) from error
    except BaseException:
        remove_quietly(target)
        raise


def copy_file_atomically(source: Path, folder: Path, name: str | None = None) -> Path:
    """Copy ``source`` into ``folder`` (a USB stick): temporary file, fsync, rename, fsync the
    folder, then read it back (from the stick, not the cache where the system allows) and compare
    SHA-256. Raises ``BackupDiskFull`` / ``BackupWriteFailed``; no temporary file is left behind."""
    folder = Path(folder)
    final = folder / (name or source.name)
    size = source.stat().st_size
    if not folder.is_dir():
        raise BackupWriteFailed(folder=str(folder))
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = None
    if free is not None and free < size:
        raise BackupDiskFull(folder=str(folder), needed=megabytes(size))
    temp = temp_path(folder, final.name)
    stage = "temp"
    try:
        digest = hashlib.sha256()
        with open(source, "rb") as reader, open(temp, "xb") as writer:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        os.replace(temp, final)
        stage = "final"
        sync_folder(folder)
        if _sha256_from_disk(final) != digest.hexdigest():
            raise OSError(errno.EIO, "the copy reads back differently")
    except OSError as error:
        remove_quietly(temp if stage == "temp" else final)
        log.warning("backup copy not written: %s", type(error).__name__)
        raise write_error(error, folder, size) from error
    except BaseException:
        remove_quietly(temp if stage == "temp" else final)
        raise
    return final


def _sha256_from_disk(path: Path) -> str:
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        if hasattr(os, "posix_fadvise"):
            with contextlib.suppress(OSError):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest()
