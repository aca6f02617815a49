"""Atomic, verified file writes for USB sticks.

``write_atomically`` writes bytes to a hidden temporary file in the target folder, flushes and
``os.fsync``s it, renames it over the final name with ``os.replace``, ``fsync``s the folder where
the system allows it (not on Windows), and then re-reads the final file and compares it byte for byte
with what was meant to be written. Where the system offers ``posix_fadvise``, the file's cached pages
are dropped first so the re-read comes from the stick itself, not from memory.

A stick pulled out mid-write therefore leaves either no file under the final name or a complete one.
A temporary file left behind (the stick vanished before it could be removed) is named
``.<final name>.<random>.tmp``: hidden, and not ending in ``.rtb``, so a scan for bundles skips it,
and its content would be refused anyway. On any failure the temporary (or final, if verification failed) file is removed as
far as the stick still allows, and ``BundleWriteFailed`` says what happened: ``disk_full``
(ENOSPC, EDQUOT), ``read_only`` (EROFS, EACCES, EPERM), ``removed`` (EIO, ENOENT, ENODEV, ENXIO and
the Windows "device not ready" family), ``verify_failed`` or ``failed``.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from .errors import BundleWriteFailed

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_REMOVED = {errno.EIO, errno.ENOENT, errno.ENODEV, errno.ENXIO, getattr(errno, "ENOMEDIUM", errno.EIO)}
# Windows error codes: 112 disk full, 39 handle disk full, 19 write protect, 5 access denied,
# 21 not ready, 55 network/device gone, 433 no such device, 1117 I/O device error, 1167 not connected.
_WIN_DISK_FULL = {112, 39}
_WIN_READ_ONLY = {19, 5}
_WIN_REMOVED = {21, 55, 433, 1117, 1167, 1006, 2, 3}
_CHUNK = 1024 * 1024
TEMP_SUFFIX = ".tmp"


def classify(error: OSError) -> str:
    """The write-failure reason code for an ``OSError``."""
    winerror = getattr(error, "winerror", None)
    if winerror in _WIN_DISK_FULL or error.errno in _DISK_FULL:
        return "disk_full"
    if winerror in _WIN_READ_ONLY or error.errno in _READ_ONLY:
        return "read_only"
    if winerror in _WIN_REMOVED or error.errno in _REMOVED:
        return "removed"
    return "failed"


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # the stick may be gone or read-only; nothing more can be done


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        if written <= 0:
            raise OSError(errno.EIO, "write returned no progress")
        view = view[written:]


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder for fsync; NTFS/FAT metadata is flushed with the file
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders; the read-back check still runs
    finally:
        os.close(fd)


def _read_back(path: Path, size: int) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        if hasattr(os, "posix_fadvise"):
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
        chunks = []
        remaining = size + 1
        while remaining > 0:
            chunk = os.read(fd, min(_CHUNK, remaining))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``folder / name`` atomically and verified (see the module docstring)."""
    folder = Path(folder)
    final = folder / name
    temp = folder / f".{name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    stage = "temp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, final)
        stage = "final"
        _sync_folder(folder)
        written = _read_back(final, len(data))
    except OSError as error:
        _remove_quietly(temp if stage == "temp" else final)
        raise BundleWriteFailed(classify(error), folder=str(folder), detail=f"{stage}: {error}") from error
    except BaseException:  # interrupted (KeyboardInterrupt, MemoryError): still leave no partial file
        _remove_quietly(temp if stage == "temp" else final)
        raise
    if written != data:
        _remove_quietly(final)
        raise BundleWriteFailed("verify_failed", folder=str(folder), detail=f"read back {len(written)} bytes")
    return final
