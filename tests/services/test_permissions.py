"""Permissions enforced in the services (issue 7 part 2): a grid worker's register lists, worklist,
visit form and record views hold their village groups only; restricted records only for the child
director and the township supervisor."""

from __future__ import annotations

from datetime import date

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.services import compliance, permissions, register, register_lists, register_views, users, visits
from rangtang_desktop.services.register_lists import ListFilter
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import nodes
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.reference import Unit, store_units

VILLAGE = "513230101203"
GROUP_1, GROUP_2 = VILLAGE + "001", VILLAGE + "002"


@pytest.fixture
def village(tmp_path):
    """A village with one household with a child in each of two groups, a director and a grid worker of group 1."""
    ws = open_workspace(tmp_path / "v.sqlite3", create=True)
    with write_transaction(ws.db):
        store_units(ws.db, [
            Unit(VILLAGE, "village", VILLAGE[:9], "村", "གྲོང"),
            Unit(GROUP_1, "group", VILLAGE, "一组", "ཚོ་ཆུང"),
            Unit(GROUP_2, "group", VILLAGE, "二组", "ཚོ་ཆུང"),
        ])
        nodes.set_node_unit(ws.db, "village", VILLAGE)
    users.setup_first_user(ws, "卓玛", "director-1")
    homes = {}
    for group in (GROUP_1, GROUP_2):
        home = register.save(ws, records.Household(village_code=VILLAGE, group_code=group, house_name_zh="格尔登")).record
        child = register.save(ws, records.Person(
            household_id=home.id, name_zh="拉姆", sex="female", birth_date=f"{date.today().year - 8}-03-01",
        )).record
        homes[group] = (home, child)
    worker = users.create_user(ws, "扎西", "grid_worker", groups=[GROUP_1], password="worker-1")
    yield ws, worker, homes
    ws.close()


def test_a_grid_worker_lists_only_their_groups(village):
    """Register lists and the worklist: everything for the director, group 1 for the grid worker."""
    ws, worker, homes = village
    today = ws.today()
    assert len(register_lists.household_ids(ws, ListFilter())) == 2
    assert len(compliance.compliance(ws, today.year, today.month).rows) == 2
    users.switch_user(ws, worker.user_id, "worker-1")
    mine, _child = homes[GROUP_1]
    assert register_lists.household_ids(ws, ListFilter()) == [mine.id]
    assert register_lists.person_ids(ws, ListFilter()) == [homes[GROUP_1][1].id]
    assert [r.household_id for r in compliance.compliance(ws, today.year, today.month).rows] == [mine.id]


def test_a_grid_worker_without_groups_sees_nothing(village):
    ws, worker, _homes = village
    users.set_groups(ws, worker.user_id, [])
    users.switch_user(ws, worker.user_id, "worker-1")
    assert register_lists.household_ids(ws, ListFilter()) == []


def test_a_grid_worker_cannot_open_visit_or_edit_another_group(village):
    """Viewing, visiting and saving outside their groups are refused; inside, allowed."""
    ws, worker, homes = village
    users.switch_user(ws, worker.user_id, "worker-1")
    theirs, their_child = homes[GROUP_2]
    with pytest.raises(permissions.HouseholdNotAllowed):
        register_views.show_household(ws, theirs.id)
    with pytest.raises(permissions.HouseholdNotAllowed):
        register_views.show_person(ws, their_child.id)
    with pytest.raises(permissions.HouseholdNotAllowed):
        visits.start_visit(ws, theirs.id)
    with pytest.raises(permissions.HouseholdNotAllowed):
        register.save(ws, records.Household(village_code=VILLAGE, group_code=GROUP_2))
    mine, _child = homes[GROUP_1]
    with pytest.raises(permissions.HouseholdNotAllowed):  # moving a household out of their groups
        register.save(ws, records.Household(**{**mine.__dict__, "group_code": GROUP_2}))
    register_views.show_household(ws, mine.id)
    assert visits.start_visit(ws, mine.id).visitor_user_id == worker.user_id


def test_mandatory_reports_are_for_directors_and_supervisors(village):
    """A grid worker can neither save nor open a mandatory report."""
    ws, worker, homes = village
    _home, child = homes[GROUP_1]
    users.switch_user(ws, worker.user_id, "worker-1")
    with pytest.raises(permissions.NotAllowed):
        register.save(ws, records.MandatoryReport(child_id=child.id, receiving_unit="派出所"))
    with pytest.raises(permissions.NotAllowed):
        register_views.open_record(ws, "mandatory_report", "anything")
    assert not permissions.allowed(ws, "restricted_records")


def test_county_settings_are_for_directors_and_supervisors(village):
    """The idle lock is a county setting (10 minutes by default); a grid worker cannot change settings."""
    import dataclasses

    from rangtang_desktop.services import county_settings

    ws, worker, _homes = village
    current = county_settings.load(ws)
    assert current.auto_lock_minutes == 10
    county_settings.save(ws, dataclasses.replace(current, auto_lock_minutes=5))
    assert county_settings.load(ws).auto_lock_minutes == 5
    users.switch_user(ws, worker.user_id, "worker-1")
    with pytest.raises(permissions.NotAllowed):
        county_settings.save(ws, dataclasses.replace(current, auto_lock_minutes=0))
