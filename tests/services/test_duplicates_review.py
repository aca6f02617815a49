"""Reviewing possible duplicates: candidates, and merge / link / keep-separate decisions."""

from __future__ import annotations

from datetime import date

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import ValidationFailed
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.services import duplicates_review as review
from rangtang_desktop.services import register
from rangtang_desktop.services.history import history
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage import search

NUMBER = make_id_number("513230", date(2015, 3, 7), 8)


@pytest.fixture
def two_villages(workspace, village):
    first = register.save(workspace, records.Household(village_code=village.code, house_name_zh="卓玛家")).record
    second = register.save(workspace, records.Household(village_code=village.code, house_name_zh="扎西家")).record
    return first, second


def add(workspace, household, **fields) -> records.Person:
    base = {"household_id": household.id, "name_zh": "卓玛", "sex": "female", "birth_date": "2015-03-07"}
    return register.save(workspace, records.Person(**{**base, **fields})).record


def test_same_id_number_is_a_candidate_until_decided(workspace, two_villages):
    first, second = two_villages
    a = add(workspace, first, id_number=NUMBER)
    b = add(workspace, second, id_number=NUMBER, name_zh="卓嘎")
    found = review.candidates(workspace)
    assert [{c.newer.id, c.older.id} for c in found] == [{a.id, b.id}]
    assert found[0].match.certain

    review.decide(workspace, b.id, a.id, "separate", reason="twins checked at the school")
    assert review.candidates(workspace) == []
    assert review.decision_for(workspace, a.id, b.id).decision == "separate"


def test_a_decision_needs_a_reason_and_changes_nothing_without_one(workspace, two_villages):
    first, second = two_villages
    a, b = add(workspace, first, id_number=NUMBER), add(workspace, second, id_number=NUMBER)
    before = workspace.db.execute("SELECT count(*) FROM change").fetchone()[0]
    with pytest.raises(ValidationFailed):
        review.decide(workspace, a.id, b.id, "merged", kept=a.id, reason="  ")
    with pytest.raises(ValidationFailed):
        review.decide(workspace, a.id, b.id, "merged", kept="someone else", reason="same child")
    assert workspace.db.execute("SELECT count(*) FROM change").fetchone()[0] == before
    assert review.decision_for(workspace, a.id, b.id) is None


def test_merge_points_the_other_record_to_the_kept_one_and_moves_what_describes_it(workspace, two_villages):
    first, second = two_villages
    kept = add(workspace, first, id_number=NUMBER)
    other = add(workspace, second, id_number=NUMBER, name_bo="སྒྲོལ་མ", school_name="南木达小学")
    mother = add(workspace, first, name_zh="拉姆", birth_date="1985-01-01", id_number="")
    father = add(workspace, second, name_zh="扎西", sex="male", birth_date="1983-01-01", id_number="")
    register.save(workspace, records.Relation(child_id=kept.id, adult_id=mother.id, kind="mother", legal_guardian=True))
    register.save(workspace, records.Relation(child_id=other.id, adult_id=mother.id, kind="mother"))  # says it again
    register.save(workspace, records.Relation(child_id=other.id, adult_id=father.id, kind="father"))
    register.save(workspace, records.Classification(child_id=other.id, kind="left_behind_both"))

    review.decide(workspace, kept.id, other.id, "merged", kept=kept.id, reason="same ID number, checked with the family")

    merged = reg.get(workspace.db, "person", other.id)
    assert merged.merged_into == kept.id and not merged.deleted  # nothing is deleted
    now_kept = reg.get(workspace.db, "person", kept.id)
    assert now_kept.name_bo == "སྒྲོལ་མ" and now_kept.school_name == "南木达小学"  # blanks filled
    relations = reg.relations_of_child(workspace.db, kept.id)
    assert sorted((r.kind, r.adult_id) for r in relations) == [("father", father.id), ("mother", mother.id)]
    assert [c.kind for c in reg.classifications_of(workspace.db, kept.id)] == ["left_behind_both"]
    assert reg.relations_of_child(workspace.db, other.id) == []
    assert review.candidates(workspace) == []
    # the merged record no longer turns up in searches, and its history tells why
    assert other.id not in search.search_people(workspace.db, "卓玛", workspace.variants)
    reasons = {e.reason for e in history(workspace, "person", other.id)}
    assert "same ID number, checked with the family" in reasons


def test_merging_a_record_already_merged_is_refused(workspace, two_villages):
    first, second = two_villages
    a, b = add(workspace, first, id_number=NUMBER), add(workspace, second, id_number=NUMBER)
    review.decide(workspace, a.id, b.id, "merged", kept=a.id, reason="same child")
    with pytest.raises(ValidationFailed):
        review.decide(workspace, a.id, b.id, "merged", kept=b.id, reason="the other way round")
    assert reg.get(workspace.db, "person", a.id).merged_into == ""


def test_link_keeps_both_records_and_shows_each_from_the_other(workspace, two_villages):
    first, second = two_villages
    a, b = add(workspace, first, id_number=NUMBER), add(workspace, second, id_number=NUMBER)
    review.decide(workspace, a.id, b.id, "linked", reason="registered at the grandparents' too")
    assert [p.id for p in review.linked_people(workspace, a.id)] == [b.id]
    assert [p.id for p in review.linked_people(workspace, b.id)] == [a.id]
    assert not reg.get(workspace.db, "person", b.id).merged_into
    assert review.candidates(workspace) == []


def test_the_decision_travels_as_one_change_with_its_reason(workspace, two_villages):
    first, second = two_villages
    a, b = add(workspace, first, id_number=NUMBER), add(workspace, second, id_number=NUMBER)
    review.decide(workspace, a.id, b.id, "separate", reason="different mothers")
    review.decide(workspace, b.id, a.id, "linked", reason="the school confirmed it is one child")
    rows = workspace.db.execute(
        "SELECT value, reason FROM change_log WHERE entity = 'duplicate_decision' ORDER BY seq"
    ).fetchall()
    assert [r[1] for r in rows] == ["different mothers", "the school confirmed it is one child"]
    assert review.decision_for(workspace, a.id, b.id).decision == "linked"
