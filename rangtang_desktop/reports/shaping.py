"""Script runs and HarfBuzz shaping: which font draws which characters, and where each glyph goes.

reportlab has no font fallback and shapes a space-delimited word with the font of its first
fragment, so ``卓玛སྒྲོལ་མ`` would come out wrong. Here the text is cut into single-font runs
(``script_runs``), each run is shaped on its own with uharfbuzz (``shape``: features ``kern`` and
``liga`` only — ``dlig`` turned ``5月20日`` into ligature glyphs in the Chinese font), and the result
is handed to reportlab as a ``ShapedStr`` (``shaped_str``), the pre-shaped string its own text object
draws glyph by glyph with HarfBuzz's x/y offsets (``PDFTextObject._formatText``).

Units: shaping results are in thousandths of an em (multiply by ``size / 1000`` for points), so
one cached result serves every font size.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import uharfbuzz as hb
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

from . import fonts

FEATURES = {"kern": True, "liga": True, "dlig": False}

_hb_fonts: dict[str, tuple[hb.Font, float]] = {}
_private_lock = threading.Lock()


def is_tibetan(ch: str) -> bool:
    """Characters of the Tibetan block (U+0F00–U+0FFF), Tibetan digits included."""
    return "\u0f00" <= ch <= "\u0fff"


def _is_neutral(ch: str) -> bool:
    """Digits, spaces, punctuation, symbols and marks: they take the font of the run before them."""
    return unicodedata.category(ch)[0] in "NZPSMC"


@dataclass(frozen=True, slots=True)
class Run:
    """``text[start:end]`` is drawn in the reportlab font ``font``."""

    start: int
    end: int
    font: str


def _covers(font: str, ch: str) -> bool:
    return ord(ch) in fonts.get_font(font).face.charToGlyph


def script_runs(text: str, bold: bool = False) -> list[Run]:
    """Cut ``text`` into single-font runs: Tibetan characters in the Tibetan font, everything else
    in the Chinese font. Digits, spaces and punctuation stay with the run before them when its font
    has them (else the Chinese font); at the start of a line they go with the run after them.
    Newlines belong to no run."""
    bo = fonts.tibetan_font(bold)
    zh = fonts.ZH
    assigned: list[str | None] = [None] * len(text)
    for i, ch in enumerate(text):
        if is_tibetan(ch):
            assigned[i] = bo
        elif ch != "\n" and not _is_neutral(ch):
            assigned[i] = zh
    runs: list[Run] = []
    current: str | None = None
    run_start = 0
    for i, ch in enumerate(text):
        if ch == "\n":
            if current is not None:
                runs.append(Run(run_start, i, current))
            current = None
            continue
        font = assigned[i]
        if font is None:
            font = current
            if font is None:
                font = _next_strong(text, assigned, i) or zh
            if font != zh and not _covers(font, ch):
                font = zh
        if font != current:
            if current is not None:
                runs.append(Run(run_start, i, current))
            current, run_start = font, i
    if current is not None:
        runs.append(Run(run_start, len(text), current))
    return runs


def _next_strong(text: str, assigned: list[str | None], i: int) -> str | None:
    for j in range(i + 1, len(text)):
        if text[j] == "\n":
            return None
        if assigned[j] is not None:
            return assigned[j]
    return None


@dataclass(frozen=True, slots=True)
class Shaped:
    """A run shaped by HarfBuzz. Glyph ids and clusters as HarfBuzz returns them (cluster = index of
    the first character of the glyph's cluster); advances and offsets in thousandths of an em."""

    text: str
    font: str
    glyphs: tuple[int, ...]
    clusters: tuple[int, ...]
    x_advances: tuple[float, ...]
    x_offsets: tuple[float, ...]
    y_offsets: tuple[float, ...]
    advance: float
    char_advances: tuple[float, ...]  # per character; a cluster's advance sits on its first character
    cluster_starts: tuple[bool, ...]  # per character: a cluster begins here

    def width(self, size: float) -> float:
        """Width in points at font size ``size``."""
        return self.advance * size / 1000


def _hb_font(font: str) -> tuple[hb.Font, float]:
    entry = _hb_fonts.get(font)
    if entry is None:
        ttf = fonts.get_font(font)
        face = ttf.hbFace
        entry = _hb_fonts[font] = (hb.Font(face), 1000 / face.upem)
    return entry


@lru_cache(maxsize=32768)
def shape(text: str, font: str) -> Shaped:
    """Shape ``text`` (one run, no newline) in the reportlab font ``font`` with HarfBuzz."""
    hb_font, scale = _hb_font(font)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    hb.shape(hb_font, buf, FEATURES)
    glyphs, clusters, x_advances, x_offsets, y_offsets = [], [], [], [], []
    char_advances = [0.0] * len(text)
    cluster_starts = [False] * len(text)
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        glyphs.append(info.codepoint)
        clusters.append(info.cluster)
        advance = pos.x_advance * scale
        x_advances.append(advance)
        x_offsets.append(pos.x_offset * scale)
        y_offsets.append(pos.y_offset * scale)
        char_advances[info.cluster] += advance
        cluster_starts[info.cluster] = True
    return Shaped(
        text,
        font,
        tuple(glyphs),
        tuple(clusters),
        tuple(x_advances),
        tuple(x_offsets),
        tuple(y_offsets),
        sum(x_advances),
        tuple(char_advances),
        tuple(cluster_starts),
    )


@lru_cache(maxsize=32768)
def shaped_str(text: str, font: str) -> ShapedStr:
    """``text`` shaped, as the ``ShapedStr`` reportlab's text object draws glyph by glyph.

    Each glyph becomes one character of the string: the source character when it maps to that
    glyph (so Chinese text extracts as itself), else a character reportlab already maps to the
    glyph, else a private-use character reportlab assigns to it (stacked Tibetan forms)."""
    shaped = shape(text, font)
    ttf = fonts.get_font(font)
    face = ttf.face
    char_to_glyph, glyph_to_char, char_widths = face.charToGlyph, face.glyphToChar, face.charWidths
    hb_font, scale = _hb_font(font)
    chars = []
    data = []
    for gid, cluster, x_advance, x_offset, y_offset in zip(
        shaped.glyphs, shaped.clusters, shaped.x_advances, shaped.x_offsets, shaped.y_offsets, strict=True
    ):
        code = ord(text[cluster])
        if char_to_glyph.get(code) != gid:
            codes = glyph_to_char.get(gid)
            if codes:
                code = codes[0]
            else:
                with _private_lock:
                    nominal = hb_font.get_glyph_h_advance(gid) * scale
                    code = ttf.hbAddPrivate(hb_font.glyph_to_string(gid), gid, nominal)
        chars.append(chr(code))
        data.append(ShapeData(cluster, x_advance, 0, x_offset, y_offset, char_widths[code]))
    return ShapedStr("".join(chars), shapeData=data)


def clear_caches() -> None:
    """Forget every shaping result (for tests)."""
    shape.cache_clear()
    shaped_str.cache_clear()
