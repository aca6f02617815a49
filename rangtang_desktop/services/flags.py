"""Guardianship flags: evaluating the rules (in full, or for the children a save touched), the
human lifecycle (open → acknowledged → referred → resolved | dismissed, a reason at every step),
mandatory reports (强制报告), referrals and suggested categories.

Evaluation (``flag_evaluation``, whose functions are importable from here too) is derived and
local: each laptop computes the same flags from the same synced register (``storage.flags``). It
runs in full on demand (and after a change of the county settings) and for the affected children
after every save that can change a rule's inputs; a flag is keyed by rule and child, so it is never
duplicated, and a flag whose condition stops holding is kept, marked as no longer holding, with its
status and history.

The lifecycle is human and synced: every status change goes through the change log with its author,
time and reason. A CRITICAL flag that requires a mandatory report and is open or acknowledged with
no report saved is *report pending*: it cannot be referred, resolved or dismissed until a report is
saved, except that a township supervisor may dismiss it with a reason. Saving a report or a referral
for a flag moves it to referred in the same call. Report records are restricted: the reporter's
identity never appears in lists, and the status change a report makes is shown without its author.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core import records
from ..core.errors import InvalidArgument, RangtangError, RecordNotFound, ValidationFailed
from ..core.flags import FLAG_STATUS, SEVERITY_ORDER, TRANSITIONS, Rule
from ..core.msg import N_, Message
from ..core.validation import Problem
from ..core.vocab import CLASSIFICATION_STATUS
from ..storage import changelog, nodes
from ..storage import flags as store
from ..storage import register as reg
from ..storage.changelog import row_to_record
from ..storage.database import write_transaction
from ..storage.register import place_clauses
from . import audit, permissions
from .changes import Changes
from .flag_evaluation import RULES_BY_ID as RULES_BY_ID
from .flag_evaluation import EvaluationResult as EvaluationResult
from .flag_evaluation import affected_children as affected_children
from .flag_evaluation import evaluate_all as evaluate_all
from .flag_evaluation import evaluate_children as evaluate_children
from .flag_evaluation import reevaluate as reevaluate
from .flag_evaluation import reevaluate_children as reevaluate_children
from .workspace import Workspace

OPEN_STATES = ("open", "acknowledged")  # a mandatory report may still be pending
SUPERVISOR = "township_supervisor"

# Reasons the program writes itself (stored as these message ids, shown translated).
REPORT_REASON = N_("A mandatory report was saved.")
REFERRAL_REASON = N_("A referral was saved.")
SUGGESTION_REASON = N_("The suggested category was recorded for confirmation.")
AUTOMATIC_REASONS = (REPORT_REASON, REFERRAL_REASON, SUGGESTION_REASON)


# -- errors ------------------------------------------------------------------------------------------


class ReasonRequired(RangtangError):
    headline = N_("Every step of a flag needs a reason.")
    advice = N_("Write in a few words why, then save again. Nothing has been changed.")


class TransitionRefused(RangtangError):
    headline = N_("A flag that is {current} cannot be marked {wanted}.")
    advice = N_("Choose one of the steps offered for this flag. Nothing has been changed.")


class MandatoryReportPending(RangtangError):
    headline = N_("This flag needs a mandatory report to the police first.")
    advice = N_(
        "Save the report (when the situation was discovered, when and to whom it was reported, the receiving "
        "unit and the case number), or ask a township supervisor to dismiss it with a reason. Nothing has been changed."
    )


class SupervisorOnly(RangtangError):
    headline = N_("Only a township supervisor can dismiss a flag that needs a mandatory report.")
    advice = N_("Save the mandatory report instead, or ask the township supervisor. Nothing has been changed.")


class NoSuggestion(RangtangError):
    headline = N_("This flag does not suggest a category.")
    advice = N_("Record a category from the child's page instead. Nothing has been changed.")


# -- rows for lists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagRow:
    """A flag as lists and the flag page show it. Never carries a report's reporter."""

    flag_id: str
    rule_id: str
    rule_version: int
    child_id: str
    severity: str
    mandatory_report: bool
    holds: bool
    status: str
    facts_json: str
    suggests: str
    first_raised_at: str  # UTC, ISO 8601
    last_changed_at: str
    cleared_at: str
    status_changed_at: str
    child_name_zh: str
    child_name_bo: str
    household_id: str
    household_number: str
    village_code: str
    group_code: str
    house_name_zh: str
    house_name_bo: str
    has_report: bool

    @property
    def facts(self) -> tuple[Message, ...]:
        """The explanation: one message per fact that made the rule fire."""
        return store.facts_from_json(self.facts_json)

    @property
    def report_pending(self) -> bool:
        """A critical flag that requires a mandatory report, still open or acknowledged, without one."""
        return self.severity == "critical" and self.mandatory_report and self.status in OPEN_STATES and not self.has_report

    def as_json(self, translate=None) -> dict[str, Any]:
        """The shape of DESIGN §7 (``flags --json``) with more keys; the explanation rendered with
        ``translate`` when given."""
        value = {
            "flag_id": self.flag_id, "rule_id": self.rule_id, "person_id": self.child_id, "severity": self.severity,
            "mandatory_report": self.mandatory_report, "status": self.status, "holds": self.holds,
            "rule_version": self.rule_version, "report_pending": self.report_pending, "suggests": self.suggests,
            "first_raised_at": self.first_raised_at, "cleared_at": self.cleared_at,
            "household_number": self.household_number or "", "village_code": self.village_code or "",
            "group_code": self.group_code or "",
        }
        if translate is not None:
            value["explanation"] = [m.render(translate) for m in self.facts]
        return value


