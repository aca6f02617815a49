"""The demo data builder: reproducible, plausible and complete at village scale."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import struct
import uuid
import zlib
from datetime import date
from pathlib import Path

import pytest

from rangtang_desktop.core.dates import LOCAL_ZONE, ApproxDate, age_range, local_today
from rangtang_desktop.core.errors import FileExists
from rangtang_desktop.core.visits import Visit, from_json, parse_instant, verify
from rangtang_desktop.core.vocab import VISITOR_ROLE
from rangtang_desktop.services.demo import build_demo
from rangtang_desktop.services.demo_guardianship import months_before
from rangtang_desktop.services.demo_signatures import signature_png
from rangtang_desktop.services.quality import quality_report
from rangtang_desktop.services.sessions import guardian_coverage
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage.visits import unpack

REGISTER_TABLES = ("household", "person", "relation", "parent_situation", "care_arrangement", "classification")
PNG = b"\x89PNG\r\n\x1a\n"
MINOR = "birth_estimate != '' AND birth_estimate >= date('now', '+8 hours', '-18 years') AND alive_status = 'alive'"


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


def visits_digest(path: Path) -> str:
    """A digest of the signed visits, drafts (their content), sessions, visitors and signature images."""
    digest = hashlib.sha256()
    for sql in (
        "SELECT * FROM visit ORDER BY id",
        "SELECT id, household_id, content FROM visit_draft ORDER BY id",
        "SELECT * FROM family_education_session ORDER BY id",
        "SELECT user_id, display_name, role, unit_code FROM user WHERE unit_code != '' ORDER BY user_id",
        "SELECT sha256 FROM attachment ORDER BY sha256",
    ):
        for row in rows(path, sql):
            values = tuple(v.hex() if isinstance(v, bytes) else v for v in row)
            digest.update(json.dumps(values, ensure_ascii=False).encode())
    return digest.hexdigest()


def test_same_seed_gives_the_same_register(built, tmp_path):
    """Two builds with one seed hold identical register rows and visits, ids included; another seed differs."""
    path, _ = built
    again = tmp_path / "again.sqlite3"
    build_demo(again, scale="village", seed=7)
    assert register_digest(again) == register_digest(path)
    assert visits_digest(again) == visits_digest(path)
    other = tmp_path / "other.sqlite3"
    build_demo(other, scale="village", seed=8)
    assert register_digest(other) != register_digest(path)
    assert visits_digest(other) != visits_digest(path)


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
    assert result["visits"] == len(rows(path, "SELECT id FROM visit")) > 0
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


# -- visits and family-education sessions ------------------------------------------------------------


def signed_visits(path: Path) -> list[Visit]:
    return [unpack(row["content"]) for row in rows(path, "SELECT content FROM visit")]


def test_visits_in_each_of_the_last_twelve_months(built):
    """Signed visits fall in each of the twelve months before this one, never today or later, at daytime hours."""
    path, _ = built
    today = local_today()
    visits = signed_visits(path)
    months = {v.local_date().isoformat()[:7] for v in visits}
    assert {months_before(today, back).isoformat()[:7] for back in range(1, 13)} <= months
    assert all(v.local_date() < today for v in visits)
    assert all(8 <= parse_instant(v.visited_at).astimezone(LOCAL_ZONE).hour <= 21 for v in visits)
    assert {row["local_date"] for row in rows(path, "SELECT local_date FROM visit")} == {v.local_date().isoformat() for v in visits}


def test_most_households_are_visited_twice_a_month_but_not_all(built):
    """Two months ago most households with minors had home or school visits on two days or more; some had fewer."""
    path, _ = built
    month = months_before(local_today(), 2).isoformat()[:7]
    minors = {row["household_id"] for row in rows(path, f"SELECT household_id FROM person WHERE {MINOR}")}
    days: dict[str, set] = {}
    for row in rows(path, "SELECT household_id, local_date FROM visit v WHERE mode IN ('home', 'school') "
                          "AND NOT EXISTS (SELECT 1 FROM visit a WHERE a.amends = v.id)"):
        if row["local_date"].startswith(month):
            days.setdefault(row["household_id"], set()).add(row["local_date"])
    met = sum(1 for household in minors if len(days.get(household, ())) >= 2)
    assert 0.5 * len(minors) <= met < len(minors)


def test_signed_visits_verify_and_name_stored_signatures(built):
    """Every signed visit's hash verifies; its signature images are PNGs kept once in attachments."""
    path, _ = built
    stored = {row["sha256"]: bytes(row["data"]) for row in rows(path, "SELECT sha256, data FROM attachment")}
    visits = signed_visits(path)
    assert visits
    for visit in visits:
        assert verify(visit)
        assert visit.visitor_signature in stored and visit.visitor_name
        assert visit.guardian_signature in stored if visit.guardian_signature else visit.guardian_no_signature_reason
        assert visit.children and visit.rating in ("good", "fair", "poor")
    assert all(hashlib.sha256(data).hexdigest() == digest and data.startswith(PNG) for digest, data in stored.items())
    assert 20 <= len(stored) <= 60


