"""Possible duplicate people: which pairs are shown, and which never are."""

from __future__ import annotations

import dataclasses

from rangtang_desktop.core.dates import ApproxDate
from rangtang_desktop.core.duplicates import SHOW_THRESHOLD, PersonKeys, compare, rank

VILLAGE = "513230101203"
OTHER_VILLAGE = "513230206201"


def keys(person_id, **overrides) -> PersonKeys:
    """A girl named 次仁卓玛 with no further facts unless given."""
    return PersonKeys(**{"person_id": person_id, "name_key": "次仁卓玛", "sex": "female", **overrides})


def born(text: str, precision: str = "exact") -> ApproxDate:
    return ApproxDate.parse(text, precision)


def test_same_id_number_is_certain():
    """Two records with the same valid ID number are certainly one person, whatever else differs."""
    match = compare(
        keys("new", id_number="51323020150307002X"),
        PersonKeys(person_id="old", name_key="王芳", sex="male", id_number="51323020150307002X"),
    )
    assert match is not None and match.certain and match.person_id == "old"


def test_different_valid_id_numbers_are_two_people():
    """Two different valid ID numbers are never proposed, even with everything else alike."""
    common = {"birth": born("2015-03-07"), "village_code": VILLAGE}
    assert compare(keys("new", id_number="513230201503070021", **common), keys("old", id_number="51323020150307002X", **common)) is None


def test_same_name_alone_is_not_shown():
    """Names repeat a great deal: a shared name without other facts is not shown."""
    assert compare(keys("new"), keys("old")) is None


def test_same_name_in_different_villages_is_not_shown():
    """Namesakes in different villages, born a year apart, are not proposed."""
    new = keys("new", birth=born("2015-03-07"), village_code=VILLAGE)
    old = keys("old", birth=born("2016-05-01"), village_code=OTHER_VILLAGE)
    assert compare(new, old) is None


def test_name_birth_and_village_is_shown():
    """The same name, birth date and village are shown as a possible duplicate, with reasons."""
    facts = {"birth": born("2015-03-07"), "village_code": VILLAGE}
    match = compare(keys("new", **facts), keys("old", **facts))
    assert match is not None
    assert not match.certain
    assert match.score >= SHOW_THRESHOLD
    assert len(match.reasons) == 3


def test_approximate_birth_overlapping_an_exact_one_counts_as_same():
    """A year-only birth date that contains the other's exact date counts as the same birth,
    shown when a place supports it."""
    match = compare(
        keys("new", birth=born("2015", "year"), village_code=VILLAGE),
        keys("old", birth=born("2015-03-07"), village_code=VILLAGE),
    )
    assert match is not None
    assert "Same birth date (or overlapping approximate dates)" in [r.text for r in match.reasons]


def test_namesakes_born_close_in_other_villages_are_not_shown():
    """Two children of the same name born a week apart in different villages are not proposed:
    Tibetan names repeat too much for that to mean anything."""
    assert compare(
        keys("new", birth=born("2015-03-07"), village_code=VILLAGE),
        keys("old", birth=born("2015-03-14"), village_code="513230101204"),
    ) is None


def test_same_exact_birthday_across_villages_is_shown():
    """The same name and the same exact birth date is shown even across villages (a child
    registered twice)."""
    assert compare(
        keys("new", birth=born("2015-03-07"), village_code=VILLAGE),
        keys("old", birth=born("2015-03-07"), village_code="513230101204"),
    ) is not None


def test_namesakes_in_one_village_born_months_apart_are_not_shown():
    """The same name in one village with births half a year apart is two children."""
    assert compare(
        keys("new", birth=born("2015-03-07"), village_code=VILLAGE),
        keys("old", birth=born("2015-09-07"), village_code=VILLAGE),
    ) is None


def test_tibetan_script_name_alone_can_match():
    """Records without a Chinese name match on the Tibetan-script name."""
    tibetan = {"name_key": "", "name_bo_key": "ཚེ་རིང་སྒྲོལ་མ", "birth": born("2015-03-07")}
    assert compare(keys("new", **tibetan), keys("old", **tibetan)) is not None


def test_different_sex_is_never_shown():
    """A boy and a girl are never proposed, even with the same name, birth and household."""
    facts = {"birth": born("2015-03-07"), "village_code": VILLAGE, "household_id": "h1"}
    boy = dataclasses.replace(keys("old", **facts), sex="male")
    assert compare(keys("new", **facts), boy) is None


def test_unknown_sex_does_not_rule_out():
    """A record whose sex is unknown can still be the same person."""
    facts = {"birth": born("2015-03-07"), "village_code": VILLAGE}
    unknown = dataclasses.replace(keys("old", **facts), sex="unknown")
    assert compare(keys("new", **facts), unknown) is not None


def test_births_years_apart_are_never_shown():
    """People born years apart are never proposed, whatever else they share."""
    shared = {"village_code": VILLAGE, "household_id": "h1", "parent_name_keys": frozenset({"扎西"})}
    assert compare(keys("new", birth=born("2015-03-07"), **shared), keys("old", birth=born("2012-01-01"), **shared)) is None


def test_different_name_is_not_shown():
    """Different names (after variant keys) are not proposed, however alike the rest is."""
    facts = {"birth": born("2015-03-07"), "village_code": VILLAGE, "household_id": "h1"}
    other = dataclasses.replace(keys("old", **facts), name_key="次仁拉姆")
    assert compare(keys("new", **facts), other) is None


def test_a_record_is_not_its_own_duplicate():
    """A record compared with itself, or with an unsaved record, is not proposed."""
    facts = {"birth": born("2015-03-07"), "village_code": VILLAGE}
    assert compare(keys("same", **facts), keys("same", **facts)) is None
    assert compare(keys("new", **facts), keys(None, **facts)) is None


def test_rank_orders_by_score_and_limits():
    """The best candidates come first, and no more than the limit."""
    new = keys("new", birth=born("2015-03-07"), village_code=VILLAGE, household_id="h1")
    weak = keys("weak", birth=born("2015-03-07"))
    strong = keys("strong", birth=born("2015-03-07"), village_code=VILLAGE, household_id="h1")
    namesake = keys("namesake")
    assert [m.person_id for m in rank(new, [weak, namesake, strong])] == ["strong", "weak"]
    assert [m.person_id for m in rank(new, [weak, namesake, strong], limit=1)] == ["strong"]
