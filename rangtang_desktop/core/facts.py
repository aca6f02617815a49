"""What the flag rules look at: one child's facts, gathered from the register and the visits into
plain values (no database, no Qt), so every rule is a pure function of them and can be tested
with hand-made facts.

``services/flag_facts.py`` builds these from a workspace; tests build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .dates import ApproxDate


@dataclass(frozen=True)
class SituationFacts:
    """One current situation of an adult (a parent's migrant work, imprisonment, death …)."""

    kind: str  # vocab.SITUATION_KIND
    start: ApproxDate | None = None
    expected_end: ApproxDate | None = None
    outside_county: bool = False
    place: str = ""  # province and city, for explanations
    evidence: str = "none"
    last_contact_on: date | None = None
    contact_frequency: str = ""


@dataclass(frozen=True)
class AdultFacts:
    """An adult related to the child, with the relation and their current situations."""

    person_id: str
    relation: str  # vocab.RELATION_KIND: father, mother, paternal_grandparent …
    legal_guardian: bool = False
    actual_caregiver: bool = False
    lives_with: bool = False
    alive_status: str = "alive"
    age: tuple[int, int] | None = None  # youngest and oldest possible completed age
    health: str = "healthy"
    disability_level: str = ""
    disability_category: str = ""
    situations: tuple[SituationFacts, ...] = ()

    @property
    def is_parent(self) -> bool:
        return self.relation in ("father", "mother", "stepfather", "stepmother", "adoptive_parent")

    def has(self, *kinds: str) -> SituationFacts | None:
        """The adult's current situation of one of these kinds, if any."""
        return next((s for s in self.situations if s.kind in kinds), None)


@dataclass(frozen=True)
class CareFacts:
    """A current entrusted-care arrangement of the child."""

    carer_id: str
    carer_relation: str = ""  # how the carer is related to the child, if a relation is recorded
    carer_age: tuple[int, int] | None = None
    carer_full_capacity: bool = True
    carer_health: str = "ok"
    disqualifiers: tuple[str, ...] = ()
    notice_school_on: date | None = None
    notice_village_on: date | None = None
    start: ApproxDate | None = None


@dataclass(frozen=True)
class VisitFacts:
    """The child's latest signed visit: what the visitor saw (this child's checklist answers)."""

    visit_id: str
    day: date
    answers: dict[str, str] = field(default_factory=dict)  # question code → observed | suspected
    rating: str = ""
    seen_in_person: bool = True

    def answer(self, code: str) -> str:
        return self.answers.get(code, "not_observed")


@dataclass(frozen=True)
class ChildFacts:
    """Everything the rules may look at for one child, on the day ``today``."""

    child_id: str
    today: date
    household_id: str = ""
    village_code: str = ""
    birth: ApproxDate | None = None
    sex: str = "unknown"
    alive_status: str = "alive"
    hukou_status: str = "registered"
    hukou_type: str = "rural"  # the household's
    id_number: str = ""
    id_check: str = "absent"  # vocab.ID_CHECK
    school_status: str = ""
    health: str = "healthy"
    disability_category: str = ""
    disability_level: str = ""
    illness: str = ""
    illness_on_county_list: bool = False
    illness_untreated: bool = False
    nutrition: str = "none"
    work: str = "none"
    marital_status: str = "none"
    behaviours: tuple[str, ...] = ()
    housing: str = "unknown"
    hazards: tuple[str, ...] = ()
    adults: tuple[AdultFacts, ...] = ()
    care: tuple[CareFacts, ...] = ()
    classifications: tuple[tuple[str, str], ...] = ()  # (kind, status) of categories not ended
    latest_visit: VisitFacts | None = None
    visits_this_month: int = 0  # counted visits of the household this month (compliance)
    visits_needed: int = 2
    month_state: str = ""  # the household's compliance state this month
    possible_duplicate_of: tuple[str, ...] = ()  # person ids
    family_education_this_year: int | None = None  # sessions this year of the child's guardians or carers (None: unknown)

    @property
    def parents(self) -> tuple[AdultFacts, ...]:
        """Father and mother (step- and adoptive parents included)."""
        return tuple(a for a in self.adults if a.is_parent)

    def father(self) -> AdultFacts | None:
        return next((a for a in self.adults if a.relation in ("father", "stepfather")), None)

    def mother(self) -> AdultFacts | None:
        return next((a for a in self.adults if a.relation in ("mother", "stepmother")), None)

    def has_classification(self, *kinds: str) -> bool:
        return any(kind in kinds for kind, _status in self.classifications)
