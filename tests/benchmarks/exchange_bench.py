"""USB exchange benchmarks (issue 6), wall-clock on this machine; ``bench_exchange()`` returns them
for ``run.py``.

    python tests/benchmarks/exchange_bench.py [--township-db COUNTY.sqlite3] [--villages 100] [--changes 2000] [--json]

* ``export_village_month``: a village demo database (a year of register and visits, all of it
  confirmed by the township) that then gets a month of activity (``merge_rate.village_month``:
  about 2,000 changes with their signed visits); the incremental export of that month to a stick
  folder (median of 5; no receipt in between, so each export sends the same month).
* ``import_county_month``: 100 villages' month bundles (signed, encrypted, ``--changes`` changes
  each) imported one by one with ``services.exchange.import_files`` — verification, merge, search
  keys and flags, possible duplicates, a receipt written for each — into a township database: a copy
  of ``--township-db`` (the county demo, say; never changed in place) or a fresh one.
* ``unsent_count`` at that township (100 villages enrolled) and at the village (median of 20).
* ``export_returns``: the township's return bundles for the 100 villages.
* ``merge_rate.bench_merge`` separately gives the merge rate next to the raw SQLite insert rate.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from merge_rate import village_codes, village_month  # noqa: E402

from rangtang_desktop.core.dates import utc_now_text  # noqa: E402
from rangtang_desktop.exchange import keys as node_keys  # noqa: E402
from rangtang_desktop.exchange import payload as payload_codec  # noqa: E402
from rangtang_desktop.exchange.bundle import Sender, write_bundle  # noqa: E402


def _median_ms(function, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def _township(path: Path, source: Path | None):
    from rangtang_desktop.services.workspace import open_workspace
    from rangtang_desktop.storage import nodes
    from rangtang_desktop.storage.database import write_transaction

    if source is not None:
        copy = sqlite3.connect(path)
        original = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        original.backup(copy)
        original.close()
        copy.close()
    ws = open_workspace(path, create=source is None)
    with write_transaction(ws.db):
        row = ws.db.execute("SELECT role, unit_code FROM node WHERE is_self = 1").fetchone()
        if row[0] != "township" or len(row[1]) != 9:
            nodes.set_node_unit(ws.db, "township", "513230101")
    return ws


def bench_export_village_month(folder: Path, changes: int = 2000) -> dict[str, float]:
    from rangtang_desktop.services import enrollment, exchange
    from rangtang_desktop.services.conflicts import after_merge
    from rangtang_desktop.services.workspace import open_workspace
    from rangtang_desktop.storage import peers
    from rangtang_desktop.storage.database import write_transaction
    from rangtang_desktop.storage.merge import apply_changes, holdings

    village_db = folder / "village.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "rangtang_desktop", "demo", "--db", str(village_db), "--scale", "village", "--seed", "1", "--unencrypted"],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    village = open_workspace(village_db)
    unit = village.db.execute("SELECT unit_code FROM node WHERE is_self = 1").fetchone()[0]
    township = _township(folder / "township_small.sqlite3", None)
    with write_transaction(township.db):
        from rangtang_desktop.storage import nodes

        nodes.set_node_unit(township.db, "township", unit[:9])
    stick = folder / "stick_village"
    stick.mkdir()
    request, _ = enrollment.write_request(village, stick)
    response, _ = enrollment.accept_request(township, request, stick)
    enrollment.complete(village, response)
    with write_transaction(village.db):  # the year so far reached the township long ago
        peers.raise_peer_holdings(village.db, peers.self_row(village.db).township_node, holdings(village.db), utc_now_text())
    month = village_month(random.Random(5), changes, datetime.now(UTC) - timedelta(days=30), unit)
    with write_transaction(village.db):
        result = apply_changes(village.db, month.changes, visits=month.visits, now=datetime.now(UTC), local_node_id=village.node_id)
    after_merge(village, result)
    times, exported = [], None
    for _ in range(5):
        start = time.perf_counter()
        exported = exchange.export_bundle(village, stick)
        times.append(time.perf_counter() - start)
    unsent = _median_ms(lambda: exchange.unsent_count(village))
    village.close()
    township.close()
    return {
        "exchange_export_village_month_median_s": round(statistics.median(times), 3),
        "exchange_export_village_month_changes": exported.changes,
        "exchange_export_village_month_visits": exported.visits,
        "exchange_export_village_month_kb": round(exported.bytes / 1024, 1),
        "exchange_unsent_count_village_median_ms": unsent,
    }


def _village_bundles(folder: Path, township, villages: int, changes: int) -> list[Path]:
    """Each village's month as the bundle its laptop would write, its node enrolled at the township."""
    from rangtang_desktop.services.enrollment import party_of
    from rangtang_desktop.storage import peers
    from rangtang_desktop.storage.database import write_transaction
    from rangtang_desktop.storage.reference import Unit, store_units

    rng = random.Random(11)
    start = datetime.now(UTC) - timedelta(days=30)
    me = peers.self_row(township.db)
    codes = [f"{me.unit_code}{900 - i:03d}" for i in range(villages)] if me.unit_code else village_codes(villages)
    recipient = party_of(me)
    paths = []
    for code in codes:
        month = village_month(rng, changes, start, code)
        node = month.changes[0].node
        made = node_keys.generate_node_keys()
        with write_transaction(township.db):
            store_units(township.db, [Unit(code, "village", code[:9], f"示例村{code[-3:]}", "")])
            peers.enroll(
                township.db, node_id=node, role="village", unit_code=code, display_name="", signing_public=made.signing_public,
                encryption_public=made.encryption_public, at=utc_now_text(),
            )
        contents = payload_codec.Contents(month.changes, month.visits, [], [
            {"user_id": month.changes[0].author, "display_name": "扎西", "role": "grid_worker", "unit_code": code, "home_node": node},
        ])
        written = write_bundle(
            folder, kind="changes", sender=Sender(node, made.signing_private, made.signing_public, made.encryption_public),
            recipient=recipient, payload=payload_codec.encode(contents), sequence=1,
            ranges={node: [1, len(month.changes)]}, holds={node: len(month.changes)},
            counts={"changes": len(month.changes), "visits": len(month.visits)},
            extra={"payload_encoding": payload_codec.ENCODING, "full": False},
        )
        paths.append(written.path)
    return paths


