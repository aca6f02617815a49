"""The fonts every PDF uses, registered with reportlab once per process.

Three TrueType files ship in ``resources/fonts/`` (see ``packaging/make_fonts.py``):

* ``ZH`` — WenQuanYi Micro Hei (subset): Chinese, Latin letters, digits and punctuation;
* ``BO`` / ``BO_BOLD`` — Rangtang Tibetan (Noto Serif Tibetan with tighter vertical metrics).

reportlab embeds each as a subset (the default for ``TTFont``), so a PDF carries only the glyphs it
uses. WenQuanYi has no bold face: bold Chinese is *fake bold*, the regular glyphs filled and
stroked with a thin outline (text render mode 2, ``FAKE_BOLD_STROKE`` × size wide, drawn by
``reports.text``); its width is the regular width, so lines measure the same bold or not.

Call ``register_fonts()`` before opening any output file: when a font file is missing or unreadable
it raises ``FontMissing`` and nothing is registered, so no half-made PDF is ever written.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from ..core.errors import RangtangError
from ..core.msg import N_
from ..resources import resource

ZH = "RangtangZh"
BO = "RangtangBo"
BO_BOLD = "RangtangBo-Bold"

FONT_FILES = {
    ZH: "WenQuanYiMicroHei-Subset.ttf",
    BO: "RangtangTibetan-Regular.ttf",
    BO_BOLD: "RangtangTibetan-Bold.ttf",
}

# A TableStyle command for every table: reportlab's Table sets its cells' font (Helvetica by default)
# on the canvas even when every cell holds a Text flowable, which lists an unembedded Helvetica.
TABLE_FONT = ("FONTNAME", (0, 0), (-1, -1), ZH)

# Outline width of fake-bold Chinese, as a fraction of the font size.
FAKE_BOLD_STROKE = 0.03

_lock = threading.Lock()
_state = {"registered": False}


class FontMissing(RangtangError):
    """A font file the PDFs need is missing or cannot be read; ``name`` is the file name."""

    headline = N_("The font file {name} is missing or damaged, so no PDF was made.")
    advice = N_("Reinstall Rangtang Desktop to restore its fonts (they belong in {folder}). No file has been written.")


def font_path(name: str) -> Path:
    """Where the file of the reportlab font ``name`` (``ZH``, ``BO`` or ``BO_BOLD``) is shipped."""
    return resource("fonts", FONT_FILES[name])


def register_fonts() -> None:
    """Register the three fonts with reportlab (once per process; later calls return at once).

    Raises ``FontMissing`` before registering anything if a file is missing or unreadable.
    """
    if _state["registered"]:
        return
    with _lock:
        if _state["registered"]:
            return
        paths = {name: font_path(name) for name in FONT_FILES}
        for path in paths.values():
            if not path.is_file():
                raise FontMissing(name=path.name, folder=str(path.parent))
        loaded = []
        for name, path in paths.items():
            try:
                loaded.append(TTFont(name, str(path)))
            except (OSError, TTFError) as error:
                raise FontMissing(name=path.name, folder=str(path.parent)) from error
        for font in loaded:
            pdfmetrics.registerFont(font)
            font.hbFont()  # prepares reportlab's table of glyphs drawn without a character of their own
        _state["registered"] = True


def doc_options() -> dict[str, str]:
    """Keyword arguments for every reportlab ``Canvas`` or ``DocTemplate``, after registering the fonts.

    ``initialFontName``: without it reportlab declares Helvetica on every page, a font that is not
    embedded. ``SimpleDocTemplate(path, pagesize=A4, **fonts.doc_options())``; give tables
    ``TABLE_FONT`` in their style for the same reason.
    """
    register_fonts()
    return {"initialFontName": ZH}


def get_font(name: str) -> TTFont:
    """The registered reportlab font ``name``, registering the fonts first if needed."""
    register_fonts()
    return pdfmetrics.getFont(name)


def tibetan_font(bold: bool = False) -> str:
    """The reportlab name of the Tibetan font, bold or regular."""
    return BO_BOLD if bold else BO
