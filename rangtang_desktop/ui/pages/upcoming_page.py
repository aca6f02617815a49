"""A page for an area that is not built yet: it says so plainly instead of pretending."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...i18n import _


class UpcomingPage(QWidget):
    def __init__(self, title: str, description: str, parent: QWidget | None = None):
        super().__init__(parent)
        heading = QLabel(_(title))
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        text = QLabel(_(description) + "\n\n" + _("This part of the program is not available in this version yet."))
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)

    def on_changes(self, changes) -> None:
        pass
