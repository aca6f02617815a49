"""Benchmarks on county-scale demo data (not timed tests: machines are noisy; report medians).

    python tests/benchmarks/run.py [--scale county] [--json] [--db EXISTING.sqlite3]

Builds the demo data set (unless ``--db`` names one already built), then measures:
demo build time and database size; search latency over a realistic query mix (median, p95);
app start to a usable register page in a fresh process (median of 5) and its peak memory;
scrolling the full people list (frame median and max); duplicate check and save of one person.
``--json`` prints ``{"figure name with unit": value, …}``. Later issues add their figures here.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def build(db: Path, scale: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rangtang_desktop", "demo", "--db", str(db), "--scale", scale, "--seed", "1"],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def search_queries(ws, rng: random.Random) -> list[str]:
    """A mix of what people type: two-character given names, full names, variant spellings,
    pinyin (full and initials), Tibetan script, ID number fragments, house names, misses."""
    from rangtang_desktop.core import names

    rows = ws.db.execute(
        "SELECT p.name_zh, p.name_bo, p.id_number, h.house_name_zh FROM person p "
        "JOIN household h ON h.id = p.household_id WHERE p.deleted = 0 ORDER BY p.id LIMIT 5000"
    ).fetchall()
    sample = rng.sample(rows, 60)
    queries = []
    for name_zh, name_bo, id_number, house in sample:
        if name_zh:
            queries += [name_zh, name_zh[:2], names.pinyin_full(name_zh), names.pinyin_initials(name_zh)]
        if name_bo:
            queries.append(name_bo.split("་")[0])
        if id_number:
            queries.append(id_number[-6:])
        if house:
            queries.append(house)
    queries += ["泽仁", "才让", "拉毛", "zhuoma", "ཚེ་རིང", "不存在的名字", "xyzxyz", "9999999"]
    return queries


def bench_search(db: Path) -> dict[str, float]:
    from rangtang_desktop.services.register_views import search
    from rangtang_desktop.services.workspace import open_workspace

    ws = open_workspace(db)
    rng = random.Random(7)
    queries = search_queries(ws, rng)
    for query in queries[:20]:  # warm the page cache, as a user's first searches do
        search(ws, query)
    times = []
    for _round in range(3):
        for query in queries:
            start = time.perf_counter()
            search(ws, query)
            times.append((time.perf_counter() - start) * 1000)
    ws.close()
    return {
        "search_queries": len(times),
        "search_median_ms": round(statistics.median(times), 2),
        "search_p95_ms": round(percentile(times, 0.95), 2),
        "search_max_ms": round(max(times), 2),
    }


def bench_startup(db: Path, runs: int = 5) -> dict[str, float]:
    ready_times, probes = [], []
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(HERE / "startup_probe.py"), str(db)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        )
        first = process.stdout.readline()
        ready_times.append(time.perf_counter() - start)
        assert json.loads(first)["ready"]
        probes.append(json.loads(process.stdout.readline()))
        process.wait()
    return {
        "start_to_register_median_s": round(statistics.median(ready_times), 3),
        "start_to_register_max_s": round(max(ready_times), 3),
        "startup_peak_rss_mb": statistics.median(p["peak_rss_mb"] for p in probes),
        "scroll_rows": probes[0]["people_rows"],
        "scroll_frame_median_ms": round(statistics.median(p["scroll_frame_median_ms"] for p in probes), 2),
        "scroll_frame_max_ms": round(max(p["scroll_frame_max_ms"] for p in probes), 2),
    }


def bench_person_save(db: Path) -> dict[str, float]:
    import dataclasses

    from rangtang_desktop.services import register
    from rangtang_desktop.services.register_views import find
    from rangtang_desktop.services.workspace import open_workspace

    ws = open_workspace(db)
    ids = [r[0] for r in ws.db.execute("SELECT id FROM person WHERE deleted = 0 ORDER BY id LIMIT 40")]
    checks, saves = [], []
    for n, person_id in enumerate(ids):
        person = find(ws, "person", person_id)
        start = time.perf_counter()
        register.find_duplicates(ws, person)
        register.check(ws, person)
        checks.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        register.save(ws, dataclasses.replace(person, notes=f"benchmark {n}"))
        saves.append((time.perf_counter() - start) * 1000)
    ws.close()
    return {
        "person_check_with_duplicates_median_ms": round(statistics.median(checks), 2),
        "person_save_median_ms": round(statistics.median(saves), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="county", choices=("village", "township", "county"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--db", type=Path, help="an already built demo database (copied, not changed)")
    args = parser.parse_args(argv)

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        if args.db:
            import shutil

            shutil.copy(args.db, db)
        else:
            figures["demo_build_s"] = round(build(db, args.scale), 2)
        figures["database_mb"] = round(db.stat().st_size / 1e6, 1)
        figures.update(bench_search(db))
        figures.update(bench_startup(db))
        figures.update(bench_person_save(db))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
