"""Temporary files a killed backup or import left behind (the kill -9 trials found them piling up in
the backups folder and the bundle folder) are removed by the next backup or import once they are old,
and nothing else is touched."""

from __future__ import annotations

import os
import time
from pathlib import Path

from rangtang_desktop.services import backups, exchange
from rangtang_desktop.storage.backup_files import STALE_AFTER
from tests.services.backup_support import village_laptop
from tests.services.exchange_support import VILLAGE_A, household_with_child, make_county


def _aged(path: Path, seconds: float = STALE_AFTER + 60) -> Path:
    path.write_bytes(b"partial copy")
    back = time.time() - seconds
    os.utime(path, (back, back))
    return path


def test_next_backup_removes_what_a_killed_backup_left(tmp_path):
    """Old hidden snapshot temporaries (and their journal, and a keys copy's) go; a fresh one, another database's and other files stay."""
    ws = village_laptop(tmp_path / "village.sqlite3")
    try:
        folder = tmp_path / "backups"
        folder.mkdir()
        stale = [
            _aged(folder / ".village.20261129-081500-123.daily.sqlite3.0a1b2c3d.tmp"),
            _aged(folder / ".village.20261129-081500-123.daily.sqlite3.0a1b2c3d.tmp-journal"),
            _aged(folder / ".village.20261129-081500-123.manual.sqlite3.keys.json.00ff00ff.tmp"),
        ]
        kept = [
            _aged(folder / ".village.20261129-081500-124.manual.sqlite3.12345678.tmp", seconds=5),  # being written now
            _aged(folder / ".township.20261129-081500-123.daily.sqlite3.0a1b2c3d.tmp"),  # another database's
            _aged(folder / ".village.check-failed"),
            _aged(folder / "notes.txt"),
        ]
        backups.take(ws, "manual")
        assert not any(p.exists() for p in stale)
        assert all(p.exists() for p in kept)
    finally:
        ws.close()


def test_next_import_removes_old_copies_of_a_killed_import(tmp_path):
    """An old ``.import-*.rtb`` copy in the bundle folder goes at the next import; a fresh one stays."""
    county = make_county(tmp_path)
    try:
        household_with_child(county.village_a, VILLAGE_A)
        exported = exchange.export_bundle(county.village_a, county.stick)
        incoming = tmp_path / "township-bundles" / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        old = _aged(incoming / ".import-abc123.rtb")
        fresh = _aged(incoming / ".import-def456.rtb", seconds=5)
        assert exchange.import_bundle(county.township, exported.path).status == "applied"
        assert not old.exists() and fresh.exists()
    finally:
        county.close()
