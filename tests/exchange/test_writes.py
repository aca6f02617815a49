"""Writing to a stick that is full, write-protected, pulled out or failing: BundleWriteFailed and no file left."""

from __future__ import annotations

import errno
import os

import pytest

from rangtang_desktop.exchange import atomic
from rangtang_desktop.exchange.bundle import BundleWriteFailed

from .support import write_changes


def failing_write(monkeypatch, exception: OSError, *, after_bytes: int = 0):
    """Make os.write succeed for ``after_bytes`` bytes, then raise ``exception`` (the disk filled up)."""
    real_write = os.write
    state = {"left": after_bytes}

    def write(fd, data):
        if state["left"] <= 0:
            raise exception
        written = real_write(fd, bytes(data[: state["left"]]))
        state["left"] -= written
        return written

    monkeypatch.setattr(os, "write", write)


def written_files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_disk_full_mid_write(stick, village, township, monkeypatch):
    """The stick fills up half-way: disk_full, and the partial temporary file is removed."""
    failing_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), after_bytes=700)
    with pytest.raises(BundleWriteFailed) as caught:
        write_changes(stick, village, township)
    assert caught.value.reason == "disk_full"
    assert str(stick) in caught.value.headline_message().render(lambda text: text)
    assert caught.value.advice_message().text
    assert written_files(stick) == []


def test_disk_full_keeps_an_older_file(stick, village, township, registry, monkeypatch):
    """A failed write under a name that already exists leaves the older file whole (old state survives)."""
    old = write_changes(stick, village, township, name="to-township.rtb")
    before = old.path.read_bytes()
    failing_write(monkeypatch, OSError(errno.ENOSPC, "No space left on device"), after_bytes=100)
    with pytest.raises(BundleWriteFailed):
        write_changes(stick, village, township, name="to-township.rtb", sequence=2)
    monkeypatch.undo()
    assert written_files(stick) == ["to-township.rtb"]
    assert old.path.read_bytes() == before and registry.open(old.path, township).manifest.sequence == 1


def test_read_only_folder(stick, village, township):
    """A write-protected folder (chmod 555): read_only, and nothing is left (skipped where root ignores it)."""
    stick.chmod(0o555)
    try:
        try:  # root (os.geteuid() == 0) normally writes anyway; a root without CAP_DAC_OVERRIDE does not
            (stick / "probe").touch()
        except PermissionError:
            pass
        else:
            (stick / "probe").unlink()
            pytest.skip("this user (root, or any user on Windows) can write to read-only folders")
        with pytest.raises(BundleWriteFailed) as caught:
            write_changes(stick, village, township)
    finally:
        stick.chmod(0o755)
    assert caught.value.reason == "read_only"
    assert written_files(stick) == []


def test_write_protected_stick(stick, village, township, monkeypatch):
    """A stick with its lock switch on (EROFS when creating the file): read_only (runs as root too)."""
    real_open = os.open

    def refuse(path, flags, *args):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(BundleWriteFailed) as caught:
        write_changes(stick, village, township)
    assert caught.value.reason == "read_only"
    assert written_files(stick) == []


def test_stick_pulled_out_during_fsync(stick, village, township, monkeypatch):
    """The stick is removed before the data reached it (EIO on fsync): removed, no file left."""

    def gone(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", gone)
    with pytest.raises(BundleWriteFailed) as caught:
        write_changes(stick, village, township)
    assert caught.value.reason == "removed"
    assert written_files(stick) == []


def test_folder_gone(tmp_path, village, township):
    """The stick's folder no longer exists (stick removed before writing): removed."""
    with pytest.raises(BundleWriteFailed) as caught:
        write_changes(tmp_path / "no-stick", village, township)
    assert caught.value.reason == "removed"


def test_read_back_differs(stick, village, township, monkeypatch):
    """A stick that silently stores a different byte fails the read-back check; the file is deleted."""
    real_replace = os.replace

    def replace_and_corrupt(source, target):
        real_replace(source, target)
        with open(target, "r+b") as handle:
            handle.seek(100)
            byte = handle.read(1)
            handle.seek(100)
            handle.write(bytes([byte[0] ^ 0xFF]))

    monkeypatch.setattr(os, "replace", replace_and_corrupt)
    with pytest.raises(BundleWriteFailed) as caught:
        write_changes(stick, village, township)
    assert caught.value.reason == "verify_failed"
    assert written_files(stick) == []


def test_read_back_short(stick, village, township, monkeypatch):
    """A stick that loses the end of the file fails the read-back check; the file is deleted."""
    real_replace = os.replace

    def replace_and_truncate(source, target):
        real_replace(source, target)
        os.truncate(target, 50)

    monkeypatch.setattr(os, "replace", replace_and_truncate)
    with pytest.raises(BundleWriteFailed) as caught:
        write_changes(stick, village, township)
    assert caught.value.reason == "verify_failed"
    assert written_files(stick) == []


def test_no_temporary_file_after_success(stick, village, township):
    """A successful write leaves exactly the bundle, no temporary file."""
    written = write_changes(stick, village, township)
    assert written_files(stick) == [written.path.name]


@pytest.mark.parametrize(
    ("code", "winerror", "expected"),
    [
        (errno.ENOSPC, None, "disk_full"),
        (errno.EROFS, None, "read_only"),
        (errno.EACCES, None, "read_only"),
        (errno.EIO, None, "removed"),
        (errno.ENODEV, None, "removed"),
        (errno.EINVAL, None, "failed"),
        (errno.EINVAL, 112, "disk_full"),
        (errno.EACCES, 19, "read_only"),
        (errno.EINVAL, 21, "removed"),
        (errno.EINVAL, 1167, "removed"),
    ],
)
def test_error_classification(code, winerror, expected):
    """OS errors (and Windows error codes) map to the write-failure reason the user is told."""
    error = OSError(code, os.strerror(code))
    if winerror is not None:
        error.winerror = winerror
    assert atomic.classify(error) == expected


def test_messages_are_two_part(stick):
    """Every write-failure reason has a headline and advice that name no placeholder but the folder."""
    from rangtang_desktop.exchange.errors import WRITE_FAILURE_MESSAGES

    for reason in WRITE_FAILURE_MESSAGES:
        error = BundleWriteFailed(reason, folder=str(stick))
        assert error.headline_message().render(lambda text: text) and error.advice_message().render(lambda text: text)


def test_interrupted_write_leaves_nothing(stick, village, township, monkeypatch):
    """An interruption that is not an OS error (Ctrl+C mid-write) still removes the partial file."""
    real_write = os.write

    def write_then_interrupt(fd, data):
        real_write(fd, bytes(data[:10]))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_changes(stick, village, township)
    assert written_files(stick) == []
