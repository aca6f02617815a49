"""The data-quality report: bad ID numbers, children without a legal guardian, possible duplicates."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.services import register
from rangtang_desktop.services.quality import quality_report
from rangtang_desktop.storage import search
from rangtang_desktop.storage.database import write_transaction


@pytest.fixture
def household(workspace, village):
    return register.save(workspace, records.Household(village_code=village.code)).record


def person(household, **fields) -> records.Person:
    base = {"household_id": household.id, "name_zh": "卓玛", "sex": "female", "birth_date": "2015-03-07"}
    return records.Person(**{**base, **fields})


def adult(workspace, household, name="拉姆"):
    return register.save(workspace, person(household, name_zh=name, birth_date="1985-01-01")).record


def guard(workspace, child, guardian):
    register.save(workspace, records.Relation(child_id=child.id, adult_id=guardian.id, kind="mother", legal_guardian=True))


def kinds(workspace) -> dict[str, set[str]]:
    """Record ids reported, by kind."""
    found: dict[str, set[str]] = {}
    for item in quality_report(workspace):
        found.setdefault(item.kind, set()).add(item.record_id)
    return found


def received(workspace, record):
    """Store a record as if it came from another laptop, bypassing this laptop's validation."""
    record = dataclasses.replace(record, id=record.id or f"remote-{record.name_zh}")
    with write_transaction(workspace.db):
        workspace.changelog().write(record, None)
        search.refresh_people(workspace.db, [record.id], workspace.variants)
    return record


def test_clean_register_reports_nothing(workspace, household):
    """A guarded child with a valid number and an adult give an empty report."""
    mother = adult(workspace, household)
    child = register.save(workspace, person(household, id_number=make_id_number("513230", date(2015, 3, 7), 8))).record
    guard(workspace, child, mother)
    assert quality_report(workspace) == []


def test_reports_a_bad_check_digit(workspace, household):
    """A stored ID number whose check character does not fit is reported."""
    number = make_id_number("513230", date(2015, 3, 7), 8)
    bad = received(workspace, person(household, id_number=number[:-1] + ("1" if number[-1] != "1" else "2")))
    guard(workspace, bad, adult(workspace, household))
    assert kinds(workspace) == {"bad_id_number": {bad.id}}


def test_reports_a_child_without_legal_guardian(workspace, household):
    """A child with relatives but no legal guardian is reported; the adult is not."""
    mother = adult(workspace, household)
    child = register.save(workspace, person(household)).record
    register.save(workspace, records.Relation(child_id=child.id, adult_id=mother.id, kind="mother", legal_guardian=False))
    assert kinds(workspace) == {"child_without_guardian": {child.id}}


def test_deceased_child_and_deleted_guardian(workspace, household):
    """A deceased child is not reported; a child whose guardian relation was deleted is."""
    register.save(workspace, person(household, name_zh="旦增", alive_status="deceased"))
    mother = adult(workspace, household)
    child = register.save(workspace, person(household)).record
    guard(workspace, child, mother)
    register.delete(workspace, "person", mother.id)
    assert kinds(workspace) == {"child_without_guardian": {child.id}}


def test_reports_a_possible_duplicate_pair_once(workspace, household):
    """Two spellings of one girl, born the same day in one village, are reported once, on the newer record."""
    mother = adult(workspace, household)
    first = register.save(workspace, person(household, name_zh="才让卓玛")).record
    second = register.save(workspace, person(household, name_zh="泽仁卓马")).record
    for child in (first, second):
        guard(workspace, child, mother)
    items = [i for i in quality_report(workspace) if i.kind == "possible_duplicate"]
    assert [(i.record_id, i.detail.params["other"]) for i in items] == [(second.id, first.id)]


def test_namesakes_years_apart_are_not_duplicates(workspace, household):
    """Two girls of the same name born years apart are not reported."""
    mother = adult(workspace, household)
    for birth in ("2008-01-01", "2015-03-07"):
        guard(workspace, register.save(workspace, person(household, birth_date=birth)).record, mother)
    assert "possible_duplicate" not in kinds(workspace)
