"""Qt's own strings (OK, Cancel, Yes, No, the text-field menu) from our gettext catalogs, because
Qt ships no Tibetan. Strings our catalog does not translate are left to Qt."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from ..i18n import N_, translator

# The Qt strings users meet in this program (context QPlatformTheme, QLineEdit, QWidgetTextControl,
# QMessageBox, QWizard, and Qt's own file dialog — QFileDialog, QFileSystemModel — which Linux uses where
# there is no native one). Marked here so they are extracted into the catalogs.
QT_STRINGS = (
    N_("OK"), N_("Save"), N_("Open"), N_("&Yes"), N_("&No"), N_("Abort"), N_("Retry"), N_("Ignore"),
    N_("Close"), N_("Cancel"), N_("Discard"), N_("Help"), N_("Apply"), N_("Reset"),
    N_("Restore Defaults"), N_("&Undo"), N_("&Redo"), N_("Cu&t"), N_("&Copy"), N_("&Paste"),
    N_("Delete"), N_("Select All"), N_("Show Details..."), N_("Hide Details..."),
    N_("&Look in:"), N_("File &name:"), N_("Files of &type:"), N_("&Open"), N_("&Save"), N_("&Choose"),
    N_("Directory:"), N_("Back"), N_("Forward"), N_("Parent Directory"), N_("Create New Folder"),
    N_("List View"), N_("Detail View"), N_("New Folder"), N_("&New Folder"), N_("&Delete"), N_("&Rename"),
    N_("Show &hidden files"), N_("Name"), N_("Size"), N_("Type"), N_("Date Modified"), N_("Kind"),
    N_("File Folder"), N_("Folder"), N_("Drive"), N_("Computer"), N_("My Computer"), N_("Recent Places"),
    N_("All Files (*)"), N_("Directories"), N_("Save As"), N_("Find Directory"), N_("%1 bytes"),
    N_("%1 already exists.\nDo you want to replace it?"),
    N_("%1\nFile not found.\nPlease verify the correct file name was given."),
    N_("%1\nDirectory not found.\nPlease verify the correct directory name was given."),
    N_("Are you sure you want to delete '%1'?"),
    # QWizard (the first-run wizard sets its buttons from our catalog too; these cover Qt's defaults)
    N_("< &Back"), N_("&Next >"), N_("&Finish"), N_("&Help"), N_("Commit"),
)


class CatalogTranslator(QTranslator):
    def __init__(self, lang: str, parent=None):
        super().__init__(parent)
        self._translate = translator(lang)

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D102 - Qt override
        if not source_text:
            return None
        translated = self._translate(source_text)
        return translated if translated != source_text else None  # None: Qt keeps its own text ("" would blank it)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False
