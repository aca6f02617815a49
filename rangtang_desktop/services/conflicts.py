"""The conflict inbox, and what must follow a merge.

When the same field was changed on two laptops that had not seen each other's change, both values
are kept: the one with the greatest hybrid-logical-clock time shows provisionally and a conflict waits
here for a person (DESIGN §4). **No field is ever settled automatically** — guardians, risk and
closure included, and every other field too: the program cannot know which laptop was right, so every
conflict waits for a person, who chooses a value and says why. Resolving writes one change whose
``prev_op_ids`` name every head, so the conflict disappears on every laptop that receives it.

An ordinary edit of a conflicted field also names every head (a local write always does), and so
settles the conflict too; the inbox notices that the next time it is listed.

``after_merge`` is what a service calls after ``storage.merge.apply_changes`` (or
``release_held``): it rebuilds the search keys of the people touched and evaluates the flags of the
children whose inputs changed (all flags after a county setting changed).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core import county_settings as core_settings
from ..core import records, vocab
from ..core.dates import minor_cutoff
from ..core.errors import RangtangError, RecordNotFound, ValidationFailed
from ..core.flags import FLAG_STATUS
from ..core.msg import N_
from ..core.validation import errors, validate
from ..i18n import _
from ..i18n.values import display_change_value
from ..storage import changelog, nodes, search
from ..storage import conflicts as store
from ..storage import flags as flag_store
from ..storage import merge as merge_store
from ..storage import register as reg
from ..storage.county_settings import SETTING_ENTITY
from ..storage.database import write_transaction
from ..storage.materialise import DUPLICATE_ENTITY, refresh_fields, value_columns
from ..storage.register import LIVE_PERSON, MINOR
from ..storage.visits import unpack
from . import audit
from .changes import Changes
from .workspace import Workspace

FLAG_STATUS_LABEL = N_("Flag status")
DUPLICATE_LABEL = N_("Duplicate decision")


class ConflictReasonRequired(RangtangError):
    headline = N_("Resolving a conflict needs a reason.")
    advice = N_("Write in a few words why this value is right, then resolve again. Nothing has been changed.")


class ConflictSettled(RangtangError):
    headline = N_("This conflict has already been settled.")
    advice = N_("Someone chose a value, or the field was changed since the list was shown. Refresh the list.")


class ConflictValueRefused(RangtangError):
    headline = N_("That value cannot be used to settle the conflict.")
    advice = N_("Choose one of the values shown, or correct the value, then resolve again. Nothing has been changed.")


@dataclass(frozen=True)
class ConflictOption:
    op: str
    value: Any  # the decoded JSON value (a dict for a field group)
    author_id: str
    author_name: str
    node_id: str
    when: str  # UTC, ISO 8601: the change's hybrid-logical-clock wall time
    reason: str


@dataclass(frozen=True)
class ConflictItem:
    conflict_id: str
    entity: str
    entity_id: str
    field: str
    label: str  # message id of the field (or field group)
    options: list[ConflictOption]  # one per head, the provisionally shown one first
    record_label: str  # e.g. the person's name
    detected_at: str  # UTC, ISO 8601, on this laptop
    status: str = store.OPEN
    settled_reason: str = ""


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def field_label(entity: str, entity_id: str, field: str) -> str:
    """The message id naming the field of a conflict (a county setting is named by its key)."""
    if entity in records.ENTITIES:
        return records.field_label(entity, field)
    if entity == flag_store.FLAG_ENTITY:
        return FLAG_STATUS_LABEL
    if entity == SETTING_ENTITY:
        try:
            return core_settings.label(entity_id)
        except StopIteration:
            return entity_id
    if entity == DUPLICATE_ENTITY:
        return DUPLICATE_LABEL
    return field


def option_text(entity: str, field: str, value: Any) -> str:
    """A conflicting value as a person reads it, in the current language."""
    if entity in records.ENTITIES:
        return display_change_value(entity, field, value)
    if entity == flag_store.FLAG_ENTITY and isinstance(value, dict):
        return _(FLAG_STATUS.label(value.get("status")))
    if entity == DUPLICATE_ENTITY and isinstance(value, dict):
        return _(vocab.DUPLICATE_DECISION.label(value.get("decision")))
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _person_name(ws: Workspace, person_id: str) -> str:
    row = ws.db.execute("SELECT name_zh, name_bo FROM person WHERE id = ?", [person_id]).fetchone()
    return (row[0] or row[1]) if row else ""


def record_label(ws: Workspace, entity: str, entity_id: str) -> str:
    """What a person recognises the record by: a name, a house name, a setting's key."""
    if entity == "person":
        return _person_name(ws, entity_id)
    if entity == "household":
        row = ws.db.execute(
            "SELECT house_name_zh, house_name_bo, household_number FROM household WHERE id = ?", [entity_id]
        ).fetchone()
        return next((v for v in row if v), "") if row else ""
    if entity == "parent_situation":
        row = ws.db.execute("SELECT person_id FROM parent_situation WHERE id = ?", [entity_id]).fetchone()
        return _person_name(ws, row[0]) if row else ""
    if entity in ("relation", "care_arrangement", "classification", "referral", "mandatory_report"):
        row = ws.db.execute(f"SELECT child_id FROM {entity} WHERE id = ?", [entity_id]).fetchone()
        return _person_name(ws, row[0]) if row else ""
    if entity == "family_education_session":
        row = ws.db.execute("SELECT session_date, topic FROM family_education_session WHERE id = ?", [entity_id]).fetchone()
        return " ".join(v for v in row if v) if row else ""
    if entity == flag_store.FLAG_ENTITY:
        row = ws.db.execute("SELECT rule_id, child_id FROM flag WHERE id = ?", [entity_id]).fetchone()
        return f"{row[0]} {_person_name(ws, row[1])}".strip() if row else ""
    if entity == SETTING_ENTITY:
        return entity_id
    if entity == DUPLICATE_ENTITY:
        return " / ".join(_person_name(ws, one) for one in entity_id.split("|"))
    return ""


