"""Compliance on real databases: who is in scope, the JSON of DESIGN §7, township filters, away
months, amended visits, local days at the month's edge, the coverage trend and the worklist."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.county_settings import CountySettings
from rangtang_desktop.core.dates import LOCAL_ZONE
from rangtang_desktop.core.visits import QUESTION_CODES, Visit
from rangtang_desktop.services import county_settings, register, visits
from rangtang_desktop.services.compliance import compliance, coverage_trend, worklist
from rangtang_desktop.storage import register as reg

OTHER_VILLAGE = "513230206201"  # a village of another township
MARCH = (2024, 3)
AFTER_MARCH = date(2024, 4, 2)


def add_household(ws, village_code, *, births=("2015-03-07",), **fields) -> records.Household:
    """A household with one member per birth date (children by default)."""
    household = register.save(ws, records.Household(village_code=village_code, **fields)).record
    for n, birth in enumerate(births):
        register.save(ws, records.Person(household_id=household.id, name_zh=f"才让{n}", sex="female", birth_date=birth))
    return household


def visit(ws, household, when: datetime, *, mode="home", amends="") -> Visit:
    """A signed visit of the household at the UTC instant ``when`` (a correction when ``amends``)."""
    draft = visits.start_amendment(ws, amends) if amends else visits.start_visit(ws, household.id)
    signature = visits.store_signature(ws, b"\x89PNG signature")
    draft = dataclasses.replace(
        draft,
        visited_at=when.isoformat(),
        mode=mode,
        visitor_name="扎西",
        rating="good",
        visitor_signature=signature,
        guardian_no_signature_reason="unable",
        checklist={c.person_id: dict.fromkeys(QUESTION_CODES, "not_observed") for c in draft.children},
    )
    return visits.sign(ws, draft)


def local(year, month, day, hour=10, minute=0) -> datetime:
    """A local (Asia/Shanghai) time as a UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE).astimezone(UTC)


def row_of(report, household):
    return next(r for r in report.rows if r.household_id == household.id)


def test_json_has_the_shape_of_the_design(workspace, village):
    """compliance().as_json() gives month, counts, coverage and a row per household with its visit days and state."""
    met = add_household(workspace, village.code)
    short = add_household(workspace, village.code)
    visit(workspace, met, local(2024, 3, 4))
    visit(workspace, met, local(2024, 3, 18))
    visit(workspace, short, local(2024, 3, 9))
    result = compliance(workspace, *MARCH, today=AFTER_MARCH).as_json()
    assert set(result) >= {"month", "households_in_scope", "households_met", "coverage", "rows"}
    assert (result["month"], result["households_in_scope"], result["households_met"], result["coverage"]) == ("2024-03", 2, 1, 0.5)
    rows = {r["household_id"]: r for r in result["rows"]}
    assert all(set(r) >= {"household_id", "village_code", "visit_days", "state"} for r in rows.values())
    assert rows[met.id]["visit_days"] == ["2024-03-04", "2024-03-18"] and rows[met.id]["state"] == "met"
    assert rows[short.id]["visit_days"] == ["2024-03-09"] and rows[short.id]["state"] == "missed"
    assert rows[short.id]["village_code"] == village.code


def test_scope_is_households_with_a_live_minor_that_month(workspace, village):
    """Only households with a live member who is a minor at some time in the month are in scope."""
    child = add_household(workspace, village.code)
    adults = add_household(workspace, village.code, births=("1980-05-01",))
    turns_18 = add_household(workspace, village.code, births=("2006-03-15",))
    born_in_march = add_household(workspace, village.code, births=("2024-03-20",))
    born_later = add_household(workspace, village.code, births=("2024-04-02",))
    no_birth = add_household(workspace, village.code, births=("",))
    deceased = add_household(workspace, village.code, births=())
    register.save(workspace, records.Person(household_id=deceased.id, name_zh="卓玛", birth_date="2016-01-01", alive_status="deceased"))
    deleted = add_household(workspace, village.code)
    for member in reg.members(workspace.db, deleted.id):
        register.delete(workspace, "person", member.id)
    march = {r.household_id for r in compliance(workspace, *MARCH, today=AFTER_MARCH).rows}
    assert march == {child.id, turns_18.id, born_in_march.id}
    april = {r.household_id for r in compliance(workspace, 2024, 4, today=AFTER_MARCH).rows}
    assert april == {child.id, born_in_march.id, born_later.id}
    assert not {adults.id, no_birth.id, deceased.id, deleted.id} & (march | april)
    assert row_of(compliance(workspace, *MARCH, today=AFTER_MARCH), child).minors == 1


