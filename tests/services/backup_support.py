"""Databases for the backup tests: a village laptop with a household, a child and her grandmother,
its every row for comparisons, and ways to damage a file."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from rangtang_desktop.core import records
from rangtang_desktop.services import register
from rangtang_desktop.services.workspace import Workspace, open_workspace
from rangtang_desktop.storage import nodes
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.reference import Unit, store_units

VILLAGE = "513230101203"
OTHER_VILLAGE = "513230101204"


def village_laptop(path: Path, unit: str = VILLAGE, *, people: int = 1) -> Workspace:
    """A village database with ``people`` households of a child and her grandmother."""
    ws = open_workspace(path, create=True)
    with write_transaction(ws.db):
        store_units(ws.db, [Unit(unit, "village", "513230101", f"示例村{unit[-3:]}", "", is_demo=True)])
        nodes.set_node_unit(ws.db, "village", unit)
    for number in range(people):
        add_household(ws, unit, f"阿尼仓{number}")
    return ws


def add_household(ws: Workspace, unit: str = VILLAGE, name: str = "卓玛家") -> records.Household:
    household = register.save(ws, records.Household(village_code=unit, house_name_zh=name)).record
    child = register.save(ws, records.Person(household_id=household.id, name_zh="才让拉毛", sex="female", birth_date="2015-03-07")).record
    adult = register.save(ws, records.Person(household_id=household.id, name_zh="卓玛", sex="female", birth_date="1950", birth_precision="year")).record
    register.save(ws, records.Relation(child_id=child.id, adult_id=adult.id, kind="paternal_grandparent", legal_guardian=True))
    return household


def rows(path: Path) -> list[str]:
    """Every row of every table of a database file, as SQL text, read without changing it — but
    the audit log, which records the backups and restores themselves."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [line for line in conn.iterdump() if not line.startswith(('INSERT INTO "audit"', 'INSERT INTO "origin"', 'INSERT INTO "author"'))]
    finally:
        conn.close()


def damage(path: Path, pages: range = range(3, 9), page_size: int = 4096) -> None:
    """Overwrite some pages of a closed database with garbage."""
    with open(path, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * page_size)
            handle.write(os.urandom(page_size))
        handle.flush()
        os.fsync(handle.fileno())


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in Path(folder).iterdir()) if Path(folder).exists() else []