_ROW_SQL = f"""
    SELECT f.id, f.rule_id, f.rule_version, f.child_id, f.severity, f.mandatory_report, f.holds,
           coalesce(s.status, '{store.DEFAULT_STATUS}'), f.facts, f.suggests, f.first_raised_at, f.last_changed_at,
           f.cleared_at, coalesce(s.changed_at, ''), coalesce(p.name_zh, ''), coalesce(p.name_bo, ''),
           coalesce(p.household_id, ''), coalesce(h.household_number, ''), coalesce(h.village_code, ''),
           coalesce(h.group_code, ''), coalesce(h.house_name_zh, ''), coalesce(h.house_name_bo, ''),
           EXISTS (SELECT 1 FROM mandatory_report m WHERE m.flag_id = f.id AND m.deleted = 0)
    FROM flag f LEFT JOIN flag_status s ON s.flag_id = f.id
    LEFT JOIN person p ON p.id = f.child_id LEFT JOIN household h ON h.id = p.household_id"""


def _rows(ws: Workspace, clauses: list[str], params: list) -> list[FlagRow]:
    sql = _ROW_SQL + (f" WHERE {' AND '.join(clauses)}" if clauses else "")
    rows = [
        FlagRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), bool(r[6]), *r[7:22], bool(r[22]))
        for r in ws.db.execute(sql, params)
    ]
    rows.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, len(SEVERITY_ORDER)), r.first_raised_at, r.flag_id))
    return rows