def test_township_code_covers_its_villages(workspace, village):
    """A township code selects all its villages; a village code only that village; the county code everything."""
    here = add_household(workspace, village.code)
    there = add_household(workspace, OTHER_VILLAGE)

    def ids(code):
        return {r.household_id for r in compliance(workspace, *MARCH, village_code=code, today=AFTER_MARCH).rows}

    assert ids(village.parent_code) == {here.id}
    assert ids(village.code) == {here.id}
    assert ids(OTHER_VILLAGE[:9]) == {there.id}
    assert ids("513230") == ids("") == {here.id, there.id}


def test_group_and_worker_filters(workspace, village):
    """The group and assigned-worker filters keep only their households."""
    first = add_household(workspace, village.code, group_code=village.code + "01", assigned_worker="w1")
    second = add_household(workspace, village.code, group_code=village.code + "02", assigned_worker="w2")
    by_group = compliance(workspace, *MARCH, group_code=village.code + "02", today=AFTER_MARCH)
    by_worker = compliance(workspace, *MARCH, worker="w1", today=AFTER_MARCH)
    assert [r.household_id for r in by_group.rows] == [second.id]
    assert [r.household_id for r in by_worker.rows] == [first.id]


def test_away_month_is_shown_as_away_and_left_out_of_coverage(workspace, village):
    """A household away in June shows away (not missed) and is not in scope; met while away still counts as met."""
    herders = add_household(workspace, village.code, seasonal_absence_months=["6", "7"])
    june = compliance(workspace, 2024, 6, today=date(2024, 7, 5))
    assert row_of(june, herders).state == "away"
    assert (june.households_in_scope, june.households_met, june.coverage) == (0, 0, 0.0)
    assert june.as_json()["rows"][0]["state"] == "away"
    assert row_of(compliance(workspace, 2024, 5, today=date(2024, 7, 5)), herders).state == "missed"
    visit(workspace, herders, local(2024, 7, 1))
    visit(workspace, herders, local(2024, 7, 3))
    july = compliance(workspace, 2024, 7, today=date(2024, 7, 5))
    assert row_of(july, herders).state == "met" and (july.households_in_scope, july.households_met) == (1, 1)


def test_an_amended_visit_counts_once(workspace, village):
    """A correction on the same day replaces the visit it amends: one visit day, counted once."""
    household = add_household(workspace, village.code)
    original = visit(workspace, household, local(2024, 3, 5))
    visit(workspace, household, local(2024, 3, 5, 11), amends=original.id)
    row = row_of(compliance(workspace, *MARCH, today=AFTER_MARCH), household)
    assert (row.result.visit_days, row.result.counted) == ((date(2024, 3, 5),), 1)


def test_a_correction_that_moves_the_date_moves_the_visit(workspace, village):
    """When a correction moves the visit to another day or month, the original's day no longer counts."""
    household = add_household(workspace, village.code)
    moved = visit(workspace, household, local(2024, 3, 5))
    visit(workspace, household, local(2024, 3, 12), amends=moved.id)
    to_april = visit(workspace, household, local(2024, 3, 20))
    correction = visit(workspace, household, local(2024, 4, 1), amends=to_april.id)
    visit(workspace, household, local(2024, 4, 1, 12), amends=correction.id)  # a correction of the correction
    march = row_of(compliance(workspace, *MARCH, today=AFTER_MARCH), household).result
    april = row_of(compliance(workspace, 2024, 4, today=AFTER_MARCH), household).result
    assert march.visit_days == (date(2024, 3, 12),) and march.state == "missed"
    assert april.visit_days == (date(2024, 4, 1),) and april.counted == 1


def test_a_visit_late_on_the_last_evening_belongs_to_that_month(workspace, village):
    """A visit at 23:30 local time on 31 March (15:30 UTC) counts in March; one at 00:30 on 1 April in April."""
    household = add_household(workspace, village.code)
    visit(workspace, household, datetime(2024, 3, 31, 15, 30, tzinfo=UTC))
    visit(workspace, household, datetime(2024, 3, 31, 16, 30, tzinfo=UTC))
    march = row_of(compliance(workspace, *MARCH, today=AFTER_MARCH), household).result
    april = row_of(compliance(workspace, 2024, 4, today=AFTER_MARCH), household).result
    assert march.visit_days == (date(2024, 3, 31),)
    assert april.visit_days == (date(2024, 4, 1),)


def test_county_settings_decide_which_modes_count(workspace, village):
    """A phone call does not count by default; it does once the county counts phone calls."""
    household = add_household(workspace, village.code)
    visit(workspace, household, local(2024, 3, 4), mode="phone")
    visit(workspace, household, local(2024, 3, 20))
    assert row_of(compliance(workspace, *MARCH, today=AFTER_MARCH), household).state == "missed"
    county_settings.save(workspace, CountySettings(counting_modes=("home", "school", "phone")))
    assert row_of(compliance(workspace, *MARCH, today=AFTER_MARCH), household).state == "met"


