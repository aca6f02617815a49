"""USB exchange between a township and two villages, through real bundle files: what travels where
(a village never receives the other village's children), receipts that heal a lost stick, return
bundles, the "not yet sent" counter, the dry run, and the history."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.county_settings import CountySettings
from rangtang_desktop.services import county_settings, duplicates_review, enrollment, exchange, register, visits
from rangtang_desktop.storage import register as reg

from .exchange_support import VILLAGE_A, VILLAGE_B, County, household_with_child, laptop, make_county, snapshot

PNG = b"\x89PNG\r\n\x1a\n" + b"signature of the visitor"


@pytest.fixture
def county(tmp_path) -> County:
    """A township with two villages, both enrolled, and a stick."""
    found = make_county(tmp_path)
    yield found
    found.close()


def to_township(county: County, village) -> exchange.ImportResult:
    """The village exports, the township imports (writing its receipt to the stick)."""
    exported = exchange.export_bundle(village, county.stick)
    result = exchange.import_bundle(county.township, exported.path, write_receipt_to=county.stick)
    assert result.status == "applied", result
    return result


def back_to(county: County, village) -> exchange.ImportResult:
    """The township exports the village's return bundle, the village imports it."""
    exported = exchange.export_bundle(county.township, county.stick, recipient=village.node_id)
    assert exported.kind == "return"
    result = exchange.import_bundle(village, exported.path)
    assert result.status == "applied", result
    return result


def ids_in_change_log(ws) -> set[str]:
    return {r[0] for r in ws.db.execute("SELECT DISTINCT entity_id FROM change")}


def signed_visit(ws, household_id):
    signature = visits.store_signature(ws, PNG)
    draft = dataclasses.replace(
        visits.start_visit(ws, household_id), visitor_name="扎西", rating="good", visitor_signature=signature,
        guardian_signature=signature, guardian_signer_name="多吉",
    )
    return visits.sign(ws, draft)


def test_round_trip_a_village_never_receives_the_other_villages_children(county):
    """Both villages reach the township; each return bundle carries the township's edits of that village's records, the county settings, and nothing of the other village."""
    township, a, b = county.township, county.village_a, county.village_b
    home_a, girl_a = household_with_child(a, VILLAGE_A, "卓玛")
    home_b, girl_b = household_with_child(b, VILLAGE_B, "拉姆")
    visit_b = signed_visit(b, home_b.id)
    to_township(county, a)
    to_township(county, b)
    assert reg.get(township.db, "person", girl_a.id).name_zh == "卓玛"
    assert reg.get(township.db, "person", girl_b.id).name_zh == "拉姆"
    assert visits.get(township, visit_b.id) == visit_b
    # the township corrects both girls, and changes a county setting
    for girl in (girl_a, girl_b):
        register.save(township, dataclasses.replace(reg.get(township.db, "person", girl.id), notes="住校"), reason="school list")
    county_settings.save(township, dataclasses.replace(CountySettings(), visits_per_month=3), reason="county notice")
    result = back_to(county, a)
    assert result.changed >= 1 and result.changes.register
    assert reg.get(a.db, "person", girl_a.id).notes == "住校"
    assert county_settings.load(a).visits_per_month == 3
    b_ids = {home_b.id, girl_b.id, visit_b.id}
    assert not b_ids & ids_in_change_log(a)
    for table, column in (("person", "id"), ("household", "id"), ("visit", "id")):
        assert not a.db.execute(f"SELECT count(*) FROM {table} WHERE {column} IN (?, ?, ?)", list(b_ids)).fetchone()[0]
    assert a.db.execute("SELECT count(*) FROM household WHERE village_code = ?", [VILLAGE_B]).fetchone()[0] == 0
    back_to(county, b)
    assert reg.get(b.db, "person", girl_b.id).notes == "住校"
    assert not {home_a.id, girl_a.id} & ids_in_change_log(b)


