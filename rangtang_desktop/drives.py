"""Removable drives (USB sticks) the operating system has mounted, for the exchange screens to offer
as the place to write a bundle or read one from. Where the system does not say, nothing is offered
and the user picks a folder (the last one is remembered in the settings).

* Linux: mounts from ``/proc/self/mountinfo`` whose block device (or its parent disk) is marked
  removable in ``/sys/class/block``, or that are mounted under ``/media`` or ``/run/media``.
* Windows: drive letters of type ``DRIVE_REMOVABLE``.
* macOS: the volumes in ``/Volumes`` other than the system disk.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

USB_MOUNT_ROOTS = ("/media/", "/run/media/")


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free_bytes: int
    writable: bool


def removable_drives() -> list[Drive]:
    if sys.platform == "win32":
        paths = _windows_removable()
    elif sys.platform == "darwin":
        paths = _mac_volumes(Path("/Volumes"))
    else:
        paths = linux_removable(Path("/proc/self/mountinfo"), Path("/sys/class/block"))
    return [drive for drive in (_describe(p) for p in paths) if drive is not None]


def _describe(path: Path) -> Drive | None:
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return None  # a card reader without a card, a drive pulled out a moment ago
    return Drive(path, path.name or str(path), free, os.access(path, os.W_OK))


def linux_removable(mountinfo: Path, sys_block: Path) -> list[Path]:
    """Mount points of removable block devices, from the kernel's mount table."""
    try:
        lines = mountinfo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split(" ")
        if "-" not in fields or len(fields) < 5:
            continue
        mount_point = _unescape(fields[4])
        source = fields[fields.index("-") + 2] if len(fields) > fields.index("-") + 2 else ""
        if not source.startswith("/dev/"):
            continue
        device = source.removeprefix("/dev/")
        if _is_removable(sys_block, device) or mount_point.startswith(USB_MOUNT_ROOTS):
            found.append(Path(mount_point))
    return found


def _is_removable(sys_block: Path, device: str) -> bool:
    """A partition (sdb1) is removable when its disk (sdb) is; ``/sys/class/block/sdb1`` links into
    the disk's folder, so the flag is read from the device itself or its parent."""
    entry = sys_block / device
    for folder in (entry, entry.resolve().parent):
        try:
            if (folder / "removable").read_text().strip() == "1":
                return True
        except OSError:
            continue
    return False


def _unescape(text: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash as octal."""
    return text.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def _windows_removable() -> list[Path]:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    drive_removable = 2
    found = []
    for index in range(26):
        if mask & (1 << index):
            root = f"{chr(ord('A') + index)}:\\"
            if kernel32.GetDriveTypeW(root) == drive_removable:
                found.append(Path(root))
    return found


def _mac_volumes(volumes: Path) -> list[Path]:
    try:
        entries = list(volumes.iterdir())
    except OSError:
        return []
    return [entry for entry in entries if entry.is_dir() and not entry.is_symlink()]  # the system disk is a symlink
