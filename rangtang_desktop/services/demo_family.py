"""Households for the demonstration data: who lives in them, where the parents are, who cares for
the children, and which categories the children are in.

``FamilyMaker`` turns village plans into register records (with seeded ids) in creation order. The
proportions (weights in ``demo_names``) are chosen so that every flag rule has something to find in
believable numbers: left-behind children with and without entrusted care, elderly or ill carers,
orphans, de-facto unsupported children, a few children living alone, parents out of contact,
children without hukou, drop-outs and a betrothed girl now and then. It also keeps the children
``demo.add_duplicates`` may enter twice and the adults who could be hosting them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..core import vocab
from ..core.id_numbers import CHECK_CHARS, make_id_number
from ..core.records import CareArrangement, Classification, Household, ParentSituation, Person, Relation
from . import demo_names as words
from .demo_names import TibetanName

if TYPE_CHECKING:
    from .demo import VillagePlan

HAN_SHARE = 0.05
WITH_CHILDREN_SHARE = 0.6
ADULT_SIBLING_SHARE = 0.2  # families with children that also have a grown-up child at home
ELDERS_SHARE = 0.45  # families with a parent at home that also have grandparents at home
LIVES_WITH = frozenset({"home", "serious_illness", "severe_disability"})
# A parent in one of these (for 6 months or more) counts towards 事实无人抚养 (民发〔2019〕62号).
UNSUPPORTING = frozenset({"imprisoned", "lost_contact", "detox", "serious_illness", "severe_disability"})
SITUATION_KIND = {"home": "at_home", "migrant": "migrant_work", "detox": "compulsory_detox", "divorced": "divorced_not_raising"}
# Parents' situations that make a household more likely to receive dibao.
HARDSHIP = frozenset({"deceased", "imprisoned", "lost_contact", "detox", "serious_illness", "severe_disability"})
IN_SCHOOL = frozenset({"kindergarten", "primary", "junior", "senior", "vocational"})


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


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


class FamilyMaker:
    """Makes the register of demo villages as records with ids, in creation order."""

    def __init__(self, rng: random.Random, ids: Callable[[], str], today: date) -> None:
        self.rng, self.ids, self.today = rng, ids, today
        self.records: list[Any] = []
        self.households: list[Household] = []
        self.person_ids: list[str] = []
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

    def add_village(self, village: VillagePlan) -> None:
        for number in range(1, village.households + 1):
            han = self.rng.random() < HAN_SHARE
            family = Family(self._household(village, number, han), village, han)
            family.surname = self.rng.choice(words.HAN_SURNAMES) if han else ""
            if self.rng.random() < WITH_CHILDREN_SHARE:
                self._with_children(family)
            else:
                self._without_children(family)
            self._finish(family)

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
        notice = self._day_within(700) if rng.random() < 0.85 else ""
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
            text = str(born.year + rng.choice((0, 0, 0, -1, 1)))
        return text, precision, born

    def _id_number(self, born: date, sex: str) -> tuple[str, str]:
        """A number with the right sex digit (0.5 % with a mistyped check digit) and, for an area
        outside Rangtang, the hukou place it names."""
        rng = self.rng
        area, place, _ = rng.choices(words.ID_AREAS, weights=[a[2] for a in words.ID_AREAS])[0]
        number = make_id_number(area, born, rng.randrange(0, 499) * 2 + (1 if sex == "male" else 2))
        if rng.random() < 0.005:
            number = number[:17] + rng.choice([c for c in CHECK_CHARS if c != number[17]])
        return number, place if area != "513230" else ""

    def _phone(self) -> str:
        return "1" + self.rng.choice("35789") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def _day_within(self, days: int, since: date | None = None) -> str:
        first = max(since or date.min, self.today - timedelta(days=days))
        return (first + timedelta(days=self.rng.randint(0, max(0, (self.today - first).days)))).isoformat()

    def _day_in_month(self, first: date) -> str:
        return (first + timedelta(days=self.rng.randint(0, 27))).isoformat()

    # -- families --------------------------------------------------------------------------------------

    def _without_children(self, family: Family) -> None:
        rng = self.rng
        kind = rng.choices(("elderly_couple", "single_elder", "young_couple", "adult_children"), weights=(40, 25, 20, 15))[0]
        if kind == "single_elder":
            self._person(family, rng.choice(("male", "female")), rng.randint(60, 90), surname=family.surname)
        else:
            age = rng.randint(60, 85) if kind == "elderly_couple" else rng.randint(20, 30) if kind == "young_couple" else rng.randint(42, 60)
            self._person(family, "male", age, surname=family.surname)
            self._person(family, "female", max(18, age - rng.randint(0, 5)))
            if kind == "adult_children":
                for _ in range(rng.randint(1, 2)):
                    self._person(family, rng.choice(("male", "female")), rng.randint(19, min(27, age - 19)), surname=family.surname)
        self._economy(family, single_elder=kind == "single_elder")

    def _with_children(self, family: Family) -> None:
        rng = self.rng
        father_state, mother_state = rng.choices(list(words.PARENT_SCENARIOS), weights=list(words.PARENT_SCENARIOS.values()))[0]
        ages = self._child_ages()
        sibling_age = rng.randint(19, 25) if rng.random() < ADULT_SIBLING_SHARE else 0
        top = max(sibling_age, ages[0])
        mother_age = top + rng.randint(18, 30)
        father_age = max(top + 19, mother_age + rng.randint(-2, 8))
        for role, sex, age, state in (("father", "male", father_age, father_state), ("mother", "female", mother_age, mother_state)):
            if state != "none":
                family.parents[role] = self._parent(family, sex, age, state)
        needs_carer = not family.parent_at_home()
        if rng.random() < (0.8 if needs_carer else ELDERS_SHARE):
            self._elders(family, needs_carer)
        if sibling_age:
            family.carers.append((self._person(family, rng.choice(("male", "female")), sibling_age, surname=family.surname), "elder_sibling"))
        alone = ages[-1] >= 10 and ages[0] >= 14 and rng.random() < 0.3  # older children left on their own
        if needs_carer and not family.elders and not family.carers and not alone:
            family.carers.append((self._person(family, rng.choice(("male", "female")), rng.randint(25, 50)), "other_relative"))
        for age in ages:
            family.children.append(self._child(family, age))
        for parent in family.parents.values():
            self._situation(family, parent)
        self._relations(family)
        self._economy(family)
        self._care(family)
        self._classify(family)

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
        code, digit, _ = rng.choices(words.DISABILITY_CATEGORIES, weights=[c[2] for c in words.DISABILITY_CATEGORIES])[0]
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
                person.behaviours = [rng.choice(("truancy", "internet", "runs_away", "smoking_drinking", "bullied", "bullying"))]
            out_of_school = person.school_status in ("dropped_out", "not_in_school_14_16", "left_school")
            if herding and age >= 12 and rng.random() < (0.5 if out_of_school else 0.06):
                person.work = "family_herding"
            elif age >= 15 and rng.random() < 0.012:
                person.work = "employed"
            elif rng.random() < 0.2:
                person.work = "chores"
        if sex == "female" and age >= 16 and rng.random() < 0.015:
            person.marital_status = "betrothed"
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

    # -- parents' situations, relations, care and categories ---------------------------------------------

    def _situation(self, family: Family, parent: Member) -> None:
        rng, state = self.rng, parent.state
        situation = ParentSituation(person_id=parent.person.id, kind=SITUATION_KIND.get(state, state))
        if state == "home":
            self.add(situation)
            return
        if state == "deceased":  # since the youngest child was born (a father: or just before)
            youngest = min(c.age for c in family.children)
            months = rng.randint(1, max(1, 12 * youngest + (6 if parent.person.sex == "male" else 0)))
        else:
            ranges = words.SITUATION_MONTHS[state]
            low, high, _ = rng.choices(ranges, weights=[r[2] for r in ranges])[0]
            months = rng.randint(low, high)
        parent.months = months
        since = months_before(self.today, months)
        situation.start_date = since.isoformat()[:7]
        self._situation_facts(situation, parent, since)
        self.add(situation)

    def _situation_facts(self, situation: ParentSituation, parent: Member, since: date) -> None:
        """Place, evidence and contact for a parent who is not at home."""
        rng, state = self.rng, parent.state
        reference = words.DOCUMENT_REFS.get(state, "").format(year=since.year, number=rng.randint(1, 180))
        if state == "migrant":
            province, city, outside, _ = rng.choices(words.WORK_PLACES, weights=[w[3] for w in words.WORK_PLACES])[0]
            situation.place_province, situation.place_city, situation.outside_county = province, city, outside
            if rng.random() < 0.3:
                situation.expected_end_date = months_before(self.today, -rng.randint(1, 10)).isoformat()[:7]
            situation.last_contact_on, situation.contact_frequency = self._contact(parent.months, (70, 18, 9, 3))
            situation.notes = rng.choice(words.WORK_NOTES)
        elif state == "deceased":
            situation.start_date = self._day_in_month(since)
            situation.evidence = rng.choices(("death_certificate", "hukou_cancellation", "none"), weights=(85, 10, 5))[0]
            situation.evidence_ref = f"K51{rng.randrange(10**7, 10**8)}" if situation.evidence == "death_certificate" else ""
        elif state in ("imprisoned", "detox"):
            situation.expected_end_date = months_before(self.today, -rng.randint(6, 60)).isoformat()[:7]
            if rng.random() < 0.8:
                situation.evidence = "prison_document"
                situation.evidence_ref = reference
        elif state == "lost_contact":
            situation.last_contact_on, situation.contact_frequency = self._day_in_month(since), "never"
            if rng.random() < 0.55:
                situation.evidence, situation.evidence_ref = "police_missing_report", reference
        elif state == "serious_illness":
            situation.evidence, situation.evidence_ref = "hospital_diagnosis", rng.choice(words.HOSPITALS)
            situation.notes = parent.person.illness
        elif state == "severe_disability":
            situation.evidence, situation.evidence_ref = "disability_certificate", parent.person.disability_certificate
        elif state == "divorced":
            situation.last_contact_on, situation.contact_frequency = self._contact(parent.months, (0, 30, 40, 30))
            if rng.random() < 0.4:
                situation.evidence, situation.evidence_ref = "court_judgment", reference

    def _contact(self, months: int, weights: tuple[int, ...]) -> tuple[str, str]:
        frequency = self.rng.choices(vocab.CONTACT_FREQUENCY.codes, weights=weights)[0]
        low, high = words.CONTACT_DAYS[frequency]
        days = min(self.rng.randint(low, high), months * 30)
        return (self.today - timedelta(days=days)).isoformat(), frequency

    def _unsupported(self, family: Family) -> bool:
        """事实无人抚养: both parents unable (for six months or more), or one dead and the other unable."""
        parents = list(family.parents.values())
        if len(parents) != 2 or all(p.state == "deceased" for p in parents):
            return False
        return all(
            p.state == "deceased" or (p.state in UNSUPPORTING and (p.months >= 6 or p.state in LIVES_WITH))
            for p in parents
        )

    def _relations(self, family: Family) -> None:
        at_home = family.parent_at_home()
        no_guardian = all(s == "deceased" for s in family.states()) or self._unsupported(family)
        others = family.elders + family.carers
        for child in family.children:
            for kind, parent in family.parents.items():
                self._relate(child, parent, kind, parent.state != "deceased", parent.state == "home", parent.state in LIVES_WITH)
            for index, (adult, kind) in enumerate(others):
                caring = not at_home and (kind != "elder_sibling" or not family.elders)
                self._relate(child, adult, kind, no_guardian and index == 0, caring, True)

    def _relate(self, child: Member, adult: Member, kind: str, legal: bool, caring: bool, lives: bool) -> None:
        self.add(Relation(
            child_id=child.person.id, adult_id=adult.person.id, kind=kind,
            legal_guardian=legal, actual_caregiver=caring, lives_with=lives,
        ))

    def _care(self, family: Family) -> None:
        """Entrusted care when the parents are away for work (missing for some children on purpose)."""
        rng = self.rng
        migrants = [p for p in family.parents.values() if p.state == "migrant"]
        carers = [m for m, _ in family.elders + family.carers]
        if family.parent_at_home() or not migrants or not carers or rng.random() < 0.12:
            return
        carer = carers[0]
        start = months_before(self.today, max(p.months for p in migrants))
        old = carer.age >= 70
        health = rng.choices(vocab.CARER_HEALTH.codes, weights=(60, 30, 8, 2) if old else (90, 7, 2, 1))[0]
        capable = not ((health == "disabled" and rng.random() < 0.5) or (carer.age >= 80 and rng.random() < 0.3) or rng.random() < 0.01)
        unfit = [rng.choice(vocab.CARER_DISQUALIFIERS.codes)] if rng.random() < 0.015 else []
        village_notice = self._day_within(400, start) if rng.random() < 0.75 else ""
        signed = self._day_within(400, start) if rng.random() < 0.7 else ""
        for child in family.children:
            in_school = child.person.school_status in IN_SCHOOL
            self.add(CareArrangement(
                child_id=child.person.id, carer_id=carer.person.id, start_date=start.isoformat()[:7],
                notice_school_on=self._day_within(400, start) if in_school and rng.random() < 0.7 else "",
                notice_village_on=village_notice, confirmation_signed_on=signed, carer_full_capacity=capable,
                carer_health=health, disqualifiers=unfit, child_view_recorded=child.age >= 8 and rng.random() < 0.4,
            ))

    def _classify(self, family: Family) -> None:
        """Categories: those that follow from the household are decided once for all its children."""
        rng, states = self.rng, family.states()
        long_away = [p.state == "migrant" and p.months >= 3 for p in family.parents.values()]
        since = min((p.months for p in family.parents.values() if p.state != "home"), default=36)
        household_kinds = []
        if len(states) == 2 and all(long_away):
            household_kinds.append("left_behind_both")
        elif any(long_away) and set(states) & {"serious_illness", "severe_disability"}:
            household_kinds.append("left_behind_one")
        if len(states) == 2 and all(s == "deceased" for s in states):
            household_kinds.append("orphan_scattered")
        elif self._unsupported(family):
            household_kinds.append("de_facto_unsupported")
        if "imprisoned" in states:
            household_kinds.append("child_of_prisoner")
        if set(family.household.economic_status) & {"dibao", "tekun"}:
            household_kinds.append("difficulty_poverty")
            since = 36
        draws = {kind: rng.random() for kind in household_kinds}
        for child in family.children:
            for kind in household_kinds:
                if not kind.startswith("left_behind") or child.age < 16:
                    self._classification(child, kind, draws[kind], since)
            if child.person.health in ("disabled", "seriously_ill"):
                kind = "difficulty_disability" if child.person.health == "disabled" else "difficulty_illness"
                self._classification(child, kind, rng.random(), 36)

    def _classification(self, child: Member, kind: str, draw: float, months: int) -> None:
        """Recognised (after the situation began and the child was born), pending, or not yet recorded."""
        rng = self.rng
        recognised, pending = words.CLASSIFICATION_ODDS[kind]
        longest = min(30 * months, 365 * child.age + 180, 1000)
        if draw < recognised and longest > 30:
            day = self.today - timedelta(days=rng.randint(30, longest))
            self.add(Classification(
                child_id=child.person.id, kind=kind, status="recognised", recognised_by=words.RECOGNISED_BY,
                status_date=day.isoformat(),
                document_number=words.DOCUMENT_REFS["recognition"].format(year=day.year, number=rng.randint(1, 120)),
                benefits=list(words.CLASSIFICATION_BENEFITS.get(kind, ())),
            ))
        elif draw < recognised + pending:
            day = self.today - timedelta(days=rng.randint(0, 30))
            self.add(Classification(child_id=child.person.id, kind=kind, status="pending", status_date=day.isoformat()))