def test_visits_travel_with_their_signature_images(county):
    """A signed visit arrives at the township with its content and signature image, verified."""
    township, a = county.township, county.village_a
    home, _girl = household_with_child(a, VILLAGE_A)
    visit = signed_visit(a, home.id)
    result = to_township(county, a)
    assert result.visits == 1 and result.changes.visits
    assert visits.get(township, visit.id) == visit
    assert township.db.execute("SELECT count(*) FROM attachment WHERE sha256 = ?", [visit.visitor_signature]).fetchone()[0] == 1


def test_receipts_heal_a_lost_stick(county):
    """Without a receipt every export re-sends what the township has not confirmed; after the receipt only new changes travel."""
    township, a = county.township, county.village_a
    household_with_child(a, VILLAGE_A)
    first = exchange.export_bundle(a, county.stick)
    again = exchange.export_bundle(a, county.stick)
    assert first.changes == again.changes > 0 and (first.sequence, again.sequence) == (1, 2)
    first.path.unlink()  # the stick with bundle 1 was lost
    _home, girl = household_with_child(a, VILLAGE_A, "拉姆")
    third = exchange.export_bundle(a, county.stick)
    assert third.changes > first.changes
    again.path.unlink()
    result = exchange.import_bundle(township, third.path, write_receipt_to=county.stick)
    assert result.status == "applied" and result.gaps == [1, 2] and result.receipt_path is not None
    assert reg.get(township.db, "person", girl.id) is not None
    assert exchange.unsent_count(a) == third.changes  # the receipt has not reached the village yet
    receipt = exchange.import_bundle(a, result.receipt_path)
    assert receipt.status == "applied" and receipt.kind == "receipt" and receipt.changes.exchange
    assert exchange.unsent_count(a) == 0
    register.save(a, dataclasses.replace(reg.get(a.db, "person", girl.id), notes="new"))
    fourth = exchange.export_bundle(a, county.stick)
    assert fourth.changes == 1 == exchange.unsent_count(a)
    assert exchange.export_bundle(a, county.stick, full=True).changes == third.changes + 1


def test_a_return_bundle_acknowledges_too(county):
    """The holdings a return bundle carries count as a receipt: the village re-sends nothing the township holds."""
    township, a = county.township, county.village_a
    household_with_child(a, VILLAGE_A)
    exported = exchange.export_bundle(a, county.stick)
    exchange.import_bundle(township, exported.path)  # no receipt written
    assert exchange.unsent_count(a) == exported.changes
    back_to(county, a)
    assert exchange.unsent_count(a) == 0


def test_return_bundles_are_incremental(county):
    """A return bundle sends what the village has not confirmed: again until it confirms, then only what is new; full sends all."""
    township, a = county.township, county.village_a
    _home, girl = household_with_child(a, VILLAGE_A)
    to_township(county, a)
    register.save(township, dataclasses.replace(reg.get(township.db, "person", girl.id), notes="一"))
    first = exchange.export_bundle(township, county.stick, recipient=a.node_id)
    second = exchange.export_bundle(township, county.stick, recipient=a.node_id)
    assert first.changes == second.changes == 1
    exchange.import_bundle(a, second.path)
    to_township(county, a)  # the village's next bundle confirms what it holds
    assert exchange.export_bundle(township, county.stick, recipient=a.node_id).changes == 0
    register.save(township, dataclasses.replace(reg.get(township.db, "person", girl.id), notes="二"))
    assert exchange.export_bundle(township, county.stick, recipient=a.node_id).changes == 1
    full = exchange.export_bundle(township, county.stick, recipient=a.node_id, full=True)
    assert full.full and full.changes > 2


