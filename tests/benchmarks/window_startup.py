"""Start-up to a usable window and peak memory of the real program (``rangtang-desktop --db PATH``),
from the source install and from the one-folder build, cold and warm. A measurement, not a test.

    .venv/bin/python tests/benchmarks/window_startup.py --db COUNTY.sqlite3 [--runs 3] [--frozen]

The database is copied beside a temporary home first (the start-up backup of the day is marked as
taken, so it does not run during the measurement). Each run starts a fresh process with Qt
offscreen and ``window_ready_hook.py`` loaded: "shown" is when the window appears (its navigation and
pages work; the first page's figures load in the background), "ready" when the first page (the
dashboard) has its figures; the hook then shows every area in turn, waiting for its figures, and
reports the peak resident memory. *Cold*: the database's and the program's files are first
dropped from the page cache (``posix_fadvise(DONTNEED)``, no root needed); *warm*: right after
another run. ``--frozen`` builds a measurement variant of ``packaging/rangtang.spec`` (the same, plus
the hook as a run-time hook) in ``build/measure-dist`` and measures it too. Linux only (memory from
``/proc``). Prints medians and every run as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MEASURE_DIST = ROOT / "build" / "measure-dist"
MEASURE_EXE = MEASURE_DIST / "rangtang-desktop" / "rangtang-desktop"
RUN_TIMEOUT_S = 600
SOURCE_START = (
    "import sys; sys.path.insert(0, {here!r}); import window_ready_hook; "
    "from rangtang_desktop.cli import main; raise SystemExit(main(['--db', {db!r}]))"
)


def evict(paths: list[Path]) -> int:
    """Drop these files (folders: every file inside) from the page cache; returns how many."""
    count = 0
    for top in paths:
        files = [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file() and not p.is_symlink()]
        for path in files:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                count += 1
            finally:
                os.close(fd)
    return count


def program_files(frozen: bool) -> list[Path]:
    if frozen:
        return [MEASURE_DIST]
    import rangtang_desktop

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [
        Path(rangtang_desktop.__file__).parent, ROOT / "resources", ROOT / "translations",
        Path(sysconfig.get_paths()["purelib"]), stdlib, Path(sys.executable).resolve(),
        *Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent").glob("libpython3*.so*"),
    ]


def mark_backup_taken(db: Path) -> None:
    """A stand-in file named like today's daily backup, so the start-up backup waits for tomorrow."""
    from rangtang_desktop.storage import snapshots

    folder = snapshots.folder_for(db)
    folder.mkdir(exist_ok=True)
    (folder / snapshots.snapshot_name(db.stem, datetime.now(UTC), "daily")).write_bytes(b"")


def quick_check_seconds(home: Path) -> float | None:
    log = home / "logs" / "rangtang-desktop.log"
    if not log.exists():
        return None
    found = re.findall(r"start-up (?:quick|integrity)_check passed in ([0-9.]+) s", log.read_text(encoding="utf-8"))
    return float(found[-1]) if found else None


def one_run(command: list[str], db: Path, home: Path, cold: bool, frozen: bool) -> dict:
    if cold:
        evict([db, Path(f"{db}-wal"), Path(f"{db}-shm"), *program_files(frozen)])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RANGTANG_MEASURE_READY="1", RANGTANG_HOME=str(home))
    env.pop("RANGTANG_PASSWORD", None)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=home)
    watchdog = threading.Timer(RUN_TIMEOUT_S, process.kill)  # a modal error box offscreen waits forever
    watchdog.start()
    events = []
    wall = {}
    for line in process.stdout:
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        wall.setdefault(event["event"], time.perf_counter() - start)
        events.append(event)
    process.wait()
    watchdog.cancel()
    if "done" not in wall:
        raise SystemExit(f"the program stopped before it was ready (see {home / 'logs'}): {events}")
    ready = next(e for e in events if e["event"] == "ready")
    done = next(e for e in events if e["event"] == "done")
    register = next((e for e in events if e.get("area") == "register"), {})
    return {
        "shown_s": round(wall["shown"], 2),
        "ready_s": round(wall["ready"], 2),
        "quick_check_s": quick_check_seconds(home),
        "rss_at_ready_mb": ready["rss_mb"],
        "peak_rss_at_ready_mb": ready["peak_rss_mb"],
        "peak_rss_after_all_areas_mb": done["peak_rss_mb"],
        "register_list_s": register.get("loaded_after_s"),
        "areas": {e["area"]: e.get("loaded_after_s") for e in events if e["event"] == "area"},
    }


def measure(command: list[str], db: Path, home: Path, runs: int, frozen: bool) -> dict:
    found: dict[str, list[dict]] = {"cold": [], "warm": []}
    one_run(command, db, home, cold=False, frozen=frozen)  # first start: settings, an upgrade if due
    for _ in range(runs):
        for kind in ("cold", "warm"):
            found[kind].append(one_run(command, db, home, cold=kind == "cold", frozen=frozen))
            print(kind, json.dumps(found[kind][-1]), file=sys.stderr, flush=True)
    summary = {}
    for kind, results in found.items():
        for key in ("shown_s", "ready_s", "quick_check_s", "rss_at_ready_mb", "peak_rss_after_all_areas_mb", "register_list_s"):
            values = [r[key] for r in results if r[key] is not None]
            if values:
                summary[f"{kind}_{key}_median"] = round(statistics.median(values), 2)
    return {"summary": summary, "runs": found}


def build_measurement_variant(python: str) -> None:
    env = dict(os.environ, RANGTANG_EXTRA_RUNTIME_HOOKS=str(HERE / "window_ready_hook.py"))
    subprocess.run(
        [python, "-m", "PyInstaller", str(ROOT / "packaging" / "rangtang.spec"), "--distpath", str(MEASURE_DIST),
         "--workpath", str(ROOT / "build" / "measure-work"), "--noconfirm", "--log-level", "WARN"],
        check=True, env=env, cwd=ROOT,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="a demo database (copied, not changed)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frozen", action="store_true", help="also measure the one-folder build")
    parser.add_argument("--no-source", action="store_true", help="only the one-folder build")
    parser.add_argument("--skip-build", action="store_true", help="reuse build/measure-dist")
    args = parser.parse_args(argv)
    if args.frozen and not args.skip_build:
        build_measurement_variant(sys.executable)
    results = {}
    with tempfile.TemporaryDirectory(prefix="rangtang-startup-") as scratch:
        home = Path(scratch)
        db = home / "data" / "county.sqlite3"
        db.parent.mkdir()
        shutil.copyfile(args.db, db)
        mark_backup_taken(db)
        if args.frozen:
            results["frozen"] = measure([str(MEASURE_EXE), "--db", str(db)], db, home, args.runs, frozen=True)
        if not args.no_source:
            command = [sys.executable, "-c", SOURCE_START.format(here=str(HERE), db=str(db))]
            results["source"] = measure(command, db, home, args.runs, frozen=False)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