def _options(ws: Workspace, row: store.ConflictRow, names: dict[str, str]) -> list[ConflictOption]:
    found = changelog.changes_by_op(ws.db, row.heads)
    ordered = sorted(found.values(), key=lambda c: (c.hlc, c.node_id), reverse=True)
    return [
        ConflictOption(
            c.op_id, json.loads(c.value), c.author, names.get(c.author, ""), c.node_id,
            flag_store.stamp_text(c.hlc, c.node_id), c.reason,
        )
        for c in ordered
    ]


def list_conflicts(ws: Workspace, *, open_only: bool = True) -> list[ConflictItem]:
    """The conflict inbox, oldest first (with ``open_only=False``, settled and replaced ones too).
    Conflicts that an ordinary edit has settled since are marked so first."""
    if store.stale_conflicts(ws.db):
        with write_transaction(ws.db):
            store.settle_stale(ws.db, _now_text())
    names = nodes.user_names(ws.db)
    return [
        ConflictItem(
            row.conflict_id, row.entity, row.entity_id, row.field, field_label(row.entity, row.entity_id, row.field),
            _options(ws, row, names), record_label(ws, row.entity, row.entity_id), row.detected_at,
            row.status, row.settled_reason,
        )
        for row in store.conflicts(ws.db, open_only=open_only)
    ]


def open_field_labels(ws: Workspace, entity: str, entity_id: str) -> list[str]:
    """The labels (message ids) of a record's fields that wait in the inbox, for the edit form to
    warn that saving there settles them."""
    return [field_label(entity, entity_id, key) for key in store.open_fields(ws.db, entity, entity_id)]


def open_count(ws: Workspace) -> int:
    """How many conflicts wait (for a badge; may include some an ordinary edit has just settled)."""
    return store.open_conflict_count(ws.db)