def test_export_returns_makes_one_bundle_per_enrolled_village(county):
    """export_returns writes one return bundle per enrolled, non-revoked village, by village code."""
    township, a, b = county.township, county.village_a, county.village_b
    enrollment.revoke(township, b.node_id, "laptop replaced")
    results = exchange.export_returns(township, county.stick)
    assert [r.recipient for r in results] == [a.node_id]
    assert all(r.kind == "return" and r.path.exists() for r in results)
    assert json.loads(json.dumps(results[0].as_json()))["bundle"] == str(results[0].path)


def test_conflicts_reach_both_sides(county):
    """The same field changed at the village and the township becomes a conflict at both after the exchange."""
    from rangtang_desktop.services import conflicts

    township, a = county.township, county.village_a
    _home, girl = household_with_child(a, VILLAGE_A)
    to_township(county, a)
    back_to(county, a)
    register.save(a, dataclasses.replace(reg.get(a.db, "person", girl.id), name_zh="卓玛草"), reason="户口本")
    register.save(township, dataclasses.replace(reg.get(township.db, "person", girl.id), name_zh="卓嘎"), reason="学校")
    assert to_township(county, a).conflicts == 1
    back_to(county, a)
    assert conflicts.open_count(a) == conflicts.open_count(township) == 1


def test_the_counter_at_the_township_counts_what_the_return_bundles_would_carry(county):
    """At the township the counter is what the next return bundles carry: a change to village A's
    girl counts for A only (B never receives A's children), and falls to zero once A confirms it."""
    township, a, b = county.township, county.village_a, county.village_b
    _home, girl = household_with_child(a, VILLAGE_A)
    to_township(county, a)
    to_township(county, b)
    back_to(county, a)
    to_township(county, a)
    assert exchange.unsent_by_village(township) == {a.node_id: 0, b.node_id: 0}
    register.save(township, dataclasses.replace(reg.get(township.db, "person", girl.id), notes="checked"))
    assert exchange.unsent_by_village(township) == {a.node_id: 1, b.node_id: 0}
    assert exchange.unsent_count(township) == 1
    returned = exchange.export_bundle(township, county.stick, recipient=a.node_id)
    assert returned.changes == 1  # the counter said what the bundle carries
    exchange.import_bundle(a, returned.path)
    to_township(county, a)
    assert exchange.unsent_count(township) == 0


def test_the_counter_before_enrollment_counts_everything(tmp_path):
    """A village not enrolled yet counts every change it has as not sent."""
    village = laptop(tmp_path, "v", "village", VILLAGE_A)
    household_with_child(village, VILLAGE_A)
    assert exchange.unsent_count(village) == village.db.execute("SELECT count(*) FROM change").fetchone()[0] > 0
    with pytest.raises(exchange.NotEnrolledYet):
        exchange.export_bundle(village, tmp_path)
    village.close()


def test_preview_changes_nothing_and_predicts_the_import(county):
    """The dry run leaves the database as it was and gives the counts the import then reports."""
    township, a = county.township, county.village_a
    household_with_child(a, VILLAGE_A)
    path = exchange.export_bundle(a, county.stick).path
    before = snapshot(township)
    preview = exchange.preview_import(township, path)
    assert snapshot(township) == before
    assert preview.status == "new" and preview.sender.node_id == a.node_id and preview.kind == "changes"
    result = exchange.import_bundle(township, path)
    assert (preview.new, preview.changed, preview.conflicts, preview.held_future, preview.visits) == (
        result.new, result.changed, result.conflicts, result.held_future, result.visits
    )
    assert preview.new == 2
    assert exchange.preview_import(township, path).status == "already_applied"
    assert set(preview.as_json()) >= {"file", "status", "reason", "new", "changed", "conflicts", "possible_duplicates"}


