"""Evaluating the flag rules: in full (every living minor, in one transaction), or for the children
a save can affect (``affected_children``), which ``services.register.save``/``delete`` and
``services.visits.sign`` call right after their own transaction. Each child's facts come from
``flag_facts``; what was found is stored by ``storage.flags.store_findings``, which never duplicates
a flag (the key is the rule and the child) and never deletes one (a flag that stops holding is kept,
with its status and history). Evaluation is local: it writes nothing to the change log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..core import records
from ..core.dates import minor_cutoff, utc_now_text
from ..core.flag_rules import RULES, evaluate
from ..core.flags import SEVERITY_ORDER, Rule
from ..core.visits import Visit
from ..storage import flags as store
from ..storage.database import write_transaction
from ..storage.register import LIVE_PERSON, MINOR
from .changes import Changes
from .county_settings import load as load_settings
from .flag_facts import facts_for, minor_ids
from .workspace import Workspace

log = logging.getLogger(__name__)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in (RULES.values() if isinstance(RULES, dict) else RULES)}


@dataclass(frozen=True)
class EvaluationResult:
    """What one evaluation changed, and the flags that hold afterwards (in the children evaluated)."""

    children: int
    raised: int  # new flags
    raised_again: int  # cleared before, hold again
    cleared: int
    still_holding: int
    changed: int  # still holding, with another severity, report duty or rule version
    by_severity: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> Changes:
        return Changes(flags=True)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _states(facts: Iterable, settings) -> list[store.FlagState]:
    found = []
    for child_facts in facts:
        for finding in evaluate(child_facts, settings):
            rule = RULES_BY_ID.get(finding.rule_id)
            found.append(store.FlagState(
                finding.rule_id, rule.version if rule else 1,
                finding.child_id, finding.severity, bool(finding.mandatory_report), store.facts_to_json(finding.facts),
                finding.suggests or "",
            ))
    return found


def _result(children: int, stored: store.StoreResult) -> EvaluationResult:
    by_severity = {code: stored.holding_by_severity.get(code, 0) for code in SEVERITY_ORDER}
    return EvaluationResult(
        children, len(stored.raised), len(stored.raised_again), len(stored.cleared), stored.still_holding,
        len(stored.changed), by_severity,
    )


@contextlib.contextmanager
def _without_cycle_collection():
    """Evaluation makes hundreds of thousands of small objects and no reference cycles: pausing the
    cycle collector meanwhile saves about a tenth of the time (it is switched on again after)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def evaluate_all(ws: Workspace) -> EvaluationResult:
    """Evaluate every rule for every living minor, in one transaction; flags of anyone no longer a
    living minor in the register stop holding."""
    today, settings = ws.today(), load_settings(ws)
    with _without_cycle_collection(), write_transaction(ws.db):
        ids = minor_ids(ws, today)
        facts = facts_for(ws, ids, today=today, settings=settings, all_minors=True)
        stored = store.store_findings(ws.db, _states(facts.values(), settings), None, utc_now_text())
    return _result(len(ids), stored)


def _minors_among(ws: Workspace, ids: Sequence[str], today: date) -> list[str]:
    found = []
    for start in range(0, len(ids), 500):
        batch = list(ids[start:start + 500])
        rows = ws.db.execute(
            f"SELECT p.id FROM person p WHERE {LIVE_PERSON} AND {MINOR} AND p.id IN ({', '.join('?' for _ in batch)})",
            [minor_cutoff(today).isoformat(), *batch],
        )
        found += [r[0] for r in rows]
    return found


def evaluate_children(ws: Workspace, child_ids: Iterable[str]) -> EvaluationResult:
    """Evaluate every rule for these people (those who are not living minors any more lose their
    holding flags), and for the children newly found to be possible duplicates of them."""
    asked = list(dict.fromkeys(i for i in child_ids if i))
    today, settings = ws.today(), load_settings(ws)
    with write_transaction(ws.db):
        ids = _minors_among(ws, asked, today)
        facts = facts_for(ws, ids, today=today, settings=settings)
        others = sorted({d for f in facts.values() for d in f.possible_duplicate_of} - set(asked))
        if others:
            facts.update(facts_for(ws, others, today=today, settings=settings))
        stored = store.store_findings(ws.db, _states(facts.values(), settings), [*asked, *others], utc_now_text())
    return _result(len(facts), stored)


def _children_of(ws: Workspace, adult_ids: Iterable[str]) -> list[str]:
    ids = [i for i in adult_ids if i]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = ws.db.execute(
        f"""SELECT child_id FROM relation WHERE adult_id IN ({marks})
            UNION SELECT child_id FROM care_arrangement WHERE carer_id IN ({marks})""",
        [*ids, *ids],
    )
    return [r[0] for r in rows]


def _household_minors(ws: Workspace, household_id: str) -> list[str]:
    rows = ws.db.execute(
        f"SELECT p.id FROM person p WHERE p.household_id = ? AND {LIVE_PERSON} AND {MINOR}",
        [household_id, minor_cutoff(ws.today()).isoformat()],
    )
    return [r[0] for r in rows]


def affected_children(ws: Workspace, record: Any) -> list[str]:
    """The people whose flags a saved (or deleted) record can change: a person themself and the
    children they are related to or care for; a household's minors; the child of a relation, care
    arrangement or category; the children of a parent whose situation it is; the children of the
    guardians at a family-education session; the children of a visit and its household's minors.
    Referrals and reports change no rule's inputs."""
    if isinstance(record, records.Person):
        return list(dict.fromkeys([record.id, *_children_of(ws, [record.id])]))
    if isinstance(record, records.Household):
        return _household_minors(ws, record.id)
    if isinstance(record, (records.Relation, records.CareArrangement, records.Classification)):
        return [record.child_id]
    if isinstance(record, records.ParentSituation):
        return _children_of(ws, [record.person_id])
    if isinstance(record, records.FamilyEducationSession):
        return _children_of(ws, record.guardian_ids)
    if isinstance(record, Visit):
        return list(dict.fromkeys([*(c.person_id for c in record.children), *_household_minors(ws, record.household_id)]))
    return []


def reevaluate(ws: Workspace, *saved: Any) -> Changes:
    """After a save: evaluate the children the saved records (and their versions before) affect."""
    ids: list[str] = []
    for record in saved:
        if record is not None:
            ids += affected_children(ws, record)
    return reevaluate_children(ws, ids)


def reevaluate_children(ws: Workspace, child_ids: Iterable[str]) -> Changes:
    """Evaluate these children after a save (which is committed by then). A failure is logged with
    its traceback and not raised: the save must not look refused when it is not; the next full
    evaluation catches up."""
    ids = list(dict.fromkeys(child_ids))
    if not ids:
        return Changes()
    try:
        evaluate_children(ws, ids)
    except Exception:
        log.exception("flag evaluation after a save failed")
        return Changes()
    return Changes(flags=True)
