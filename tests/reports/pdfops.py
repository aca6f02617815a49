"""Read back what a reportlab canvas drew: glyph ids and positions from its text operators.

A small interpreter for the operators reportlab writes for TrueType text (``Tm Tf TL Ts T* Tj TJ``),
so tests can check the glyphs and offsets that end up in the PDF without any rasteriser. It reads
the canvas before ``save()`` (reportlab forgets a font's subset table once the file is written).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics

from rangtang_desktop.reports import fonts

TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|\[|\]|/[^\s/\[\]()]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z*']+")
ESCAPES = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12}


@dataclass(frozen=True)
class Glyph:
    """One glyph drawn: reportlab font name, glyph id, origin in text space (points), font size."""

    font: str
    gid: int
    x: float
    y: float
    size: float


def _unescape(token: bytes) -> bytes:
    body = token[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt.isdigit():
            digits = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4]).group()
            out.append(int(digits, 8))
            i += 1 + len(digits)
        else:
            out.append(ESCAPES.get(nxt, nxt[0]))
            i += 2
    return bytes(out)


def _subset_table(doc) -> dict[str, tuple[str, list[int]]]:
    """PDF subset name (``/F1+0``) → (reportlab font name, code → Unicode list)."""
    table = {}
    for name in fonts.FONT_FILES:
        font = pdfmetrics.getFont(name)
        state = font.state.get(doc)
        if state is None:
            continue
        for index, subset in enumerate(state.subsets):
            table[font.getSubsetInternalName(index, doc)] = (name, subset)
    return table


def drawn_glyphs(canvas) -> list[Glyph]:
    """Every glyph of our fonts drawn so far on the canvas's current page, in drawing order."""
    code = "\n".join(canvas._code).encode("latin-1")
    subsets = _subset_table(canvas._doc)
    glyphs: list[Glyph] = []
    operands: list = []
    array: list | None = None
    font_name, table, size, leading = None, None, 0.0, 0.0
    line_x = line_y = x = rise = 0.0

    def show(data: bytes) -> None:
        nonlocal x
        face = pdfmetrics.getFont(font_name).face
        for byte in data:
            uni = table[byte]
            glyphs.append(Glyph(font_name, face.charToGlyph[uni], line_x + x, line_y + rise, size))
            x += face.getCharWidth(uni) * size / 1000

    for token in TOKEN.findall(code):
        if token == b"[":
            array = []
        elif token == b"]":
            operands.append(array)
            array = None
        elif token.startswith(b"("):
            (array if array is not None else operands).append(_unescape(token))
        elif token.startswith(b"/") or re.fullmatch(rb"[-+]?[\d.]+", token):
            value = token.decode() if token.startswith(b"/") else float(token)
            (array if array is not None else operands).append(value)
        else:
            op = token.decode()
            if op == "Tm":
                line_x, line_y, x = operands[4], operands[5], 0.0
            elif op == "Tf":
                name = operands[0]
                font_name, table = subsets[name] if name in subsets else (None, None)
                size = operands[1]
            elif op == "TL":
                leading = operands[0]
            elif op == "Ts":
                rise = operands[0]
            elif op == "T*":
                line_y -= leading
                x = 0.0
            elif op == "Tj" and font_name:
                show(operands[0])
            elif op == "TJ" and font_name:
                for item in operands[0]:
                    if isinstance(item, bytes):
                        show(item)
                    else:
                        x -= item * size / 1000
            operands = []
    return glyphs