def test_worklist_order_and_content(workspace, village):
    """The worklist leaves out households met and lists at risk, due this week, other due, then away, each by group and number."""
    county_settings.save(workspace, CountySettings(visits_per_month=3))  # March targets: the 11th, 21st and 31st
    group_a, group_b = village.code + "01", village.code + "02"

    def household(group, visit_days, **fields):
        found = add_household(workspace, village.code, group_code=group, **fields)
        for day in visit_days:
            visit(workspace, found, local(2024, 3, day))
        return found

    at_risk = household(group_b, [])  # 17 days left for 3 visits
    week_b1 = household(group_b, [2])  # next target the 21st: within a week of the 15th
    week_b2 = household(group_b, [3])
    week_a = household(group_a, [4])
    due_b = household(group_b, [2, 9])  # next target the 31st
    due_a = household(group_a, [3, 10])
    met = household(group_a, [1, 5, 9])
    away = household(group_a, [], seasonal_absence_months=["3"])
    found = worklist(workspace, village_code=village.code, today=date(2024, 3, 15))
    assert [r.household_id for r in found] == [at_risk.id, week_a.id, week_b1.id, week_b2.id, due_a.id, due_b.id, away.id]
    assert [(r.state, r.result.due_this_week) for r in found] == [
        ("at_risk", True), ("due", True), ("due", True), ("due", True), ("due", False), ("due", False), ("away", False)
    ]
    assert met.id not in {r.household_id for r in found}
    assert [r.household_id for r in worklist(workspace, group_code=group_a, today=date(2024, 3, 15))] == [week_a.id, due_a.id, away.id]


@pytest.mark.parametrize("spacing", [0, 14])
def test_worklist_with_and_without_spacing(workspace, village, spacing):
    """With a 14-day spacing a visit on the 19th leaves no room for the second one, so that household is at risk."""
    county_settings.save(workspace, CountySettings(min_spacing_days=spacing))
    due = add_household(workspace, village.code, group_code=village.code + "01")
    visit(workspace, due, local(2024, 3, 8))
    late = add_household(workspace, village.code, group_code=village.code + "02")
    visit(workspace, late, local(2024, 3, 19))
    nothing = add_household(workspace, village.code, group_code=village.code + "03")
    found = [(r.household_id, r.state) for r in worklist(workspace, village_code=village.code, today=date(2024, 3, 20))]
    if spacing:
        assert found == [(late.id, "at_risk"), (nothing.id, "at_risk"), (due.id, "due")]
    else:
        assert found == [(nothing.id, "at_risk"), (due.id, "due"), (late.id, "due")]


def test_coverage_trend_ends_with_the_current_month(workspace, village):
    """The trend has one entry per month, oldest first, ending with the current month, from the same states."""
    household = add_household(workspace, village.code)
    add_household(workspace, village.code)
    visit(workspace, household, local(2024, 2, 3))
    visit(workspace, household, local(2024, 2, 20))
    visit(workspace, household, local(2024, 3, 3))
    trend = coverage_trend(workspace, months=12, today=date(2024, 3, 10))
    assert [(y, m) for y, m, *_ in trend][0] == (2023, 4) and [(y, m) for y, m, *_ in trend][-1] == (2024, 3)
    assert len(trend) == 12
    assert trend[-2] == (2024, 2, 2, 1) and trend[-1] == (2024, 3, 2, 0)
    month = compliance(workspace, 2024, 2, today=date(2024, 3, 10))
    assert trend[-2][2:] == (month.households_in_scope, month.households_met)
    assert coverage_trend(workspace, months=3, village_code=OTHER_VILLAGE, today=date(2024, 3, 10)) == [
        (2024, 1, 0, 0), (2024, 2, 0, 0), (2024, 3, 0, 0)
    ]


def test_coverage_by_group(workspace, village):
    """by_group gives households in scope and met per village group."""
    first = add_household(workspace, village.code, group_code=village.code + "01")
    add_household(workspace, village.code, group_code=village.code + "01")
    add_household(workspace, village.code, group_code=village.code + "02")
    visit(workspace, first, local(2024, 3, 3))
    visit(workspace, first, local(2024, 3, 23))
    groups = compliance(workspace, *MARCH, today=AFTER_MARCH).by_group()
    assert groups == {(village.code, village.code + "01"): (2, 1), (village.code, village.code + "02"): (1, 0)}
