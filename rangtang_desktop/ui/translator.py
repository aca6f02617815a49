"""Qt's own strings (OK, Cancel, Yes, No, the text-field menu) from our gettext catalogs, because
Qt ships no Tibetan. Strings our catalog does not translate are left to Qt."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from ..i18n import N_, translator

# The Qt strings users meet in this program (context QPlatformTheme, QLineEdit, QWidgetTextControl,
# QMessageBox). Marked here so they are extracted into the catalogs.
QT_STRINGS = (
    N_("OK"), N_("Save"), N_("Open"), N_("&Yes"), N_("&No"), N_("Abort"), N_("Retry"), N_("Ignore"),
    N_("Close"), N_("Cancel"), N_("Discard"), N_("Help"), N_("Apply"), N_("Reset"),
    N_("Restore Defaults"), N_("&Undo"), N_("&Redo"), N_("Cu&t"), N_("&Copy"), N_("&Paste"),
    N_("Delete"), N_("Select All"), N_("Show Details..."), N_("Hide Details..."),
)


class CatalogTranslator(QTranslator):
    def __init__(self, lang: str, parent=None):
        super().__init__(parent)
        self._translate = translator(lang)

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D102 - Qt override
        if not source_text:
            return ""
        translated = self._translate(source_text)
        return translated if translated != source_text else ""

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False
