"""Encryption at rest (issue 7), wall-clock on this machine; ``bench_encryption()`` returns the
figures for ``run.py``.

    python tests/benchmarks/encryption_bench.py --db COUNTY.sqlite3 [--runs 7] [--startup-runs 5] [--json]

On a copy of a plain database (never changed in place) encrypted with ``services.encryption``:

* ``encrypt_s``: converting it (``sqlcipher_export``, checks, the rename, wiping the plain file);
* ``unlock_ms``: the password → key step alone (scrypt n=2**15, r=8, p=1), median;
* ``open_workspace_{plain,encrypted}_s``: ``open_workspace`` on the plain file and on the encrypted
  copy with its password (so the KDF is included), alternating, median of ``--runs``, and the
  difference ``open_encryption_extra_s`` (target: under 0.5 s);
* ``first_page_{plain,encrypted}_ms``: the dashboard counts right after opening (pages read
  through SQLCipher's decryption), median;
* ``start_to_register_{plain,encrypted}_median_s``: the whole program started in a fresh process to
  a usable register page (``startup_probe.py``, password from ``RANGTANG_PASSWORD``), plain and
  encrypted alternating after one warm-up start of each, median of ``--startup-runs``, and the
  difference ``start_encryption_extra_s`` (target: under 0.5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

PASSWORD = "bench-password"


def _timed_open(path: Path, password: str | None) -> tuple[float, float]:
    from rangtang_desktop.services.workspace import open_workspace
    from rangtang_desktop.storage import register as reg

    start = time.perf_counter()
    ws = open_workspace(path, password=password)
    opened = time.perf_counter() - start
    start = time.perf_counter()
    reg.counts(ws.db, ws.today())
    first = (time.perf_counter() - start) * 1000
    ws.close()
    return opened, first


def bench_encryption(db: Path, runs: int = 7, startup_runs: int = 5) -> dict[str, float]:
    from rangtang_desktop.services import unlock
    from rangtang_desktop.services.encryption import encrypt_database

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.sqlite3"
        source = sqlite3.connect(db)
        target = sqlite3.connect(plain)
        source.backup(target)  # a consistent copy, WAL included
        source.close()
        target.close()
        encrypted = Path(tmp) / "encrypted" / "county.sqlite3"
        encrypted.parent.mkdir()
        shutil.copy(plain, encrypted)
        start = time.perf_counter()
        encrypt_database(encrypted, PASSWORD)
        figures["encrypt_s"] = round(time.perf_counter() - start, 2)
        figures["encrypted_database_mb"] = round(encrypted.stat().st_size / 1e6, 1)

        unlocks = []
        for _ in range(runs):
            start = time.perf_counter()
            unlock.unlock(encrypted, PASSWORD)
            unlocks.append((time.perf_counter() - start) * 1000)
        figures["unlock_ms"] = round(statistics.median(unlocks), 1)

        _timed_open(plain, None)  # warm the page cache for both files, as a second start would
        _timed_open(encrypted, PASSWORD)
        opened = {"plain": [], "encrypted": []}
        first = {"plain": [], "encrypted": []}
        for _ in range(runs):
            for kind, path, password in (("plain", plain, None), ("encrypted", encrypted, PASSWORD)):
                seconds, first_ms = _timed_open(path, password)
                opened[kind].append(seconds)
                first[kind].append(first_ms)
        for kind in ("plain", "encrypted"):
            figures[f"open_workspace_{kind}_s"] = round(statistics.median(opened[kind]), 3)
            figures[f"first_page_{kind}_ms"] = round(statistics.median(first[kind]), 1)
        figures["open_encryption_extra_s"] = round(
            figures["open_workspace_encrypted_s"] - figures["open_workspace_plain_s"], 3
        )

        if startup_runs:
            starts = {"plain": [], "encrypted": []}
            for index in range(startup_runs + 1):  # alternating, the first pair only warms the page cache
                for kind, path in (("plain", plain), ("encrypted", encrypted)):
                    seconds = _start_to_register(path, PASSWORD if kind == "encrypted" else None)
                    if index:
                        starts[kind].append(seconds)
            for kind in ("plain", "encrypted"):
                figures[f"start_to_register_{kind}_median_s"] = round(statistics.median(starts[kind]), 3)
            figures["start_encryption_extra_s"] = round(
                figures["start_to_register_encrypted_median_s"] - figures["start_to_register_plain_median_s"], 3
            )
    return figures


def _start_to_register(db: Path, password: str | None) -> float:
    """One start of the program in a fresh process (``run.bench_startup``), with the password in
    ``RANGTANG_PASSWORD`` for the probe."""
    from run import bench_startup

    if password:
        os.environ["RANGTANG_PASSWORD"] = password
    try:
        return bench_startup(db, runs=1)["start_to_register_median_s"]
    finally:
        os.environ.pop("RANGTANG_PASSWORD", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="a plain demo database (copied, not changed)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = bench_encryption(args.db, args.runs, args.startup_runs)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
