"""Editing the county settings (visits per month, which visits count, spacing, family-education
sessions per year). They take effect at the next evaluation and travel to the other laptops."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...core import vocab
from ...core.county_settings import CountySettings, label
from ...i18n import _
from ...services import county_settings
from ..env import UiEnv
from ..errors import show_error

NUMBERS = (
    "visits_per_month", "min_spacing_days", "at_risk_days_per_visit", "family_education_per_year",
    "min_absence_months", "elderly_carer_age", "school_start_age", "school_end_age",
)


class CountySettingsBox(QGroupBox):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(_("County settings"), parent)
        self.env = env
        self.setObjectName("county_settings")
        # A grid, not a QFormLayout: a form row kept its field's height and cut the lines of a label
        # wrapped beside it (long Tibetan labels); a grid gives each row its label's height.
        grid = QGridLayout(self)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        def add_row(text: str, field: QWidget) -> None:
            row = grid.rowCount()
            if text:
                label_widget = QLabel(text)
                label_widget.setWordWrap(True)
                grid.addWidget(label_widget, row, 0)
            grid.addWidget(field, row, 1)

        self.numbers: dict[str, QSpinBox] = {}
        for name in NUMBERS:
            spin = QSpinBox()
            spin.setObjectName(f"setting_{name}")
            spin.setRange(0, 120)
            add_row(_(label(name)), spin)
            self.numbers[name] = spin
        modes = QWidget()
        modes_grid = QGridLayout(modes)
        modes_grid.setContentsMargins(0, 0, 0, 0)
        self.modes: dict[str, QCheckBox] = {}
        for i, (code, text) in enumerate(vocab.VISIT_MODE.items):
            box = QCheckBox(_(text))
            box.setObjectName(f"counting_mode_{code}")
            modes_grid.addWidget(box, i // 3, i % 3)
            self.modes[code] = box
        add_row(_(label("counting_modes")), modes)
        self.outside_only = QCheckBox(_(label("absence_outside_county_only")))
        self.outside_only.setObjectName("setting_absence_outside_county_only")
        add_row("", self.outside_only)
        self.illnesses = QPlainTextEdit()
        self.illnesses.setObjectName("setting_serious_illnesses")
        self.illnesses.setFixedHeight(90)
        add_row(_(label("serious_illnesses")), self.illnesses)
        self.save_button = QPushButton(_("Save county settings"))
        self.save_button.setObjectName("save_county_settings")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        grid.addLayout(row, grid.rowCount(), 0, 1, 2)
        self.load()

    def load(self) -> None:
        current = county_settings.load(self.env.ws)
        for name, spin in self.numbers.items():
            spin.setValue(getattr(current, name))
        for code, box in self.modes.items():
            box.setChecked(code in current.counting_modes)
        self.outside_only.setChecked(current.absence_outside_county_only)
        self.illnesses.setPlainText("\n".join(current.serious_illnesses))

    def current(self) -> CountySettings:
        values = {name: spin.value() for name, spin in self.numbers.items()}
        values["counting_modes"] = tuple(code for code, box in self.modes.items() if box.isChecked())
        values["absence_outside_county_only"] = self.outside_only.isChecked()
        values["serious_illnesses"] = tuple(
            line.strip() for line in self.illnesses.toPlainText().splitlines() if line.strip()
        )
        return dataclasses.replace(CountySettings(), **values)

    def save(self) -> None:
        def saved(changes) -> None:
            self.status.setText(_("Saved. The new settings apply from now on."))
            self.env.publish(changes)

        self.env.runner.run(county_settings.save, self.current(), on_done=saved, on_error=lambda e: show_error(self, e))