def list_flags(
    ws: Workspace, *, status: str | Sequence[str] | None = None, village_code: str = "", group_code: str = "",
    rule_id: str = "", severity: str = "", include_cleared: bool = False, child_id: str = "",
) -> list[FlagRow]:
    """Flags by severity, then age (oldest first). ``status`` is one status or several;
    ``village_code`` may be a township code (all its villages); cleared flags only when asked. A
    grid worker gets the flags of their village groups only."""
    clauses, params = place_clauses(village_code, group_code, groups=permissions.group_scope(ws))
    if status:
        wanted = [status] if isinstance(status, str) else list(status)
        clauses.append(f"coalesce(s.status, '{store.DEFAULT_STATUS}') IN ({', '.join('?' for _ in wanted)})")
        params += wanted
    for column, value in (("f.rule_id", rule_id), ("f.severity", severity), ("f.child_id", child_id)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if not include_cleared:
        clauses.append("f.holds = 1")
    return _rows(ws, clauses, params)


def flag(ws: Workspace, flag_id_: str) -> FlagRow | None:
    found = _rows(ws, ["f.id = ?"], [flag_id_])
    return found[0] if found else None


def pending_reports(ws: Workspace, *, village_code: str = "") -> list[FlagRow]:
    """Critical flags that require a mandatory report, open or acknowledged, with no report saved
    (whether or not their condition still holds: what was seen must still be reported). Only for
    the roles that may see mandatory reports."""
    if not permissions.allowed(ws, "restricted_records"):
        return []
    clauses, params = place_clauses(village_code)
    clauses += [
        "f.severity = 'critical'", "f.mandatory_report = 1",
        f"coalesce(s.status, '{store.DEFAULT_STATUS}') IN ('open', 'acknowledged')",
        "NOT EXISTS (SELECT 1 FROM mandatory_report m WHERE m.flag_id = f.id AND m.deleted = 0)",
    ]
    return _rows(ws, clauses, params)


def rules() -> list[Rule]:
    """Every rule, in id order, for the rules page."""
    return sorted(RULES_BY_ID.values(), key=lambda r: r.id)


# -- lifecycle ---------------------------------------------------------------------------------------------


def _acting_role(ws: Workspace) -> str:
    return next((u.role for u in nodes.users(ws.db) if u.user_id == ws.user_id), "")


def _has_report(ws: Workspace, flag_id_: str) -> bool:
    return ws.db.execute(
        "SELECT 1 FROM mandatory_report WHERE flag_id = ? AND deleted = 0 LIMIT 1", [flag_id_]
    ).fetchone() is not None


def _pending(ws: Workspace, found: store.StoredFlag | None, status: str) -> bool:
    return (
        found is not None and found.severity == "critical" and found.mandatory_report
        and status in OPEN_STATES and not _has_report(ws, found.id)
    )


def _label(status: str) -> Message:
    return Message(FLAG_STATUS.label(status))


def _write_status(ws: Workspace, flag_id_: str, status: str, reason: str) -> None:
    ws.changelog().write_value(store.FLAG_ENTITY, flag_id_, store.STATUS_FIELD, {"status": status}, reason)
    store.refresh_status(ws.db, [flag_id_])


def _known(ws: Workspace, flag_id_: str) -> tuple[store.StoredFlag | None, str]:
    found = store.get_flag(ws.db, flag_id_)
    has_status = ws.db.execute("SELECT 1 FROM flag_status WHERE flag_id = ?", [flag_id_]).fetchone()
    if found is None and has_status is None:
        raise RecordNotFound()
    return found, store.status_of(ws.db, flag_id_)


def _check_step(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, ()):
        raise TransitionRefused(current=_label(current), wanted=_label(wanted))


def set_status(ws: Workspace, flag_id_: str, status: str, reason: str) -> Changes:
    """Move a flag one step of its lifecycle, with a reason (through the change log, so the
    township sees who did it, when and why)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with write_transaction(ws.db):
        found, current = _known(ws, flag_id_)
        _check_step(current, status)
        if status != "acknowledged" and _pending(ws, found, current):
            if status != "dismissed":
                raise MandatoryReportPending()
            if _acting_role(ws) != SUPERVISOR:
                raise SupervisorOnly()
        _write_status(ws, flag_id_, status, reason)
        audit.changed(ws, "flag", flag_id_, {"op": "status", "from": current, "to": status})
    return Changes(flags=True)


def dismiss_mandatory(ws: Workspace, flag_id_: str, reason: str) -> Changes:
    """A township supervisor dismisses a flag whose mandatory report is pending, with a reason."""
    if _acting_role(ws) != SUPERVISOR:
        raise SupervisorOnly()
    return set_status(ws, flag_id_, "dismissed", reason)


# -- history -------------------------------------------------------------------------------------------------


def verbatim(text: str) -> Message:
    """A person's own words as a message (translation leaves them as they are)."""
    return Message("{text}", {"text": text})


@dataclass(frozen=True)
class FlagEvent:
    """One step in a flag's history: a status change (synced: who, when, from, to, why) or an
    evaluation on this laptop (raised, cleared, raised again, changed)."""

    at: str  # UTC, ISO 8601
    kind: str  # "status" or one of storage.flags.EVENT_KINDS
    from_status: str = ""
    to_status: str = ""
    author_id: str = ""  # empty where the author is confidential (the status change a report made)
    author_name: str = ""
    reason: Message | None = None
    severity: str = ""
    mandatory_report: bool = False
    rule_version: int = 0
    facts: tuple[Message, ...] = ()


def flag_history(ws: Workspace, flag_id_: str) -> list[FlagEvent]:
    """A flag's history, oldest first."""
    changes = [c for c in changelog.changes_of(ws.db, [flag_id_]) if c.field == store.STATUS_FIELD]
    by_op = {c.op_id: c for c in changes}
    missing = {p for c in changes for p in c.prev_op_ids if p not in by_op}
    by_op.update(changelog.changes_by_op(ws.db, missing))
    names = nodes.user_names(ws.db)
    events = []
    for change in changes:
        before = [json.loads(by_op[p].value).get("status", "") for p in change.prev_op_ids if p in by_op]
        confidential = change.reason == REPORT_REASON
        author = "" if confidential else change.author
        events.append(FlagEvent(
            at=store.stamp_text(change.hlc, change.node_id), kind="status",
            from_status=before[0] if before else store.DEFAULT_STATUS,
            to_status=json.loads(change.value).get("status", ""),
            author_id=author, author_name=names.get(author, "") if author else "",
            reason=Message(change.reason) if change.reason in AUTOMATIC_REASONS else verbatim(change.reason),
        ))
    for event in store.flag_events(ws.db, flag_id_):
        events.append(FlagEvent(
            at=event.at, kind=event.kind, severity=event.severity, mandatory_report=event.mandatory_report,
            rule_version=event.rule_version, facts=event.facts,
        ))
    events.sort(key=lambda e: e.at)
    return events


# -- reports and referrals ----------------------------------------------------------------------------------


def before_save(ws: Workspace, record: Any) -> Any:
    """What ``register.save`` does to a report or referral before writing it: the flag it names
    must be known; a report names the acting user as its (confidential) reporter; a new referral
    for a flag whose mandatory report is pending is refused."""
    if not isinstance(record, (records.MandatoryReport, records.Referral)):
        return record
    if record.flag_id and store.get_flag(ws.db, record.flag_id) is None and not ws.db.execute(
        "SELECT 1 FROM flag_status WHERE flag_id = ?", [record.flag_id]
    ).fetchone():
        raise ValidationFailed([Problem("flag_id", "error", Message(N_("The linked record no longer exists.")))])
    if isinstance(record, records.MandatoryReport) and not record.reporter:
        return dataclasses.replace(record, reporter=ws.user_id)
    if isinstance(record, records.Referral) and record.flag_id and (not record.id or reg.find(ws.db, "referral", record.id) is None):
        found = store.get_flag(ws.db, record.flag_id)
        if _pending(ws, found, store.status_of(ws.db, record.flag_id)):
            raise MandatoryReportPending()
    return record


def after_write(ws: Workspace, record: Any, old: Any | None) -> Changes:
    """Inside ``register.save``'s transaction: a newly saved report or referral moves its flag,
    if open or acknowledged, to referred."""
    if not isinstance(record, (records.MandatoryReport, records.Referral)) or record.deleted:
        return Changes()
    if not record.flag_id or (old is not None and not old.deleted and old.flag_id == record.flag_id):
        return Changes()
    if store.status_of(ws.db, record.flag_id) in OPEN_STATES:
        reason = REPORT_REASON if isinstance(record, records.MandatoryReport) else REFERRAL_REASON
        _write_status(ws, record.flag_id, "referred", reason)
    return Changes(flags=True)


def mandatory_reports(ws: Workspace, flag_id_: str) -> list[records.MandatoryReport]:
    """The reports saved for a flag (restricted records: none for a role that may not see them)."""
    if not permissions.may_see_entity(ws, "mandatory_report"):
        return []
    rows = ws.db.query("SELECT * FROM mandatory_report WHERE flag_id = ? AND deleted = 0 ORDER BY reported_at", [flag_id_])
    return [row_to_record("mandatory_report", r) for r in rows]


def referrals(ws: Workspace, *, flag_id_: str = "", child_id: str = "") -> list[records.Referral]:
    """Referrals of a flag or of a child, oldest first (none for a role that may not see them)."""
    if not permissions.may_see_entity(ws, "referral"):
        return []
    clauses, params = ["deleted = 0"], []
    if flag_id_:
        clauses.append("flag_id = ?")
        params.append(flag_id_)
    if child_id:
        clauses.append("child_id = ?")
        params.append(child_id)
    rows = ws.db.query(f"SELECT * FROM referral WHERE {' AND '.join(clauses)} ORDER BY sent_on, id", params)
    return [row_to_record("referral", r) for r in rows]


@dataclass(frozen=True)
class ReferralRow:
    referral: records.Referral
    child_name_zh: str
    child_name_bo: str
    household_number: str
    village_code: str
    days_overdue: int


def overdue_referrals(ws: Workspace, today: date | None = None, *, village_code: str = "") -> list[ReferralRow]:
    """Referrals sent or accepted whose answer was due before ``today``, longest overdue first."""
    if not permissions.may_see_entity(ws, "referral"):
        return []
    today = today or ws.today()
    clauses, params = place_clauses(village_code)
    place = "".join(f" AND {c}" for c in clauses)
    rows = ws.db.query(
        f"""SELECT r.*, coalesce(p.name_zh, '') AS child_name_zh, coalesce(p.name_bo, '') AS child_name_bo,
                   coalesce(h.household_number, '') AS household_number, coalesce(h.village_code, '') AS child_village
            FROM referral r LEFT JOIN person p ON p.id = r.child_id LEFT JOIN household h ON h.id = p.household_id
            WHERE r.deleted = 0 AND r.status IN ('sent', 'accepted') AND r.due_on != '' AND r.due_on < ?{place}
            ORDER BY r.due_on, r.id""",
        [today.isoformat(), *params],
    )
    found = []
    for row in rows:
        referral = row_to_record("referral", row)
        overdue = (today - date.fromisoformat(referral.due_on)).days
        found.append(ReferralRow(referral, row["child_name_zh"], row["child_name_bo"], row["household_number"], row["child_village"], overdue))
    return found


# -- suggested categories --------------------------------------------------------------------------------------


def confirm_suggestion(ws: Workspace, flag_id_: str, status: str = "pending", reason: str = "") -> Changes:
    """A person confirms the category a flag suggests: the category is recorded (``pending``
    verification by default; never done automatically) and the flag resolved, with the reason."""
    from . import register

    if status not in CLASSIFICATION_STATUS or status == "ended":
        raise InvalidArgument(option="status", value=status)
    reason = (reason or "").strip()
    with write_transaction(ws.db):
        found, _current = _known(ws, flag_id_)
        if found is None or not found.suggests:
            raise NoSuggestion()
        category = records.Classification(
            child_id=found.child_id, kind=found.suggests, status=status, status_date=ws.today().isoformat(),
        )
        with audit.covering():
            changes = register.save(ws, category, reason=reason).changes
        if "resolved" in TRANSITIONS.get(store.status_of(ws.db, flag_id_), ()):
            _write_status(ws, flag_id_, "resolved", reason or SUGGESTION_REASON)
        audit.changed(ws, "flag", flag_id_, {"op": "confirm_suggestion", "status": status})
    return changes | Changes(register=True, flags=True)