def test_possible_duplicates_across_villages_are_counted(county):
    """The same child registered in both villages is reported as a possible duplicate when the second village's bundle arrives."""
    township, a, b = county.township, county.village_a, county.village_b
    birth = f"{date.today().year - 8}-05-04"
    children = {}
    for ws, code in ((a, VILLAGE_A), (b, VILLAGE_B)):
        home = register.save(ws, records.Household(village_code=code)).record
        children[code] = register.save(
            ws, records.Person(household_id=home.id, name_zh="才让卓玛", sex="female", birth_date=birth)
        ).record
    assert to_township(county, a).possible_duplicates == 0
    path = exchange.export_bundle(b, county.stick).path
    assert exchange.preview_import(township, path).possible_duplicates == 1
    assert exchange.import_bundle(township, path).possible_duplicates == 1
    [candidate] = duplicates_review.candidates(township)
    duplicates_review.decide(township, candidate.newer.id, candidate.older.id, "separate", reason="different mothers")
    back_to(county, a)
    assert a.db.execute("SELECT decision FROM duplicate_decision").fetchall() == [("separate",)]
    # the decision names the other village's child, but none of that child's data travels
    assert children[VILLAGE_B].id not in ids_in_change_log(a)
    assert reg.people(a.db, [children[VILLAGE_B].id]) == {}


def test_the_township_needs_a_village_to_export_to(county):
    """At the township an export names an enrolled village; a revoked one is refused; a village exports only to its township."""
    township, a, b = county.township, county.village_a, county.village_b
    with pytest.raises(exchange.ChooseVillage):
        exchange.export_bundle(township, county.stick)
    with pytest.raises(enrollment.UnknownComputer):
        exchange.export_bundle(township, county.stick, recipient="nobody")
    enrollment.revoke(township, b.node_id, "lost")
    with pytest.raises(exchange.RecipientRevoked):
        exchange.export_bundle(township, county.stick, recipient=b.node_id)
    with pytest.raises(exchange.NotYourTownship):
        exchange.export_bundle(a, county.stick, recipient=b.node_id)
    with pytest.raises(exchange.NotYourTownship):
        exchange.export_returns(a, county.stick)


def test_history_and_finding_bundles(county):
    """The history lists bundles sent and received, newest first; find_bundles lists .rtb files, never temporary ones."""
    township, a = county.township, county.village_a
    household_with_child(a, VILLAGE_A)
    result = to_township(county, a)
    (county.stick / ".changes-x.rtb.1234.tmp").write_bytes(b"partial")
    (county.stick / "notes.txt").write_text("x")
    found = exchange.find_bundles(county.stick)
    assert found and all(p.suffix == ".rtb" and not p.name.startswith(".") for p in found)
    assert result.receipt_path in found
    assert exchange.find_bundles(county.stick / "missing") == []
    history = exchange.bundle_history(township)
    assert [(h.direction, h.status) for h in history[:2]] == [("sent", "sent"), ("received", "applied")]
    assert history[1].node_id == a.node_id and history[1].summary["new"] == 2 and history[1].display_name
    assert exchange.bundle_history(a)[0].direction == "sent"
    listed = {n.card.node_id: n for n in enrollment.enrolled_nodes(township)}[a.node_id]
    assert listed.bundles_received == 1 and listed.last_bundle_seq == 1 and listed.last_received_at


def test_import_files_goes_on_after_a_bad_file(county):
    """One refused file does not stop the others; its result says rejected with the reason code."""
    township, a, b = county.township, county.village_a, county.village_b
    household_with_child(a, VILLAGE_A)
    household_with_child(b, VILLAGE_B)
    good_a = exchange.export_bundle(a, county.stick).path
    good_b = exchange.export_bundle(b, county.stick).path
    junk = county.stick / "junk.rtb"
    junk.write_text("not a bundle")
    results = exchange.import_files(township, [good_a, junk, good_b])
    assert [r.status for r in results] == ["applied", "rejected", "applied"]
    assert results[1].reason == "not_a_bundle" and results[1].error is not None and results[1].sender is None
    assert all(r.receipt_path is not None for r in (results[0], results[2]))
    assert results[1].as_json()["status"] == "rejected"
