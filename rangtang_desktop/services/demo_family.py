"""Households for the demonstration data: who lives in them and what the children are like.

``FamilyMaker`` turns village plans into register records (with seeded ids) in creation order:
households, their members with names, birth dates, ID numbers, schooling and health; where the
parents are, who cares for the children and their categories come from ``demo_guardianship``. The
proportions (weights in ``demo_names``) are chosen so that every flag rule has something to find in
believable numbers: children living alone, without hukou, out of school, employed or betrothed now
and then. It also keeps the children ``demo.add_duplicates`` may enter twice and the adults who
could be hosting them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..core import vocab
from ..core.id_numbers import CHECK_CHARS, make_id_number
from ..core.records import Household, Person
from . import demo_names as words
from .demo_guardianship import HARDSHIP, LIVES_WITH, GuardianshipMaker, day_within
from .demo_names import TibetanName

if TYPE_CHECKING:
    from .demo import VillagePlan

HAN_SHARE = 0.05
WITH_CHILDREN_SHARE = 0.6
ADULT_SIBLING_SHARE = 0.2  # families with children that also have a grown-up child at home
ELDERS_SHARE = 0.45  # families with a parent at home that also have grandparents at home
# Rare facts the showcase village always has: (field, value, which children may get it, fields set with it).
SHOWCASE_CHILD_FACTS: tuple[tuple[str, Any, Callable[[Any], bool], dict[str, Any]], ...] = (
    ("marital_status", "betrothed", lambda m: m.person.sex == "female" and m.age >= 16, {}),
    ("school_status", "dropped_out", lambda m: m.person.school_status == "junior",
     {"school_name": "", "boarding": False}),
    ("hukou_status", "not_registered", lambda m: m.age <= 5 and m.person.health == "healthy",
     {"id_number": "", "hukou_place": ""}),
    ("work", "employed", lambda m: m.age == 15,
     {"school_status": "not_in_school_14_16", "school_name": "", "boarding": False}),
)


@dataclass
class Member:
    person: Person
    age: int
    state: str = "home"  # a parent's situation (see PARENT_SCENARIOS)
    months: int = 0  # how long the situation has lasted
    name: TibetanName | None = None


@dataclass
class Family:
    household: Household
    village: VillagePlan
    han: bool
    surname: str = ""
    members: list[Member] = field(default_factory=list)
    parents: dict[str, Member] = field(default_factory=dict)  # "father" / "mother"
    elders: list[tuple[Member, str]] = field(default_factory=list)  # (grandparent, relation kind)
    carers: list[tuple[Member, str]] = field(default_factory=list)  # adult siblings, other relatives
    children: list[Member] = field(default_factory=list)

    def states(self) -> list[str]:
        return [p.state for p in self.parents.values()]

    def parent_at_home(self) -> bool:
        return "home" in self.states()


class FamilyMaker:
    """Makes the register of demo villages as records with ids, in creation order."""

    def __init__(self, rng: random.Random, ids: Callable[[], str], today: date) -> None:
        self.rng, self.ids, self.today = rng, ids, today
        self._used_numbers: set[str] = set()  # real ID numbers are unique; so are the demo's
        self.guardianship = GuardianshipMaker(rng, today, self.add)
        self.records: list[Any] = []
        self.households: list[Household] = []
        self.person_ids: list[str] = []
        self.children: list[Member] = []
        self.duplicable: list[Member] = []  # Tibetan children under 16 whose name has variant spellings
        self.hosts: list[tuple[Household, Person]] = []  # one resident adult of each household

    def add(self, record: Any) -> Any:
        record.id = self.ids()
        self.records.append(record)
        if isinstance(record, Person):
            self.person_ids.append(record.id)
        elif isinstance(record, Household):
            self.households.append(record)
        return record

    def add_village(self, village: VillagePlan, *, showcase: bool = False) -> None:
        """Make the village's households; a ``showcase`` village also gets one of each rare case."""
        rng = self.rng
        planned: dict[int, tuple] = {}
        if showcase:
            numbers = rng.sample(range(1, village.households + 1), len(words.SHOWCASE_FAMILIES))
            planned = dict(zip(numbers, words.SHOWCASE_FAMILIES, strict=True))
        first_child = len(self.children)
        for number in range(1, village.households + 1):
            han = number not in planned and rng.random() < HAN_SHARE
            family = Family(self._household(village, number, han), village, han)
            family.surname = rng.choice(words.HAN_SURNAMES) if han else ""
            if number in planned or rng.random() < WITH_CHILDREN_SHARE:
                self._with_children(family, planned.get(number))
            else:
                self._without_children(family)
            self._finish(family)
        if showcase:
            self._showcase_children(self.children[first_child:])

    def _showcase_children(self, children: list[Member]) -> None:
        """Give one child each rare fact of ``SHOWCASE_CHILD_FACTS`` that no child has yet."""
        for name, value, may_have, also in SHOWCASE_CHILD_FACTS:
            if any(getattr(c.person, name) == value for c in children):
                continue
            candidates = [c for c in children if may_have(c)]
            if candidates:
                person = self.rng.choice(candidates).person
                for field_name, field_value in {name: value, **also}.items():
                    setattr(person, field_name, field_value)

    # -- households ---------------------------------------------------------------------------------

    def _household(self, village: VillagePlan, number: int, han: bool) -> Household:
        rng = self.rng
        group = rng.choice(village.groups)
        livelihood = rng.choices(vocab.LIVELIHOOD.codes, weights=village.livelihood_weights)[0]
        if han:
            livelihood = rng.choice(("farming", "other", "other"))
        house_zh, house_bo = ("", "") if han else words.house_name(rng)
        months, note = self._seasonal(livelihood, han)
        housing_weights = (90, 5, 8 if livelihood == "herding" else 2, 3)
        notice = day_within(rng, self.today, 700) if rng.random() < 0.85 else ""
        return self.add(Household(
            village_code=village.unit.code, group_code=group.code,
            household_number=f"{village.unit.code}-{number:04d}",
            house_name_zh=house_zh, house_name_bo=house_bo,
            address=f"壤塘县{village.township.name_zh}{village.unit.name_zh}{group.name_zh}{rng.randint(1, 90)}号",
            hukou_type="urban" if han and rng.random() < 0.3 else "rural", livelihood=livelihood,
            seasonal_absence_months=months, seasonal_absence_note=note,
            housing=rng.choices(vocab.HOUSING.codes, weights=housing_weights)[0],
            hazards=[code for code, odds in words.HAZARD_ODDS if rng.random() < odds],
            legal_basis="statutory_duty", notice_given_on=notice,
        ))

    def _seasonal(self, livelihood: str, han: bool) -> tuple[list[str], str]:
        months: set[int] = set()
        notes = []
        if livelihood == "herding" and self.rng.random() < 0.55:
            months |= {6, 7, 8, 9}
            notes.append("夏季转场放牧")
        if not han and livelihood in ("herding", "mixed") and self.rng.random() < 0.3:
            months |= {5, 6}
            notes.append("挖虫草")
        return [str(m) for m in sorted(months)], "，".join(notes)

    def _economy(self, family: Family, single_elder: bool = False) -> None:
        rng = self.rng
        hard = bool(set(family.states()) & HARDSHIP)
        status = []
        if rng.random() < (0.35 if single_elder else 0.01):
            status.append("tekun")
        elif rng.random() < 0.08 + (0.3 if hard else 0):
            status.append("dibao")
        if rng.random() < 0.08:
            status.append("monitoring")
        if not status and rng.random() < 0.06:
            status.append("low_income")
        family.household.economic_status = status

    def _finish(self, family: Family) -> None:
        """Tell apart same-named members (大/小) and remember a host adult for duplicates."""
        by_name: dict[str, list[Member]] = {}
        for member in family.members:
            by_name.setdefault(member.person.name_zh, []).append(member)
        for same in by_name.values():
            if len(same) > 1:
                same.sort(key=lambda m: -m.age)
                same[0].person.aliases = ["大" + same[0].person.name_zh]
                same[-1].person.aliases = ["小" + same[-1].person.name_zh]
        host = next((m for m in family.members if m.age >= 25 and m.state in LIVES_WITH), None)
        if host is not None:
            self.hosts.append((family.household, host.person))

    # -- people ---------------------------------------------------------------------------------------

    def _person(self, family: Family, sex: str, age: int, *, surname: str | None = None, child: bool = False) -> Member:
        rng = self.rng
        name = None if family.han else words.tibetan_name(rng, sex)
        name_zh = words.han_name(rng, sex, surname) if name is None else name.zh
        text, precision, born = self._birth(age)
        person = Person(
            household_id=family.household.id, name_zh=name_zh, name_bo=name.bo if name else "",
            sex=sex, ethnicity="han" if family.han else "tibetan", birth_date=text, birth_precision=precision,
            residence_village_code=family.village.unit.code,
            hukou_place=f"四川省阿坝州壤塘县{family.village.township.name_zh}",
        )
        draw = rng.random()
        if child and draw < 0.02:
            person.hukou_status = "not_registered"
            person.hukou_place = ""
        elif child and age < 2 and draw < 0.03:
            person.hukou_status = "pending"
        elif draw < 0.97:
            person.id_number, place = self._id_number(born, sex)
            if place and rng.random() < 0.5:
                person.hukou_place = place
        if not child and name is not None and len(name.parts) == 2 and rng.random() < 0.12:
            person.aliases = [name.spellings[1]]  # the short form people use: 才让拉毛 → 拉毛
        if not child and rng.random() < (0.75 if age < 65 else 0.2):
            person.phones = [self._phone() for _ in range(1 if rng.random() < 0.85 else 2)]
        member = Member(self.add(person), age, name=name)
        family.members.append(member)
        return member

    def _birth(self, age: int) -> tuple[str, str, date]:
        """(birth date text, precision, the date the ID number carries) for someone aged ``age``."""
        rng = self.rng
        born = self.today - timedelta(days=int((age + rng.uniform(0.02, 0.98)) * 365.2425))
        weights = next(w for limit, w in words.BIRTH_PRECISION_WEIGHTS if age < limit)
        precision = rng.choices(vocab.DATE_PRECISION.codes, weights=weights)[0]
        if precision in ("year", "estimated") and age >= 18 and rng.random() < 0.5:
            born = date(born.year, rng.choice((1, 7)), 1)  # registered with a made-up day
        text = {"exact": born.isoformat(), "month": born.isoformat()[:7]}.get(precision, str(born.year))
        if precision == "estimated":
            text = str(born.year + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0))  # a guess may be off
        return text, precision, born

    def _id_number(self, born: date, sex: str) -> tuple[str, str]:
        """A number with the right sex digit (0.5 % with a mistyped check digit) and, for an area
        outside Rangtang, the hukou place it names."""
        rng = self.rng
        area, place, _ = rng.choices(words.ID_AREAS, weights=[a[2] for a in words.ID_AREAS])[0]
        while True:
            number = make_id_number(area, born, rng.randrange(0, 499) * 2 + (1 if sex == "male" else 2))
            if number[:17] not in self._used_numbers:
                self._used_numbers.add(number[:17])
                break
        if rng.random() < 0.005:
            number = number[:17] + rng.choice([c for c in CHECK_CHARS if c != number[17]])
        return number, place if area != "513230" else ""

    def _phone(self) -> str:
        return "1" + self.rng.choice("35789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    # -- families --------------------------------------------------------------------------------------

    def _without_children(self, family: Family) -> None:
        rng = self.rng
        kinds = words.CHILDLESS_HOUSEHOLDS
        kind = rng.choices(list(kinds), weights=[k[2] for k in kinds.values()])[0]
        age = rng.randint(*kinds[kind][:2])
        if kind == "single_elder":
            self._person(family, rng.choice(("male", "female")), age, surname=family.surname)
        else:
            self._person(family, "male", age, surname=family.surname)
            self._person(family, "female", max(18, age - rng.randint(0, 5)))
            for _ in range(rng.randint(1, 2) if kind == "adult_children" else 0):
                grown_up = rng.randint(19, min(27, age - 19))
                self._person(family, rng.choice(("male", "female")), grown_up, surname=family.surname)
        self._economy(family, single_elder=kind == "single_elder")

    def _with_children(self, family: Family, planned: tuple[str, str, bool] | None = None) -> None:
        """Parents, children, perhaps grandparents, a grown-up sibling or a relative, and what
        follows from where the parents are. ``planned``: (father's, mother's situation, children alone)."""
        rng = self.rng
        scenarios = words.PARENT_SCENARIOS
        drawn = rng.choices(list(scenarios), weights=list(scenarios.values()))[0] if planned is None else ()
        father_state, mother_state, left_alone = planned or (*drawn, False)
        ages = [rng.randint(14, 17), rng.randint(10, 13)] if left_alone else self._child_ages()
        sibling_age = rng.randint(19, 25) if not left_alone and rng.random() < ADULT_SIBLING_SHARE else 0
        top = max(sibling_age, ages[0])
        mother_age = top + rng.randint(18, 30)
        father_age = max(top + 19, mother_age + rng.randint(-2, 8))
        for role, age, state in (("father", father_age, father_state), ("mother", mother_age, mother_state)):
            if state != "none":
                family.parents[role] = self._parent(family, "male" if role == "father" else "female", age, state)
        needs_carer = not family.parent_at_home()
        if not left_alone and rng.random() < (0.8 if needs_carer else ELDERS_SHARE):
            self._elders(family, needs_carer)
        if sibling_age:
            sibling = self._person(family, rng.choice(("male", "female")), sibling_age, surname=family.surname)
            family.carers.append((sibling, "elder_sibling"))
        alone = left_alone or (ages[-1] >= 10 and ages[0] >= 14 and rng.random() < 0.3)  # older children on their own
        if needs_carer and not family.elders and not family.carers and not alone:
            relative = self._person(family, rng.choice(("male", "female")), rng.randint(25, 50))
            family.carers.append((relative, "other_relative"))
        for age in ages:
            family.children.append(self._child(family, age))
        self._economy(family)
        self.guardianship.add_for(family)

    def _child_ages(self) -> list[int]:
        rng = self.rng
        count = rng.choices(list(words.CHILD_COUNT_WEIGHTS), weights=list(words.CHILD_COUNT_WEIGHTS.values()))[0]
        ages = [rng.randint(min(17, 2 * (count - 1)), 17)]
        while len(ages) < count and ages[-1] > 0:
            ages.append(max(0, ages[-1] - rng.randint(1, 4)))
        return ages

    def _parent(self, family: Family, sex: str, age: int, state: str) -> Member:
        member = self._person(family, sex, age, surname=family.surname if sex == "male" else None)
        member.state = state
        person = member.person
        if state == "deceased":
            person.alive_status, person.phones = "deceased", []
        elif state == "severe_disability":
            self._disability(person, severe=True)
        elif state == "serious_illness":
            person.health, person.illness = "seriously_ill", self.rng.choice(words.ADULT_ILLNESSES)
            person.illness_on_county_list = self.rng.random() < 0.6
        return member

    def _elders(self, family: Family, needs_carer: bool) -> None:
        rng = self.rng
        father, mother = family.parents.get("father"), family.parents.get("mother")
        paternal = father is not None and (mother is None or rng.random() < 0.65)
        base = father if paternal else mother
        oldest = min(92, (base.age if base else 40) + rng.randint(22, 34))
        if rng.random() < 0.5:
            sexes = ("male", "female")
        else:
            sexes = ("female",) if rng.random() < (0.7 if needs_carer else 0.5) else ("male",)
        for sex in sexes:
            age = oldest - (rng.randint(0, 6) if sex == "female" and len(sexes) == 2 else 0)
            surname = family.surname if paternal and sex == "male" else None
            member = self._person(family, sex, age, surname=surname)
            family.elders.append((member, "paternal_grandparent" if paternal else "maternal_grandparent"))

    def _disability(self, person: Person, *, severe: bool) -> None:
        rng = self.rng
        categories = words.DISABILITY_CATEGORIES
        code, digit, _ = rng.choices(categories, weights=[c[2] for c in categories])[0]
        levels = ("1", "2") if severe and code not in ("intellectual", "mental") else ("1", "2", "3", "4")
        level = rng.choice(levels)
        person.health, person.disability_category, person.disability_level = "disabled", code, level
        person.disability_certificate = f"{person.id_number}{digit}{level}" if person.id_number else ""

    # -- children ---------------------------------------------------------------------------------------

    def _child(self, family: Family, age: int) -> Member:
        rng = self.rng
        sex = rng.choice(("male", "female"))
        member = self._person(family, sex, age, surname=family.surname, child=True)
        person = member.person
        herding = family.household.livelihood == "herding"
        person.school_status = self._school(age)
        draw = rng.random()
        if draw < 0.03:
            self._disability(person, severe=False)
            if person.disability_category == "intellectual" and 6 <= age <= 15 and rng.random() < 0.5:
                person.school_status = rng.choice(("special_education", "home_teaching"))
        elif draw < 0.055:
            illness, listed, _ = rng.choices(words.CHILD_ILLNESSES, weights=[i[2] for i in words.CHILD_ILLNESSES])[0]
            person.health, person.illness, person.illness_on_county_list = "seriously_ill", illness, listed
            person.illness_untreated = rng.random() < 0.1
        self._schooling(family, person, age)
        person.nutrition = rng.choices(("none", "mild", "severe"), weights=(950, 45, 5))[0]
        if age >= 10:
            person.mental_health_concern = rng.random() < 0.015
            if rng.random() < 0.05:
                person.behaviours = [rng.choice(words.CHILD_BEHAVIOURS)]
            out_of_school = person.school_status in ("dropped_out", "not_in_school_14_16", "left_school")
            if herding and age >= 12 and rng.random() < (0.5 if out_of_school else 0.06):
                person.work = "family_herding"
            elif age >= 15 and rng.random() < 0.012:
                person.work = "employed"
            elif rng.random() < 0.2:
                person.work = "chores"
        if sex == "female" and age >= 16 and rng.random() < 0.015:
            person.marital_status = "betrothed"
        self.children.append(member)
        if not family.han and age < 16 and member.name and member.name.has_variants:
            self.duplicable.append(member)
        return member

    def _school(self, age: int) -> str:
        rng = self.rng
        if age <= 2:
            return "not_school_age"
        if age <= 5:
            return rng.choices(("kindergarten", "not_in_kindergarten"), weights=(75, 25))[0]
        if age <= 11:
            return "deferred" if age == 6 and rng.random() < 0.03 else "primary"
        options = words.SCHOOL_BY_AGE[age]
        return rng.choices(list(options), weights=list(options.values()))[0]

    def _schooling(self, family: Family, person: Person, age: int) -> None:
        status = person.school_status
        if status == "kindergarten":
            person.school_name = words.KINDERGARTEN.format(village=family.village.plain_name)
        elif status == "primary":
            person.school_name = words.PRIMARY_SCHOOL.format(township=family.village.township.name_zh)
            person.boarding = age >= 9 and self.rng.random() < 0.5
        elif status in ("junior", "senior", "vocational"):
            person.school_name = words.VOCATIONAL_SCHOOL if status == "vocational" else words.SECONDARY_SCHOOL
            person.boarding = self.rng.random() < 0.9
