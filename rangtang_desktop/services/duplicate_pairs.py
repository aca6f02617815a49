"""Pairs of person records that may be one person, across the whole register (and so across
villages at the township): the one scan that the quality report and the duplicate review share.
Whether two records are alike is decided by ``core.duplicates.compare`` only."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..core.dates import ApproxDate, DateError
from ..core.duplicates import BIRTH_FAR_DAYS, DuplicateMatch, PersonKeys, compare
from ..core.id_numbers import normalize as normalize_id_number
from ..storage import register as reg
from .workspace import Workspace

VALID_ID = ("valid", "valid_old")  # what ``check_id_number`` calls a usable number


@dataclass(frozen=True)
class DuplicatePair:
    newer: str  # person id
    older: str
    match: DuplicateMatch


def duplicate_pairs(ws: Workspace) -> Iterator[DuplicatePair]:
    """Every pair worth a person's look, each once, the newer record first."""
    keys = _stored_keys(ws)
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
        for first, second in _close_in_birth(ids, keys):
            newer, older = max(first, second), min(first, second)
            if (older, newer) in seen:
                continue
            match = compare(keys[newer], keys[older])
            if match is not None:
                seen.add((older, newer))
                yield DuplicatePair(newer, older, match)


def _stored_keys(ws: Workspace) -> dict[str, PersonKeys]:
    """The duplicate keys of everyone who shares a name key or an ID number with someone else."""
    shared = " OR ".join(
        f"""(p.{column} != '' AND p.{column} IN (SELECT {column} FROM person p WHERE {reg.LIVE_PERSON}
            AND {column} != '' GROUP BY {column} HAVING count(*) > 1))"""
        for column in ("name_key", "name_bo_key", "id_number")
    )
    return stored_keys(ws, shared)


def keys_of(ws: Workspace, person_ids: Iterable[str]) -> dict[str, PersonKeys]:
    """The duplicate keys of these people (the live ones among them)."""
    return stored_keys(ws, "p.id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(set(person_ids)))])


def stored_keys(ws: Workspace, where: str, params: list | None = None) -> dict[str, PersonKeys]:
    """The duplicate keys of the live people ``p`` that ``where`` selects.

    Built from the columns ``storage.search.refresh_people`` keeps (name keys, ID check), which
    ``services.register.keys_for`` computes the same way for one record; a county register has
    tens of thousands of people, and computing the keys again would take seconds."""
    params = list(params or [])
    rows = ws.db.execute(
        f"""SELECT p.id, p.name_key, p.name_bo_key, p.sex, p.birth_date, p.birth_precision, p.id_number, p.id_check,
                   p.household_id, h.village_code, h.house_name_zh, h.house_name_bo
            FROM person p LEFT JOIN household h ON h.id = p.household_id
            WHERE {reg.LIVE_PERSON} AND ({where})""",
        params,
    ).fetchall()
    parents: dict[str, set[str]] = defaultdict(set)
    for child_id, parent_key in ws.db.execute(
        f"""SELECT r.child_id, a.name_key FROM relation r JOIN person a ON a.id = r.adult_id
            JOIN person p ON p.id = r.child_id AND ({where})
            WHERE r.deleted = 0 AND r.kind IN ('father', 'mother') AND a.deleted = 0 AND a.merged_into = ''
            AND a.name_key != ''""",
        params,
    ):
        parents[child_id].add(parent_key)
    keys = {}
    for pid, name_key, bo_key, sex, birth_date, precision, id_number, id_check, household_id, village, house_zh, house_bo in rows:
        keys[pid] = PersonKeys(
            person_id=pid,
            name_key=name_key,
            name_bo_key=bo_key,
            sex=sex or "unknown",
            birth=_birth(birth_date, precision),
            id_number=normalize_id_number(id_number) if id_check in VALID_ID else "",
            village_code=village or "",
            household_id=household_id,
            house_names=frozenset(n for n in (house_zh, house_bo) if n),
            parent_name_keys=frozenset(parents.get(pid, ())),
        )
    return keys


def _birth(text: str, precision: str) -> ApproxDate | None:
    if not text:
        return None
    try:
        return ApproxDate.parse(text, precision or "exact")
    except DateError:
        return None


def _close_in_birth(ids: list[str], keys: dict[str, PersonKeys]) -> Iterator[tuple[str, str]]:
    """The pairs of a bucket whose births may be close enough for ``compare`` to accept them.

    A common Tibetan name is shared by hundreds of people, so comparing every pair would take
    seconds: sorted by the earliest possible birth day, a person is compared only with those born
    before their own latest possible day plus ``BIRTH_FAR_DAYS`` (``compare`` refuses the rest).
    People without a birth date are compared with everyone in the bucket."""
    dated = sorted((i for i in ids if keys[i].birth), key=lambda i: keys[i].birth.earliest())
    undated = [i for i in ids if not keys[i].birth]
    spans = [(keys[i].birth.earliest(), keys[i].birth.latest()) for i in dated]
    for index, person in enumerate(dated):
        limit = spans[index][1].toordinal() + BIRTH_FAR_DAYS
        for other_index in range(index + 1, len(dated)):
            if spans[other_index][0].toordinal() > limit:
                break
            yield person, dated[other_index]
    for index, person in enumerate(undated):
        for other in undated[index + 1 :] + dated:
            yield person, other
