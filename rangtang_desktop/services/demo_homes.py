"""What the visitors of the demonstration data know about each household with minors, read back
from the register the demo has just written: the children, who lives with them and cares for them,
parents working away, and the planted problems a visit notices (children living alone, an entrusted
carer unable or unfit to care, and a handful of suspected-abandonment cases), with the usual
guardianship rating and the language spoken at home.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from ..core.dates import minor_cutoff
from ..core.records import Household
from . import demo_visit_words as words
from .workspace import Workspace

HARD_TO_REACH_SHARE = 0.08  # households far up the valley: missed more often
ABANDONED_CASES = 3  # suspected abandonment (R06), marked as demo cases, in the whole county
OUT_OF_SCHOOL = frozenset({"dropped_out", "not_in_school_14_16"})
IN_SCHOOL = frozenset({"primary", "junior", "senior", "vocational", "special_education"})


@dataclass
class Child:
    id: str
    born: date
    boarding: bool
    in_school: bool


@dataclass
class Home:
    """A household with minors as its visitors know it."""

    household: Household
    index: int
    children: list[Child] = field(default_factory=list)
    carers: list[tuple[str, str, int]] = field(default_factory=list)  # (name, what the visitor calls them, age)
    migrants: list[str] = field(default_factory=list)  # what the visitor calls each parent working away
    concern: str = ""  # alone, carer_unable, carer_unfit or abandoned
    cared_for: set[str] = field(default_factory=set)  # children whose entrusted carer is unable or unfit
    rating: str = "good"
    facts: list[str] = field(default_factory=list)  # CHILD_FACT_NOTES keys and other register facts
    language: str = "amdo"
    hard_to_reach: bool = False


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def load_homes(ws: Workspace, rng: random.Random, households: list[Household], since: date) -> list[Home]:
    """The households with someone under 18 at any time from ``since``, with what the register says
    about their children and carers."""
    db, today = ws.db, ws.today()
    cutoff = minor_cutoff(since).isoformat()
    people = {row[0]: row for row in db.execute(
        """SELECT id, household_id, name_zh, sex, birth_estimate, school_status, boarding, nutrition,
                  illness_untreated, work, marital_status FROM person
           WHERE deleted = 0 AND merged_into = '' AND alive_status = 'alive' AND birth_estimate != ''"""
    )}
    homes = {h.id: Home(h, index) for index, h in enumerate(households)}
    for pid, hid, _, _, born, school, boarding, nutrition, untreated, work, marital in people.values():
        if born < cutoff or hid not in homes:
            continue
        home = homes[hid]
        home.children.append(Child(pid, date.fromisoformat(born), bool(boarding), school in IN_SCHOOL))
        home.facts += [fact for fact, present in (
            ("severe_malnutrition", nutrition == "severe"), ("untreated", bool(untreated)),
            ("out_of_school", school in OUT_OF_SCHOOL), ("employed", work == "employed"),
            ("betrothed", marital == "betrothed"),
        ) if present]
    child_home = {c.id: home for home in homes.values() for c in home.children}
    situations = dict(db.execute(
        "SELECT person_id, kind || ':' || contact_frequency FROM parent_situation WHERE deleted = 0 AND end_date = ''"
    ).fetchall())
    seen: set[tuple[str, str]] = set()
    for child_id, adult_id, kind, lives_with in db.execute(
        "SELECT child_id, adult_id, kind, lives_with FROM relation WHERE deleted = 0 ORDER BY actual_caregiver DESC, id"
    ):
        home, adult = child_home.get(child_id), people.get(adult_id)
        if home is None or adult is None or (home.household.id, adult_id) in seen:
            continue
        seen.add((home.household.id, adult_id))
        word = words.SPOKEN_TO.get(kind, ("亲戚", "亲戚"))[adult[3] == "female"]
        situation = situations.get(adult_id, "")
        if lives_with:
            home.carers.append((adult[2], word, _age(date.fromisoformat(adult[4]), today)))
        elif situation.startswith("migrant_work"):
            home.migrants.append(word)
        if situation.startswith("lost_contact"):
            home.facts.append("lost_contact")
        elif situation in ("migrant_work:rarely", "migrant_work:never"):
            home.facts.append("rare_contact")
    for child_id, carer_id, capable, health, unfit in db.execute(
        "SELECT child_id, carer_id, carer_full_capacity, carer_health, disqualifiers FROM care_arrangement "
        "WHERE deleted = 0 AND end_date = ''"
    ):
        home = child_home.get(child_id)
        if home is None:
            continue
        if unfit != "[]" or not capable:
            home.cared_for.add(child_id)
            home.concern = "carer_unfit" if unfit != "[]" or home.concern == "carer_unfit" else "carer_unable"
        carer = people.get(carer_id)
        if health != "ok" or (carer is not None and _age(date.fromisoformat(carer[4]), today) >= 70):
            home.facts.append("elderly_carer")
    found = [home for home in homes.values() if home.children]
    alone = [h for h in found if not h.carers and any(_age(c.born, today) < 16 for c in h.children)]
    for home in alone:
        home.concern = "alone"
    young = [h for h in alone if min(_age(c.born, today) for c in h.children) < 14]
    for home in rng.sample(young, min(ABANDONED_CASES, (len(young) + 1) // 2)):
        home.concern = "abandoned"
    for home in found:
        home.facts = sorted(set(home.facts))
        home.rating = "poor" if home.concern else "fair" if (home.facts and rng.random() < 0.6) or rng.random() < 0.04 else "good"
        home.hard_to_reach = rng.random() < HARD_TO_REACH_SHARE
        township_language = words.TOWNSHIP_LANGUAGE.get(home.household.village_code[:9])
        if not home.household.house_name_zh:
            home.language = "chinese"  # Han households have no house name
        elif township_language and rng.random() < 0.6:
            home.language = township_language
        elif rng.random() < 0.12:
            home.language = "chinese"
    return found
