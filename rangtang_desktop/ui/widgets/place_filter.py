"""Choosing a village (all, or one) and a village group, as every list and figure page does.
On a village laptop it starts at this computer's own village."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from ...i18n import _
from ...services import register_views
from ..env import UiEnv
from ..labels import group_items, village_items


class PlaceFilter(QWidget):
    changed = Signal()

    def __init__(self, env: UiEnv, *, with_groups: bool = True, start_at_home: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.start_at_home = start_at_home
        self.village = QComboBox()
        self.group = QComboBox()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.village, 2)
        layout.addWidget(self.group, 1)
        self.group.setVisible(with_groups)
        self.village.currentIndexChanged.connect(self._village_changed)
        self.group.currentIndexChanged.connect(self.changed)
        self.refill()

    def refill(self) -> None:
        """Fill the village list again (the county's list was loaded), keeping the choice."""
        units = self.env.units()
        current = self.village.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(_("All villages"), "")
        for code, label in village_items(units):
            self.village.addItem(label, code)
        if current is None and self.start_at_home:
            home = register_views.node_unit(self.env.ws)
            current = home if home in units and units[home].level == "village" else ""
        self.village.setCurrentIndex(max(self.village.findData(current or ""), 0))
        self.village.blockSignals(False)
        self._fill_groups()

    def _fill_groups(self) -> None:
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(_("All groups"), "")
        village = self.village_code()
        for code, label in group_items(self.env.units(), village) if village else []:
            self.group.addItem(label, code)
        self.group.setEnabled(bool(village))
        self.group.blockSignals(False)

    def _village_changed(self) -> None:
        self._fill_groups()
        self.changed.emit()

    def village_code(self) -> str:
        return self.village.currentData() or ""

    def group_code(self) -> str:
        return self.group.currentData() or ""


def in_scroll_area(owner: QWidget, inner: QWidget) -> None:
    """Give ``owner`` a layout that scrolls ``inner`` (pages taller than a 768-pixel screen)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
