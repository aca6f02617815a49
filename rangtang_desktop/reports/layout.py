"""Page furniture shared by every printed document: the document's words in its language (Chinese,
Tibetan or both), text cells, form tables with borders, boxes that continue across pages, tick
boxes, signature images, the QR code, and the page frame itself (running head, an "unsigned
draft" watermark, "page 1 of 2" and the printing time in the footer).

Every piece of text goes through the text engine (``reports.text``), which shapes Tibetan with
HarfBuzz and breaks Chinese and Tibetan lines itself; reportlab's own ``Paragraph`` and
``drawString`` render Tibetan wrongly and are never used here for text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..core.dates import LOCAL_ZONE
from ..core.msg import N_, Message
from ..core.vocab import Vocabulary
from ..i18n import translator
from ..i18n.formatting import display_name, format_datetime, format_day, format_month, format_number
from . import fonts
from .text import Text, TextStyle, draw_text

DOCUMENT_LANGUAGES = ("zh", "bo", "both")

MARGIN = 14 * mm
BODY = 9.0  # point size of the text in cells
SMALL = 7.5
LABEL_FILL = colors.HexColor("#EEEEEE")
RULE = colors.HexColor("#333333")
DRAFT_RED = colors.HexColor("#C62828")
WATERMARK = colors.Color(0.78, 0.16, 0.16, alpha=0.16)
PAD = 3.0  # cell padding, points

PAGE_OF = N_("Page {page} of {pages}")
PRINTED_AT = N_("Printed {when}")
UNSIGNED_DRAFT = N_("UNSIGNED DRAFT — not valid")


class Words:
    """The document's words: labels (message ids) in Chinese, in Tibetan, or in both ("姓名 མིང་");
    dates in the document's language (Chinese dates in a bilingual document, which both readers
    read); names kept in both scripts, the reader's first."""

    def __init__(self, lang: str):
        if lang not in DOCUMENT_LANGUAGES:
            raise ValueError(f"unknown document language {lang!r}")
        self.lang = lang
        self.langs = ("zh", "bo") if lang == "both" else (lang,)
        self.value_lang = "zh" if lang == "both" else lang
        self._translate = {code: translator(code) for code in self.langs}

    def __call__(self, message_id: str, **params) -> str:
        """A label in the document's language(s), with its parameters filled in."""
        return self.join(self._translate[code](message_id).format(**params) for code in self.langs)

    def message(self, message: Message) -> str:
        return self.join(message.render(self._translate[code]) for code in self.langs)

    def vocab(self, vocabulary: Vocabulary, code: str) -> str:
        return self(vocabulary.label(code)) if code else ""

    def join(self, parts) -> str:
        found: list[str] = []
        for part in parts:
            if part and part not in found:  # a translation that is the same in both (a code, a number)
                found.append(part)
        return " ".join(found)

    def day(self, day: date | None) -> str:
        return format_day(day, self.value_lang) if day else ""

    def month(self, year: int, month: int) -> str:
        return format_month(year, month, self.value_lang)

    def moment(self, moment: datetime | None) -> str:
        """A local date and time (``moment`` in any zone; shown in Rangtang time)."""
        return format_datetime(moment.astimezone(LOCAL_ZONE), self.value_lang) if moment else ""

    def number(self, value: float | int) -> str:
        return format_number(value, self.value_lang)

    def name(self, name_zh: str, name_bo: str) -> str:
        """Both scripts, the reader's first."""
        return display_name(name_zh, name_bo, self.value_lang)

    def short_name(self, name_zh: str, name_bo: str) -> str:
        """One script: the reader's, or the other when that one is not known."""
        first, second = (name_bo, name_zh) if self.value_lang == "bo" else (name_zh, name_bo)
        return first or second


# -- text ---------------------------------------------------------------------------------------------


def text(value: str, size: float = BODY, *, bold: bool = False, align: str = "left", color: str = "#000000") -> Flowable:
    """A block of text that shapes Tibetan, breaks lines itself and splits across pages."""
    return Text(value or "", TextStyle(size=size, bold=bold, align=align, color=color))


def label(value: str, size: float = SMALL + 0.5, *, align: str = "left") -> Flowable:
    return text(value, size, align=align, color="#333333")


def title(value: str, size: float = 16) -> Flowable:
    return text(value, size, bold=True, align="center")


def gap(height: float = 3 * mm) -> Spacer:
    return Spacer(1, height)


def keep_with_next(flowable: Flowable) -> Flowable:
    """The flowable, never left alone at the foot of a page: it moves on with what follows."""
    flowable.keepWithNext = True
    return flowable


# -- tables and boxes -----------------------------------------------------------------------------------


