"""Register use cases: save (create or edit) and delete records, check a person for duplicates,
and read a record's history."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..core import records
from ..core.duplicates import DuplicateMatch, PersonKeys, rank
from ..core.errors import ValidationFailed
from ..core.id_numbers import check_id_number
from ..core.id_numbers import normalize as normalize_id_number
from ..core.ids import new_id
from ..core.msg import N_, Message
from ..core.names import name_key, normalize_tibetan
from ..core.validation import Problem, birth_of, errors, validate
from ..storage import register as reg
from ..storage import search
from ..storage.database import write_transaction
from . import audit, permissions
from . import flags as flag_service
from .changes import NOTHING, Changes
from .workspace import Workspace

# record field → entity it must name
REFERENCES = {
    ("person", "household_id"): "household",
    ("relation", "child_id"): "person",
    ("relation", "adult_id"): "person",
    ("parent_situation", "person_id"): "person",
    ("care_arrangement", "child_id"): "person",
    ("care_arrangement", "carer_id"): "person",
    ("classification", "child_id"): "person",
}


@dataclass(frozen=True)
class SaveResult:
    record: Any
    warnings: list[Problem]
    changes: Changes
    created: bool


def check(ws: Workspace, record: Any) -> list[Problem]:
    """Every problem of a record as it would be saved: field checks and missing references."""
    problems = validate(record, ws.today())
    entity = records.entity_name(record)
    for (ref_entity, field_name), target in REFERENCES.items():
        value = getattr(record, field_name, "") if ref_entity == entity else ""
        linked = reg.find(ws.db, target, value) if value else None
        if value and (linked is None or (linked.deleted and not record.deleted)):
            problems.append(Problem(field_name, "error", Message(N_("The linked record no longer exists."))))
    return problems


def _require_in_scope(ws: Workspace, record: Any) -> None:
    """A grid worker saves households of their village groups and the people in them (the old
    and the new household both)."""
    scope = permissions.group_scope(ws)
    if scope is None:
        return
    if isinstance(record, records.Household):
        old = reg.find(ws.db, "household", record.id) if record.id else None
        for household in (record, old) if old is not None else (record,):
            if not permissions.in_scope(household, scope):
                raise permissions.HouseholdNotAllowed()
    elif isinstance(record, records.Person):
        old = reg.find(ws.db, "person", record.id) if record.id else None
        for household_id in {record.household_id, old.household_id if old is not None else record.household_id}:
            if not permissions.in_scope(reg.find(ws.db, "household", household_id) if household_id else None, scope):
                raise permissions.HouseholdNotAllowed()


def save(ws: Workspace, record: Any, *, reason: str = "") -> SaveResult:
    """Create (``record.id is None``) or update a register record through the change log, then
    evaluate the flags of the children it affects (``flags.affected_children``); a report or a
    referral for a flag moves the flag to referred in the same transaction as the save.

    Errors refuse the save with ``ValidationFailed``; warnings are returned for showing.
    """
    if isinstance(record, records.Person) and record.id_number != normalize_id_number(record.id_number):
        # one spelling of each number, so duplicate checks and search compare like with like
        record = dataclasses.replace(record, id_number=normalize_id_number(record.id_number))
    entity = records.entity_name(record)
    permissions.require_entity(ws, entity)
    _require_in_scope(ws, record)
    record = flag_service.before_save(ws, record)
    problems = check(ws, record)
    if errors(problems):
        raise ValidationFailed(errors(problems))
    with write_transaction(ws.db):
        old = reg.find(ws.db, entity, record.id) if record.id else None
        if old is None:
            record = dataclasses.replace(record, id=record.id or new_id())
            if entity == "household" and not record.household_number:
                record = dataclasses.replace(record, household_number=reg.next_household_number(ws.db, record.village_code))
        written = ws.changelog().write(record, old, reason)
        _refresh_derived(ws, entity, record, old)
        moved = flag_service.after_write(ws, record, old)
        if written or old is None:
            audit.changed(ws, entity, record.id, {"op": "create" if old is None else "edit", "fields": sorted(written)[:40]})
    changed = bool(written) or old is None
    changes = (Changes(register=True) | moved | flag_service.reevaluate(ws, record, old)) if changed else NOTHING
    return SaveResult(record, [p for p in problems if not p.is_error], changes, old is None)


def _refresh_derived(ws: Workspace, entity: str, record: Any, old: Any | None) -> None:
    if entity == "person":
        search.refresh_people(ws.db, [record.id], ws.variants)
    elif entity == "household" and old is not None:
        search.refresh_household(ws.db, record.id, ws.variants)


def delete(ws: Workspace, entity: str, record_id: str, *, reason: str = "") -> Changes:
    """Mark a record deleted (a change of its ``deleted`` field; nothing is physically removed).

    Deleting a person also deletes their relations, situations, care arrangements and categories;
    deleting a household requires it to have no members left. The flags of the children it affected
    are evaluated again afterwards.
    """
    with write_transaction(ws.db):
        record = reg.get(ws.db, entity, record_id)
        affected = flag_service.affected_children(ws, record)
        if entity == "household" and reg.members(ws.db, record_id):
            raise ValidationFailed([Problem("deleted", "error", Message(N_("Move or delete the household's members first.")))])
        log = ws.changelog()
        log.write(dataclasses.replace(record, deleted=True), record, reason)
        if entity == "person":
            for related_id in reg.related_record_ids(ws.db, record_id):
                for related_entity in ("relation", "parent_situation", "care_arrangement", "classification"):
                    related = reg.find(ws.db, related_entity, related_id)
                    if related is not None and not related.deleted:
                        log.write(dataclasses.replace(related, deleted=True), related, reason)
            search.refresh_people(ws.db, [record_id], ws.variants)
        audit.changed(ws, entity, record_id, {"op": "delete"})
    return Changes(register=True) | flag_service.reevaluate_children(ws, affected)


def person_keys(ws: Workspace, person: records.Person) -> PersonKeys:
    """What duplicate detection compares for a person (saved or not)."""
    household = reg.find(ws.db, "household", person.household_id) if person.household_id else None
    parents = [] if not person.id else [
        rel.adult_id for rel in reg.relations_of_child(ws.db, person.id) if rel.kind in ("father", "mother")
    ]
    parent_names = [p.name_zh for p in reg.people(ws.db, parents).values()]
    return keys_for(person, household, parent_names, ws.variants)


def keys_for(
    person: records.Person, household: records.Household | None, parent_names: list[str], variants
) -> PersonKeys:
    valid = check_id_number(person.id_number).status in ("valid", "valid_old")
    return PersonKeys(
        person_id=person.id,
        name_key=name_key(person.name_zh, variants) if person.name_zh else "",
        name_bo_key=normalize_tibetan(person.name_bo),
        sex=person.sex or "unknown",
        birth=birth_of(person),
        id_number=normalize_id_number(person.id_number) if valid else "",
        village_code=household.village_code if household else "",
        household_id=person.household_id,
        house_names=frozenset(n for n in ((household.house_name_zh, household.house_name_bo) if household else ()) if n),
        parent_name_keys=frozenset(name_key(n, variants) for n in parent_names if n),
    )


def find_duplicates(ws: Workspace, person: records.Person, *, limit: int = 10) -> list[DuplicateMatch]:
    """People already in the register who may be the same person; shown before saving."""
    keys = person_keys(ws, person)
    clauses, params = [], []
    if keys.id_number:
        clauses.append("id_number = ?")
        params.append(keys.id_number)
    if keys.name_key:
        clauses.append("name_key = ?")
        params.append(keys.name_key)
    if keys.name_bo_key:
        clauses.append("name_bo_key = ?")
        params.append(keys.name_bo_key)
    if not clauses:
        return []
    rows = ws.db.execute(
        f"SELECT id FROM person WHERE deleted = 0 AND merged_into = '' AND ({' OR '.join(clauses)}) LIMIT 500",
        params,
    ).fetchall()
    found = reg.people(ws.db, [r[0] for r in rows if r[0] != person.id])
    return rank(keys, [person_keys(ws, p) for p in found.values()], limit)
