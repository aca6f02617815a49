"""What the flag rules share: the child gate, ages and months counted the legal way, the parents and
their situations, and the fact messages every finding is built from.

Every helper here is pure and cheap: the rules run 39 times for each child of the county. The
caches only save recomputing the same answer for the rules of one child (ages, parents, 留守) and
share the objects of parameterless messages; they never change an answer. See ``flag_rules.py``
for the boundary decisions these helpers implement.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, wraps
from typing import Any

from .county_settings import CountySettings
from .dates import ApproxDate, age_range, is_minor
from .facts import AdultFacts, CareFacts, ChildFacts, SituationFacts
from .flags import SEVERITY_ORDER, Finding
from .msg import N_, Message
from .visits import CHECKLIST
from .vocab import (
    ALIVE_STATUS,
    ANSWER,
    DISABILITY_CATEGORY,
    HEALTH,
    RELATION_KIND,
    SITUATION_KIND,
)

Check = Callable[[ChildFacts, CountySettings], Finding | None]

ADULT_AGE = 18
UNKNOWN_AGES = (0, ADULT_AGE - 1)  # no birth date: the child may be any age of a minor
POSITIVE = ("observed", "suspected")
GONE = ("deceased", "declared_dead", "declared_missing")  # dead, or declared missing by a court
DETAINED = ("imprisoned", "compulsory_detox", "other_detention")
GUARDIAN_BY_LAW = ("father", "mother", "adoptive_parent")  # 民法典 第二十七条: parents are guardians
UNSUPPORTED_MONTHS = 6  # 民发〔2019〕62号
QUESTION_TEXT = {q.code: q.text for q in CHECKLIST}
# Checklist answers that say the child is harmed or in danger (the question on whether an adult
# comes back the same day only qualifies another answer).
DANGER_QUESTIONS = tuple(q.code for q in CHECKLIST if q.code != "adult_returns_same_day")
HARM_QUESTIONS = (
    "private_injury", "sexual_assault", "injuries_violence", "serious_harm", "domestic_violence", "guardian_harm",
)


# --- the child gate and ages ---------------------------------------------------------------

# What the rules ask about the last child again and again (ages, parents, 留守), kept for that
# child only. The entry holds the facts object itself, so an identity match is always the same
# child; another thread at worst recomputes.
_memo: tuple[object, dict[str, Any]] = (None, {})


def _cache(facts: ChildFacts) -> dict[str, Any]:
    global _memo
    last = _memo
    if last[0] is facts:
        return last[1]
    found: dict[str, Any] = {}
    _memo = (facts, found)
    return found


@lru_cache(maxsize=4096)
def _ages(birth: ApproxDate, today: date) -> tuple[int, int, bool]:
    youngest, oldest = age_range(birth, today)
    return youngest, oldest, is_minor(birth, today)


def ages(facts: ChildFacts) -> tuple[int, int]:
    """The youngest and oldest completed age (周岁) the child can have today."""
    if facts.birth is None:
        return UNKNOWN_AGES
    cache = _cache(facts)
    found = cache.get("ages")
    if found is None:
        found = cache["ages"] = _ages(facts.birth, facts.today)[:2]
    return found


def is_child(facts: ChildFacts) -> bool:
    """Alive and a minor by the birth date's best estimate (``dates.is_minor``), the register's
    one definition of a child; a person without a birth date is taken for a child."""
    if facts.alive_status != "alive":
        return False
    return facts.birth is None or _ages(facts.birth, facts.today)[2]


def for_children(check: Check) -> Check:
    """The check, answering ``None`` for anyone not an alive minor."""

    @wraps(check)
    def gated(facts: ChildFacts, settings: CountySettings) -> Finding | None:
        if not is_child(facts):
            return None
        return check(facts, settings)

    return gated


def age_text(youngest: int, oldest: int) -> str:
    return str(youngest) if youngest == oldest else f"{youngest}–{oldest}"


def age_fact(facts: ChildFacts) -> Message:
    if facts.birth is None:
        return plain(N_("Birth date not recorded"))
    return Message(N_("Age {age}"), {"age": age_text(*ages(facts))})


# --- months -------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day when there is none (民法典 第二百零二条)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def completed_months(start: date, on: date) -> int:
    """Full months from ``start`` to ``on``: a month is full on the corresponding day (15 January to
    15 July is 6 months; 31 August to 28 February too, 民法典 第二百零二条)."""
    months = (on.year - start.year) * 12 + on.month - start.month
    if months > 0 and on < add_months(start, months):
        months -= 1
    return max(months, 0)


@lru_cache(maxsize=8192)
def _months_since(start: ApproxDate, today: date) -> tuple[int, int]:
    return completed_months(start.latest(), today), completed_months(start.earliest(), today)


def months_certain(situation: SituationFacts, today: date) -> int | None:
    """Full months since the situation started, from its latest possible start; ``None`` unknown."""
    return None if situation.start is None else _months_since(situation.start, today)[0]


def months_possible(situation: SituationFacts, today: date) -> int | None:
    """Full months since the situation started, from its earliest possible start."""
    return None if situation.start is None else _months_since(situation.start, today)[1]


# --- fact messages ---------------------------------------------------------------------------

_PLAIN: dict[str, Message] = {}


def plain(text: str) -> Message:
    """A message without parameters (a label, a fixed sentence): one shared object per id, so a
    county's findings do not carry thousands of copies."""
    found = _PLAIN.get(text)
    if found is None:
        found = _PLAIN.setdefault(text, Message(text))
    return found