def _checked_value(ws: Workspace, row: store.ConflictRow, chosen: Any) -> Any:
    """The chosen value, refused when it cannot be stored in the field."""
    options = [json.loads(c.value) for c in changelog.changes_by_op(ws.db, row.heads).values()]
    if row.entity in records.ENTITIES:
        record_type = records.ENTITIES[row.entity]
        names = records.change_keys(record_type).get(row.field)
        if names is None:
            raise ConflictValueRefused()
        group = not (len(names) == 1 and names[0] == row.field)
        values = chosen if group else {row.field: chosen}
        if not isinstance(values, dict) or set(values) != set(names):
            raise ConflictValueRefused()
        if value_columns(record_type, row.field, chosen) != {n: changelog.to_column(values[n]) for n in names}:
            raise ConflictValueRefused()  # a value of the wrong kind
        if chosen not in options:
            record = dataclasses.replace(reg.get(ws.db, row.entity, row.entity_id), **values)
            problems = [p for p in errors(validate(record, ws.today())) if p.field in names]
            if problems:
                raise ValidationFailed(problems)
        return chosen
    if row.entity == flag_store.FLAG_ENTITY:
        if chosen in options or (isinstance(chosen, dict) and set(chosen) == {"status"} and chosen["status"] in FLAG_STATUS):
            return chosen
        raise ConflictValueRefused()
    if chosen in options:
        return chosen
    raise ConflictValueRefused()


