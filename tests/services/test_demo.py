"""The demo data builder: reproducible, plausible and complete at village scale."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from datetime import date
from pathlib import Path

import pytest

from rangtang_desktop.core.dates import ApproxDate, age_range
from rangtang_desktop.core.errors import FileExists
from rangtang_desktop.services.demo import build_demo
from rangtang_desktop.services.quality import quality_report
from rangtang_desktop.services.workspace import open_workspace

REGISTER_TABLES = ("household", "person", "relation", "parent_situation", "care_arrangement", "classification")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict]:
    """One village-scale demo database and its JSON result, shared by the tests of this module."""
    path = tmp_path_factory.mktemp("demo") / "village.sqlite3"
    result = build_demo(path, scale="village", seed=7)
    return path, result.as_json()


def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def register_digest(path: Path) -> str:
    """A digest of every register row (ids included) and of the demo units."""
    digest = hashlib.sha256()
    for table in REGISTER_TABLES:
        for row in rows(path, f"SELECT * FROM {table} ORDER BY id"):
            digest.update(json.dumps([table, *tuple(row)], ensure_ascii=False).encode())
    for row in rows(path, "SELECT * FROM admin_unit WHERE is_demo = 1 ORDER BY code"):
        digest.update(json.dumps(tuple(row), ensure_ascii=False).encode())
    return digest.hexdigest()


def is_minor(row: sqlite3.Row) -> bool:
    birth = ApproxDate.parse(row["birth_date"], row["birth_precision"])
    return age_range(birth, date.today())[1] < 18


def test_same_seed_gives_the_same_register(built, tmp_path):
    """Two builds with one seed hold identical register rows, record ids included; another seed differs."""
    path, _ = built
    again = tmp_path / "again.sqlite3"
    build_demo(again, scale="village", seed=7)
    assert register_digest(again) == register_digest(path)
    other = tmp_path / "other.sqlite3"
    build_demo(other, scale="village", seed=8)
    assert register_digest(other) != register_digest(path)


def test_json_shape(built):
    """The result is the documented JSON object of four counts."""
    _, result = built
    assert set(result) == {"households", "persons", "children", "visits"}
    assert all(isinstance(value, int) for value in result.values())
    assert json.loads(json.dumps(result)) == result


def test_counts_in_the_expected_ranges(built):
    """A village has 100-130 households and roughly 3-5 people each, about a third of them children."""
    path, result = built
    assert 100 <= result["households"] <= 130
    assert 3 * result["households"] <= result["persons"] <= 5 * result["households"]
    assert 0.15 * result["persons"] <= result["children"] <= 0.5 * result["persons"]
    assert result["visits"] == 0
    assert len(rows(path, "SELECT id FROM household")) == result["households"]
    assert len(rows(path, "SELECT id FROM person")) == result["persons"]


def test_every_person_belongs_to_a_household(built):
    path, _ = built
    orphans = rows(path, "SELECT p.id FROM person p LEFT JOIN household h ON h.id = p.household_id WHERE h.id IS NULL")
    assert orphans == []


def test_every_child_has_a_relation(built):
    """Every person under 18 is linked to at least one adult, and every link points at real people."""
    path, _ = built
    related = {row["child_id"] for row in rows(path, "SELECT child_id FROM relation")}
    children = [row for row in rows(path, "SELECT * FROM person") if is_minor(row)]
    assert children
    assert [c["id"] for c in children if c["id"] not in related] == []
    dangling = rows(
        path,
        "SELECT r.id FROM relation r LEFT JOIN person a ON a.id = r.adult_id LEFT JOIN person c ON c.id = r.child_id "
        "WHERE a.id IS NULL OR c.id IS NULL",
    )
    assert dangling == []


def test_names_in_both_scripts(built):
    """Tibetans have a Chinese and a Tibetan-script name; Han people a Chinese name only."""
    path, _ = built
    people = rows(path, "SELECT name_zh, name_bo, ethnicity FROM person")
    tibetans = [p for p in people if p["ethnicity"] == "tibetan"]
    assert len(tibetans) > 0.8 * len(people)
    for person in tibetans:
        assert person["name_zh"]
        assert all("\u0f00" <= ch <= "\u0fff" for ch in person["name_bo"])
        assert not person["name_bo"].endswith("\u0f0b")
    assert sum(1 for p in tibetans if p["name_bo"]) > 0.98 * len(tibetans)  # a duplicate entry may lack it
    assert all(p["name_zh"] and not p["name_bo"] for p in people if p["ethnicity"] == "han")


def test_ids_are_uuid7_in_creation_order(built):
    """Record ids are version-7 UUIDs; a household is created before its members."""
    path, _ = built
    for row in rows(path, "SELECT p.id, p.household_id FROM person p"):
        assert uuid.UUID(row["id"]).version == 7
        assert row["household_id"] < row["id"]


def test_everything_went_through_the_change_log(built):
    """Every register record has changes, so bundles can carry it to the township."""
    path, _ = built
    logged = {row[0] for row in rows(path, "SELECT DISTINCT entity_id FROM change")}
    for table in REGISTER_TABLES:
        ids = {row[0] for row in rows(path, f"SELECT id FROM {table}")}
        assert ids <= logged, table


def test_units_are_marked_as_demo_and_the_node_is_set(built):
    path, _ = built
    villages = rows(path, "SELECT * FROM admin_unit WHERE level = 'village' AND is_demo = 1")
    assert len(villages) == 1
    assert "示例" in villages[0]["name_zh"] and "དཔེ་མཚོན" in villages[0]["name_bo"]
    groups = rows(path, "SELECT code FROM admin_unit WHERE level = 'group'")
    assert groups and all(g["code"].startswith(villages[0]["code"]) and len(g["code"]) == 15 for g in groups)
    node = rows(path, "SELECT role, unit_code FROM node WHERE is_self = 1")[0]
    assert (node["role"], node["unit_code"]) == ("village", villages[0]["code"])


def test_quality_report_finds_the_planted_problems(built):
    """The deliberate duplicates and a few other problems are there for the quality report to find."""
    path, _ = built
    ws = open_workspace(path)
    try:
        items = quality_report(ws)
    finally:
        ws.close()
    reported = {item.record_id for item in items if item.kind == "possible_duplicate"}
    planted = {row["id"] for row in rows(path, "SELECT id FROM person WHERE notes = '寄住在亲戚家'")}
    assert len(planted) >= 3
    assert planted <= reported


def test_township_role_and_existing_file(tmp_path, built):
    """``role`` chooses the node's role; an existing file is refused and left alone."""
    path = tmp_path / "t.sqlite3"
    build_demo(path, scale="village", seed=7, role="township")
    node = rows(path, "SELECT role, unit_code FROM node WHERE is_self = 1")[0]
    assert node["role"] == "township" and len(node["unit_code"]) == 9
    before = path.read_bytes()
    with pytest.raises(FileExists):
        build_demo(path, scale="village", seed=7)
    assert path.read_bytes() == before
