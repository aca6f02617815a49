"""The visit sheet (巡查寻访记录表): one visit laid out like the county's paper form — the household
and where it is, the visit, the children seen, the guardianship situation, the checklist with each
child's answer, the rating, notes, actions and next step, the two signatures, and the content hash
with a QR code so the township can check a paper copy against the data.

The blank visit form (``blank_form``) is the same layout with empty boxes. The data comes in a
``SheetData`` gathered by ``services.printing``; nothing here reads the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from ..core.msg import N_, Message
from ..core.visits import CHECKLIST, Visit, parse_instant
from ..core.vocab import (
    ANSWER,
    NO_SIGNATURE_REASON,
    RATING,
    RELATION_KIND,
    SEEN,
    SEX,
    SITUATION_KIND,
    VISIT_LANGUAGE,
    VISIT_MODE,
    VISITOR_ROLE,
)
from ..i18n.formatting import format_age, format_partial
from ..i18n.values import NO, YES
from . import layout
from .layout import BODY, PAD, SMALL, Boxed, Page, Words, gap, grid, keep_with_next, label, pairs, section, text, ticks

TITLE = N_("Visit record sheet")
BLANK_CHILDREN = 4  # columns of a blank form's checklist
CHILDREN_PER_TABLE = 4  # a sheet's checklist shows this many children side by side

QR_VERSION = 1
UNREADABLE = N_("The signature image is damaged and cannot be shown.")


def qr_payload(visit_id: str, content_hash: str) -> str:
    """What the QR code of a signed sheet encodes: compact JSON naming the visit and its hash."""
    return json.dumps({"visit": visit_id, "v": QR_VERSION, "sha256": content_hash}, separators=(",", ":"))


@dataclass(frozen=True)
class PlaceNames:
    """County, township, village and village group, each (Chinese, Tibetan)."""

    county: tuple[str, str] = ("", "")
    township: tuple[str, str] = ("", "")
    village: tuple[str, str] = ("", "")
    group: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class ChildLine:
    person_id: str
    name_zh: str
    name_bo: str
    sex: str = ""  # vocab.SEX code
    age: tuple[int, int] | None = None  # completed years on the day of the visit
    seen: str = ""  # vocab.SEEN code


@dataclass(frozen=True)
class AdultLine:
    """An adult around the children: a parent, a guardian, a carer."""

    name_zh: str
    name_bo: str
    relations: tuple[tuple[str, str, str], ...] = ()  # (vocab.RELATION_KIND code, child's names zh, bo: "" for an only child)
    legal_guardian: bool = False
    cares: bool = False  # actually cares for the child
    lives_with: bool = False
    entrusted_carer: bool = False  # carer by an entrusted-care arrangement
    situation: str = ""  # vocab.SITUATION_KIND code of the current situation
    situation_place: str = ""
    situation_since: str = ""  # partial date


@dataclass(frozen=True)
class SheetData:
    """Everything a visit sheet prints. ``visit`` is None for a blank form."""

    visit: Visit | None
    printed_at: datetime
    place: PlaceNames = PlaceNames()
    household_number: str = ""
    house_name_zh: str = ""
    house_name_bo: str = ""
    children: tuple[ChildLine, ...] = ()
    adults: tuple[AdultLine, ...] = ()
    visitor_signature: bytes | None = None
    guardian_signature: bytes | None = None
    amends_day: date | None = None  # the day of the visit this one corrects
    extra: dict = field(default_factory=dict)


def build_visit_sheet(data: SheetData, lang: str) -> bytes:
    """The visit sheet as PDF bytes."""
    words = Words(lang)
    visit = data.visit
    assert visit is not None
    page = Page(
        words, data.printed_at, running_head=_running_head(words, data), draft=not visit.signed,
        title=words(TITLE),
    )
    return layout.build_pdf(sheet_story(data, words, page.width), page)


def running_head(words: Words, data: SheetData) -> str:
    """The line atop the second and later pages: the document, the household, the day."""
    return _running_head(words, data)


def _running_head(words: Words, data: SheetData) -> str:
    parts = [words(TITLE), data.household_number, words.name(data.house_name_zh, data.house_name_bo)]
    if data.visit is not None and data.visit.local_date():
        parts.append(words.day(data.visit.local_date()))
    return " · ".join(p for p in parts if p)


def sheet_story(data: SheetData, words: Words, width: float) -> list[Flowable]:
    """The flowables of a visit sheet (or, without a visit, of a blank form)."""
    visit = data.visit
    story: list[Flowable] = [layout.title(words(TITLE)), gap(1.5 * mm)]
    story.append(text(words.name(*data.place.county), BODY + 1, align="center"))
    story.append(gap(2 * mm))
    if visit is not None and not visit.signed:
        story += [_banner(words(layout.UNSIGNED_DRAFT), width), gap(2 * mm)]
    if visit is not None and visit.amends:
        story += [
            text(words(N_("Amends the visit of {date} ({id})"), date=words.day(data.amends_day), id=visit.amends), BODY, bold=True),
            gap(2 * mm),
        ]
    story += _household(data, words, width)
    story += _visit_facts(data, words, width)
    story += _children(data, words, width)
    story += _adults(data, words, width)
    story += _checklist(data, words, width)
    story += _rating(data, words, width)
    story += _narrative(data, words, width)
    story.append(gap())
    story.append(KeepTogether(_signatures(data, words, width) + _verification(data, words, width)))
    return story


def _banner(value: str, width: float) -> Table:
    table = Table([[text(value, BODY + 3, bold=True, align="center", color="#C62828")]], colWidths=[width])
    table.setStyle(layout.table_style([("BOX", (0, 0), (-1, -1), 1.5, layout.DRAFT_RED), ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return table


def _blank_cell(height: float = 14) -> Spacer:
    return Spacer(1, height)


def _household(data: SheetData, words: Words, width: float) -> list[Flowable]:
    place = data.place
    house = words.name(data.house_name_zh, data.house_name_bo)
    items = [
        (words(N_("Township")), words.name(*place.township)),
        (words(N_("Village")), words.name(*place.village)),
        (words(N_("Village group")), words.name(*place.group)),
        (words(N_("Household number")), data.household_number),
        (words(N_("House name")), house if (house or data.visit is not None) else _blank_cell()),
    ]
    if not data.household_number and data.visit is None:
        items = [(name, value or _blank_cell()) for name, value in items]
    return [section(words(N_("Household")), width), pairs(items, width), gap(2 * mm)]


def _visit_facts(data: SheetData, words: Words, width: float) -> list[Flowable]:
    visit = data.visit
    half = width / 2 * 0.64
    if visit is None:
        items: list[tuple[str, Flowable | str]] = [
            (words(N_("Date and time (Rangtang time)")), _blank_cell()),
            (words(N_("How")), ticks([(words.vocab(VISIT_MODE, c), False) for c in VISIT_MODE.codes], half, columns=2, size=SMALL + 0.5)),
            (words(N_("Language used")), ticks([(words.vocab(VISIT_LANGUAGE, c), False) for c in VISIT_LANGUAGE.codes], half, columns=2, size=SMALL + 0.5)),
            (words(N_("Interpreter")), ticks([(words(NO), False), (words(YES), False)], half, columns=2)),
            (words(N_("Spoken to")), _blank_cell()),
            (words(N_("Interpreter's name")), _blank_cell()),
            (words(N_("Visitor")), _blank_cell()),
            (words(N_("Visitor's role")), ticks([(words.vocab(VISITOR_ROLE, c), False) for c in VISITOR_ROLE.codes], half, columns=2, size=SMALL + 0.5)),
        ]
    else:
        interpreter = words(NO)
        if visit.interpreter:
            interpreter = " ".join(p for p in (words(YES), visit.interpreter_name) if p)
        items = [
            (words(N_("Date and time (Rangtang time)")), words.moment(parse_instant(visit.visited_at))),
            (words(N_("How")), words.vocab(VISIT_MODE, visit.mode)),
            (words(N_("Language used")), words.vocab(VISIT_LANGUAGE, visit.language)),
            (words(N_("Interpreter")), interpreter),
            (words(N_("Spoken to")), visit.spoken_to),
            (words(N_("Visitor")), visit.visitor_name),
            (words(N_("Visitor's role")), words.vocab(VISITOR_ROLE, visit.visitor_role)),
        ]
    return [section(words(N_("The visit")), width), pairs(items, width), gap(2 * mm)]


def _children(data: SheetData, words: Words, width: float) -> list[Flowable]:
    widths = [16, width * 0.42 - 16, width * 0.14, width * 0.14, width * 0.30]
    header = [label("#"), label(words(N_("Name"))), label(words(N_("Sex"))), label(words(N_("Age"))), label(words(N_("Seen in person")))]
    rows: list[list] = [header]
    for n, child in enumerate(data.children, start=1):
        if data.visit is None:
            sex = ticks([(words.vocab(SEX, c), child.sex == c) for c in ("male", "female")], widths[2] - 2 * PAD, columns=1, size=SMALL + 0.5)
            seen = ticks([(words.vocab(SEEN, c), False) for c in SEEN.codes], widths[4] - 2 * PAD, columns=1, size=SMALL + 0.5)
            rows.append([text(str(n)), text(words.name(child.name_zh, child.name_bo)), sex, text(format_age(child.age, words.value_lang)), seen])
        else:
            rows.append([
                text(str(n)), text(words.name(child.name_zh, child.name_bo)), text(words.vocab(SEX, child.sex)),
                text(format_age(child.age, words.value_lang)), text(words.vocab(SEEN, child.seen)),
            ])
    if data.visit is None:
        for n in range(len(data.children) + 1, BLANK_CHILDREN + 1):
            sex = ticks([(words.vocab(SEX, "male"), False), (words.vocab(SEX, "female"), False)], widths[2] - 2 * PAD, columns=1, size=SMALL + 0.5)
            seen = ticks([(words.vocab(SEEN, c), False) for c in SEEN.codes], widths[4] - 2 * PAD, columns=1, size=SMALL + 0.5)
            rows.append([text(str(n)), "", sex, "", seen])
    return [section(words(N_("Children seen")), width), grid(rows, widths, header=True, repeat=1), gap(2 * mm)]


def _relations(words: Words, adult: AdultLine, children: int) -> str:
    """"Father", or with several children and different relations "Father (卓玛、扎西)、Uncle (达娃)"."""
    by_kind: dict[str, list[str]] = {}
    for code, child_zh, child_bo in adult.relations:
        names = by_kind.setdefault(code, [])
        name = words.short_name(child_zh, child_bo)
        if name and name not in names:
            names.append(name)
    parts = []
    for code, names in by_kind.items():
        relation = words.vocab(RELATION_KIND, code)
        parts.append(f"{relation}（{'、'.join(names)}）" if names and (len(by_kind) > 1 or len(names) < children) else relation)
    if adult.entrusted_carer:
        parts.append(words(N_("Entrusted carer")))
    return "、".join(parts)


def _situation(words: Words, adult: AdultLine) -> str:
    if not adult.situation:
        return ""
    parts = [words.vocab(SITUATION_KIND, adult.situation), adult.situation_place]
    if adult.situation_since:
        parts.append(words(N_("since {date}"), date=format_partial(adult.situation_since, words.value_lang)))
    return " ".join(p for p in parts if p)


def _adults(data: SheetData, words: Words, width: float) -> list[Flowable]:
    widths = [width * 0.22, width * 0.22, width * 0.11, width * 0.11, width * 0.11, width * 0.23]
    header = [
        label(words(N_("Name"))), label(words(N_("Relation to the child"))), label(words(N_("Legal guardian"))),
        label(words(N_("Actually cares for the child"))), label(words(N_("Lives with the child"))),
        label(words(N_("Current situation"))),
    ]
    rows: list[list] = [header]

    def yes_no(value: bool) -> Flowable:
        return text(words(YES) if value else words(NO))

    for adult in data.adults:
        rows.append([
            text(words.name(adult.name_zh, adult.name_bo)), text(_relations(words, adult, len(data.children))), yes_no(adult.legal_guardian),
            yes_no(adult.cares), yes_no(adult.lives_with), text(_situation(words, adult)),
        ])
    if data.visit is None:
        boxes = [ticks([(words(YES), False), (words(NO), False)], w - 2 * PAD, columns=1, size=SMALL + 0.5) for w in widths[2:5]]
        rows += [["", "", *boxes, ""] for _ in range(max(2, 4 - len(data.adults)))]
    elif not data.adults:
        rows.append([text(words(N_("No adults are recorded for these children."))), "", "", "", "", ""])
    spans = [((0, len(rows) - 1), (-1, len(rows) - 1))] if data.visit is not None and not data.adults else []
    return [section(words(N_("Guardianship situation")), width), grid(rows, widths, header=True, repeat=1, spans=spans), gap(2 * mm)]


def _checklist(data: SheetData, words: Words, width: float) -> list[Flowable]:
    legend = "    ".join(f"{n} = {words.vocab(ANSWER, code)}" for n, code in enumerate(ANSWER.codes, start=1))
    story: list[Flowable] = [section(words(N_("Checklist: what was seen")), width), keep_with_next(gap(1 * mm)),
                             keep_with_next(text(legend, SMALL + 0.5)), keep_with_next(gap(1 * mm))]
    children: list[ChildLine | None] = list(data.children)
    if data.visit is None:
        children += [None] * (BLANK_CHILDREN - len(children))
    groups = [children[n:n + CHILDREN_PER_TABLE] for n in range(0, len(children), CHILDREN_PER_TABLE)] or [[]]
    for group in groups:
        story += [_checklist_table(data.visit, group, words, width), gap(2 * mm)]
    return story


def _checklist_table(visit: Visit | None, children: list[ChildLine | None], words: Words, width: float) -> Table:
    box = 18.0
    per_child = 3 * box
    number_w = 16.0
    question_w = width - number_w - per_child * max(len(children), 1)
    widths = [number_w, question_w] + [box] * (3 * len(children))
    first = [label("#"), label(words(N_("Question")))]
    second: list = ["", ""]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1))]
    for n, child in enumerate(children):
        name = words.name(child.name_zh, child.name_bo) if child else words(N_("Child {number}"), number=n + 1)
        first += [text(name, SMALL, align="center"), "", ""]
        second += [text(str(k), SMALL, align="center") for k in (1, 2, 3)]
        column = 2 + 3 * n
        spans.append(((column, 0), (column + 2, 0)))
    rows: list[list] = [first, second]
    extra: list[tuple] = [("ALIGN", (2, 2), (-1, -1), "CENTER"), ("BACKGROUND", (0, 1), (-1, 1), layout.LABEL_FILL)]
    for number, question in enumerate(CHECKLIST, start=1):
        row: list = [text(str(number), SMALL + 0.5), text(words(question.text), SMALL + 0.5)]
        for n, child in enumerate(children):
            answer = visit.answer(child.person_id, question.code) if (visit is not None and child) else ""
            for k, code in enumerate(ANSWER.codes):
                row.append(_AnswerBox(answer == code))
                if answer == code and code != "not_observed":
                    cell = (2 + 3 * n + k, len(rows))
                    extra.append(("BACKGROUND", cell, cell, layout.colors.HexColor("#F6D5D5")))
        rows.append(row)
    return grid(rows, widths, header=True, spans=spans, repeat=2, extra=extra)


class _AnswerBox(layout.TickBox):
    """A tick box centred in its checklist cell."""

    def __init__(self, checked: bool):
        super().__init__(checked, size=8)

    def wrap(self, avail_width: float, avail_height: float):
        self._offset = max((avail_width - self.size) / 2, 0)
        return avail_width, self.size

    def draw(self) -> None:
        self.canv.translate(self._offset, 0)
        super().draw()


def _rating(data: SheetData, words: Words, width: float) -> list[Flowable]:
    chosen = data.visit.rating if data.visit is not None else ""
    options = [(words.vocab(RATING, code), code == chosen) for code in RATING.codes]
    boxes = ticks(options, width - 32 * mm - 2 * PAD, columns=1)
    return [KeepTogether([Boxed(words(N_("Guardianship rating")), boxes, width)]), gap(2 * mm)]


def _narrative(data: SheetData, words: Words, width: float) -> list[Flowable]:
    visit = data.visit
    story: list[Flowable] = []
    for caption, value in (
        (N_("Notes"), visit.notes if visit else ""),
        (N_("Actions taken"), visit.actions if visit else ""),
        (N_("Next step"), visit.next_step if visit else ""),
    ):
        minimum = 22 * mm if visit is None else 0
        story += [
            Boxed(words(caption), text(value), width, min_height=minimum, continued=words.message(Message(N_("{label} (continued)"), {"label": Message(caption)}))),
            gap(1.5 * mm),
        ]
    return story


def _signatures(data: SheetData, words: Words, width: float) -> list[Flowable]:
    visit = data.visit
    image_w, image_h = width / 2 - 2 * PAD, 22 * mm
    visitor_cell: list[Flowable] = [label(words(N_("Visitor's signature"))),
                                    layout.signature(data.visitor_signature, image_w, image_h, words(UNREADABLE))]
    guardian_cell: list[Flowable] = [label(words(N_("Guardian's signature")))]
    if visit is None:
        guardian_cell.append(Spacer(image_w, image_h))
        reasons = [(words.vocab(NO_SIGNATURE_REASON, c), False) for c in NO_SIGNATURE_REASON.codes]
        guardian_cell += [label(words(N_("If the guardian does not sign, why"))), ticks(reasons, image_w, columns=2, size=SMALL + 0.5)]
        visitor_cell += [label(words(N_("Name and date")))]
        guardian_cell += [label(words(N_("Name and date")))]
    else:
        visitor_cell.append(text(visit.visitor_name))
        if data.guardian_signature:
            guardian_cell += [layout.signature(data.guardian_signature, image_w, image_h, words(UNREADABLE)), text(visit.guardian_signer_name)]
        elif not visit.signed and not visit.guardian_no_signature_reason:
            guardian_cell.append(Spacer(image_w, image_h))
        else:
            reason = Message(NO_SIGNATURE_REASON.label(visit.guardian_no_signature_reason) or N_("Not signed"))
            guardian_cell += [
                Spacer(1, 2 * mm),
                text(words.message(Message(N_("The guardian did not sign: {reason}"), {"reason": reason})), BODY, bold=True),
                text(visit.guardian_no_signature_note),
                Spacer(1, 2 * mm),
            ]
        signed = parse_instant(visit.signed_at)
        if signed:
            visitor_cell.append(text(words(N_("Signed at {when}"), when=words.moment(signed)), SMALL + 0.5))
    table = grid([[visitor_cell, guardian_cell]], [width / 2, width / 2], valign="TOP")
    return [section(words(N_("Signatures")), width), table, gap(2 * mm)]


def _verification(data: SheetData, words: Words, width: float) -> list[Flowable]:
    visit = data.visit
    if visit is None:
        return []
    qr_size = 30 * mm
    left: list[Flowable] = [label(words(N_("Visit ID"))), text(visit.id or "", SMALL + 0.5)]
    if visit.signed:
        left += [
            Spacer(1, 1.5 * mm), label(words(N_("Content fingerprint (SHA-256)"))),
            text(visit.content_hash, SMALL + 0.5),
            Spacer(1, 1.5 * mm),
            text(words(N_("The township checks a paper copy by scanning the QR code or comparing this fingerprint with the register.")), SMALL),
        ]
        right: Flowable = layout.qr_code(qr_payload(visit.id or "", visit.content_hash), qr_size)
    else:
        left += [Spacer(1, 1.5 * mm), text(words(N_("Not signed: this sheet has no fingerprint and is not valid.")), BODY, bold=True, color="#C62828")]
        right = Spacer(qr_size, qr_size)
    table = grid([[left, right]], [width - qr_size - 2 * PAD, qr_size + 2 * PAD], valign="TOP")
    return [table]
