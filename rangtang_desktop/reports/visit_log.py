"""The monthly visit log (巡查寻访台账) of a village, a village group, a township or a grid worker's
households: one line per visit of the month, the households with minors not yet visited enough
(from ``services.compliance``, the one definition), the totals, and a block to sign at the bottom.
Landscape A4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, LongTable, Spacer

from ..core.compliance import STATE_LABELS
from ..core.msg import N_
from ..core.visits import parse_instant
from ..core.vocab import VISIT_MODE
from ..i18n.values import NO, YES
from . import layout
from .layout import PAD, SMALL, Page, Words, gap, grid, label, pairs, section, text

TITLE = N_("Monthly visit log")
RATING_SHORT = {"good": N_("Good (较好)"), "fair": N_("Fair (一般)"), "poor": N_("Poor (差)")}


@dataclass(frozen=True)
class LogLine:
    day: date | None
    visited_at: str  # UTC instant
    household_number: str
    house_name_zh: str
    house_name_bo: str
    children: tuple[tuple[str, str], ...]  # (Chinese, Tibetan) names of the children seen
    mode: str
    visitor: str
    rating: str
    signed: bool


@dataclass(frozen=True)
class PendingLine:
    """A household with minors not visited enough this month."""

    household_number: str
    house_name_zh: str
    house_name_bo: str
    group: tuple[str, str]
    counted: int
    needed: int
    visit_days: tuple[date, ...]
    state: str  # core.compliance state


@dataclass(frozen=True)
class LogData:
    year: int
    month: int
    printed_at: datetime
    scope: tuple[tuple[str, str], ...]  # the village (or township) and group names, (Chinese, Tibetan)
    worker: str  # the grid worker's name when the log is for one worker's households
    lines: tuple[LogLine, ...]
    pending: tuple[PendingLine, ...]
    households_in_scope: int
    households_met: int
    coverage: float


def build_visit_log(data: LogData, lang: str) -> bytes:
    words = Words(lang)
    heading = _heading(data, words)
    page = Page(words, data.printed_at, pagesize=landscape(A4), running_head=heading, title=words(TITLE))
    width = page.width
    story: list[Flowable] = [layout.title(words(TITLE)), gap(1.5 * mm), text(heading, layout.BODY + 1, align="center"), gap(3 * mm)]
    story += _visits(data, words, width)
    story += _pending(data, words, width)
    story.append(KeepTogether(_totals(data, words, width) + _signatures(words, width)))
    return layout.build_pdf(story, page)


def _heading(data: LogData, words: Words) -> str:
    parts = [words.name(zh, bo) for zh, bo in data.scope] or [words(N_("Rangtang County"))]
    parts.append(words.month(data.year, data.month))
    if data.worker:
        parts.append(words(N_("Visitor: {name}"), name=data.worker))
    return " · ".join(parts)


def _visits(data: LogData, words: Words, width: float) -> list[Flowable]:
    shares = (0.035, 0.13, 0.12, 0.1, 0.255, 0.1, 0.09, 0.11, 0.06)
    widths = [width * s for s in shares]
    header = [label(words(h)) for h in (
        "#", N_("Date and time"), N_("Household number"), N_("House name"), N_("Children seen"), N_("How"),
        N_("Visitor"), N_("Guardianship rating"), N_("Signed"),
    )]
    rows: list[list] = [header]
    unsigned_rows = []
    for number, line in enumerate(data.lines, start=1):
        rating = words(RATING_SHORT[line.rating]) if line.rating in RATING_SHORT else ""
        rows.append([
            text(words.number(number), SMALL + 0.5),
            text(words.moment(parse_instant(line.visited_at)), SMALL + 0.5),
            text(line.household_number, SMALL + 0.5),
            text(words.name(line.house_name_zh, line.house_name_bo), SMALL + 0.5),
            text("、".join(words.name(zh, bo) for zh, bo in line.children), SMALL + 0.5),
            text(words.vocab(VISIT_MODE, line.mode), SMALL + 0.5),
            text(line.visitor, SMALL + 0.5),
            text(rating, SMALL + 0.5),
            text(words(YES) if line.signed else words(NO), SMALL + 0.5, bold=not line.signed),
        ])
        if not line.signed:
            unsigned_rows.append(len(rows) - 1)
    if not data.lines:
        rows.append([text(words(N_("No visits were recorded in this month."))), *[""] * 8])
    table = LongTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, layout.RULE),
        ("BACKGROUND", (0, 0), (-1, 0), layout.LABEL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD - 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD - 1),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if not data.lines:
        style.append(("SPAN", (0, 1), (-1, 1)))
    for row in unsigned_rows:
        style.append(("BACKGROUND", (0, row), (-1, row), layout.colors.HexColor("#FBE9E7")))
    table.setStyle(layout.table_style(style))
    signed = sum(1 for line in data.lines if line.signed)
    note = words(
        N_("{signed} signed visits, {unsigned} not signed yet (unsigned visits do not count)."),
        signed=words.number(signed), unsigned=words.number(len(data.lines) - signed),
    )
    heading = section(words(N_("Visits this month")), width, before_long_table=True)
    return [heading, table, gap(1 * mm), text(note, SMALL + 0.5), gap(4 * mm)]


def _pending(data: LogData, words: Words, width: float) -> list[Flowable]:
    caption = words(N_("Households with minors not yet visited enough this month"))
    if not data.pending:
        return [section(caption, width), gap(1 * mm), text(words(N_("Every household with minors was visited enough."))), gap(4 * mm)]
    shares = (0.04, 0.15, 0.15, 0.13, 0.1, 0.28, 0.15)
    widths = [width * s for s in shares]
    header = [label(words(h)) for h in (
        "#", N_("Household number"), N_("House name"), N_("Village group"), N_("Visits"), N_("Visit days"), N_("Status"),
    )]
    rows: list[list] = [header]
    for number, line in enumerate(data.pending, start=1):
        rows.append([
            text(words.number(number), SMALL + 0.5),
            text(line.household_number, SMALL + 0.5),
            text(words.name(line.house_name_zh, line.house_name_bo), SMALL + 0.5),
            text(words.name(*line.group), SMALL + 0.5),
            text(f"{words.number(line.counted)} / {words.number(line.needed)}", SMALL + 0.5),
            text("、".join(words.day(d) for d in line.visit_days), SMALL + 0.5),
            text(words(STATE_LABELS[line.state]), SMALL + 0.5),
        ])
    table = grid(rows, widths, header=True, repeat=1)
    return [section(caption, width, before_long_table=True), table, gap(4 * mm)]


def _totals(data: LogData, words: Words, width: float) -> list[Flowable]:
    percent = words.number(round(data.coverage * 100))
    items = [
        (words(N_("Households with minors in scope")), words.number(data.households_in_scope)),
        (words(N_("Visited enough (at least twice)")), words.number(data.households_met)),
        (words(N_("Coverage")), f"{percent}%"),
    ]
    return [section(words(N_("Totals")), width), pairs(items, width, columns=3, label_share=0.6), gap(6 * mm)]


def _signatures(words: Words, width: float) -> list[Flowable]:
    roles = (N_("Filled in by (visitor)"), N_("Checked by"), N_("Responsible person"))
    column = width / 3
    cells = []
    for role in roles:
        cells.append([
            text(words(role), layout.BODY, bold=True),
            Spacer(1, 9 * mm),
            text(words(N_("Signature")) + " ________________________", layout.BODY),
            Spacer(1, 5 * mm),
            text(words(N_("Date")) + " ________________________", layout.BODY),
        ])
    table = grid([cells], [column] * 3, valign="TOP")
    table.setStyle(layout.table_style([("GRID", (0, 0), (-1, -1), 0, layout.colors.white), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [table]