def relation(adult: AdultFacts) -> Message:
    return plain(RELATION_KIND.label(adult.relation))


def carer_relation(care: CareFacts) -> Message:
    if care.carer_relation:
        return plain(RELATION_KIND.label(care.carer_relation))
    return plain(N_("relation not recorded"))


def carer_fact(care: CareFacts, fact: Message) -> Message:
    return Message(N_("Carer ({relation}): {fact}"), {"relation": carer_relation(care), "fact": fact})


def status_fact(adult: AdultFacts, label: str) -> Message:
    """E.g. "Mother: Deceased" (``label`` is a vocabulary label id)."""
    return Message(N_("{relation}: {situation}"), {"relation": relation(adult), "situation": plain(label)})


def situation_fact(adult: AdultFacts, situation: SituationFacts, today: date) -> Message:
    """E.g. "Father: Imprisoned since 2025-03 (20 months)"."""
    params = {"relation": relation(adult), "situation": plain(SITUATION_KIND.label(situation.kind))}
    if situation.start is None:
        return Message(N_("{relation}: {situation}, start not recorded"), params)
    return Message(
        N_("{relation}: {situation} since {since} ({months} months)"),
        {**params, "since": situation.start.text, "months": months_certain(situation, today)},
    )


def place_fact(adult: AdultFacts, situation: SituationFacts) -> list[Message]:
    if not situation.place:
        return []
    return [Message(N_("{relation}: working in {place}"), {"relation": relation(adult), "place": situation.place})]


def visit_fact(facts: ChildFacts, code: str, answer: str) -> Message:
    visit = facts.latest_visit
    assert visit is not None
    return Message(
        N_("Visit of {day}: {question} — {answer}"),
        {"day": visit.day.isoformat(), "question": plain(QUESTION_TEXT[code]), "answer": plain(ANSWER.label(answer))},
    )


def answered(facts: ChildFacts, *codes: str) -> list[Message]:
    """The latest visit's "observed" or "suspected" answers to these questions, as facts."""
    visit = facts.latest_visit
    if visit is None:
        return []
    found = []
    for code in codes:
        answer = visit.answers.get(code)
        if answer in POSITIVE:
            found.append(visit_fact(facts, code, answer))
    return found


def disability_fact(level: str, category: str, who: Message | None = None) -> Message:
    params = {
        "level": level or "?",
        "category": plain(DISABILITY_CATEGORY.label(category)) if category else plain(N_("category not recorded")),
    }
    if who is None:
        return Message(N_("Disability: {category}, level {level}"), params)
    return Message(N_("{relation}: disability level {level} ({category})"), {**params, "relation": who})


# --- findings ----------------------------------------------------------------------------------


def finding(
    rule_id: str, facts: ChildFacts, severity: str, mandatory: bool, messages: Iterable[Message], suggests: str = ""
) -> Finding:
    return Finding(rule_id, facts.child_id, severity, mandatory, tuple(messages), suggests)


def worst(severities: Iterable[str]) -> str:
    return min(severities, key=SEVERITY_ORDER.__getitem__)


