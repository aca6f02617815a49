"""Possible duplicate people: how alike two person records are, and why.

Tibetan names repeat a great deal, so a name alone proves nothing. A valid ID number is the strongest
key; otherwise the name (Chinese variant key or Tibetan script) must agree and further facts (birth
date, village, household or house name, parents) must support it. Records of different sex, or born
years apart, are never proposed; nor are namesakes whose only other common fact is a village or a
birth month. Nothing here merges anything: the result is shown to a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import ApproxDate
from .msg import N_, Message

SHOW_THRESHOLD = 3
BIRTH_CLOSE_DAYS = 31
BIRTH_FAR_DAYS = 2 * 366  # births further apart than this are two people, whatever else agrees


@dataclass(frozen=True)
class PersonKeys:
    """What duplicate detection compares; built from a person record by the caller."""

    person_id: str | None
    name_key: str = ""
    name_bo_key: str = ""
    sex: str = "unknown"
    birth: ApproxDate | None = None
    id_number: str = ""  # only a valid number
    village_code: str = ""
    household_id: str = ""
    house_names: frozenset[str] = frozenset()
    parent_name_keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DuplicateMatch:
    """One candidate and the reasons it may be the same person."""

    person_id: str
    score: int
    reasons: list[Message] = field(default_factory=list)

    @property
    def certain(self) -> bool:
        return self.score >= 100


def _birth_gap_days(a: ApproxDate, b: ApproxDate) -> int:
    """Days between the two possible ranges (0 if they overlap)."""
    if a.latest() < b.earliest():
        return (b.earliest() - a.latest()).days
    if b.latest() < a.earliest():
        return (a.earliest() - b.latest()).days
    return 0


def compare(new: PersonKeys, old: PersonKeys) -> DuplicateMatch | None:
    """How likely ``old`` is the same person as ``new``; ``None`` when not worth showing."""
    if old.person_id is None or old.person_id == new.person_id:
        return None
    if new.id_number and new.id_number == old.id_number:
        return DuplicateMatch(old.person_id, 100, [Message(N_("Same ID number"))])
    if new.id_number and old.id_number:
        return None  # two different valid numbers are two people
    if "unknown" not in (new.sex, old.sex) and new.sex != old.sex:
        return None
    reasons: list[Message] = []
    if new.name_key and new.name_key == old.name_key:
        reasons.append(Message(N_("Same name or a variant spelling of it")))
    elif new.name_bo_key and new.name_bo_key == old.name_bo_key:
        reasons.append(Message(N_("Same name in Tibetan script")))
    else:
        return None
    score = 2
    birth_agrees, same_day = True, False
    if new.birth and old.birth:
        gap = _birth_gap_days(new.birth, old.birth)
        if gap > BIRTH_FAR_DAYS:
            return None
        birth_agrees = gap <= BIRTH_CLOSE_DAYS
        same_day = new.birth.is_exact and old.birth.is_exact and new.birth == old.birth
        if gap == 0:
            score += 2
            reasons.append(Message(N_("Same birth date (or overlapping approximate dates)")))
        elif birth_agrees:
            score += 1
            reasons.append(Message(N_("Birth dates {days} days apart"), {"days": gap}))
    place = family = 0
    if new.household_id and new.household_id == old.household_id:
        family += 2
        reasons.append(Message(N_("Same household")))
    elif new.house_names & old.house_names:
        place += 1
        reasons.append(Message(N_("Same house name")))
    if new.village_code and new.village_code == old.village_code:
        place += 1
        reasons.append(Message(N_("Same village")))
    if new.parent_name_keys & old.parent_name_keys:
        family += 2
        reasons.append(Message(N_("A parent with the same name")))
    score += place + family
    # Namesakes are common: a name needs a second fact. The same exact birthday is one (the same
    # child registered in two villages); otherwise the birth dates must agree and a place or family
    # fact support it (parents' names repeat too), unless both are in the same household.
    same_household = bool(new.household_id and new.household_id == old.household_id)
    if not (same_day or same_household or (birth_agrees and place + family > 0)) or score < SHOW_THRESHOLD:
        return None
    return DuplicateMatch(old.person_id, score, reasons)


def rank(new: PersonKeys, candidates: list[PersonKeys], limit: int = 10) -> list[DuplicateMatch]:
    """The candidates worth showing, most alike first."""
    matches = [m for m in (compare(new, c) for c in candidates) if m is not None]
    matches.sort(key=lambda m: -m.score)
    return matches[:limit]