def test_some_recent_visits_are_still_drafts(built):
    """A few percent of the visits are unsigned drafts from the last three months, none also signed."""
    path, _ = built
    signed = {row["id"] for row in rows(path, "SELECT id FROM visit")}
    drafts = [from_json(json.loads(row["content"])) for row in rows(path, "SELECT content FROM visit_draft")]
    assert 0.01 <= len(drafts) / (len(drafts) + len(signed)) <= 0.06
    for draft in drafts:
        assert not draft.signed and draft.id not in signed
        assert 0 < (local_today() - draft.local_date()).days <= 100


def test_amendments_correct_a_signed_visit(built):
    """Some signed visits are corrected by a later signed visit of the same household that names them."""
    path, _ = built
    visits = {v.id: v for v in signed_visits(path)}
    corrections = [v for v in visits.values() if v.amends]
    assert corrections
    assert len(corrections) <= 0.03 * len(visits)
    for correction in corrections:
        original = visits[correction.amends]
        assert original.household_id == correction.household_id and not original.amends
        assert original.signed_at < correction.signed_at
        assert original.content_hash != correction.content_hash


def test_visitors_are_users_and_every_household_is_assigned(built):
    """Visitors are users of the village with visitor roles; every household is assigned to one of them."""
    path, _ = built
    users = {row["user_id"]: row for row in rows(path, "SELECT * FROM user")}
    village = rows(path, "SELECT code FROM admin_unit WHERE level = 'village' AND is_demo = 1")[0]["code"]
    for visit in signed_visits(path):
        user = users[visit.visitor_user_id]
        assert (user["display_name"], user["role"], user["unit_code"]) == (visit.visitor_name, visit.visitor_role, village)
        assert visit.visitor_role in VISITOR_ROLE
    assigned = {row["assigned_worker"] for row in rows(path, "SELECT assigned_worker FROM household")}
    assert "" not in assigned and assigned <= set(users)


def test_checklist_concerns_follow_the_register(built):
    """Observed or suspected answers appear only for children the register shows living alone or with an unable or unfit carer."""
    path, _ = built
    alone = {row["id"] for row in rows(path, f"""SELECT id FROM person c WHERE {MINOR} AND NOT EXISTS (
        SELECT 1 FROM relation r JOIN person a ON a.id = r.adult_id
        WHERE r.child_id = c.id AND r.lives_with = 1 AND a.alive_status = 'alive')""")}
    uncared = {row["child_id"] for row in rows(
        path, "SELECT child_id FROM care_arrangement WHERE carer_full_capacity = 0 OR disqualifiers != '[]'"
    )}
    allowed = {"living_alone": alone, "abandoned": alone, "carer_not_caring": uncared, "left_unattended": uncared}
    answered = 0
    for visit in signed_visits(path):
        for child, answers in visit.checklist.items():
            for code, answer in answers.items():
                assert answer in ("observed", "suspected")
                assert child in allowed[code], code
                answered += 1
            assert visit.rating == "poor"
    assert answered  # the showcase village always has children living alone


def test_family_education_sessions_name_guardians(built):
    """Sessions of last year and this year name 30 or fewer of the village's guardians each; some guardians have none yet."""
    path, _ = built
    today = local_today()
    guardians = {row["adult_id"] for row in rows(
        path, "SELECT adult_id FROM relation WHERE legal_guardian = 1 OR actual_caregiver = 1"
    )}
    sessions = rows(path, "SELECT * FROM family_education_session")
    years = {row["session_date"][:4] for row in sessions}
    assert str(today.year - 1) in years and (str(today.year) in years or today.timetuple().tm_yday < 40)
    for row in sessions:
        named = json.loads(row["guardian_ids"])
        assert 1 <= len(named) <= 30 and len(set(named)) == len(named)
        assert set(named) <= guardians
        assert row["session_date"] < today.isoformat() and row["topic"] and row["provider"]
    ws = open_workspace(path)
    try:
        last_year = guardian_coverage(ws, today.year - 1)
        this_year = guardian_coverage(ws, today.year)
    finally:
        ws.close()
    assert 0.6 <= sum(g.covered for g in last_year) / len(last_year) < 1
    assert sum(g.covered for g in this_year) < 0.9 * len(this_year)


def test_signature_png_is_well_formed():
    """The signature encoder writes a PNG whose chunks check and whose image data has every row."""
    data = signature_png(random.Random(5))
    assert data.startswith(PNG)
    position, chunks = len(PNG), {}
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, colour) == (300, 100, 8, 0)
    pixels = zlib.decompress(chunks[b"IDAT"])
    assert len(pixels) == (width + 1) * height and min(pixels) < 128 and b"IEND" in chunks