def has_category(facts: ChildFacts, *kinds: str) -> bool:
    """The child has one of these categories in any status but ended."""
    return any(kind in kinds and status != "ended" for kind, status in facts.classifications)


# --- the people around the child -----------------------------------------------------------------


def is_alive(adult: AdultFacts) -> bool:
    if adult.alive_status != "alive":
        return False
    for situation in adult.situations:
        if situation.kind in GONE:
            return False
    return True


def parent_pair(facts: ChildFacts) -> tuple[AdultFacts | None, AdultFacts | None]:
    """The child's two parents: the father (a stepfather when no father is recorded) and the mother
    (likewise); adoptive parents fill a place left empty."""
    cache = _cache(facts)
    pair = cache.get("parents")
    if pair is None:
        pair = cache["parents"] = _parent_pair(facts)
    return pair


def _parent_pair(facts: ChildFacts) -> tuple[AdultFacts | None, AdultFacts | None]:
    father = _first(facts, "father", "stepfather")
    mother = _first(facts, "mother", "stepmother")
    adoptive = [a for a in facts.adults if a.relation == "adoptive_parent"]
    if adoptive and father is None:
        father = adoptive.pop(0)
    if adoptive and mother is None:
        mother = adoptive.pop(0)
    return father, mother


def _first(facts: ChildFacts, *kinds: str) -> AdultFacts | None:
    for kind in kinds:
        for adult in facts.adults:
            if adult.relation == kind:
                return adult
    return None


def guardians(facts: ChildFacts) -> list[AdultFacts]:
    """Adults recorded as legal guardians, and parents (guardians by law)."""
    return [a for a in facts.adults if a.legal_guardian or a.relation in GUARDIAN_BY_LAW]


def severe_disability(level: str, category: str) -> bool:
    """GB/T 26341-2010: level 1–2, or level 3–4 intellectual or mental."""
    return level in ("1", "2") or (level in ("3", "4") and category in ("intellectual", "mental"))


def may_be_minor(adult: AdultFacts) -> bool:
    return adult.age is not None and adult.age[0] < ADULT_AGE


def register_alone(facts: ChildFacts) -> bool:
    """The register has related adults for the child, and none who is alive and may be an adult
    lives with them; every carer of a care arrangement is among those adults (a carer whose home
    is unknown is taken to live with the child)."""
    if not facts.adults:
        return False
    known = set()
    for adult in facts.adults:
        if adult.lives_with and is_alive(adult) and not may_be_minor(adult):
            return False
        known.add(adult.person_id)
    return all(care.carer_id in known for care in facts.care)


def gone_fact(adult: AdultFacts) -> Message | None:
    """Dead, declared dead or declared missing, as a fact; ``None`` otherwise."""
    if adult.alive_status in GONE:
        return status_fact(adult, ALIVE_STATUS.label(adult.alive_status))
    situation = adult.has(*GONE)
    return status_fact(adult, SITUATION_KIND.label(situation.kind)) if situation else None


def incapable_fact(adult: AdultFacts) -> Message | None:
    """A living parent without guardianship capacity for 留守 (国发〔2016〕13号): serious illness,
    severe disability, or otherwise unable to care."""
    if not is_alive(adult):
        return None
    situation = adult.has("serious_illness", "severe_disability", "incapable")
    if situation is not None:
        return status_fact(adult, SITUATION_KIND.label(situation.kind))
    if severe_disability(adult.disability_level, adult.disability_category):
        return disability_fact(adult.disability_level, adult.disability_category, relation(adult))
    if adult.health == "seriously_ill":
        return status_fact(adult, HEALTH.label("seriously_ill"))
    return None


_UNSUPPORTING_KINDS = frozenset(
    (*GONE, *DETAINED, "lost_contact", "severe_disability", "serious_illness", "guardianship_revoked", "deported")
)


def may_be_unsupporting(adult: AdultFacts) -> bool:
    """A quick test before ``unsupporting_fact`` and ``gone_fact``: could this parent count at all?"""
    return (
        adult.alive_status != "alive"
        or adult.health == "seriously_ill"
        or bool(adult.disability_level)
        or any(s.kind in _UNSUPPORTING_KINDS for s in adult.situations)
    )


