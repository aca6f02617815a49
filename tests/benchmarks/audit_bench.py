"""The audit log (issue 7 part 3), wall-clock on this machine; ``bench_audit()`` returns the figures.

    python tests/benchmarks/audit_bench.py [--entries 100000] [--json]

On a new temporary database (WAL, ``synchronous=FULL``, as the program runs):

* ``append_ms``: one ``services.audit.record`` in its own transaction (what a view costs the window:
  read the chain's head, hash, insert, commit with fsync), median of 200;
* ``append_in_save_ms``: the same inside an open write transaction (what it adds to a save), median;
* ``bytes_per_1000``: the database's growth per 1,000 typical entries (views and saves, with the
  ``at`` index), measured with ``dbstat`` when available, else by file size after a checkpoint;
* ``verify_s``: ``services.audit.verify`` over ``--entries`` entries of one computer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))


def _fill(ws, count: int) -> None:
    from rangtang_desktop.core.dates import utc_now_text
    from rangtang_desktop.core.ids import new_id
    from rangtang_desktop.storage import audit as store
    from rangtang_desktop.storage.database import write_transaction

    at = utc_now_text()
    done = 0
    while done < count:
        with write_transaction(ws.db):
            for index in range(min(10_000, count - done)):
                if index % 3:
                    store.append(ws.db, ws.node_id, ws.user_id, "view", at, entity="person", entity_id=new_id(), detail={"where": "register"})
                else:
                    store.append(
                        ws.db, ws.node_id, ws.user_id, "change", at, entity="person", entity_id=new_id(),
                        detail={"op": "edit", "fields": ["school_status", "boarding"]},
                    )
        done += min(10_000, count - done)


def _audit_bytes(ws) -> int | None:
    try:
        rows = ws.db.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN ('audit', 'audit_at')").fetchone()
    except Exception:  # dbstat is not compiled in
        return None
    return rows[0]


def bench_audit(entries: int = 100_000) -> dict:
    from rangtang_desktop.services import audit
    from rangtang_desktop.services.workspace import open_workspace
    from rangtang_desktop.storage.database import write_transaction

    with tempfile.TemporaryDirectory() as folder:
        ws = open_workspace(Path(folder) / "audit.sqlite3", create=True)
        try:
            timings = []
            for index in range(200):
                started = time.perf_counter()
                audit.record(ws, "view", subject=("person", f"p{index}"), detail={"where": "register"})
                timings.append(time.perf_counter() - started)
            nested = []
            for index in range(200):
                with write_transaction(ws.db):
                    started = time.perf_counter()
                    audit.record(ws, "change", subject=("person", f"p{index}"), detail={"op": "edit", "fields": ["notes"]})
                    nested.append(time.perf_counter() - started)
            before = _audit_bytes(ws)
            size_before = Path(ws.path).stat().st_size
            _fill(ws, 10_000)
            ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            after = _audit_bytes(ws)
            grown = (after - before) if after is not None and before is not None else Path(ws.path).stat().st_size - size_before
            _fill(ws, max(entries - 10_400, 0))
            total = ws.db.execute("SELECT count(*) FROM audit").fetchone()[0]
            started = time.perf_counter()
            [result] = audit.verify(ws)
            verify_s = time.perf_counter() - started
            assert result.ok and result.entries == total
        finally:
            ws.close()
    return {
        "append_ms": round(statistics.median(timings) * 1000, 2),
        "append_in_save_ms": round(statistics.median(nested) * 1000, 3),
        "bytes_per_1000": round(grown / 10),
        "verify_entries": total,
        "verify_s": round(verify_s, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = bench_audit(args.entries)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
