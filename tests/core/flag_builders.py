"""Hand-made child facts for the flag-rule tests: a child of a given age in 周岁 on a fixed day,
parents and their situations started a given number of months ago, carers, visit answers."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from rangtang_desktop.core.county_settings import CountySettings
from rangtang_desktop.core.dates import ApproxDate
from rangtang_desktop.core.facts import AdultFacts, CareFacts, ChildFacts, SituationFacts, VisitFacts
from rangtang_desktop.core.flag_rules import RULES_BY_ID
from rangtang_desktop.core.flag_rules_common import add_months
from rangtang_desktop.core.flags import Finding

TODAY = date(2025, 6, 15)
VISIT_DAY = date(2025, 6, 12)
SETTINGS = CountySettings()
CHILD_ID = "child-次仁卓玛-0001"
_UNSET = object()


def birth_for(age: int, *, birthday: bool = False) -> ApproxDate:
    """An exact birth date giving ``age`` full years today (today is the day after the birthday);
    with ``birthday`` today *is* the ``age``-th birthday, so the child is still ``age - 1``."""
    anniversary = TODAY.replace(year=TODAY.year - age)
    return ApproxDate((anniversary if birthday else anniversary - timedelta(days=1)).isoformat())


def since(months: int = 0, days: int = 0) -> ApproxDate:
    """The exact day ``months`` months and ``days`` days before today."""
    return ApproxDate((add_months(TODAY, -months) - timedelta(days=days)).isoformat())


def situation(kind: str, months: int | None = None, days: int = 0, **fields) -> SituationFacts:
    """A current situation started ``months`` (and ``days``) ago; no start when ``months`` is None."""
    return SituationFacts(kind=kind, start=since(months, days) if months is not None else None, **fields)


def away(months: int | None = 12, days: int = 0, **fields) -> SituationFacts:
    """Away for work outside the county, started ``months`` ago."""
    return situation("migrant_work", months, days, **{"outside_county": True, "place": "浙江 宁波", **fields})


def adult(relation: str, *situations: SituationFacts, **fields) -> AdultFacts:
    values = {"person_id": f"{relation}-扎西-id", "relation": relation, "age": (40, 40), **fields}
    return AdultFacts(situations=tuple(situations), **values)


def father(*situations: SituationFacts, **fields) -> AdultFacts:
    return adult("father", *situations, **fields)


def mother(*situations: SituationFacts, **fields) -> AdultFacts:
    return adult("mother", *situations, **fields)


def grandmother(**fields) -> AdultFacts:
    """A grandmother who lives with and cares for the child."""
    return adult("paternal_grandparent", **{"lives_with": True, "actual_caregiver": True, "age": (62, 62), **fields})


def at_home(relation: str = "father", **fields) -> AdultFacts:
    """A parent at home, living with the child, caring and guardian."""
    return adult(relation, situation("at_home"), **{"lives_with": True, "actual_caregiver": True, "legal_guardian": True, **fields})


def carer(**fields) -> CareFacts:
    """A fit grandmother as entrusted carer, school and village told in writing."""
    values = {
        "carer_id": "paternal_grandparent-扎西-id", "carer_relation": "paternal_grandparent", "carer_age": (62, 62),
        "notice_school_on": TODAY, "notice_village_on": TODAY, **fields,
    }
    return CareFacts(**values)


def both_away(months: int | None = 12, days: int = 0, **fields) -> tuple[AdultFacts, ...]:
    """Both parents away for work, a grandmother at home."""
    return (father(away(months, days, **fields)), mother(away(months, days, **fields)), grandmother())


def child(
    age: int = 10, *, birthday: int | None = None, birth=_UNSET, answers: dict[str, str] | None = None,
    adults=(), care=(), categories=(), **fields,
) -> ChildFacts:
    """A child aged ``age`` (or on their ``birthday``-th birthday), rural hukou, registered with an
    ID number, in school, with a visit answering ``answers`` when given."""
    if birthday is not None:
        birth = birth_for(birthday, birthday=True)
    elif birth is _UNSET:
        birth = birth_for(age)
    values = {
        "child_id": CHILD_ID, "today": TODAY, "birth": birth, "sex": "female", "id_number": "51323020150307002X",
        "id_check": "valid", "school_status": "primary", "housing": "safe",
        "adults": tuple(adults), "care": tuple(care),
        "classifications": tuple((kind, "recognised") if isinstance(kind, str) else kind for kind in categories),
        "latest_visit": VisitFacts("visit-0001", VISIT_DAY, dict(answers)) if answers is not None else None,
        **fields,
    }
    return ChildFacts(**values)


@dataclasses.dataclass(frozen=True)
class WithSessions(ChildFacts):
    """Child facts with the family-education count R36b needs (``ChildFacts`` lacks it so far)."""

    family_education_this_year: int | None = None


def check(rule_id: str, facts: ChildFacts, settings: CountySettings = SETTINGS) -> Finding | None:
    """Run one rule."""
    return RULES_BY_ID[rule_id].check(facts, settings)


def rendered(found: Finding) -> list[str]:
    """The finding's facts with message ids left untranslated and parameters filled in."""
    return [fact.render(str) for fact in found.facts]
