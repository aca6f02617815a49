"""What concerns one village, for the township's return bundle (DESIGN §5): a village receives the
changes of its own records and of nothing else — never another village's children.

A record concerns village V, as the township's register stands when the bundle is made, when it is:

* a household whose ``village_code`` is V, and every person of those households (also deleted or
  merged ones: they are still V's records);
* a relation, care arrangement, category, referral or mandatory report whose child is one of V's
  people; a parent's situation of one of V's people;
* a family-education session of V; a visit to one of V's households;
* the flag of a rule for one of V's people (flag ids are derived from rule and child, so they are
  computed here, also for flags not evaluated at the township);
* a duplicate decision naming one of V's people (the other person's record is not sent);
* any county setting.

Records a newer version knows and this one does not are not sent (nothing is sent that cannot be
placed). A record that moved to V brings only the changes made after V last confirmed holding its
origin's changes; a full return bundle sends its whole history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlite_utils

from ..core.flags import flag_id
from .changelog import op_id
from .county_settings import SETTING_ENTITY
from .flags import FLAG_ENTITY
from .materialise import DUPLICATE_ENTITY
from .visits import VISIT_ENTITY
from .wire import WireChange

_BY_CHILD = ("relation", "care_arrangement", "classification", "referral", "mandatory_report")
_CHUNK = 20_000


def _ids(db: sqlite_utils.Database, sql: str, params: list) -> list[str]:
    return [r[0] for r in db.execute(sql, params) if r[0]]


def _json(ids: Iterable[str]) -> str:
    return json.dumps(sorted(set(ids)))


def village_scope(db: sqlite_utils.Database, village_code: str, rule_ids: Iterable[str]) -> set[tuple[str, str]]:
    """The (entity, entity id) of every record that concerns the village (module docstring)."""
    households = _ids(db, "SELECT id FROM household WHERE village_code = ?", [village_code])
    scope = {("household", h) for h in households}
    homes = _json(households)
    people = _ids(db, "SELECT id FROM person WHERE household_id IN (SELECT value FROM json_each(?))", [homes])
    scope.update(("person", p) for p in people)
    folks = _json(people)
    for entity in _BY_CHILD:
        scope.update(
            (entity, i) for i in _ids(db, f"SELECT id FROM {entity} WHERE child_id IN (SELECT value FROM json_each(?))", [folks])
        )
    scope.update(
        ("parent_situation", i)
        for i in _ids(db, "SELECT id FROM parent_situation WHERE person_id IN (SELECT value FROM json_each(?))", [folks])
    )
    scope.update(
        ("family_education_session", i)
        for i in _ids(db, "SELECT id FROM family_education_session WHERE village_code = ?", [village_code])
    )
    scope.update(
        (VISIT_ENTITY, i)
        for i in _ids(db, "SELECT id FROM visit WHERE household_id IN (SELECT value FROM json_each(?))", [homes])
    )
    rules = list(rule_ids)
    scope.update((FLAG_ENTITY, flag_id(rule, person)) for person in people for rule in rules)
    scope.update(
        (DUPLICATE_ENTITY, i)
        for i in _ids(
            db,
            """SELECT pair_id FROM duplicate_decision WHERE person_id IN (SELECT value FROM json_each(?1))
               OR other_id IN (SELECT value FROM json_each(?1))""",
            [folks],
        )
    )
    scope.update((SETTING_ENTITY, key) for key in _ids(db, "SELECT DISTINCT key FROM county_setting", []))
    return scope


def scoped_changes(
    db: sqlite_utils.Database, scope: set[tuple[str, str]], *, acknowledged: dict[str, int], full: bool = False
) -> list[WireChange]:
    """The changes of the records in ``scope`` whose seq is above what the peer acknowledged for
    their origin (all of them when ``full``), in (origin node id, seq) order, as
    ``storage.wire.changes_to_send`` gives them. Looked up by record id through the change log's
    index, so a village's share of a county database is found without reading the rest."""
    found = [
        WireChange(
            op_id(node_id, seq), node_id, seq, hlc, entity, entity_id, field, json.loads(value),
            tuple(json.loads(prev)), author, reason,
        )
        for node_id, seq, entity, entity_id, hlc, field, value, prev, author, reason in _rows(
            db, scope, acknowledged=acknowledged, full=full,
            more=", c.hlc, c.field, c.value, c.prev_op_ids, a.user_id, c.reason",
        )
    ]
    found.sort(key=lambda c: (c.node, c.seq))
    return found


def count_scoped(db: sqlite_utils.Database, scope: set[tuple[str, str]], *, acknowledged: dict[str, int]) -> int:
    """How many changes ``scoped_changes`` would give (incremental), without decoding them."""
    return sum(1 for _row in _rows(db, scope, acknowledged=acknowledged, full=False))


def _rows(db: sqlite_utils.Database, scope: set[tuple[str, str]], *, acknowledged: dict[str, int], full: bool, more: str = ""):
    """The change rows (origin node id, seq, entity, entity id, then the ``more`` columns) of the
    records in ``scope`` above what the peer acknowledged (all of them when ``full``)."""
    ids = sorted({entity_id for _entity, entity_id in scope})
    for start in range(0, len(ids), _CHUNK):
        rows = db.execute(
            f"""SELECT o.node_id, c.seq, c.entity, c.entity_id{more}
               FROM change c JOIN origin o ON o.ref = c.origin JOIN author a ON a.ref = c.author
               WHERE c.entity_id IN (SELECT value FROM json_each(?))""",
            [json.dumps(ids[start : start + _CHUNK])],
        )
        for row in rows:
            node_id, seq, entity, entity_id = row[:4]
            if (entity, entity_id) in scope and (full or seq > acknowledged.get(node_id, 0)):
                yield row
