"""Finding people: the derived name keys on ``person`` and the ``person_search`` text, and the query.

Derived columns (ID check status, variant name key, Tibetan key, pinyin sort key, estimated birth
date) and the search text
are local: they are rebuilt from the synced fields whenever a person or their household changes,
and all of them when the variant table changes.

The query scans the narrow ``person_search`` table with ``instr`` (measured faster than FTS5
trigram here for the 1–2 character queries most Chinese given names need; see the benchmark).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlite_utils

from ..core import names
from ..core.dates import ApproxDate, DateError
from ..core.id_numbers import check_id_number
from ..core.names import VariantTable
from .meta import get_meta, set_meta

VARIANTS_META_KEY = "name_variants_digest"


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh_people(db: sqlite_utils.Database, person_ids: Iterable[str], variants: VariantTable) -> None:
    """Recompute derived columns and search text for these people (inside the caller's transaction)."""
    ids = list(dict.fromkeys(person_ids))
    updates, searches, removals = [], [], []
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        rows = db.query(
            f"""SELECT p.id, p.name_zh, p.name_bo, p.aliases, p.id_number, p.birth_date, p.birth_precision, p.sex,
                       p.deleted, p.merged_into,
                       h.house_name_zh, h.house_name_bo, h.household_number
                FROM person p LEFT JOIN household h ON h.id = p.household_id
                WHERE p.id IN ({marks})""",
            chunk,
        )
        for row in rows:
            status = check_id_number(row["id_number"]).status
            name_key = names.name_key(row["name_zh"], variants) if row["name_zh"] else ""
            bo_key = names.normalize_tibetan(row["name_bo"])
            sort_key = names.pinyin_full(row["name_zh"]) if row["name_zh"] else bo_key
            updates.append((status, name_key, bo_key, sort_key, _birth_estimate(row), row["id"]))
            if row["deleted"] or row["merged_into"]:
                removals.append((row["id"],))
                continue
            text = names.search_text(
                name_zh=row["name_zh"],
                name_bo=row["name_bo"],
                aliases=json.loads(row["aliases"] or "[]"),
                id_number=row["id_number"],
                house_names=[n for n in (row["house_name_zh"], row["house_name_bo"]) if n],
                household_number=row["household_number"] or "",
                variants=variants,
            )
            searches.append((row["id"], text))
    db.conn.executemany(
        "UPDATE person SET id_check = ?, name_key = ?, name_bo_key = ?, sort_key = ?, birth_estimate = ? WHERE id = ?",
        updates,
    )
    db.conn.executemany(
        "INSERT INTO person_search (person_id, text) VALUES (?, ?) "
        "ON CONFLICT(person_id) DO UPDATE SET text = excluded.text",
        searches,
    )
    db.conn.executemany("DELETE FROM person_search WHERE person_id = ?", removals)


def _birth_estimate(row) -> str:
    """The best single guess of the birth date (ISO), or empty when unknown or unreadable."""
    if not row["birth_date"]:
        return ""
    try:
        return ApproxDate.parse(row["birth_date"], row["birth_precision"] or "exact").middle().isoformat()
    except DateError:
        return ""


def refresh_household(db: sqlite_utils.Database, household_id: str, variants: VariantTable) -> None:
    """A household's house name or number changed: its members' search text follows."""
    ids = [r[0] for r in db.execute("SELECT id FROM person WHERE household_id = ?", [household_id])]
    refresh_people(db, ids, variants)


def refresh_all_if_needed(db: sqlite_utils.Database, variants: VariantTable) -> bool:
    """Rebuild every person's keys when the variant table differs from the one they were built with."""
    if get_meta(db, VARIANTS_META_KEY) == variants.digest():
        return False
    ids = [r[0] for r in db.execute("SELECT id FROM person")]
    refresh_people(db, ids, variants)
    set_meta(db, VARIANTS_META_KEY, variants.digest())
    return True


def search_people(
    db: sqlite_utils.Database,
    query: str,
    variants: VariantTable,
    *,
    limit: int = 200,
) -> list[str]:
    """Ids of people whose names (any script, pinyin, variants), ID number, house name or
    household number contain every word of the query; at most ``limit``, best matches first."""
    terms = names.search_terms(query, variants)
    if not terms:
        return []
    clauses, params = [], []
    for forms in terms:
        clauses.append("(" + " OR ".join("instr(text, ?) > 0" for _ in forms) + ")")
        params.extend(forms)
    # Rank before limiting, so a whole-name match is never cut off by a long list of partial ones:
    # 0 = a field equals the first word, 1 = a field starts with it, 2 = it is inside a field.
    first = terms[0]
    any_form = " OR ".join("instr(text, ?) > 0" for _ in first)
    rank_params = [f"{names.SEPARATOR}{form}{names.SEPARATOR}" for form in first]
    rank_params += [f"{names.SEPARATOR}{form}" for form in first]
    rows = db.execute(
        f"SELECT person_id FROM person_search WHERE {' AND '.join(clauses)} "
        f"ORDER BY CASE WHEN {any_form} THEN 0 WHEN {any_form} THEN 1 ELSE 2 END, text LIMIT ?",
        [*params, *rank_params, limit],
    ).fetchall()
    return [row[0] for row in rows]
