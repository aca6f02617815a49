"""The text engine of every PDF: Chinese, Tibetan and Latin in one string, shaped, broken into lines
and drawn with reportlab.

* ``Text(text, TextStyle(...))`` — a platypus flowable for table cells and paragraphs. It wraps to
  the width it is given, reports its real height, splits between lines (so a long note flows on to
  the next page in a frame or, with ``Table(splitInRow=1)``, inside a table row) and draws itself.
* ``text_width(text, size)`` and ``draw_text(canvas, x, y, text, size)`` — single lines drawn
  directly on a canvas (headers, footers, labels on a form).

How: ``shaping.script_runs`` cuts the text into single-font runs, ``shaping.shape`` shapes each with
HarfBuzz (cached per string and font), ``linebreak.break_lines`` breaks the lines using the shaped
widths, and each piece of a line is drawn as a reportlab ``ShapedStr`` at its own x position.

Line height: with ``leading=None`` a line holding Tibetan is ``TIBETAN_LEADING`` × size high, any
other line ``CHINESE_LEADING`` × size. The baseline sits ``TIBETAN_DESCENT`` / ``CHINESE_DESCENT`` ×
size above the bottom of the line; an explicit ``leading`` keeps that and changes the room above.
Why 1.6 for Tibetan: shaped with HarfBuzz, vowel signs reach 1.06–1.17 em above the baseline and
letter stems and stacks 0.47–0.69 em below it, so at 1.5 the stem of ཀ already touches a ཀི on the
line below (0.47 + 1.06 = 1.53).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.flowables import Flowable

from . import fonts, linebreak
from .shaping import Run, is_tibetan, script_runs, shape, shaped_str

TIBETAN_LEADING = 1.6
TIBETAN_DESCENT = 0.55
CHINESE_LEADING = 1.3
CHINESE_DESCENT = 0.3

ALIGNMENTS = ("left", "center", "right")


@dataclass(frozen=True)
class TextStyle:
    """How a ``Text`` looks. ``leading=None`` picks the line height per line (see the module
    docstring); ``color`` is a reportlab colour or anything ``colors.toColor`` accepts."""

    size: float = 10
    leading: float | None = None
    bold: bool = False
    color: colors.Color | str = field(default=colors.black)
    align: str = "left"

    def __post_init__(self) -> None:
        if self.align not in ALIGNMENTS:
            raise ValueError(f"align must be one of {ALIGNMENTS}, not {self.align!r}")
        if self.size <= 0:
            raise ValueError("size must be positive")


MISSING_GLYPH = "\u25a1"  # □, drawn for a character neither font has (a rare ideograph of Extension B)


def normalize(text: str) -> str:
    """Newlines as ``\\n``, tabs as spaces, other control characters dropped; a character that
    neither font can draw becomes ``MISSING_GLYPH`` (invisible format characters are dropped), so
    it shows on paper instead of vanishing."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    zh = fonts.get_font(fonts.ZH).face.charToGlyph
    bo = fonts.get_font(fonts.BO).face.charToGlyph

    def drawable(ch: str) -> bool:
        return ch == "\n" or (ch >= " " and (ord(ch) in zh or ord(ch) in bo))

    if all(map(drawable, text)):
        return text
    kept = []
    for ch in text:
        if drawable(ch):
            kept.append(ch)
        elif ch >= " " and unicodedata.category(ch) != "Cf":
            kept.append(MISSING_GLYPH)
    return "".join(kept)


@dataclass(frozen=True, slots=True)
class Piece:
    """A single-font piece of a line, ``x`` points from the start of the line."""

    x: float
    font: str
    text: str
    width: float


@dataclass(frozen=True, slots=True)
class LaidLine:
    """A line ready to draw: ``text[start:end]`` of the ``Text``; ``baseline`` is measured down from
    the top of the line; ``width`` excludes hanging spaces."""

    start: int
    end: int
    pieces: tuple[Piece, ...]
    width: float
    height: float
    baseline: float
    tibetan: bool


class _Measure:
    """Per-character widths, break opportunities and cut points of a normalized text."""

    __slots__ = ("text", "size", "runs", "widths", "allowed", "cuttable")

    def __init__(self, text: str, size: float, bold: bool) -> None:
        self.text = text
        self.size = size
        self.runs = script_runs(text, bold)
        n = len(text)
        widths = [0.0] * n
        cuttable = linebreak.grapheme_starts(text)
        factor = size / 1000
        for run in self.runs:
            shaped = shape(text[run.start : run.end], run.font)
            for k, (advance, starts) in enumerate(zip(shaped.char_advances, shaped.cluster_starts, strict=True)):
                widths[run.start + k] = advance * factor
                if not starts:
                    cuttable[run.start + k] = False
        self.widths = widths
        self.allowed = linebreak.break_opportunities(text)
        self.cuttable = cuttable

    def lines(self, max_width: float) -> list[linebreak.Line]:
        return linebreak.break_lines(self.text, self.widths, max_width, allowed=self.allowed, cuttable=self.cuttable)


def _line_metrics(style: TextStyle, tibetan: bool) -> tuple[float, float]:
    """(height, baseline measured from the top) of a line."""
    size = style.size
    if tibetan:
        height, descent = TIBETAN_LEADING * size, TIBETAN_DESCENT * size
    else:
        height, descent = CHINESE_LEADING * size, CHINESE_DESCENT * size
    if style.leading is not None:
        height = style.leading
    return height, height - descent


