"""Laptops for the exchange service tests: a township and its villages, each its own database and
node, enrolled through the real enrollment files; records made through the register service; and a
snapshot of a database to prove that a refused bundle changed nothing."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rangtang_desktop.core import records
from rangtang_desktop.services import enrollment, register
from rangtang_desktop.services.workspace import Workspace, open_workspace
from rangtang_desktop.storage import cipher, keyfile, nodes
from rangtang_desktop.storage.database import connect, write_transaction
from rangtang_desktop.storage.reference import Unit, store_units

TOWNSHIP_CODE = "513230101"  # 南木达镇
VILLAGE_A = "513230101203"
VILLAGE_B = "513230101204"
OTHER_TOWNSHIP_CODE = "513230102"


def laptop(folder: Path, name: str, role: str, unit_code: str, user: str = "") -> Workspace:
    """A new database with its node set to ``role`` at ``unit_code`` (units stored as needed)."""
    ws = open_workspace(folder / f"{name}.sqlite3", create=True)
    with write_transaction(ws.db):
        if len(unit_code) == 12:
            store_units(ws.db, [Unit(unit_code, "village", unit_code[:9], f"村{unit_code[-3:]}", f"གྲོང་ཚོ{unit_code[-1]}")])
        nodes.set_node_unit(ws.db, role, unit_code)
        nodes.update_user(ws.db, ws.user_id, user or name, "child_director")
    return ws


def enroll(village: Workspace, township: Workspace, stick: Path) -> None:
    """The whole enrollment, both ways, through files on ``stick``."""
    stick.mkdir(exist_ok=True)
    request, _card = enrollment.write_request(village, stick, display_name=f"laptop {village.node_id[:4]}")
    response, _card = enrollment.accept_request(township, request, stick)
    enrollment.complete(village, response)


def household_with_child(ws: Workspace, village_code: str, child: str = "卓玛", *, birth_year_offset: int = 9):
    """A household of the village with one child in it; returns (household, child)."""
    home = register.save(ws, records.Household(village_code=village_code, house_name_zh="格尔登")).record
    girl = register.save(
        ws,
        records.Person(
            household_id=home.id, name_zh=child, sex="female", birth_date=f"{date.today().year - birth_year_offset}-03-01"
        ),
    ).record
    return home, girl


def snapshot(ws: Workspace) -> list[str]:
    """Every row of every table, as SQL text (``iterdump``), for before/after comparisons (on a
    connection of its own, with the workspace's key when the database is encrypted)."""
    conn = connect(ws.path, ws.key).conn
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def clone(ws: Workspace, path: Path) -> Workspace:
    """A copy of a laptop's database (a cloned laptop, or a backup restored), opened; an encrypted
    one stays encrypted and takes its keys file along."""
    source = connect(ws.path, ws.key).conn
    target = cipher.connect_like(source, path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    if ws.key is not None:
        shutil.copyfile(keyfile.path_for(ws.path), keyfile.path_for(path))
    return open_workspace(path, key=ws.key)


@dataclass
class County:
    township: Workspace
    village_a: Workspace
    village_b: Workspace
    stick: Path

    def close(self) -> None:
        for ws in (self.township, self.village_a, self.village_b):
            ws.close()


def make_county(tmp_path: Path) -> County:
    """A township with two villages, both enrolled, and a stick."""
    township = laptop(tmp_path, "township", "township", TOWNSHIP_CODE, "卓玛")
    a = laptop(tmp_path, "village_a", "village", VILLAGE_A, "扎西")
    b = laptop(tmp_path, "village_b", "village", VILLAGE_B, "多吉")
    stick = tmp_path / "stick"
    enroll(a, township, stick)
    enroll(b, township, stick)
    return County(township, a, b, stick)
