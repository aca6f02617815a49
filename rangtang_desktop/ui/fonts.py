"""The shipped fonts (WenQuanYi Micro Hei for Chinese; Rangtang Tibetan, which is Noto Serif Tibetan
with tighter line metrics, see packaging/make_fonts.py), registered with Qt so Tibetan renders the
same on every village laptop. Qt shapes Tibetan and falls back between the two families by itself."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from ..resources import resource

log = logging.getLogger(__name__)

FONT_FILES = ("WenQuanYiMicroHei-Subset.ttf", "RangtangTibetan-Regular.ttf", "RangtangTibetan-Bold.ttf")
CHINESE_FAMILY = "WenQuanYi Micro Hei"
TIBETAN_FAMILY = "Rangtang Tibetan"
BASE_POINT_SIZE = 10

_loaded: list[str] = []


def install_fonts() -> list[str]:
    """Register the shipped font files once; returns the families Qt found."""
    if _loaded:
        return _loaded
    for name in FONT_FILES:
        path = resource("fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font file missing or unreadable: %s", name)
            continue
        _loaded.extend(QFontDatabase.applicationFontFamilies(font_id))
    return _loaded


def ui_font(lang: str) -> QFont:
    """The window font. The Chinese family leads and Tibetan falls back to the Tibetan family;
    the Tibetan interface, where Tibetan is most of the text, uses a slightly larger size. Qt's text
    layout makes each line as tall as the fonts it actually uses; text boxes and table rows are
    sized for Tibetan stacks."""
    font = QFont()
    font.setFamilies([CHINESE_FAMILY, TIBETAN_FAMILY])
    font.setPointSize(BASE_POINT_SIZE + (2 if lang == "bo" else 0))
    return font


def text_height(font: QFont) -> int:
    """Pixels a line needs at this font's size, for Chinese and for Tibetan stacks alike."""
    tibetan = QFont(TIBETAN_FAMILY, font.pointSize())
    chinese = QFont(CHINESE_FAMILY, font.pointSize())
    return max(QFontMetrics(chinese).height(), QFontMetrics(tibetan).height())


def apply_font(app: QApplication, lang: str) -> None:
    """Set the window font, and make text boxes tall enough that Tibetan stacks are not cut."""
    install_fonts()
    font = ui_font(lang)
    app.setFont(font)
    app.setStyleSheet(f"QLineEdit, QComboBox {{ min-height: {text_height(font) + 4}px; }}")
