"""The shipped fonts (WenQuanYi Micro Hei for Chinese, Noto Serif Tibetan for Tibetan), registered
with Qt so Tibetan renders the same on every village laptop. Qt shapes Tibetan and falls back
between the two families by itself."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..resources import resource

log = logging.getLogger(__name__)

FONT_FILES = ("WenQuanYiMicroHei-Subset.ttf", "NotoSerifTibetan-Regular.ttf", "NotoSerifTibetan-Bold.ttf")
CHINESE_FAMILY = "WenQuanYi Micro Hei"
TIBETAN_FAMILY = "Noto Serif Tibetan"
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
    """The window font: in Tibetan the Tibetan family leads, so line heights leave room for stacks."""
    families = [TIBETAN_FAMILY, CHINESE_FAMILY] if lang == "bo" else [CHINESE_FAMILY, TIBETAN_FAMILY]
    font = QFont()
    font.setFamilies(families)
    font.setPointSize(BASE_POINT_SIZE + (1 if lang == "bo" else 0))
    return font


def apply_font(app: QApplication, lang: str) -> None:
    install_fonts()
    app.setFont(ui_font(lang))
