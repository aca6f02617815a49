"""Reviewing possible duplicate people (at the township, across villages): the candidates still
waiting for a decision, and the decision itself — merged, linked (both records kept: a child
registered in two places) or separate — written through the change log as the ``decision`` field of
the pair's ``duplicate_decision`` (``storage.materialise``), with the reason, so it travels back to the
villages and the pair is never proposed again.

Merging never deletes: the other record points to the kept one (``merged_into``), its relations,
parent situations, care arrangements and categories are moved to the kept record (a copy that the
kept record already has is marked deleted instead, as a change with the reason), and fields the kept
record leaves empty are filled from the other one. Every step is a change, so the merge can be read
in both records' history and reaches every laptop by the ordinary merge.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..core import records
from ..core.duplicates import DuplicateMatch
from ..core.errors import ValidationFailed
from ..core.msg import N_, Message
from ..core.validation import Problem
from ..storage import register as reg
from ..storage.database import write_transaction
from ..storage.materialise import DUPLICATE_DECISIONS, DUPLICATE_ENTITY, DUPLICATE_FIELD, pair_id, refresh_fields
from . import audit, backups, register
from .changes import Changes
from .duplicate_pairs import duplicate_pairs
from .workspace import Workspace

# person fields never taken from the merged record (other text fields fill the kept record's blanks)
NOT_FILLED = ("id", "household_id", "merged_into")

# the fields of the describing records that name a person
PERSON_REFERENCES = {
    "relation": ("child_id", "adult_id"),
    "parent_situation": ("person_id",),
    "care_arrangement": ("child_id", "carer_id"),
    "classification": ("child_id",),
}
# what makes two describing records say the same thing (then the moved copy is not kept twice)
SAME_FACT = {
    "relation": ("child_id", "adult_id", "kind"),
    "parent_situation": ("person_id", "kind", "start_date"),
    "care_arrangement": ("child_id", "carer_id", "start_date"),
    "classification": ("child_id", "kind"),
}


@dataclass(frozen=True)
class Candidate:
    newer: records.Person
    older: records.Person
    match: DuplicateMatch
    newer_village: str = ""  # village codes, to tell records from two villages apart
    older_village: str = ""


def candidates(ws: Workspace, *, limit: int | None = None) -> list[Candidate]:
    """Pairs that may be one person and that nobody has decided on yet, the surest first."""
    decided = {row[0] for row in ws.db.execute("SELECT pair_id FROM duplicate_decision")}
    pairs = [p for p in duplicate_pairs(ws) if pair_id(p.newer, p.older) not in decided]
    pairs.sort(key=lambda p: (-p.match.score, p.newer, p.older))
    if limit is not None:
        pairs = pairs[:limit]
    people = reg.people(ws.db, {pid for p in pairs for pid in (p.newer, p.older)})
    villages = _villages(ws, {person.household_id for person in people.values()})

    def village(person_id: str) -> str:
        return villages.get(people[person_id].household_id, "")

    return [Candidate(people[p.newer], people[p.older], p.match, village(p.newer), village(p.older)) for p in pairs]


def _villages(ws: Workspace, household_ids: set[str]) -> dict[str, str]:
    ids = sorted(household_ids)
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(ws.db.execute(f"SELECT id, village_code FROM household WHERE id IN ({marks})", chunk).fetchall())
    return found


@dataclass(frozen=True)
class Decision:
    decision: str  # merged | linked | separate
    decided_by: str  # user id
    decided_at: str
    reason: str


def decision_for(ws: Workspace, person_a: str, person_b: str) -> Decision | None:
    row = ws.db.execute(
        "SELECT decision, decided_by, decided_at, reason FROM duplicate_decision WHERE pair_id = ?",
        [pair_id(person_a, person_b)],
    ).fetchone()
    return Decision(*row) if row else None


def linked_people(ws: Workspace, person_id: str) -> list[records.Person]:
    """Other records decided to be the same person and kept linked (a child registered in two places)."""
    rows = ws.db.execute(
        """SELECT CASE WHEN person_id = :p THEN other_id ELSE person_id END FROM duplicate_decision
           WHERE decision = 'linked' AND (person_id = :p OR other_id = :p)""",
        {"p": person_id},
    ).fetchall()
    return list(reg.people(ws.db, [r[0] for r in rows]).values())


def decide(
    ws: Workspace, person_a: str, person_b: str, decision: str, *, kept: str = "", reason: str = ""
) -> Changes:
    """Record a decision about two records, in one transaction; for ``merged``, ``kept`` names the
    record that stays and the other is merged into it."""
    if decision not in DUPLICATE_DECISIONS or person_a == person_b:
        raise ValueError(decision)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed([Problem("reason", "error", Message(N_("Give a reason for the decision.")))])
    if decision == "merged" and kept not in (person_a, person_b):
        raise ValidationFailed([Problem("kept", "error", Message(N_("Choose which record to keep.")))])
    changes = Changes(register=True)
    if decision == "merged":
        backups.before_operation(ws, "merge")  # if it cannot be written, nothing is merged
    with write_transaction(ws.db):
        people = reg.people(ws.db, [person_a, person_b])
        for pid in (person_a, person_b):
            person = people.get(pid)
            if person is None or person.deleted or person.merged_into:
                raise ValidationFailed(
                    [Problem("person_a", "error", Message(N_("One of the two records has been removed or merged already.")))]
                )
        pair = pair_id(person_a, person_b)
        first, second = pair.split("|")
        ws.changelog().write_value(
            DUPLICATE_ENTITY, pair, DUPLICATE_FIELD, {"person_id": first, "other_id": second, "decision": decision}, reason
        )
        refresh_fields(ws.db, [(DUPLICATE_ENTITY, pair, DUPLICATE_FIELD)])
        if decision == "merged":
            loser = person_b if kept == person_a else person_a
            with audit.covering():  # the merge's saves are this one decision
                changes |= _merge(ws, people[kept], people[loser], reason)
        audit.changed(ws, DUPLICATE_ENTITY, pair, {"op": "duplicate_decision", "decision": decision})
    return changes


def _merge(ws: Workspace, winner: records.Person, loser: records.Person, reason: str) -> Changes:
    changes = Changes(register=True)
    filled = {
        f.name: getattr(loser, f.name)
        for f in dataclasses.fields(records.Person)
        if f.name not in NOT_FILLED and getattr(winner, f.name) == "" and getattr(loser, f.name) not in ("", None)
    }
    if "birth_date" in filled:  # a date and its precision are one fact
        filled["birth_precision"] = loser.birth_precision
    if filled:
        changes |= register.save(ws, dataclasses.replace(winner, **filled), reason=reason).changes
    existing = {_fact(r) for r in _describing(ws, winner.id)}
    for record in _describing(ws, loser.id):
        moved = dataclasses.replace(
            record,
            **{name: winner.id for name in PERSON_REFERENCES[records.entity_name(record)] if getattr(record, name) == loser.id},
        )
        fact = _fact(moved)
        if fact in existing:
            moved = dataclasses.replace(record, deleted=True)  # the kept record says this already
        existing.add(fact)
        changes |= register.save(ws, moved, reason=reason).changes
    changes |= register.save(ws, dataclasses.replace(loser, merged_into=winner.id), reason=reason).changes
    return changes


def _describing(ws: Workspace, person_id: str) -> list:
    found = []
    for record_id in reg.related_record_ids(ws.db, person_id):
        for entity in PERSON_REFERENCES:
            record = reg.find(ws.db, entity, record_id)
            if record is not None and not record.deleted:
                found.append(record)
    return found


def _fact(record) -> tuple:
    entity = records.entity_name(record)
    return (entity, *(getattr(record, name) for name in SAME_FACT[entity]))
