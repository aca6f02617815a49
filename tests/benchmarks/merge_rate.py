"""Merge rate next to the raw SQLite insert rate on the same machine (issue 6).

    python tests/benchmarks/merge_rate.py [--villages 100] [--changes 2000] [--json]

Builds a county month of village changes as they arrive in bundles: for each village (its own node
id) about ``--changes`` changes — new households and people logged as ``ChangeLog`` logs a creation,
edits of earlier fields naming their head in ``prev``, signed visits with their content, and flag
statuses — then, on a fresh township database:

* ``raw_insert_per_s``: the same number of rows inserted into ``change`` with one ``executemany`` in
  one transaction (the ceiling: no checks, no materialising);
* ``merge_per_s``: ``storage.merge.apply_changes`` on every village's changes, one transaction per
  village, as an import does (duplicate and fork checks, supersession, heads, register rows, visits
  with their hash checks, conflicts);
* ``merge_and_refresh_s``: the same plus ``services.conflicts.after_merge`` (search keys, flags of the
  children touched), for the whole county month;
* ``reimport_per_s``: everything delivered again (all already held).

Figures are wall-clock on this machine; run it twice and take the second when the disk is cold.
``bench_merge()`` returns them for ``run.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from rangtang_desktop.core import records  # noqa: E402
from rangtang_desktop.core.hlc import Timestamp  # noqa: E402
from rangtang_desktop.core.ids import new_id  # noqa: E402
from rangtang_desktop.core.visits import ChildSeen, Visit, seal, to_json  # noqa: E402
from rangtang_desktop.storage.changelog import canonical_json, is_empty, record_values  # noqa: E402
from rangtang_desktop.storage.merge import WireChange  # noqa: E402


def village_codes(count: int) -> list[str]:
    """Village codes under the county's real townships (12 digits: township code + 3)."""
    from rangtang_desktop.storage.reference import shipped_units

    townships = sorted(u.code for u in shipped_units() if u.level == "township")
    return [f"{townships[i % len(townships)]}{200 + i // len(townships):03d}" for i in range(count)]


@dataclasses.dataclass
class Village:
    changes: list[WireChange]
    visits: list[dict]


class _Writer:
    """Logs changes as one village laptop would, without a database."""

    def __init__(self, rng: random.Random, start: datetime):
        self.rng = rng
        self.node = new_id()
        self.author = new_id()
        self.seq = 0
        self.wall = int(start.timestamp() * 1000)
        self.changes: list[WireChange] = []
        self.heads: dict[tuple[str, str], str] = {}

    def log(self, entity: str, entity_id: str, key: str, value, *, new: bool = False) -> None:
        self.seq += 1
        self.wall += self.rng.randint(1, 20_000)
        prev = () if new or (entity_id, key) not in self.heads else (self.heads[(entity_id, key)],)
        op = f"{self.node}:{self.seq}"
        self.changes.append(WireChange(
            op, self.node, self.seq, Timestamp(self.wall, 0, self.node).packed, entity, entity_id, key, value, prev, self.author,
        ))
        self.heads[(entity_id, key)] = op

    def create(self, record) -> None:
        entity = records.entity_name(record)
        values = record_values(record)
        for key, names in records.change_keys(type(record)).items():
            value = values[key] if len(names) == 1 and names[0] == key else {n: values[n] for n in names}
            if not is_empty(value):
                self.log(entity, record.id, key, value, new=True)


