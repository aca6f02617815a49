"""Guardianship in the demonstration data: where each parent is, how the children are related to
the adults of their household, entrusted care when parents work away, and the children's categories.

The spread covers what the flag rules look for, in believable proportions: both parents away
(留守), one away and the other unable to care, orphans, children whose parents both meet the
事实无人抚养 criteria, carers aged 70 or more, ill or unfit, left-behind children with no care
arrangement or no written notices, parents out of touch for more than 60 days, and categories that
are recognised, pending, or not yet recorded at all.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..core import vocab
from ..core.records import CareArrangement, Classification, ParentSituation, Relation
from . import demo_names as words

if TYPE_CHECKING:
    from .demo_family import Family, Member

LIVES_WITH = frozenset({"home", "serious_illness", "severe_disability"})
# A parent in one of these (for 6 months or more) counts towards 事实无人抚养 (民发〔2019〕62号).
UNSUPPORTING = frozenset({"imprisoned", "lost_contact", "detox", "serious_illness", "severe_disability"})
SITUATION_KIND = {
    "home": "at_home", "migrant": "migrant_work", "detox": "compulsory_detox", "divorced": "divorced_not_raising",
}
# Parents' situations that make a household more likely to receive dibao.
HARDSHIP = frozenset({"deceased", "imprisoned", "lost_contact", "detox", "serious_illness", "severe_disability"})
IN_SCHOOL = frozenset({"kindergarten", "primary", "junior", "senior", "vocational"})


def months_before(day: date, months: int) -> date:
    """The first day of the month ``months`` months before ``day``'s (negative: after)."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def day_within(rng: random.Random, today: date, days: int, since: date | None = None) -> str:
    """A day in the last ``days`` days, not before ``since``."""
    first = max(since or date.min, today - timedelta(days=days))
    return (first + timedelta(days=rng.randint(0, max(0, (today - first).days)))).isoformat()


def day_in_month(rng: random.Random, first: date) -> str:
    """A day in the month that starts on ``first``."""
    return (first + timedelta(days=rng.randint(0, 27))).isoformat()


class GuardianshipMaker:
    """Adds the parents' situations, relations, care arrangements and categories of a family."""

    def __init__(self, rng: random.Random, today: date, add: Callable[[Any], Any]) -> None:
        self.rng, self.today, self.add = rng, today, add

    def add_for(self, family: Family) -> None:
        for parent in family.parents.values():
            self._situation(family, parent)
        self._relations(family)
        self._care(family)
        self._classify(family)

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
            situation.start_date = day_in_month(self.rng, since)
            evidence = rng.choices(("death_certificate", "hukou_cancellation", "none"), weights=(85, 10, 5))[0]
            situation.evidence = evidence
            situation.evidence_ref = f"K51{rng.randrange(10**7, 10**8)}" if evidence == "death_certificate" else ""
        elif state in ("imprisoned", "detox"):
            situation.expected_end_date = months_before(self.today, -rng.randint(6, 60)).isoformat()[:7]
            if rng.random() < 0.8:
                situation.evidence = "prison_document"
                situation.evidence_ref = reference
        elif state == "lost_contact":
            situation.last_contact_on, situation.contact_frequency = day_in_month(self.rng, since), "never"
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
                state = parent.state
                self._relate(child, parent, kind, state != "deceased", state == "home", state in LIVES_WITH)
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
        incapable = (health == "disabled" and rng.random() < 0.5) or (carer.age >= 80 and rng.random() < 0.3)
        capable = not (incapable or rng.random() < 0.01)
        unfit = [rng.choice(vocab.CARER_DISQUALIFIERS.codes)] if rng.random() < 0.015 else []
        village_notice, signed = self._written_on(0.75, start), self._written_on(0.7, start)
        for child in family.children:
            in_school = child.person.school_status in IN_SCHOOL
            self.add(CareArrangement(
                child_id=child.person.id, carer_id=carer.person.id, start_date=start.isoformat()[:7],
                notice_school_on=self._written_on(0.7, start) if in_school else "",
                notice_village_on=village_notice, confirmation_signed_on=signed, carer_full_capacity=capable,
                carer_health=health, disqualifiers=unfit, child_view_recorded=child.age >= 8 and rng.random() < 0.4,
            ))

    def _written_on(self, odds: float, since: date) -> str:
        """The day a written notice was given (after ``since``), or "" for the share that was not given."""
        return day_within(self.rng, self.today, 400, since) if self.rng.random() < odds else ""

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
