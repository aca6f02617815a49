"""Pairs of person records that may be one person, across the whole register (and so across
villages at the township): the one scan that the quality report and the duplicate review share.
Whether two records are alike is decided by ``core.duplicates.compare`` only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.duplicates import DuplicateMatch, compare
from ..storage import register as reg
from ..storage.changelog import row_to_record
from .register import keys_for
from .workspace import Workspace


@dataclass(frozen=True)
class DuplicatePair:
    newer: str  # person id
    older: str
    match: DuplicateMatch


def duplicate_pairs(ws: Workspace) -> Iterator[DuplicatePair]:
    """Every pair worth a person's look, each once, the newer record first."""
    people = {
        row["id"]: row_to_record("person", row)
        for row in ws.db.query(f"SELECT * FROM person p WHERE {reg.LIVE_PERSON}")
    }
    households = {row["id"]: row_to_record("household", row) for row in ws.db.query("SELECT * FROM household")}
    parent_names: dict[str, list[str]] = defaultdict(list)
    for row in ws.db.query("SELECT child_id, adult_id FROM relation WHERE deleted = 0 AND kind IN ('father', 'mother')"):
        adult = people.get(row["adult_id"])
        if adult and adult.name_zh:
            parent_names[row["child_id"]].append(adult.name_zh)
    keys = {
        pid: keys_for(p, households.get(p.household_id), parent_names[pid], ws.variants) for pid, p in people.items()
    }
    buckets: dict[tuple, list[str]] = defaultdict(list)
    for pid, key in keys.items():
        for name in {key.name_key, key.name_bo_key} - {""}:
            buckets[("name", name)].append(pid)
        if key.id_number:
            buckets[("id", key.id_number)].append(pid)
    seen: set[tuple[str, str]] = set()
    for ids in buckets.values():
        if len(ids) < 2:
            continue
        ids.sort()
        for i, newer in enumerate(ids):
            for older in ids[:i]:
                if (older, newer) in seen:
                    continue
                match = compare(keys[newer], keys[older])
                if match is not None:
                    seen.add((older, newer))
                    yield DuplicatePair(newer, older, match)