def _pieces(text: str, runs: list[Run], start: int, stop: int, size: float) -> tuple[tuple[Piece, ...], float, bool]:
    """Shape the part ``text[start:stop]`` of each run anew (a line end may change the shaping)."""
    pieces = []
    x = 0.0
    tibetan = False
    for run in runs:
        if run.end <= start or run.start >= stop:
            continue
        fragment = text[max(run.start, start) : min(run.end, stop)]
        width = shape(fragment, run.font).width(size)
        pieces.append(Piece(x, run.font, fragment, width))
        x += width
        if not tibetan and run.font != fonts.ZH:
            tibetan = any(is_tibetan(ch) for ch in fragment)
    return tuple(pieces), x, tibetan


def layout(text: str, style: TextStyle, max_width: float) -> list[LaidLine]:
    """Break ``text`` into lines no wider than ``max_width`` points and place their pieces."""
    return _layout(_Measure(normalize(text), style.size, style.bold), style, max_width)


def _layout(measure: _Measure, style: TextStyle, max_width: float) -> list[LaidLine]:
    laid = []
    for line in measure.lines(max_width):
        pieces, width, tibetan = _pieces(measure.text, measure.runs, line.start, line.visible_end, style.size)
        height, baseline = _line_metrics(style, tibetan)
        laid.append(LaidLine(line.start, line.end, pieces, width, height, baseline, tibetan))
    return laid


def _draw_lines(canv: Canvas, lines: list[LaidLine], style: TextStyle, x: float, top: float, width: float) -> None:
    """Draw ``lines`` with their top at ``top``, aligned inside [x, x + width]."""
    color = colors.toColor(style.color)
    canv.saveState()
    canv.setFillColor(color)
    fake_bold = style.bold
    if fake_bold:
        canv.setStrokeColor(color)
        canv.setLineWidth(style.size * fonts.FAKE_BOLD_STROKE)
    text_object = canv.beginText()
    mode = 0
    y = top
    for line in lines:
        if style.align == "left":
            x0 = x
        elif style.align == "right":
            x0 = x + width - line.width
        else:
            x0 = x + (width - line.width) / 2
        baseline = y - line.baseline
        for piece in line.pieces:
            wanted = 2 if fake_bold and piece.font == fonts.ZH else 0
            if wanted != mode:
                text_object.setTextRenderMode(wanted)
                mode = wanted
            text_object.setFont(piece.font, style.size)
            text_object.setTextOrigin(x0 + piece.x, baseline)
            text_object.textLine(shaped_str(piece.text, piece.font))
        y -= line.height
    if mode:
        text_object.setTextRenderMode(0)
    canv.drawText(text_object)
    canv.restoreState()


class Text(Flowable):
    """A platypus flowable: ``text`` (any mix of Chinese, Tibetan, Latin, digits, punctuation and
    newlines) in ``style``, wrapped to the width it is given.

    ``wrap`` returns the available width and the real height; ``split`` cuts between lines;
    ``minWidth`` (used by tables with automatic column widths) is the widest unbreakable unit.
    Creating one registers the fonts, so a missing font raises ``FontMissing`` before any output.
    """

    def __init__(self, text: str, style: TextStyle | None = None) -> None:
        super().__init__()
        fonts.register_fonts()
        self.text = normalize(text)
        self.style = style or TextStyle()
        self.hAlign = self.style.align.upper()
        self._laid: tuple[float, list[LaidLine]] | None = None

    def __repr__(self) -> str:
        return f"Text({self.text[:40]!r}, size={self.style.size})"

    @cached_property
    def _measure(self) -> _Measure:
        return _Measure(self.text, self.style.size, self.style.bold)

    def lines(self, avail_width: float) -> list[LaidLine]:
        """The laid-out lines at ``avail_width`` (cached for the last width)."""
        if self._laid is None or self._laid[0] != avail_width:
            self._laid = (avail_width, _layout(self._measure, self.style, avail_width))
        return self._laid[1]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        lines = self.lines(availWidth)
        self.width = availWidth
        self.height = sum(line.height for line in lines)
        return self.width, self.height

    def minWidth(self) -> float:
        measure = self._measure
        return linebreak.widest_unit(measure.text, measure.widths, measure.allowed)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        lines = self.lines(availWidth)
        used = 0.0
        fitting = 0
        for line in lines:
            if used + line.height > availHeight:  # no tolerance: wrap summed the same heights
                break
            used += line.height
            fitting += 1
        if fitting == 0:
            return []
        if fitting == len(lines):
            return [self]
        cut = lines[fitting].start
        return [Text(self.text[:cut], self.style), Text(self.text[cut:], self.style)]

    def draw(self) -> None:
        lines = self.lines(self.width)
        _draw_lines(self.canv, lines, self.style, 0, self.height, self.width)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of ``text`` at ``size`` drawn on one line (the widest line if it holds
    newlines)."""
    fonts.register_fonts()
    widest = 0.0
    for part in normalize(text).split("\n"):
        width = 0.0
        for run in script_runs(part, bold):
            width += shape(part[run.start : run.end], run.font).width(size)
        widest = max(widest, width)
    return widest


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: colors.Color | str = colors.black,
    align: str = "left",
) -> float:
    """Draw ``text`` as one line with its baseline at ``y``: starting at ``x`` (``align="left"``),
    centred on ``x`` or ending at ``x``. Newlines become spaces. Returns the width drawn."""
    fonts.register_fonts()
    style = TextStyle(size=size, bold=bold, color=color, align=align)  # checks the alignment too
    one_line = normalize(text).replace("\n", " ").rstrip(" ")
    pieces, width, tibetan = _pieces(one_line, script_runs(one_line, bold), 0, len(one_line), size)
    line = LaidLine(0, len(one_line), pieces, width, *_line_metrics(style, tibetan), tibetan)
    left = {"left": x, "center": x - width / 2, "right": x - width}[align]
    _draw_lines(canvas, [line], style, left, y + line.baseline, width)
    return width
