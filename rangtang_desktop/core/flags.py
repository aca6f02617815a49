"""Flags: what a rule says about a child, and the words every screen, report and command uses for
severities, statuses, referral targets.

A rule (``core/flag_rules.py``) is data: an id, a version, a severity, whether it triggers a
mandatory report (强制报告), its legal basis, a plain-words condition for reviewers, and a check
that, given one child's facts (``core/facts.py``) and the county settings, returns a ``Finding``
naming the facts that made it fire — or ``None``. Rules only advise: every flag is acknowledged,
referred, resolved or dismissed by a person, with a reason (个人信息保护法 第24条).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from .county_settings import CountySettings
from .facts import ChildFacts
from .msg import N_, Message
from .vocab import Vocabulary

SEVERITY = Vocabulary(
    "severity",
    (
        ("critical", N_("Critical: act now")),
        ("high", N_("High: tell the township today or follow up within 7 days")),
        ("medium", N_("Medium: follow up within 30 days")),
        ("low", N_("Low: keep an eye on it")),
        ("data", N_("Data: a record to correct")),
    ),
)
SEVERITY_SHORT = {
    "critical": N_("Critical"),
    "high": N_("High"),
    "medium": N_("Medium"),
    "low": N_("Low"),
    "data": N_("Data"),
}
SEVERITY_ORDER = {code: rank for rank, code in enumerate(SEVERITY.codes)}

FLAG_STATUS = Vocabulary(
    "flag_status",
    (
        ("open", N_("Open")),
        ("acknowledged", N_("Acknowledged")),
        ("referred", N_("Referred")),
        ("resolved", N_("Resolved")),
        ("dismissed", N_("Dismissed")),
    ),
)
# Which status may follow which (a reason is written at every step).
TRANSITIONS = {
    "open": ("acknowledged", "referred", "resolved", "dismissed"),
    "acknowledged": ("referred", "resolved", "dismissed"),
    "referred": ("resolved", "dismissed", "acknowledged"),
    "resolved": ("open",),
    "dismissed": ("open",),
}

MANDATORY = Vocabulary(
    "mandatory_report",
    (("yes", N_("Yes")), ("no", N_("No")), ("conditional", N_("In some cases"))),
)

REFERRAL_TARGET = Vocabulary(
    "referral_target",
    (
        ("township", N_("Township government")),
        ("civil_affairs", N_("Civil affairs bureau")),
        ("police", N_("Police")),
        ("school", N_("School")),
        ("clinic", N_("Clinic or hospital")),
        ("womens_federation", N_("Women's federation")),
        ("other", N_("Other")),
    ),
)

REFERRAL_STATUS = Vocabulary(
    "referral_status",
    (
        ("sent", N_("Sent")),
        ("accepted", N_("Accepted")),
        ("done", N_("Done")),
        ("declined", N_("Declined")),
    ),
)


@dataclass(frozen=True)
class Finding:
    """A rule firing for a child: how serious, whether a mandatory report is due, the facts."""

    rule_id: str
    child_id: str
    severity: str
    mandatory_report: bool
    facts: tuple[Message, ...]  # each names one triggering fact, e.g. "father: imprisoned since 2025-03"
    suggests: str = ""  # a category (vocab.CLASSIFICATION_KIND) offered for a person to confirm


@dataclass(frozen=True)
class Rule:
    id: str  # R01 … R36
    version: int
    severity: str  # the usual severity (a finding may raise or lower it, as the rule says)
    mandatory_report: str  # MANDATORY: yes | no | conditional
    basis: str  # message id: the law or policy, e.g. 《未成年人保护法》第二十一条
    condition: str  # message id: the condition in plain words, for the rules page
    check: Callable[[ChildFacts, CountySettings], Finding | None]
    mandatory_note: str = ""  # message id: when a conditional rule requires a report
    suggests: str = ""  # the category this rule offers for confirmation, if any


FLAG_NAMESPACE = uuid.UUID("6f1d3f1e-5b7a-4a55-9a55-52616e677461")


def flag_id(rule_id: str, child_id: str) -> str:
    """The id of the flag of a rule for a child: the same on every laptop, so a flag raised by the
    village and by the township is one flag."""
    return str(uuid.uuid5(FLAG_NAMESPACE, f"{rule_id}:{child_id}"))
