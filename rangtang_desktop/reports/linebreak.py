"""Line breaking for Chinese, Tibetan and Latin text, given the width of every character.

Pure functions, no fonts: ``reports.text`` measures shaped widths and calls ``break_lines``.

Where a line may end (``break_opportunities``):

* after a tsheg ``་`` or shad ``།`` (and the other Tibetan marks that close a syllable), never inside
  a syllable, so a stack is never cut;
* before or after an ideograph (Chinese breaks between characters) and after CJK punctuation;
* after a run of spaces (the spaces hang at the end of the line and are not measured) and after a
  zero-width space;
* never before closing punctuation (``、，。：；？！）》」`` …) or a shad, never after opening
  punctuation (``（《「`` …) or a Tibetan head mark (``༄༅``), never inside ``——`` or ``……``;
* a newline always ends a line.

A unit with no break opportunity that is wider than the line (an ID number, a hash, a very long
Tibetan syllable) is broken at the last character boundary that fits (``emergency``), never
between a letter and its combining marks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

TSHEG = "\u0f0b"
SHAD = "\u0f0d"
ZWSP = "\u200b"  # ZERO WIDTH SPACE: an invisible break opportunity

# A Tibetan line may end after these: tsheg, shads, gter tsheg, rin chen spungs shad.
TIBETAN_BREAK_AFTER = frozenset("\u0f0b\u0f0d\u0f0e\u0f0f\u0f10\u0f11\u0f12\u0f14")

# Never at the start of a line (kinsoku shori: closing and middle punctuation, small kana, shads).
NO_LINE_START = frozenset(
    "、，。．：；？！）》」』】〕〉〗〙〛﹚﹜﹞｝］｠’”…‥·・ー々〻゛゜ヽヾゝゞ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    "%％‰℃°¢,.:;?!)]}"
    "\u0f0b\u0f0d\u0f0e\u0f0f\u0f10\u0f11\u0f12\u0f14"
)

# Never at the end of a line: opening punctuation and Tibetan head marks.
NO_LINE_END = frozenset("（《「『【〔〈〖〘〚﹙﹛﹝｛［｟‘“([{£¥＄$\u0f04\u0f05\u0f06")

# Runs of these stay together (a Chinese dash or ellipsis is two characters wide).
NO_BREAK_PAIRS = frozenset("—…‥")

# Spaces that allow a break after them; NO-BREAK SPACE (U+00A0) is deliberately not one.
SPACES = frozenset(" \u3000\u2002\u2003\u2009")

EPSILON = 1e-6


def is_ideographic(ch: str) -> bool:
    """True for characters that allow a line break on either side: CJK ideographs, kana, CJK
    symbols and punctuation, full-width forms."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x3000 <= cp <= 0x30FF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x3100 <= cp <= 0x31FF
        or 0x20000 <= cp <= 0x3FFFF
    )


def is_mark(ch: str) -> bool:
    """True for combining marks (Tibetan subjoined letters and vowel signs among them) and joiners,
    which always stay with the character before them."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u200c\u200d"


def break_opportunities(text: str) -> list[bool]:
    """``result[i]`` is True when a line may end just before ``text[i]`` (for ``0 < i < len``).

    Newlines are not opportunities here: ``break_lines`` always breaks after them.
    """
    n = len(text)
    allowed = [False] * (n + 1)
    for i in range(1, n):
        a, b = text[i - 1], text[i]
        if a == "\n" or b == "\n" or b in SPACES or b in NO_LINE_START or a in NO_LINE_END:
            continue
        if is_mark(b) or a == "\u200d":
            continue
        if a == b and a in NO_BREAK_PAIRS:
            continue
        if a in SPACES or a == ZWSP or a in TIBETAN_BREAK_AFTER or is_ideographic(a) or is_ideographic(b):
            allowed[i] = True
    return allowed


def grapheme_starts(text: str) -> list[bool]:
    """``result[i]`` is True when ``text[i]`` does not attach to the character before it (a place
    where an over-long unit may be cut in an emergency)."""
    return [i == 0 or not (is_mark(ch) or text[i - 1] == "\u200d") for i, ch in enumerate(text)]


@dataclass(frozen=True, slots=True)
class Line:
    """One line: ``text[start:end]``. ``end`` includes the hanging spaces and the newline that end
    it; ``visible_end`` excludes them; ``width`` is the width of ``text[start:visible_end]``."""

    start: int
    end: int
    visible_end: int
    width: float


def _visible_end(text: str, start: int, end: int) -> int:
    j = end
    while j > start and (text[j - 1] in SPACES or text[j - 1] == "\n"):
        j -= 1
    return j


def break_lines(
    text: str,
    widths: Sequence[float],
    max_width: float,
    *,
    allowed: Sequence[bool] | None = None,
    cuttable: Sequence[bool] | None = None,
) -> list[Line]:
    """Break ``text`` greedily into lines no wider than ``max_width``.

    ``widths[i]`` is the advance of ``text[i]`` (0 for characters drawn as part of the cluster
    before them). ``allowed`` defaults to ``break_opportunities(text)``; ``cuttable[i]`` says where
    an over-long unit may be cut (defaults to ``grapheme_starts(text)``). The lines cover the text
    exactly: ``"".join(text[l.start:l.end] for l in lines) == text``. An empty text has no lines.
    """
    n = len(text)
    if allowed is None:
        allowed = break_opportunities(text)
    if cuttable is None:
        cuttable = grapheme_starts(text)
    lines: list[Line] = []
    start = 0
    limit = max_width + EPSILON
    while start < n:
        width = 0.0  # width of text[start:i], spaces between words included
        last_break = -1
        i = start
        end = n
        while i < n:
            ch = text[i]
            if ch == "\n":
                end = i + 1
                break
            if i > start and allowed[i]:
                last_break = i
            w = widths[i]
            hangs = ch in SPACES and (i + 1 == n or cuttable[i + 1])  # a space carrying a mark is ink
            if not hangs and i > start and width + w > limit and (w > 0 or cuttable[i]):
                end = last_break if last_break > start else _emergency_cut(text, cuttable, start, i)
                break
            width += w
            i += 1
        visible_end = _visible_end(text, start, end)
        lines.append(Line(start, end, visible_end, sum(widths[start:visible_end])))
        start = end
    return lines


def _emergency_cut(text: str, cuttable: Sequence[bool], start: int, overflow: int) -> int:
    """Where to cut a unit that does not fit on a line of its own: the last cuttable boundary at
    or before ``overflow``, else the first after it (a single cluster wider than the line)."""
    for j in range(overflow, start, -1):
        if cuttable[j]:
            return j
    j = overflow + 1
    while j < len(text) and not cuttable[j] and text[j] != "\n":
        j += 1
    return j


def widest_unit(text: str, widths: Sequence[float], allowed: Sequence[bool] | None = None) -> float:
    """Width of the widest stretch between break opportunities (a table column narrower than this
    forces an emergency cut)."""
    if allowed is None:
        allowed = break_opportunities(text)
    widest = 0.0
    current = 0.0
    for i, ch in enumerate(text):
        if ch == "\n" or (i and allowed[i]):
            widest = max(widest, current)
            current = 0.0
        if ch == "\n" or ch in SPACES:
            continue
        current += widths[i]
    return max(widest, current)
