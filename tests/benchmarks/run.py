"""Benchmarks on county-scale demo data (not timed tests: machines are noisy; report medians).

    python tests/benchmarks/run.py [--scale county] [--json] [--db EXISTING.sqlite3]

Builds the demo data set (unless ``--db`` names one already built), then measures:
demo build time and database size; search latency over a realistic query mix (median, p95);
app start to a usable register page in a fresh process (median of 5) and its peak memory;
scrolling the full people list (frame median and max); duplicate check and save of one person;
county-wide visit compliance for one month and village worklists; full flag evaluation and the
re-evaluation after one save; printing (one visit sheet, a monthly visit log of 600 visits, a
village's month of visit sheets); the upload package of last month for one village (median of 3)
and for the whole county (once: it holds every visit sheet of the month, about 14,000 at county
scale, and takes about a quarter of an hour; ``--no-county-package`` leaves it out); the USB
exchange (``exchange_bench.py``: export of a village month, import of 100 village bundles into a
copy of the database, the "not yet sent" counters; ``merge_rate.py``: the merge rate next to the raw
SQLite insert rate); encryption at rest (``encryption_bench.py``: converting the database, the
password step, opening and starting the program encrypted next to plain).
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
        [sys.executable, "-m", "rangtang_desktop", "demo", "--db", str(db), "--scale", scale, "--seed", "1", "--unencrypted"],
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
        "dashboard_after_start_median_s": statistics.median(p["dashboard_loaded_s"] for p in probes),
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


def add_synthetic_visits(ws, rng: random.Random) -> int:
    """Signed visits for the last twelve months and this month, written straight to storage, for a
    demo database that has none: about three in four households met each month, some visits by
    phone, some on the same day twice, a few corrected. Returns how many were written."""
    import dataclasses
    from datetime import UTC, datetime, timedelta

    from rangtang_desktop.core.compliance import month_bounds
    from rangtang_desktop.core.dates import LOCAL_ZONE
    from rangtang_desktop.core.ids import new_id
    from rangtang_desktop.core.visits import Visit, seal
    from rangtang_desktop.storage.database import write_transaction
    from rangtang_desktop.storage.visits import insert_visit

    today = ws.today()
    households = [r[0] for r in ws.db.execute(
        "SELECT DISTINCT p.household_id FROM person p WHERE p.deleted = 0 AND p.birth_estimate >= ?",
        [f"{today.year - 19}-01-01"],
    )]
    written = 0
    with write_transaction(ws.db):
        for back in range(12, -1, -1):
            index = today.year * 12 + today.month - 1 - back
            first, last = month_bounds(index // 12, index % 12 + 1)
            last = min(last, today)
            for household in households:
                count = rng.choices((0, 1, 2, 3), weights=(8, 17, 60, 15))[0]
                for _ in range(count):
                    day = first + timedelta(days=rng.randrange((last - first).days + 1))
                    moment = datetime(day.year, day.month, day.day, rng.randint(8, 19), rng.randint(0, 59), tzinfo=LOCAL_ZONE)
                    visit = Visit(
                        id=new_id(), household_id=household, visited_at=moment.astimezone(UTC).isoformat(timespec="seconds"),
                        mode=rng.choices(("home", "school", "phone"), weights=(80, 10, 10))[0], visitor_name="网格员",
                        rating="good",
                    )
                    sealed = seal(visit, moment)
                    insert_visit(ws.db, sealed)
                    written += 1
                    if rng.random() < 0.02:
                        correction = seal(dataclasses.replace(sealed, id=new_id(), amends=sealed.id, content_hash=""), moment)
                        insert_visit(ws.db, correction)
                        written += 1
    return written


def bench_visit_save(db: Path) -> dict[str, float]:
    """Saving a visit: the draft save the form does as the user types, and signing."""
    import dataclasses

    from rangtang_desktop.services import visits
    from rangtang_desktop.services.workspace import open_workspace

    ws = open_workspace(db)
    households = [r[0] for r in ws.db.execute("SELECT DISTINCT household_id FROM visit ORDER BY household_id LIMIT 20")]
    signature = visits.store_signature(ws, b"\x89PNG\r\n\x1a\nbenchmark")
    drafts, signs = [], []
    for household_id in households:
        draft = visits.start_visit(ws, household_id)
        draft = dataclasses.replace(
            draft, visitor_name="benchmark", rating="good", visitor_signature=signature, guardian_signature=signature
        )
        start = time.perf_counter()
        visits.save_draft(ws, draft)
        drafts.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        visits.sign(ws, draft)
        signs.append((time.perf_counter() - start) * 1000)
    ws.close()
    return {
        "visit_draft_save_median_ms": round(statistics.median(drafts), 2),
        "visit_sign_median_ms": round(statistics.median(signs), 2),
    }


def bench_compliance(db: Path) -> dict[str, float]:
    """County-wide compliance for this month (median of 5) and village worklists (median over 20
    villages); synthetic visits are added first when the database has none."""
    from rangtang_desktop.services.compliance import compliance, coverage_trend, worklist
    from rangtang_desktop.services.workspace import open_workspace
    from rangtang_desktop.storage.visits import visit_count

    ws = open_workspace(db)
    rng = random.Random(11)
    figures: dict[str, float] = {}
    if visit_count(ws.db) == 0:
        figures["compliance_synthetic_visits"] = add_synthetic_visits(ws, rng)
    figures["compliance_visits_in_database"] = visit_count(ws.db)
    today = ws.today()
    county = []
    for _round in range(5):
        start = time.perf_counter()
        report = compliance(ws, today.year, today.month)
        county.append((time.perf_counter() - start) * 1000)
    villages = [r[0] for r in ws.db.execute("SELECT DISTINCT village_code FROM household WHERE deleted = 0 ORDER BY village_code")]
    chosen = rng.sample(villages, min(20, len(villages)))
    lists = []
    for village in chosen:
        start = time.perf_counter()
        worklist(ws, village_code=village)
        lists.append((time.perf_counter() - start) * 1000)
    trends = []
    for village in chosen[:5]:
        start = time.perf_counter()
        coverage_trend(ws, village_code=village)
        trends.append((time.perf_counter() - start) * 1000)
    ws.close()
    figures.update({
        "compliance_households_in_scope": report.households_in_scope,
        "compliance_county_month_median_ms": round(statistics.median(county), 1),
        "compliance_county_month_max_ms": round(max(county), 1),
        "worklist_village_median_ms": round(statistics.median(lists), 2),
        "worklist_village_max_ms": round(max(lists), 2),
        "coverage_trend_village_median_ms": round(statistics.median(trends), 1),
    })
    return figures


def bench_flags(db: Path) -> dict[str, float]:
    """Flag evaluation: a full evaluation of every child (median of 3, in one process, so the later
    runs reuse what was read of the immutable signed visits), and the re-evaluation that
    ``services.register.save`` runs after one person edit (median of 20 saves of a child and of 20
    saves of a parent; only the re-evaluation is timed, not the save itself)."""
    import dataclasses

    from rangtang_desktop.services import flag_evaluation, flags, register
    from rangtang_desktop.services.flag_facts import minor_ids
    from rangtang_desktop.services.register_views import find
    from rangtang_desktop.services.workspace import open_workspace

    ws = open_workspace(db)
    full = []
    for _round in range(3):
        start = time.perf_counter()
        result = flags.evaluate_all(ws)
        full.append(time.perf_counter() - start)
    timed: list[float] = []
    evaluate_children = flag_evaluation.evaluate_children

    def timed_evaluation(*args, **kwargs):
        start = time.perf_counter()
        try:
            return evaluate_children(*args, **kwargs)
        finally:
            timed.append((time.perf_counter() - start) * 1000)

    flag_evaluation.evaluate_children = timed_evaluation
    try:
        children = minor_ids(ws)[::500][:20]
        for n, person_id in enumerate(children):
            register.save(ws, dataclasses.replace(find(ws, "person", person_id), notes=f"flag benchmark {n}"))
        child_saves, timed[:] = list(timed), []
        parents = [r[0] for r in ws.db.execute(
            "SELECT DISTINCT adult_id FROM relation WHERE deleted = 0 AND kind IN ('father', 'mother') ORDER BY adult_id LIMIT 20"
        )]
        for n, person_id in enumerate(parents):
            register.save(ws, dataclasses.replace(find(ws, "person", person_id), notes=f"flag benchmark {n}"))
        parent_saves = list(timed)
    finally:
        flag_evaluation.evaluate_children = evaluate_children
    ws.close()
    return {
        "flags_children_evaluated": result.children,
        "flags_holding": sum(result.by_severity.values()),
        **{f"flags_holding_{severity}": count for severity, count in result.by_severity.items()},
        "flags_full_evaluation_median_s": round(statistics.median(full), 3),
        "flags_full_evaluation_first_s": round(full[0], 3),
        "flags_incremental_after_save_median_ms": round(statistics.median(child_saves), 2),
        "flags_incremental_after_save_max_ms": round(max(child_saves), 2),
        "flags_incremental_after_parent_save_median_ms": round(statistics.median(parent_saves), 2),
    }


def bench_printing(db: Path) -> dict[str, float]:
    """Printing: one visit sheet (median of 10 recent signed visits, after one warm-up), the monthly
    visit log of the smallest township (or village) with at least 600 visits last month, and a
    month of sheets for the village with the most signed visits last month."""
    from rangtang_desktop.services import printing
    from rangtang_desktop.services.workspace import open_workspace

    ws = open_workspace(db)
    today = ws.today()
    year, month = divmod(today.year * 12 + today.month - 2, 12)
    month += 1
    first, last = f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-31"
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as out:
        folder = Path(out)
        ids = [r[0] for r in ws.db.execute("SELECT id FROM visit ORDER BY local_date DESC, id LIMIT 11")]
        printing.visit_sheet(ws, ids[0], folder / "warm.pdf", "both")
        sheets = []
        for visit_id in ids[1:]:
            start = time.perf_counter()
            printing.visit_sheet(ws, visit_id, folder / "sheet.pdf", "both")
            sheets.append((time.perf_counter() - start) * 1000)
        figures["sheet_median_ms"] = round(statistics.median(sheets), 1)
        figures["sheet_max_ms"] = round(max(sheets), 1)

        counts = {}
        for digits in (9, 12):  # townships, then villages
            for code, count in ws.db.execute(
                f"""SELECT substr(h.village_code, 1, {digits}), count(*) FROM visit v JOIN household h ON h.id = v.household_id
                    WHERE v.local_date BETWEEN ? AND ? GROUP BY 1""", [first, last],
            ):
                counts[code] = count
        big = [(count, code) for code, count in counts.items() if count >= 600]
        count, code = min(big) if big else max((count, code) for code, count in counts.items())
        start = time.perf_counter()
        printing.visit_log(ws, year, month, folder / "log.pdf", "both", village_code=code)
        figures["visit_log_600_visits_s"] = round(time.perf_counter() - start, 2)
        figures["visit_log_visits"] = count

        village_counts = {c: n for c, n in counts.items() if len(c) == 12}
        village = max(village_counts, key=village_counts.get)
        start = time.perf_counter()
        made = printing.month_of_sheets(ws, year, month, folder / "sheets", "both", village_code=village)
        figures["month_of_sheets_village_s"] = round(time.perf_counter() - start, 2)
        figures["month_of_sheets_village_sheets"] = len(made)
    ws.close()
    return figures


def bench_upload_package(db: Path, county: bool = True) -> dict[str, float]:
    """The upload package of last month: for the village with the most signed visits that month
    (median of 3), and for the whole database (once), with its registers timed on their own."""
    from rangtang_desktop.core.compliance import month_bounds
    from rangtang_desktop.services import upload_registers
    from rangtang_desktop.services.upload_package import build_upload_package
    from rangtang_desktop.services.workspace import open_workspace

    ws = open_workspace(db)
    today = ws.today()
    year, month = divmod(today.year * 12 + today.month - 2, 12)
    month += 1
    first, last = month_bounds(year, month)
    village = ws.db.execute(
        """SELECT h.village_code FROM visit v JOIN household h ON h.id = v.household_id
           WHERE v.local_date BETWEEN ? AND ? GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""",
        [first.isoformat(), last.isoformat()],
    ).fetchone()[0]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as out:
        folder = Path(out)
        times = []
        for _round in range(3):
            start = time.perf_counter()
            result = build_upload_package(ws, year, month, folder / "village.zip", "zh", village_code=village)
            times.append(time.perf_counter() - start)
        figures.update({
            "upload_package_village_median_s": round(statistics.median(times), 2),
            "upload_package_village_sheets": result.visit_sheets,
            "upload_package_village_children": result.children,
            "upload_package_village_mb": round(result.bytes / 1e6, 1),
        })
        start = time.perf_counter()
        children = upload_registers.child_rows(ws, "", last, last)
        upload_registers.household_rows(ws, "", last)
        figures["upload_registers_county_rows_s"] = round(time.perf_counter() - start, 2)
        figures["upload_registers_county_children"] = len(children)
        if county:
            start = time.perf_counter()
            result = build_upload_package(ws, year, month, folder / "county.zip", "zh")
            figures.update({
                "upload_package_county_s": round(time.perf_counter() - start, 1),
                "upload_package_county_sheets": result.visit_sheets,
                "upload_package_county_mb": round(result.bytes / 1e6, 1),
            })
    ws.close()
    return figures


def bench_encryption_figures(db: Path) -> dict[str, float]:
    """Encryption at rest (issue 7): ``encryption_bench.bench_encryption`` on a copy of ``db``
    (its figures prefixed ``encryption_``): converting, unlocking, opening and starting the program
    encrypted and plain."""
    sys.path.insert(0, str(HERE))
    from encryption_bench import bench_encryption

    return {f"encryption_{key}": value for key, value in bench_encryption(db).items()}


def bench_exchange_figures(db: Path) -> dict[str, float]:
    """USB exchange (issue 6): ``exchange_bench.bench_exchange`` into a copy of ``db``, and
    ``merge_rate.bench_merge`` (its figures prefixed ``merge_rate_``)."""
    sys.path.insert(0, str(HERE))
    from exchange_bench import bench_exchange
    from merge_rate import bench_merge

    figures = bench_exchange(db)
    figures.update({f"merge_rate_{key}": value for key, value in bench_merge().items()})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="county", choices=("village", "township", "county"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--db", type=Path, help="an already built demo database (copied, not changed)")
    parser.add_argument("--no-county-package", action="store_true", help="leave out the county's upload package")
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
        figures.update(bench_encryption_figures(db))
        figures.update(bench_person_save(db))
        figures.update(bench_compliance(db))
        figures.update(bench_visit_save(db))
        figures.update(bench_flags(db))
        figures.update(bench_printing(db))
        figures.update(bench_upload_package(db, county=not args.no_county_package))
        figures.update(bench_exchange_figures(db))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