def unsupporting_fact(adult: AdultFacts, today: date) -> Message | None:
    """A living parent meeting one 事实无人抚养 criterion (民发〔2019〕62号), as a fact: severe
    disability, serious illness, detained for 6 months or more, lost contact for 6 months or more
    since a police report, guardianship revoked, deported. Durations are claimed only when certain."""
    if not is_alive(adult):
        return None
    incapable = adult.has("severe_disability", "serious_illness", "guardianship_revoked", "deported")
    if incapable is not None:
        return status_fact(adult, SITUATION_KIND.label(incapable.kind))
    if severe_disability(adult.disability_level, adult.disability_category):
        return disability_fact(adult.disability_level, adult.disability_category, relation(adult))
    if adult.health == "seriously_ill":
        return status_fact(adult, HEALTH.label("seriously_ill"))
    for situation in adult.situations:
        months = months_certain(situation, today)
        if months is None or months < UNSUPPORTED_MONTHS:
            continue
        if situation.kind in DETAINED:
            return situation_fact(adult, situation, today)
        if situation.kind == "lost_contact" and situation.evidence == "police_missing_report":
            return Message(
                N_("{relation}: lost contact, reported to the police {since} ({months} months ago)"),
                {"relation": relation(adult), "since": situation.start.text if situation.start else "", "months": months},
            )
    return None


@dataclass(frozen=True)
class LeftBehind:
    """Why a child is, or may be, 留守 (国发〔2016〕13号)."""

    kind: str  # left_behind_both | left_behind_one
    certain: bool  # every absence known to reach the minimum, and rural hukou recorded
    away: tuple[tuple[AdultFacts, SituationFacts], ...]  # the parents away and their work away
    incapable: AdultFacts | None = None  # left_behind_one: the parent without capacity

    def facts(self, child: ChildFacts) -> tuple[Message, ...]:
        """The facts that make the child 留守, built only for a finding."""
        messages = [m for adult, situation in self.away for m in _away_facts(adult, situation, child.today)]
        if self.incapable is not None:
            messages.append(incapable_fact(self.incapable))
        return (*messages, age_fact(child))


def _away(adult: AdultFacts, settings: CountySettings, today: date) -> SituationFacts | None:
    """A living parent's work away that may be long enough (see ``_away_certain``), or ``None``."""
    if not is_alive(adult):
        return None
    situation = adult.has("migrant_work")
    if situation is None or (settings.absence_outside_county_only and not situation.outside_county):
        return None
    possible = months_possible(situation, today)
    return situation if possible is None or possible >= settings.min_absence_months else None


def _away_certain(situation: SituationFacts, settings: CountySettings, today: date) -> bool:
    certain = months_certain(situation, today)
    return certain is not None and certain >= settings.min_absence_months


def _away_facts(adult: AdultFacts, situation: SituationFacts, today: date) -> list[Message]:
    return [situation_fact(adult, situation, today), *place_fact(adult, situation)]


def left_behind(facts: ChildFacts, settings: CountySettings) -> LeftBehind | None:
    """留守: under 16 (may be), rural hukou (or not recorded), both parents away for work, or one
    away and the other without capacity; ``None`` when the child cannot be 留守."""
    cache = _cache(facts)
    found = cache.get("left_behind")
    if found is None or found[0] is not settings:
        found = cache["left_behind"] = (settings, _left_behind(facts, settings))
    return found[1]


def _left_behind(facts: ChildFacts, settings: CountySettings) -> LeftBehind | None:
    if ages(facts)[0] >= 16 or facts.hukou_type == "urban":
        return None
    father, mother = parent_pair(facts)
    if father is None or mother is None:
        return None
    today = facts.today
    father_away = _away(father, settings, today)
    mother_away = _away(mother, settings, today)
    rural = facts.hukou_type == "rural"
    if father_away and mother_away:
        certain = rural and _away_certain(father_away, settings, today) and _away_certain(mother_away, settings, today)
        return LeftBehind("left_behind_both", certain, ((father, father_away), (mother, mother_away)))
    parent, away, other = (father, father_away, mother) if father_away else (mother, mother_away, father)
    if away is None or incapable_fact(other) is None:
        return None
    return LeftBehind("left_behind_one", rural and _away_certain(away, settings, today), ((parent, away),), other)
