"""Automatic backups: the rotation keeps what its policy says, the daily backup is taken once a day,
imports and merges are preceded by a backup (and do not start without one), and a backup by hand
reaches the chosen folder."""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.dates import LOCAL_ZONE
from rangtang_desktop.services import backups, exchange, register
from rangtang_desktop.services import duplicates_review as review
from rangtang_desktop.storage.snapshots import BackupDiskFull, SnapshotFile, snapshot_name
from tests.services.backup_support import VILLAGE, files_in, rows, village_laptop


@pytest.fixture
def laptop(tmp_path):
    ws = village_laptop(tmp_path / "village.sqlite3")
    yield ws
    ws.close()


def local(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}").replace(tzinfo=LOCAL_ZONE).astimezone(UTC)


def fake(created: datetime, reason: str) -> SnapshotFile:
    return SnapshotFile(Path(snapshot_name("village", created, reason)), created, reason, 1)


def test_rotation_keeps_seven_days_four_weeks_and_five_before_operations():
    """40 days of daily backups, two by hand on the last day and eight before imports: kept are the
    newest of each of the last 7 days, the newest of each of the 4 newest ISO weeks, and the 5 newest
    before-import backups."""
    first = datetime(2025, 2, 19)
    days = [(first + timedelta(days=n)).date().isoformat() for n in range(40)]  # … 2025-03-30, a Sunday
    daily = {day: fake(local(day, 9), "daily") for day in days}
    by_hand = [fake(local("2025-03-30", 10), "manual"), fake(local("2025-03-30", 11), "manual")]
    imports = [fake(local("2025-03-30", 12, n), "before-import") for n in range(8)]
    kept = backups.kept([*daily.values(), *by_hand, *imports])
    expected_days = ["2025-03-24", "2025-03-25", "2025-03-26", "2025-03-27", "2025-03-28", "2025-03-29"]
    expected_weeks = ["2025-03-23", "2025-03-16", "2025-03-09"]  # Sundays: the newest of ISO weeks 12, 11, 10
    expected = {daily[d].path for d in expected_days + expected_weeks} | {by_hand[1].path} | {s.path for s in imports[3:]}
    assert kept == expected


def test_rotation_counts_days_that_have_a_backup():
    """A laptop left off for weeks keeps its last 7 daily backups; the newest backup is always kept."""
    days = [f"2025-01-{n:02d}" for n in range(1, 11)]
    daily = [fake(local(day, 9), "daily") for day in days]
    kept = backups.kept(daily)
    assert {s.path for s in daily[3:]} <= kept  # 4 … 10 January
    assert daily[0].path not in kept and daily[1].path not in kept
    assert backups.kept([fake(local("2025-01-01", 9), "before-merge")]) == {fake(local("2025-01-01", 9), "before-merge").path}


def test_prune_removes_only_what_the_policy_drops(laptop, tmp_path):
    """Pruning removes this database's old backups and leaves every other file in the folder."""
    folder = tmp_path / "backups"
    folder.mkdir()
    names = [snapshot_name("village", local(f"2025-01-{n:02d}", 9), "daily") for n in range(1, 11)]
    for name in names:
        (folder / name).write_bytes(b"x")
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    (folder / snapshot_name("other", local("2025-01-01", 9), "daily")).write_bytes(b"x")
    removed = backups.prune(laptop.path)
    assert sorted(p.name for p in removed) == names[:3]
    assert files_in(folder) == sorted([*names[3:], "notes.txt", snapshot_name("other", local("2025-01-01", 9), "daily")])


def test_daily_backup_once_a_local_day(laptop):
    """The daily backup is taken when today (Asia/Shanghai) has none, and not again the same day."""
    morning = local("2025-03-03", 8)
    first = backups.snapshot_if_due(laptop, now=morning)
    assert first is not None and first.reason == "daily"
    assert backups.snapshot_if_due(laptop, now=morning + timedelta(hours=10)) is None
    assert backups.is_due(laptop.path, now=local("2025-03-04", 0, 5))
    second = backups.snapshot_if_due(laptop, now=local("2025-03-04", 0, 5))
    assert second is not None
    assert [s.path for s in backups.list_backups(laptop.path)] == [second.path, first.path]


def test_import_batch_is_preceded_by_one_backup(laptop, tmp_path):
    """Importing a batch of files takes one before-import backup, whatever the files turn out to be."""
    junk = [tmp_path / "a.rtb", tmp_path / "b.rtb"]
    for path in junk:
        path.write_bytes(b"not a bundle")
    results = exchange.import_files(laptop, junk)
    assert [r.status for r in results] == ["rejected", "rejected"]
    assert [s.reason for s in backups.list_backups(laptop.path)] == ["before-import"]


def test_no_import_without_its_backup(laptop, tmp_path, monkeypatch):
    """When the backup before an import cannot be written (full disk), nothing is imported."""
    bundle = tmp_path / "a.rtb"
    bundle.write_bytes(b"not a bundle")
    before = rows(Path(laptop.path))
    monkeypatch.setattr(os, "replace", lambda *_a: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    with pytest.raises(BackupDiskFull):
        exchange.import_files(laptop, [bundle])
    monkeypatch.undo()
    assert rows(Path(laptop.path)) == before
    assert backups.list_backups(laptop.path) == []


def test_merge_is_preceded_by_a_backup(laptop):
    """Merging two records takes a before-merge backup; keeping them separate does not."""
    household = register.save(laptop, records.Household(village_code=VILLAGE, house_name_zh="扎西家")).record
    a, b, c = (
        register.save(laptop, records.Person(household_id=household.id, name_zh="卓玛", sex="female", birth_date="2015-03-07")).record
        for _ in range(3)
    )
    review.decide(laptop, a.id, c.id, "separate", reason="twins")
    assert backups.list_backups(laptop.path) == []
    review.decide(laptop, a.id, b.id, "merged", kept=a.id, reason="same child")
    assert [s.reason for s in backups.list_backups(laptop.path)] == ["before-merge"]


def test_merges_in_one_session_share_their_backup(laptop):
    """Merges one after another reuse the before-merge backup for 30 minutes, then take a new one."""
    first = backups.before_operation(laptop, "merge")
    assert backups.before_operation(laptop, "merge", now=first.created + timedelta(minutes=29)) == first
    later = backups.before_operation(laptop, "merge", now=first.created + timedelta(minutes=31))
    assert later != first and later.reason == "before-merge"
    assert backups.before_operation(laptop, "import").reason == "before-import"  # imports never share


def test_backup_to_a_folder_copies_a_fresh_backup(laptop, tmp_path):
    """Backing up to a USB stick leaves a fresh backup beside the database and the same bytes on the stick."""
    stick = tmp_path / "stick"
    stick.mkdir()
    result = backups.back_up_to(laptop, stick)
    assert result.snapshot.reason == "manual"
    assert result.copy == stick / result.snapshot.path.name
    assert result.copy.read_bytes() == result.snapshot.path.read_bytes()
    assert set(result.as_json()) >= {"file", "created", "reason", "bytes", "copy"}


def test_a_failing_backup_keeps_the_earlier_ones(laptop, tmp_path, monkeypatch):
    """ENOSPC on fsync while a backup is written: the earlier backups stay, no temporary file is left."""
    first = backups.take(laptop, "daily")
    before = files_in(tmp_path / "backups")

    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(BackupDiskFull):
        backups.back_up_to(laptop, tmp_path)
    monkeypatch.undo()
    assert files_in(tmp_path / "backups") == before
    assert first.path.exists()
