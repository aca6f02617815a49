"""The rows of the upload package's registers (``reports.register_sheets``): every live minor of a
place with the family and guardianship columns of the national 2016 registration form, and every
household with its numbers of members and children.

The register is read as it stands, on the day ``as_of`` (the month's last day, or today while the
month is running): who is a minor, the parents' current situations and the current entrusted care
are those of that day. The people around a child come from ``flag_facts.facts_for`` (the relations,
current situations, care and categories the flag rules read), so "both parents away" and "one away,
the other unable to care" use the same parents and the same test of capacity as the rules
(``core.flag_rules_common``): a parent is away when alive with a current migrant-work situation,
whatever its length. A child's guardianship rating is that of the latest signed visit naming the
child, on or before the month's last day, that no later visit amends.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import groupby

from ..core.facts import AdultFacts, ChildFacts
from ..core.flag_rules_common import incapable_fact, is_alive, parent_pair
from ..reports.register_sheets import Adult, ChildRow, HouseholdRow, Place
from ..storage import reference
from ..storage import register_sheets as store
from ..storage.visits import get_visit
from .flag_facts import facts_for
from .printing_data import place_names
from .workspace import Workspace

AWAY = "migrant_work"


def _place(units: dict[str, reference.Unit], village_code: str, group_code: str = "") -> Place:
    """Township, village and group names; a village code without a unit stands for its own name."""
    names = place_names(units, village_code, group_code)
    village = names.village if any(names.village) or not village_code else (village_code, village_code)
    return tuple(n for n in (names.township, village, names.group) if any(n))


def household_rows(ws: Workspace, village_code: str, as_of: date) -> list[HouseholdRow]:
    units = reference.unit_names(ws.db)
    return [
        HouseholdRow(
            c.household.id, _place(units, c.household.village_code, c.household.group_code), c.household.household_number,
            c.household.house_name_zh, c.household.house_name_bo, c.members, c.minors,
        )
        for c in store.household_counts(ws.db, village_code, as_of)
    ]


def child_rows(ws: Workspace, village_code: str, as_of: date, last: date) -> list[ChildRow]:
    """One row per live minor of the place on ``as_of``, rated by visits up to ``last``."""
    placed = store.minors(ws.db, village_code, as_of)
    facts = facts_for(ws, [p.person.id for p in placed], today=as_of, duplicates=False)
    chosen = {p.person.id: _Around(facts.get(p.person.id)) for p in placed}
    people = store.people(ws.db, {a.person_id for around in chosen.values() for a in around.adults()})
    homes = store.households(ws.db, {people[c.person_id].household_id for around in chosen.values()
                                     for c in (around.carer,) if c is not None and c.person_id in people})
    units = reference.unit_names(ws.db)
    ratings = _ratings(ws, placed, last)

    def adult(a: AdultFacts | None, relation: str = "", *, carer: bool = False) -> Adult | None:
        return _adult(a, people, homes if carer else None, units, relation)

    rows = []
    for item in placed:
        person, around = item.person, chosen[item.person.id]
        residence = person.residence_village_code
        place = (_place(units, residence) if residence and residence != item.village_code
                 else _place(units, item.village_code, item.group_code))

        rating, rated_on = ratings.get(person.id, ("", None))
        rows.append(ChildRow(
            person.id, person.name_zh, person.name_bo, person.sex, person.ethnicity, person.birth_date,
            person.birth_precision, person.id_number, person.hukou_status, person.hukou_place, place,
            item.household_number, person.health, person.disability_category, person.disability_level, person.illness,
            person.boarding, person.school_status, person.school_name,
            paternal_grandparents=tuple(filter(None, (adult(a) for a in around.paternal))),
            maternal_grandparents=tuple(filter(None, (adult(a) for a in around.maternal))),
            father=adult(around.father), mother=adult(around.mother),
            both_parents_away=around.both_away, one_away_other_unable=around.one_away_other_unable,
            carer=adult(around.carer, around.carer_relation, carer=True),
            rating=rating, rated_on=rated_on,
            categories=tuple(sorted(facts[person.id].classifications)) if person.id in facts else (),
        ))
    return rows


def _adult(
    a: AdultFacts | None, people: dict, homes: dict | None, units: dict[str, reference.Unit], relation: str,
) -> Adult | None:
    """An adult of a child's row; with ``homes``, where the adult's household is (for the carer)."""
    if a is None or a.person_id not in people:
        return None
    p = people[a.person_id]
    home = homes.get(p.household_id) if homes is not None else None
    return Adult(
        p.name_zh, p.name_bo, p.birth_date, p.birth_precision, tuple(p.phones), p.id_number,
        tuple((s.kind, s.place) for s in a.situations), relation,
        _place(units, home.village_code, home.group_code) if home else (), home.address if home else "",
    )


class _Around:
    """The adults a child's row names, chosen from the child's facts."""

    def __init__(self, facts: ChildFacts | None):
        self.father = self.mother = self.carer = None
        self.paternal: list[AdultFacts] = []
        self.maternal: list[AdultFacts] = []
        self.carer_relation = ""
        self.both_away = self.one_away_other_unable = False
        if facts is None:
            return
        self.father, self.mother = parent_pair(facts)
        self.paternal = [a for a in facts.adults if a.relation == "paternal_grandparent"]
        self.maternal = [a for a in facts.adults if a.relation == "maternal_grandparent"]
        if facts.care:  # the current arrangement that started last
            care = facts.care[0]
            self.carer_relation = care.carer_relation
            self.carer = next((a for a in facts.adults if a.person_id == care.carer_id), None) or AdultFacts(care.carer_id, "")
        father_away = self.father is not None and is_alive(self.father) and self.father.has(AWAY) is not None
        mother_away = self.mother is not None and is_alive(self.mother) and self.mother.has(AWAY) is not None
        self.both_away = father_away and mother_away
        if father_away != mother_away:
            other = self.mother if father_away else self.father
            self.one_away_other_unable = other is not None and incapable_fact(other) is not None

    def adults(self) -> list[AdultFacts]:
        found = [*self.paternal, *self.maternal, self.father, self.mother, self.carer]
        return [a for a in found if a is not None]


def _ratings(ws: Workspace, placed: list[store.PlacedPerson], last: date) -> dict[str, tuple[str, date | None]]:
    """Each child's guardianship rating and its day: the latest current signed visit of the
    child's household, on or before ``last``, that names the child and has a rating."""
    waiting: dict[str, set[str]] = defaultdict(set)
    for item in placed:
        if item.person.household_id:
            waiting[item.person.household_id].add(item.person.id)
    found: dict[str, tuple[str, date | None]] = {}
    visits = store.current_visits_until(ws.db, list(waiting), last)
    for household_id, group in groupby(visits, key=lambda v: v[0]):
        children = waiting[household_id]
        for _household, visit_id in group:
            if not children:
                break
            visit = get_visit(ws.db, visit_id)
            if visit is None or not visit.rating:
                continue
            for seen in visit.children:
                if seen.person_id in children:
                    found[seen.person_id] = (visit.rating, visit.local_date())
                    children.discard(seen.person_id)
    return found