def table_style(commands: Sequence[tuple]) -> TableStyle:
    """A table style whose cells name our font: reportlab's default, Helvetica, would otherwise be
    listed in the PDF (never embedded) although every cell's text is drawn by the text engine."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.ZH), *commands])


def grid(
    rows: Sequence[Sequence], widths: Sequence[float], *, label_cells: Sequence[tuple[int, int]] = (),
    header: bool = False, spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (), repeat: int = 0,
    valign: str = "MIDDLE", extra: Sequence[tuple] = (),
) -> Table:
    """A bordered form table. ``label_cells`` (column, row) and a ``header`` first row are shaded."""
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD - 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL))
    for cell in label_cells:
        style.append(("BACKGROUND", cell, cell, LABEL_FILL))
    for start, end in spans:
        style.append(("SPAN", start, end))
    style.extend(extra)
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=repeat, hAlign="LEFT")
    table.setStyle(table_style(style))
    return table


def pairs(items: Sequence[tuple[str, Flowable | str]], width: float, *, columns: int = 2, label_share: float = 0.36) -> Table:
    """Label/value pairs laid out ``columns`` pairs a row, like the boxes of a paper form."""
    pair_width = width / columns
    label_w = pair_width * label_share
    widths = [label_w, pair_width - label_w] * columns
    rows, shaded = [], []
    for start in range(0, len(items), columns):
        row: list = []
        for n, (name, value) in enumerate(items[start:start + columns]):
            row += [label(name), value if isinstance(value, Flowable) else text(value)]
            shaded.append((2 * n, len(rows)))
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    return grid(rows, widths, label_cells=shaded)


def section(value: str, width: float, *, before_long_table: bool = False) -> Flowable:
    """A section heading: a shaded bar across the form, kept with what follows. Before a long
    table (which platypus would move whole to the next page to keep it with its heading) it only
    asks for room for the heading and a few rows instead."""
    table = Table([[text(value, BODY + 1, bold=True)]], colWidths=[width], hAlign="LEFT")
    table.setStyle(table_style([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#D9D9D9")),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), PAD - 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD),
    ]))
    if before_long_table:
        return KeepTogether([CondPageBreak(35 * mm), table])
    return keep_with_next(table)


class Boxed(Flowable):
    """A bordered box: a shaded label column on the left and content on the right that may run
    onto further pages (each part keeps the box; later parts say "continued")."""

    def __init__(self, caption: str, content: Flowable, width: float, *, label_width: float = 32 * mm,
                 min_height: float = 0, continued: str = ""):
        super().__init__()
        self.caption, self.content, self.box_width = caption, content, width
        self.label_width, self.min_height, self.continued = label_width, min_height, continued
        self._label = label(caption)

    def _inner_width(self) -> float:
        return self.box_width - self.label_width - 2 * PAD

    def wrap(self, avail_width: float, avail_height: float):
        _w, content_h = self.content.wrap(self._inner_width(), max(avail_height - 2 * PAD, 1))
        _w, label_h = self._label.wrap(self.label_width - 2 * PAD, avail_height)
        self.height = max(content_h, label_h, self.min_height) + 2 * PAD
        self.width = self.box_width
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float):
        if avail_height < 3 * BODY + 2 * PAD:
            return []
        parts = self.content.split(self._inner_width(), avail_height - 2 * PAD)
        if len(parts) < 2:
            return []
        caption = self.continued or self.caption
        return [
            Boxed(self.caption, parts[0], self.box_width, label_width=self.label_width, continued=caption),
            *[Boxed(caption, p, self.box_width, label_width=self.label_width, continued=caption) for p in parts[1:]],
        ]

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(LABEL_FILL)
        canvas.rect(0, 0, self.label_width, self.height, stroke=0, fill=1)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.rect(0, 0, self.box_width, self.height, stroke=1, fill=0)
        canvas.line(self.label_width, 0, self.label_width, self.height)
        canvas.restoreState()
        _w, label_h = self._label.wrap(self.label_width - 2 * PAD, self.height)
        self._label.drawOn(canvas, PAD, self.height - PAD - label_h)
        _w, content_h = self.content.wrap(self._inner_width(), self.height)
        self.content.drawOn(canvas, self.label_width + PAD, self.height - PAD - content_h)


class TickBox(Flowable):
    """A square box, ticked or empty, drawn with lines (no font glyph to go missing)."""

    def __init__(self, checked: bool = False, size: float = 8.5):
        super().__init__()
        self.checked, self.size = checked, size
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float):
        return self.size, self.size

    def draw(self) -> None:
        canvas, s = self.canv, self.size
        canvas.saveState()
        canvas.setLineWidth(0.7)
        canvas.rect(0, 0, s, s, stroke=1, fill=0)
        if self.checked:
            canvas.setLineWidth(1.4)
            path = canvas.beginPath()
            path.moveTo(s * 0.18, s * 0.52)
            path.lineTo(s * 0.42, s * 0.2)
            path.lineTo(s * 0.85, s * 0.85)
            canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()


def ticks(options: Sequence[tuple[str, bool]], width: float, *, columns: int | None = None, size: float = BODY) -> Table:
    """Labelled tick boxes side by side (or ``columns`` a row): ☑ 较好 ☐ 一般 ☐ 差."""
    columns = columns or len(options)
    cell = width / columns
    rows, row = [], []
    for caption, checked in options:
        row += [TickBox(checked), text(caption, size)]
        if len(row) == 2 * columns:
            rows.append(row)
            row = []
    if row:
        rows.append(row + [""] * (2 * columns - len(row)))
    table = Table(rows, colWidths=[12, cell - 12] * columns, hAlign="LEFT")
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def signature(png: bytes | None, width: float, height: float, unreadable: str = "") -> Flowable:
    """A signature image scaled to fit the box, keeping its proportions (an empty box without one;
    ``unreadable`` in its place when the stored image cannot be read)."""
    if not png:
        return Spacer(width, height)
    try:
        image_width, image_height = ImageReader(io.BytesIO(png)).getSize()
    except Exception:  # a damaged attachment must not stop the sheet; say so where it would be
        return text(unreadable, SMALL + 0.5, color="#C62828")
    scale = min(width / image_width, height / image_height)
    return Image(io.BytesIO(png), width=image_width * scale, height=image_height * scale, hAlign="LEFT")


def qr_code(value: str, size: float = 30 * mm) -> Flowable:
    """A QR code of ``value`` (error correction M, a quiet zone of 4 modules), ``size`` points
    square, drawn as filled squares (reportlab's flowable, not its graphics ``Drawing``, which would
    name a font that is never embedded)."""
    return QrCode(value, width=size, height=size, qrLevel="M", qrBorder=4)


# -- the page ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What every page of a document carries besides its content."""

    words: Words
    printed_at: datetime
    pagesize: tuple[float, float] = A4
    running_head: str = ""  # on the second page onwards
    draft: bool = False  # the "unsigned draft" watermark and a banner on every page
    title: str = ""  # the PDF's title in its metadata

    @property
    def width(self) -> float:
        return self.pagesize[0] - 2 * MARGIN