def bench_import_county_month(folder: Path, township_db: Path | None, villages: int = 100, changes: int = 2000) -> dict[str, float]:
    from rangtang_desktop.services import exchange

    township = _township(folder / "township.sqlite3", township_db)
    stick = folder / "stick_county"
    stick.mkdir()
    began = time.perf_counter()
    paths = _village_bundles(stick, township, villages, changes)
    made = time.perf_counter() - began
    # One batch, as the township reads a stick of bundles: one backup before it, then each bundle in
    # its own transaction; the progress callback times each bundle.
    marks: list[float] = []
    began = time.perf_counter()
    results = exchange.import_files(township, paths, progress=lambda done, total: marks.append(time.perf_counter()))
    elapsed = time.perf_counter() - began
    per_bundle = [b - a for a, b in zip(marks, marks[1:], strict=False)]  # bundle by bundle, after the backup
    backup_s = marks[0] - began if marks else 0.0
    assert all(r.status == "applied" for r in results), [r.reason for r in results if r.status != "applied"]
    unsent = _median_ms(lambda: exchange.unsent_count(township))
    returns = folder / "stick_returns"
    returns.mkdir()
    start = time.perf_counter()
    exchange.export_returns(township, returns)
    returns_s = time.perf_counter() - start
    changes_total = sum(r.changes_count for r in results)
    township.close()
    return {
        "exchange_import_bundles": len(paths),
        "exchange_import_changes": changes_total,
        "exchange_import_visits": sum(r.visits for r in results),
        "exchange_import_county_month_s": round(elapsed, 2),
        "exchange_import_bundle_median_s": round(statistics.median(per_bundle), 3),
        "exchange_import_backup_before_s": round(backup_s, 2),
        "exchange_import_changes_per_s": round(changes_total / elapsed),
        "exchange_bundles_made_s": round(made, 2),
        "exchange_unsent_count_township_median_ms": unsent,
        "exchange_export_returns_s": round(returns_s, 2),
    }


def bench_exchange(township_db: Path | None = None, villages: int = 100, changes: int = 2000) -> dict[str, float]:
    figures: dict[str, float] = {"exchange_township_changes_before": 0}
    if township_db is not None:
        source = sqlite3.connect(f"file:{township_db}?mode=ro", uri=True)
        figures["exchange_township_changes_before"] = source.execute("SELECT count(*) FROM change").fetchone()[0]
        source.close()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures.update(bench_export_village_month(folder, changes))
        figures.update(bench_import_county_month(folder, township_db, villages, changes))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--township-db", type=Path, help="a county demo database to import into (copied, not changed)")
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--changes", type=int, default=2000, help="changes per village month")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = bench_exchange(args.township_db, args.villages, args.changes)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
