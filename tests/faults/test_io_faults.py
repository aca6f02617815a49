"""Full disk, a stick pulled out and failed fsyncs during export and backup, at every call position:
the old state survives (no partial file, the earlier bundle and backups byte for byte, the database
unchanged) and the user gets a two-part message.

``tests/exchange/test_writes.py`` and ``tests/services/test_backups.py`` fail one chosen call each
(the first ``os.write`` after some bytes, every ``fsync``); here a dry run first counts how often the
operation calls ``os.open`` (creating), ``os.write``, ``open`` for writing and the file's ``write``
(in ``storage.backup_files``), ``os.fsync`` and ``os.replace``, and then the operation is run once per call position and error, the Nth call of that
kind raising ``OSError`` (ENOSPC, EIO). A call whose failure the code deliberately ignores (the
folder's ``fsync``, which some file systems refuse) may let the operation succeed: then its result
must be complete and check.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rangtang_desktop.core.errors import RangtangError
from rangtang_desktop.exchange.bundle import BUNDLE_SUFFIX, inspect_bundle
from rangtang_desktop.services import backups, exchange
from rangtang_desktop.storage import backup_files, keyfile, snapshots
from tests.services.exchange_support import household_with_child, make_county, snapshot

ERRORS = {"ENOSPC": errno.ENOSPC, "EIO": errno.EIO}
KINDS = ("os.open", "os.write", "file.open", "file.write", "os.fsync", "os.replace")


class _File:
    """A file object whose ``write`` goes through the fault counter."""

    def __init__(self, faults: Faults, real) -> None:
        self._faults, self._real = faults, real

    def write(self, data):
        self._faults.call("file.write")
        return self._real.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return self._real.__exit__(*exc_info)

    def __getattr__(self, name):
        return getattr(self._real, name)


class Faults:
    """Counts the calls of each kind; the ``fail_at``-th call of ``kind`` raises ``OSError(code)``."""

    def __init__(self, kind: str | None = None, fail_at: int = -1, code: int = errno.ENOSPC) -> None:
        self.kind, self.fail_at, self.code = kind, fail_at, code
        self.counts = dict.fromkeys(KINDS, 0)
        self.fired = False

    def call(self, kind: str) -> None:
        index = self.counts[kind]
        self.counts[kind] += 1
        if kind == self.kind and index == self.fail_at:
            self.fired = True
            raise OSError(self.code, os.strerror(self.code))

    def install(self, monkeypatch) -> Faults:
        real_open, real_write, real_fsync, real_replace = os.open, os.write, os.fsync, os.replace
        import builtins

        real_builtin_open = builtins.open

        def os_open(path, flags, *args, **kwargs):
            if flags & os.O_CREAT:
                self.call("os.open")
            return real_open(path, flags, *args, **kwargs)

        def os_write(fd, data):
            self.call("os.write")
            return real_write(fd, data)

        def os_fsync(fd):
            self.call("os.fsync")
            return real_fsync(fd)

        def os_replace(source, target, **kwargs):
            self.call("os.replace")
            return real_replace(source, target, **kwargs)

        def file_open(file, mode="r", *args, **kwargs):
            writing = any(c in mode for c in "wxa+")
            if writing:
                self.call("file.open")
            handle = real_builtin_open(file, mode, *args, **kwargs)
            return _File(self, handle) if writing else handle

        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(os, "write", os_write)
        monkeypatch.setattr(os, "fsync", os_fsync)
        monkeypatch.setattr(os, "replace", os_replace)
        monkeypatch.setattr(backup_files, "open", file_open, raising=False)  # the copies' buffered writes
        return self


def positions(counts: dict[str, int]) -> list[tuple[str, int, str]]:
    """Every (kind, call index, error) to try."""
    return [(kind, index, name) for kind in KINDS for index in range(counts[kind]) for name in ERRORS]


def two_part(error: RangtangError) -> bool:
    render = lambda text: text  # noqa: E731
    return bool(error.headline_message().render(render).strip() and error.advice_message().render(render).strip())


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()} if folder.is_dir() else {}


# -- export ----------------------------------------------------------------------------------------


@pytest.fixture
def county(tmp_path):
    found = make_county(tmp_path)
    household_with_child(found.village_a, "513230101203", "次仁拉姆")
    yield found
    found.close()


def test_export_survives_a_fault_at_every_call(county, monkeypatch):
    """ENOSPC/EIO at each os.open, os.write, fsync and replace of an export: either a complete, recorded bundle, or the stick as it was, the village database unchanged and a two-part BundleWriteFailed."""
    village, stick = county.village_a, county.stick
    for leftover in stick.iterdir():
        leftover.unlink()
    older = exchange.export_bundle(village, stick, full=True)  # an earlier bundle on the stick must survive
    counter = Faults().install(monkeypatch)
    done = exchange.export_bundle(village, stick, full=True)
    monkeypatch.undo()
    done.path.unlink()
    tried = failed = 0
    for kind, index, name in positions(counter.counts):
        before_stick, before_db = digests(stick), snapshot(village)
        faults = Faults(kind, index, ERRORS[name]).install(monkeypatch)
        try:
            result = exchange.export_bundle(village, stick, full=True)
        except RangtangError as error:
            monkeypatch.undo()
            failed += 1
            assert faults.fired and two_part(error), (kind, index, name)
            assert digests(stick) == before_stick, (kind, index, name)
            assert snapshot(village) == before_db, (kind, index, name)
        else:
            monkeypatch.undo()
            assert inspect_bundle(result.path).sequence == result.sequence, (kind, index, name)
            recorded = village.db.execute("SELECT count(*) FROM bundle_sent WHERE bundle_seq = ?", [result.sequence]).fetchone()[0]
            assert recorded == 1 and not [p for p in stick.iterdir() if p.name.startswith(".")], (kind, index, name)
            result.path.unlink()  # the next position starts from the same stick
        tried += 1
        assert digests(stick)[older.path.name] == before_stick[older.path.name], (kind, index, name)
    print("export", counter.counts)
    assert tried >= 2 * sum(counter.counts.values()) and failed >= 2 * (counter.counts["os.write"] + counter.counts["os.replace"])
    assert {p.suffix for p in stick.iterdir()} == {BUNDLE_SUFFIX}


# -- backup ----------------------------------------------------------------------------------------


@pytest.fixture(params=["plain", "encrypted"])
def laptop(request, tmp_path, monkeypatch):
    """A village database (plain, or encrypted with a cheap KDF) with an older backup."""
    from tests.services.backup_support import village_laptop

    if request.param == "encrypted":
        monkeypatch.setitem(keyfile.wrap_for_password.__kwdefaults__, "n", 2**10)
        from rangtang_desktop.services import workspace

        monkeypatch.setitem(workspace.open_workspace.__kwdefaults__, "password", "雪山-faults")
    ws = village_laptop(tmp_path / "village.sqlite3")
    monkeypatch.undo()
    yield ws
    ws.close()


def _backup_state(ws, stick: Path) -> tuple:
    from tests.services.exchange_support import snapshot as rows_of

    return digests(Path(ws.path).parent / "backups"), digests(stick), rows_of(ws)


def _without_audit(rows: list[str]) -> list[str]:
    return [r for r in rows if not r.startswith(('INSERT INTO "audit"', 'INSERT INTO "origin"', 'INSERT INTO "author"'))]


@pytest.mark.parametrize("operation", ["take", "back_up_to"])
def test_backup_survives_a_fault_at_every_call(laptop, tmp_path, monkeypatch, operation):
    """ENOSPC/EIO at each os.open, file write, fsync and replace of a backup (beside the database, or by hand to a stick): either a complete backup that checks, or the earlier backups byte for byte, nothing new, no temporary file, the database unchanged and BackupDiskFull/BackupWriteFailed with two parts."""
    stick = tmp_path / "usb"
    stick.mkdir()
    now = datetime.now(UTC)
    old = [backups.take(laptop, "daily", now=now - timedelta(days=days)).path.name for days in (2, 1)]
    backups.back_up_to(laptop, stick)

    def run():
        return backups.take(laptop, "manual") if operation == "take" else backups.back_up_to(laptop, stick).snapshot

    counter = Faults().install(monkeypatch)
    run()
    monkeypatch.undo()
    tried = 0
    new_ones, stick_changed = [], []
    for kind, index, name in positions(counter.counts):
        backups_before, stick_before, rows_before = _backup_state(laptop, stick)
        faults = Faults(kind, index, ERRORS[name]).install(monkeypatch)
        try:
            made = run()
        except RangtangError as error:
            monkeypatch.undo()
            assert faults.fired and two_part(error), (kind, index, name)
            assert isinstance(error, backup_files.BackupDiskFull if name == "ENOSPC" else backup_files.BackupWriteFailed), (kind, index, name, error)
            backups_after, stick_after, rows_after = _backup_state(laptop, stick)
            for kept in old:
                assert backups_after[kept] == backups_before[kept], (kind, index, name)
            if backups_after != backups_before:
                new_ones.append((kind, index, name, sorted(set(backups_after) - set(backups_before))))
            if stick_after != stick_before:
                stick_changed.append((kind, index, name, sorted(set(stick_after) - set(stick_before))))
            assert _without_audit(rows_after) == _without_audit(rows_before), (kind, index, name)
        else:
            monkeypatch.undo()
            assert snapshots.describe(made.path, key=laptop.key).ok, (kind, index, name)
        tried += 1
        folder = Path(laptop.path).parent / "backups"
        assert not [p.name for p in (*folder.iterdir(), *stick.iterdir()) if p.name.startswith(".")], (kind, index, name)
        for found in backups.list_backups(laptop.path):
            assert snapshots.describe(found.path, key=laptop.key).ok
    assert tried == len(positions(counter.counts)) and counter.counts["os.replace"] and counter.counts["os.fsync"]
    print(operation, laptop.encrypted, counter.counts, "new backups despite an error:", new_ones, "stick changed:", stick_changed)
    assert not stick_changed
    if operation == "take":
        assert not new_ones
    # back_up_to: when the copy to the stick fails, the backup beside the database (already written,
    # and checked above) stays: the database's own backups gained one, the stick is as it was


def test_backup_when_sqlite_finds_the_disk_full(laptop, monkeypatch):
    """SQLite's own write of the copy fails with SQLITE_FULL: BackupDiskFull in two parts, the earlier backups kept, no temporary file."""
    backups.take(laptop, "daily")
    folder = Path(laptop.path).parent / "backups"
    before = digests(folder)

    def full(*_args, **_kwargs):
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = 13
        raise error

    monkeypatch.setattr(snapshots, "_write_copy", full)
    with pytest.raises(backup_files.BackupDiskFull) as caught:
        backups.take(laptop, "manual")
    assert two_part(caught.value)
    assert digests(folder) == before