def village_month(rng: random.Random, size: int, start: datetime, village_code: str) -> Village:
    from rangtang_desktop.services.demo_names import house_name, tibetan_name

    writer = _Writer(rng, start)
    households: list[str] = []
    children: dict[str, list[str]] = {}
    visits: list[dict] = []
    while len(writer.changes) < size:
        roll = rng.random()
        if roll < 0.15 or not households:
            house_zh, house_bo = house_name(rng)
            home = records.Household(id=new_id(), village_code=village_code, house_name_zh=house_zh, house_name_bo=house_bo)
            writer.create(home)
            households.append(home.id)
            children[home.id] = []
            for _ in range(rng.randint(1, 3)):
                sex = rng.choice(["male", "female"])
                name = tibetan_name(rng, sex)
                person = records.Person(
                    id=new_id(), household_id=home.id, name_zh=name.zh, name_bo=name.bo, sex=sex,
                    birth_date=f"{rng.randint(2008, 2022)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                )
                writer.create(person)
                children[home.id].append(person.id)
        elif roll < 0.55:
            home = rng.choice(households)
            if children[home]:
                person = rng.choice(children[home])
                key = rng.choice(["notes", "school_name", "name_bo", "birth"])
                value = (
                    {"birth_date": f"{rng.randint(2008, 2022)}", "birth_precision": "year"} if key == "birth"
                    else f"{key}-{rng.randint(0, 10**6)}"
                )
                writer.log("person", person, key, value)
        elif roll < 0.9:
            home = rng.choice(households)
            visit = Visit(
                id=new_id(), household_id=home, children=tuple(ChildSeen(c) for c in children[home]),
                visitor_user_id=writer.author, visitor_name="扎西",
                visited_at=datetime.fromtimestamp(writer.wall / 1000, UTC).isoformat(timespec="seconds"),
                rating="good", notes="家中一切正常，孩子在校", visitor_signature="ab" * 32, guardian_signature="cd" * 32,
                checklist={c: {"abandoned": "not_observed"} for c in children[home]},
            )
            sealed = seal(visit, datetime.fromtimestamp(writer.wall / 1000, UTC))
            writer.log("visit", sealed.id, "record", {"content_hash": sealed.content_hash}, new=True)
            visits.append(to_json(sealed))
        else:
            home = rng.choice(households)
            if children[home]:
                writer.log("flag", f"{rng.choice(children[home])}-R32", "status", {"status": "acknowledged"})
    return Village(writer.changes, visits)


def raw_insert_rate(path: Path, changes: list[WireChange]) -> float:
    from rangtang_desktop.storage.database import open_database, write_transaction

    db = open_database(path, create=True)
    try:
        origins = {node: db.execute("INSERT INTO origin (node_id) VALUES (?)", [node]).lastrowid for node in {c.node for c in changes}}
        author = db.execute("INSERT INTO author (user_id) VALUES ('x')").lastrowid
        rows = [
            (origins[c.node], c.seq, c.hlc, c.entity, c.entity_id, c.field, canonical_json(c.value),
             canonical_json(list(c.prev)), author, c.reason)
            for c in changes
        ]
        start = time.perf_counter()
        with write_transaction(db):
            db.conn.executemany(
                "INSERT INTO change (origin, seq, hlc, entity, entity_id, field, value, prev_op_ids, author, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows) / (time.perf_counter() - start)
    finally:
        db.close()


def bench_merge(villages: int = 100, changes: int = 2000, seed: int = 1) -> dict[str, float]:
    from rangtang_desktop.services.conflicts import after_merge
    from rangtang_desktop.services.workspace import open_workspace
    from rangtang_desktop.storage.database import write_transaction
    from rangtang_desktop.storage.merge import apply_changes

    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=30)
    month = [village_month(rng, changes, start, code) for code in village_codes(villages)]
    total = sum(len(v.changes) for v in month)
    figures: dict[str, float] = {"changes": total, "visits": sum(len(v.visits) for v in month)}
    with tempfile.TemporaryDirectory() as tmp:
        figures["raw_insert_per_s"] = round(raw_insert_rate(Path(tmp) / "raw.sqlite3", [c for v in month for c in v.changes]))
        for label, refresh in (("merge", False), ("merge_and_refresh", True)):
            ws = open_workspace(Path(tmp) / f"{label}.sqlite3", create=True)
            try:
                began = time.perf_counter()
                for village in month:
                    with write_transaction(ws.db):
                        result = apply_changes(ws.db, village.changes, visits=village.visits, now=datetime.now(UTC), local_node_id=ws.node_id)
                    if refresh:
                        after_merge(ws, result)
                elapsed = time.perf_counter() - began
                if refresh:
                    figures["merge_and_refresh_s"] = round(elapsed, 2)
                    continue
                figures["merge_s"] = round(elapsed, 2)
                figures["merge_per_s"] = round(total / elapsed)
                began = time.perf_counter()
                for village in month:
                    with write_transaction(ws.db):
                        apply_changes(ws.db, village.changes, visits=village.visits, now=datetime.now(UTC), local_node_id=ws.node_id)
                figures["reimport_per_s"] = round(total / (time.perf_counter() - began))
            finally:
                ws.close()
    figures["merge_vs_raw"] = round(figures["merge_per_s"] / figures["raw_insert_per_s"], 3)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=100)
    parser.add_argument("--changes", type=int, default=2000, help="changes per village")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = bench_merge(args.villages, args.changes)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:<22}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