def _furniture(page: Page) -> Callable[[Canvas, int, int], None]:
    words = page.words
    footer_left = words(PRINTED_AT, when=words.moment(page.printed_at))

    def draw(canvas: Canvas, number: int, total: int) -> None:
        width, height = page.pagesize
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN - 2 * mm, width - MARGIN, MARGIN - 2 * mm)
        draw_text(canvas, MARGIN, MARGIN - 6 * mm, footer_left, SMALL)
        page_text = words(PAGE_OF, page=words.number(number), pages=words.number(total))
        draw_text(canvas, width - MARGIN, MARGIN - 6 * mm, page_text, SMALL, align="right")
        if number > 1 and page.running_head:
            draw_text(canvas, MARGIN, height - MARGIN + 3 * mm, page.running_head, SMALL)
        if page.draft:
            draw_text(canvas, width - MARGIN, height - MARGIN + 3 * mm, words(UNSIGNED_DRAFT), SMALL + 1, bold=True,
                      color=DRAFT_RED, align="right")
        canvas.restoreState()

    return draw


def _watermark(page: Page) -> Callable[[Canvas, object], None]:
    text_value = page.words(UNSIGNED_DRAFT)

    def draw(canvas: Canvas, _doc) -> None:
        if not page.draft:
            return
        width, height = page.pagesize
        canvas.saveState()
        canvas.translate(width / 2, height / 2)
        canvas.rotate(52)
        size = 38 if page.words.lang != "both" else 26
        draw_text(canvas, 0, -size / 3, text_value, size, bold=True, color=WATERMARK, align="center")
        canvas.restoreState()

    return draw


def _numbered_canvas(furniture: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas that holds its pages until the end, so each footer can say how many there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                furniture(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def build_pdf(story: list[Flowable], page: Page) -> bytes:
    """The document as PDF bytes (fonts subset-embedded)."""
    fonts.register_fonts()  # FontMissing before anything is made
    buffer = io.BytesIO()
    width, height = page.pagesize
    doc = BaseDocTemplate(
        buffer, pagesize=page.pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=page.title, author="Rangtang Desktop", creator="Rangtang Desktop",
        initialFontName=fonts.ZH,  # else every page names Helvetica, which is never embedded
    )
    frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_watermark(page))])
    doc.build(story, canvasmaker=_numbered_canvas(_furniture(page)))
    return buffer.getvalue()
