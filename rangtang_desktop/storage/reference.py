"""Reference data: administrative units and the name-variant table.

Both are data the county can extend. Units live in the ``admin_unit`` table (loaded from the shipped
CSV at creation and from the county's village list later); the variant table is read from the
shipped CSV, and person search keys are rebuilt when it changes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from ..core.errors import RangtangError
from ..core.msg import N_
from ..core.names import VariantTable
from ..resources import resource

UNIT_COLUMNS = ("code", "level", "parent_code", "name_zh", "name_bo", "aliases", "valid_from", "valid_to")
LEVEL_DIGITS = {"county": 6, "township": 9, "village": 12, "group": 15}


class BadReferenceFile(RangtangError):
    headline = N_("The list of units cannot be loaded: line {line}: {problem}")
    advice = N_(
        "Correct the file (columns: code, level, parent_code, name_zh, name_bo) and load it again. "
        "Nothing has been changed."
    )


@dataclass(frozen=True)
class Unit:
    code: str
    level: str
    parent_code: str
    name_zh: str
    name_bo: str
    aliases: tuple[str, ...] = ()
    is_demo: bool = False
    valid_to: str = ""


def parse_units(text: str) -> list[Unit]:
    """Read a units CSV; raise ``BadReferenceFile`` naming the first bad line."""
    units = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "level", "name_zh"} - set(reader.fieldnames or ())
    if missing:
        raise BadReferenceFile(line=1, problem=", ".join(sorted(missing)))
    for line, row in enumerate(reader, start=2):
        code, level = (row.get("code") or "").strip(), (row.get("level") or "").strip()
        if level not in LEVEL_DIGITS:
            raise BadReferenceFile(line=line, problem=level or "level")
        if not code.isdigit() or len(code) != LEVEL_DIGITS[level]:
            raise BadReferenceFile(line=line, problem=code or "code")
        if not (row.get("name_zh") or "").strip():
            raise BadReferenceFile(line=line, problem="name_zh")
        aliases = tuple(a for a in (row.get("aliases") or "").split("|") if a)
        units.append(
            Unit(
                code, level, (row.get("parent_code") or "").strip(), row["name_zh"].strip(),
                (row.get("name_bo") or "").strip(), aliases, valid_to=(row.get("valid_to") or "").strip(),
            )
        )
    return units


def store_units(db: sqlite_utils.Database, units: list[Unit]) -> int:
    """Insert or update units (inside the caller's transaction)."""
    for unit in units:
        db.execute(
            """INSERT INTO admin_unit (code, level, parent_code, name_zh, name_bo, aliases, valid_to, is_demo)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(code) DO UPDATE SET level = excluded.level, parent_code = excluded.parent_code,
                 name_zh = excluded.name_zh, name_bo = excluded.name_bo, aliases = excluded.aliases,
                 valid_to = excluded.valid_to, is_demo = excluded.is_demo""",
            [unit.code, unit.level, unit.parent_code, unit.name_zh, unit.name_bo,
             json.dumps(list(unit.aliases), ensure_ascii=False), unit.valid_to, int(unit.is_demo)],
        )
    return len(units)


def shipped_units() -> list[Unit]:
    return parse_units(resource("reference", "admin_units.csv").read_text(encoding="utf-8"))


def units(db: sqlite_utils.Database, level: str | None = None, parent: str | None = None) -> list[Unit]:
    """Units currently valid, by code."""
    where, params = ["valid_to = ''"], []
    if level:
        where.append("level = ?")
        params.append(level)
    if parent is not None:
        where.append("parent_code = ?")
        params.append(parent)
    rows = db.query(f"SELECT * FROM admin_unit WHERE {' AND '.join(where)} ORDER BY code", params)
    return [_unit(row) for row in rows]


def unit(db: sqlite_utils.Database, code: str) -> Unit | None:
    rows = list(db.query("SELECT * FROM admin_unit WHERE code = ?", [code]))
    return _unit(rows[0]) if rows else None


def unit_names(db: sqlite_utils.Database) -> dict[str, Unit]:
    """Every unit by code, historic ones included (old records still name them)."""
    return {row["code"]: _unit(row) for row in db.query("SELECT * FROM admin_unit")}


def _unit(row: dict) -> Unit:
    return Unit(
        row["code"], row["level"], row["parent_code"] or "", row["name_zh"], row["name_bo"],
        tuple(json.loads(row["aliases"] or "[]")), bool(row["is_demo"]), row["valid_to"],
    )


@lru_cache(maxsize=4)
def _variants_from(path: Path, mtime: float) -> VariantTable:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return VariantTable.from_groups(row["spellings"].split("|") for row in rows if row.get("spellings"))


def name_variants() -> VariantTable:
    """The shipped variant table (cached until the file changes)."""
    path = resource("reference", "name_variants.csv")
    return _variants_from(path, path.stat().st_mtime)