def resolve_conflict(ws: Workspace, conflict_id: str, chosen_value: Any, reason: str) -> Changes:
    """Settle a conflict with the value a person chose and why: one new change whose
    ``prev_op_ids`` name every head (written even when the chosen value is the one shown), the
    field materialised again, derived data refreshed, and the conflict marked resolved with who,
    when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ConflictReasonRequired()
    now_text = _now_text()
    with write_transaction(ws.db):
        store.settle_stale(ws.db, now_text)
        row = store.get_conflict(ws.db, conflict_id)
        if row is None:
            raise RecordNotFound()
        if row.status != store.OPEN or changelog.heads(ws.db, row.entity_id, row.field) != row.heads:
            raise ConflictSettled()
        value = _checked_value(ws, row, chosen_value)
        ws.changelog().write_value(row.entity, row.entity_id, row.field, value, reason)
        key = (row.entity, row.entity_id, row.field)
        refresh_fields(ws.db, [key])
        store.reconcile(ws.db, key, store.heads_of(ws.db, [key])[key], now_text)
        if row.entity == "person":
            search.refresh_people(ws.db, [row.entity_id], ws.variants)
        elif row.entity == "household":
            search.refresh_household(ws.db, row.entity_id, ws.variants)
        audit.changed(ws, row.entity, row.entity_id, {"op": "resolve_conflict", "field": row.field})
    return _after(ws, {row.entity: {row.entity_id}}, visits=False)


# -- after a merge ---------------------------------------------------------------------------


def _ids(rows: Iterable[tuple]) -> list[str]:
    return [r[0] for r in rows if r[0]]


def _in(ids: list[str]) -> tuple[str, list]:
    return "(SELECT value FROM json_each(?))", [json.dumps(ids)]


def affected_children(ws: Workspace, touched: dict[str, set[str]]) -> list[str]:
    """The people whose flags the touched records can change (as ``flags.affected_children`` for
    one saved record): people and the children they are related to or care for; the minors of
    touched households and of visited households; the child of a relation, care arrangement or
    category; the children of a parent whose situation changed; the children of the guardians at
    a family-education session; the children seen at a visit."""
    db = ws.db
    found: list[str] = []
    cutoff = minor_cutoff(ws.today()).isoformat()
    people = sorted(touched.get("person", ()))
    situations = sorted(touched.get("parent_situation", ()))
    if situations:
        sql, params = _in(situations)
        people_of_situations = _ids(db.execute(f"SELECT person_id FROM parent_situation WHERE id IN {sql}", params))
    else:
        people_of_situations = []
    adults = people + people_of_situations
    for entity in ("relation", "care_arrangement", "classification"):
        ids = sorted(touched.get(entity, ()))
        if ids:
            sql, params = _in(ids)
            found += _ids(db.execute(f"SELECT child_id FROM {entity} WHERE id IN {sql}", params))
    sessions = sorted(touched.get("family_education_session", ()))
    if sessions:
        sql, params = _in(sessions)
        for (text,) in db.execute(f"SELECT guardian_ids FROM family_education_session WHERE id IN {sql}", params):
            adults += json.loads(text or "[]")
    if adults:
        sql, params = _in(adults)
        found += people
        found += _ids(db.execute(
            f"SELECT child_id FROM relation WHERE adult_id IN {sql} UNION SELECT child_id FROM care_arrangement WHERE carer_id IN {sql}",
            params + params,
        ))
    households = set(touched.get("household", ()))
    visits = sorted(touched.get("visit", ()))
    if visits:
        sql, params = _in(visits)
        households.update(_ids(db.execute(f"SELECT household_id FROM visit WHERE id IN {sql}", params)))
        for (content,) in db.execute(f"SELECT content FROM visit WHERE id IN {sql}", params):
            found += [c.person_id for c in unpack(content).children]
    if households:
        sql, params = _in(sorted(households))
        found += _ids(db.execute(
            f"SELECT p.id FROM person p WHERE p.household_id IN {sql} AND {LIVE_PERSON} AND {MINOR}", params + [cutoff]
        ))
    return list(dict.fromkeys(found))


def _after(ws: Workspace, touched: dict[str, set[str]], *, visits: bool) -> Changes:
    from . import flag_evaluation

    register = any(entity in records.ENTITIES for entity in touched)
    settings = SETTING_ENTITY in touched
    flags = flag_store.FLAG_ENTITY in touched
    if settings:
        flag_evaluation.evaluate_all(ws)
        flags = True
    else:
        children = affected_children(ws, touched)
        if children:
            flag_evaluation.evaluate_children(ws, children)
            flags = True
    return Changes(register=register, visits=visits, settings=settings, flags=flags)


def after_merge(ws: Workspace, result: merge_store.MergeResult) -> Changes:
    """Call after ``apply_changes`` or ``release_held`` (not after a dry run): rebuilds the search
    keys of the people touched (and of the members of touched households) inside a transaction,
    then evaluates the flags of the children whose inputs changed (every flag when a county setting
    changed). Returns what changed, for the screens."""
    touched = result.touched
    with write_transaction(ws.db):
        people = set(touched.get("person", ()))
        households = sorted(touched.get("household", ()))
        if households:
            sql, params = _in(households)
            people.update(_ids(ws.db.execute(f"SELECT id FROM person WHERE household_id IN {sql}", params)))
        if people:
            search.refresh_people(ws.db, sorted(people), ws.variants)
    if not touched:
        return Changes()
    return _after(ws, touched, visits=bool(result.visits_added))


def held_changes(ws: Workspace) -> list[merge_store.HeldChange]:
    """Changes held back because they were stamped more than a day in this laptop's future."""
    return merge_store.held_changes(ws.db)


def release_held(ws: Workspace, op_ids: list[str]) -> Changes:
    """Apply changes held back, after a person checked them (e.g. the sending laptop's clock was
    wrong and the data is right)."""
    with write_transaction(ws.db):
        result = merge_store.release_held(ws.db, op_ids, now=datetime.now(UTC), local_node_id=ws.node_id)
        audit.changed(ws, "", "", {"op": "release_held", "changes": len(op_ids)})
    return after_merge(ws, result)


__all__ = [
    "ConflictItem",
    "ConflictOption",
    "ConflictReasonRequired",
    "ConflictSettled",
    "ConflictValueRefused",
    "after_merge",
    "list_conflicts",
    "release_held",
    "resolve_conflict",
]
