"""The flag and referral summary of a village, a township or the county: the active flags by
severity (rule, child, household, status, the explanation in the document's language), how many
mandatory reports are still pending — a count only, never who reports — and the referrals whose
answer is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from ..core.flags import FLAG_STATUS, REFERRAL_STATUS, REFERRAL_TARGET, SEVERITY, SEVERITY_SHORT
from ..core.msg import N_, Message
from . import layout
from .layout import SMALL, Page, Words, gap, grid, label, section, text

TITLE = N_("Guardianship flags and referrals")


@dataclass(frozen=True)
class FlagLine:
    rule_id: str
    severity: str
    status: str
    report_pending: bool
    child_name_zh: str
    child_name_bo: str
    household_number: str
    house_name_zh: str
    house_name_bo: str
    raised_on: date | None
    facts: tuple[Message, ...]


@dataclass(frozen=True)
class ReferralLine:
    child_name_zh: str
    child_name_bo: str
    household_number: str
    target: str  # core.flags.REFERRAL_TARGET code
    unit_name: str
    status: str
    sent_on: str
    due_on: str
    days_overdue: int


@dataclass(frozen=True)
class FlagSummaryData:
    printed_at: datetime
    today: date
    scope: tuple[tuple[str, str], ...]
    flags: tuple[FlagLine, ...]
    pending_reports: int
    overdue_referrals: tuple[ReferralLine, ...]


def build_flag_summary(data: FlagSummaryData, lang: str) -> bytes:
    words = Words(lang)
    place = " · ".join(words.name(zh, bo) for zh, bo in data.scope) or words(N_("Rangtang County"))
    heading = " · ".join((place, words.day(data.today)))
    page = Page(words, data.printed_at, running_head=" · ".join((words(TITLE), heading)), title=words(TITLE))
    width = page.width
    story: list[Flowable] = [layout.title(words(TITLE)), gap(1.5 * mm), text(heading, layout.BODY + 1, align="center"), gap(3 * mm)]
    story += _counts(data, words, width)
    for severity in SEVERITY.codes:
        found = [f for f in data.flags if f.severity == severity]
        if found:
            story += _flags(severity, found, words, width)
    story += _referrals(data, words, width)
    return layout.build_pdf(story, page)


def _day(words: Words, text_value: str) -> str:
    try:
        return words.day(date.fromisoformat(text_value)) if text_value else ""
    except ValueError:
        return text_value


def _counts(data: FlagSummaryData, words: Words, width: float) -> list[Flowable]:
    by_severity = "  ".join(
        f"{words(SEVERITY_SHORT[s])} {words.number(sum(1 for f in data.flags if f.severity == s))}" for s in SEVERITY.codes
    )
    items = [
        (words(N_("Active flags")), f"{words.number(len(data.flags))}    {by_severity}"),
        (words(N_("Mandatory reports still to be made")), words.number(data.pending_reports)),
        (words(N_("Referrals with an overdue answer")), words.number(len(data.overdue_referrals))),
    ]
    rows = [[label(name), text(value, layout.BODY, bold=name == items[1][0] and data.pending_reports > 0)] for name, value in items]
    shaded = [(0, n) for n in range(len(rows))]
    return [section(words(N_("Summary")), width), grid(rows, [width * 0.4, width * 0.6], label_cells=shaded), gap(4 * mm)]


def _flags(severity: str, found: list[FlagLine], words: Words, width: float) -> list[Flowable]:
    shares = (0.075, 0.16, 0.18, 0.12, 0.115, 0.35)
    widths = [width * s for s in shares]
    header = [label(words(h)) for h in (N_("Rule"), N_("Child"), N_("Household"), N_("Status"), N_("Raised on"), N_("Why"))]
    rows: list[list] = [header]
    for flag in found:
        status = words(FLAG_STATUS.label(flag.status))
        if flag.report_pending:  # each language's own sentence around its own word for the status
            status = words.message(Message(N_("{status}, report pending"), {"status": Message(FLAG_STATUS.label(flag.status))}))
        household = " ".join(p for p in (flag.household_number, words.name(flag.house_name_zh, flag.house_name_bo)) if p)
        rows.append([
            text(flag.rule_id, SMALL + 0.5),
            text(words.name(flag.child_name_zh, flag.child_name_bo), SMALL + 0.5),
            text(household, SMALL + 0.5),
            text(status, SMALL + 0.5, bold=flag.report_pending),
            text(words.day(flag.raised_on), SMALL + 0.5),
            text("；".join(words.message(m) for m in flag.facts), SMALL + 0.5),
        ])
    caption = f"{words(SEVERITY.label(severity))} ({words.number(len(found))})"
    return [section(caption, width), grid(rows, widths, header=True, repeat=1, valign="TOP"), gap(4 * mm)]


def _referrals(data: FlagSummaryData, words: Words, width: float) -> list[Flowable]:
    caption = words(N_("Referrals with an overdue answer"))
    if not data.overdue_referrals:
        return [section(caption, width), gap(1 * mm), text(words(N_("No referral is overdue."))), gap(4 * mm)]
    shares = (0.17, 0.15, 0.2, 0.12, 0.12, 0.12, 0.12)
    widths = [width * s for s in shares]
    header = [label(words(h)) for h in (
        N_("Child"), N_("Household number"), N_("Referred to"), N_("Status"), N_("Sent on"), N_("Answer due by"), N_("Days overdue"),
    )]
    rows: list[list] = [header]
    for referral in data.overdue_referrals:
        target = " ".join(p for p in (words.vocab(REFERRAL_TARGET, referral.target), referral.unit_name) if p)
        rows.append([
            text(words.name(referral.child_name_zh, referral.child_name_bo), SMALL + 0.5),
            text(referral.household_number, SMALL + 0.5),
            text(target, SMALL + 0.5),
            text(words.vocab(REFERRAL_STATUS, referral.status), SMALL + 0.5),
            text(_day(words, referral.sent_on), SMALL + 0.5),
            text(_day(words, referral.due_on), SMALL + 0.5),
            text(words.number(referral.days_overdue), SMALL + 0.5, align="right"),
        ])
    return [section(caption, width), grid(rows, widths, header=True, repeat=1, valign="TOP"), gap(4 * mm)]
