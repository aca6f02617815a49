"""A newer version opens the database of every earlier schema version: ``tests/fixtures/schema/``
holds one small database per version, written by the revision of this repository that was current
then (see its README.md). Opening one runs the migrations after a ``before-migration`` backup; the
file passes SQLite's checks, has today's schema, keeps its node, and every record is still there,
readable through the services and writable."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.visits import verify
from rangtang_desktop.services import backups, history, register, register_views, visits
from rangtang_desktop.services.demo_signatures import signature_png
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage.meta import get_meta
from rangtang_desktop.storage.migrations import SCHEMA_VERSION, schema_version

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "schema"
VERSIONS = sorted(int(path.stem.removeprefix("v")) for path in FIXTURES.glob("v*.sqlite3"))


def fixture(tmp_path: Path, version: int) -> tuple[Path, dict]:
    """A copy of the version's database (the fixture itself stays untouched) and its manifest."""
    target = tmp_path / "village" / "rangtang.sqlite3"
    target.parent.mkdir()
    shutil.copyfile(FIXTURES / f"v{version}.sqlite3", target)
    return target, json.loads((FIXTURES / f"v{version}.json").read_text(encoding="utf-8"))


def read(path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_a_fixture_for_every_earlier_version():
    """Each schema version below the current one has its fixture, and none is newer than this code."""
    assert set(range(1, SCHEMA_VERSION)) <= set(VERSIONS)
    assert max(VERSIONS) <= SCHEMA_VERSION
    for version in VERSIONS:
        manifest = json.loads((FIXTURES / f"v{version}.json").read_text(encoding="utf-8"))
        assert manifest["schema_version"] == version
        assert (FIXTURES / f"v{version}.sqlite3").stat().st_size < 300_000


@pytest.mark.parametrize("version", VERSIONS)
def test_upgrade_keeps_everything(tmp_path, version):
    """Opening a fixture migrates it after a backup; checks pass and the records read back as written."""
    path, manifest = fixture(tmp_path, version)
    assert len(read(path, "SELECT name FROM _sqlite_migrations")) == version
    node_before = read(path, "SELECT node_id FROM node WHERE is_self = 1")[0][0]

    ws = open_workspace(path)
    try:
        assert schema_version(ws.db) == SCHEMA_VERSION
        assert get_meta(ws.db, "schema_version") == str(SCHEMA_VERSION)
        assert ws.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert ws.db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert ws.node_id == node_before

        for household_id, house_name in manifest["households"].items():
            view = register_views.household_view(ws, household_id)
            assert view.household.house_name_zh == house_name
            assert view.household.village_code == manifest["village"]
        names = {person_id: register_views.person_view(ws, person_id).person.name_zh for person_id in manifest["people"]}
        assert names == manifest["people"]
        assert all(history.history(ws, "person", person_id) for person_id in names), "the change log still reads"
        child = next(pid for pid, name in manifest["people"].items() if name == "卓玛")
        child_view = register_views.person_view(ws, child)
        assert child_view.is_minor
        assert sorted(r.other.name_zh for r in child_view.as_child) == ["拉姆", "泽让"]
        father = next(r for r in child_view.as_child if r.other.name_zh == "泽让")
        assert father.relation.legal_guardian and father.other_situation.kind == "migrant_work"
        assert child in register_views.search(ws, "卓玛")
        assert child in register_views.search(ws, "zhuoma")

        if "visit" in manifest:
            signed = visits.get(ws, manifest["visit"]["id"])
            assert signed.content_hash == manifest["visit"]["content_hash"]
            assert verify(signed), "a signed visit still matches its fingerprint"
            entries = visits.household_history(ws, manifest["visit"]["household_id"])
            assert [(e.visit.id, e.intact) for e in entries] == [(signed.id, True)]
            assert visits.signature_image(ws, signed.visitor_signature).startswith(b"\x89PNG")
            assert manifest["draft"]["id"] in [draft.id for draft, _when in visits.drafts(ws)]

        # The upgraded database takes new records and visits.
        home = next(iter(manifest["households"]))
        newborn = register.save(ws, records.Person(household_id=home, name_zh="新生", sex="male", birth_date="2025-01-01")).record
        assert register_views.person_view(ws, newborn.id).person.name_zh == "新生"
        draft = visits.start_visit(ws, home)
        signature = visits.store_signature(ws, signature_png(random.Random(version)))
        visits.sign(ws, dataclasses.replace(
            draft, visitor_name="测试员", rating="good", visitor_signature=signature, guardian_no_signature_reason="absent",
        ))
        assert len(visits.household_history(ws, home)) == (2 if "visit" in manifest else 1)
    finally:
        ws.close()

    kept = backups.list_backups(path)
    if version < SCHEMA_VERSION:
        assert [b.reason for b in kept] == ["before-migration"]
        copy = kept[0].path
        assert read(copy, "PRAGMA integrity_check") == [("ok",)]
        assert len(read(copy, "SELECT name FROM _sqlite_migrations")) == version, "the backup is the old version"
        assert len(read(copy, "SELECT id FROM person")) == len(manifest["people"])
    else:
        assert kept == []

    ws = open_workspace(path)  # opening again changes nothing and takes no second backup
    ws.close()
    assert len(backups.list_backups(path)) == len(kept)
