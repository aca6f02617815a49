"""Settings on this computer: the language, Tibetan digits, this node's identity, the village list,
the backups."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import settings
from ...core import vocab
from ...i18n import LANGUAGE_NAMES, _, current_language
from ...i18n.formatting import format_number, set_tibetan_digits, tibetan_digits_enabled
from ...services import permissions
from ...services import units as unit_service
from ...services.changes import Changes
from ...services.node import node_info
from ..env import UiEnv
from ..errors import show_error
from ..labels import unit_label
from ..widgets.audit_box import AuditBox
from ..widgets.backups_box import BackupsBox
from ..widgets.county_settings_box import CountySettingsBox
from ..widgets.place_filter import in_scroll_area
from ..widgets.users_box import UsersBox
from ..widgets.visitors_box import VisitorsBox


class SettingsPage(QWidget):
    language_chosen = Signal(str)

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.setObjectName("settings_page")

        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        self.language.activated.connect(self._language_activated)
        self.digits = QCheckBox(_("Write numbers with Tibetan digits (༡༢༣) in Tibetan"))
        self.digits.setObjectName("tibetan_digits")
        self.digits.setChecked(tibetan_digits_enabled())
        self.digits.toggled.connect(self._digits_toggled)
        language_box = QGroupBox(_("Language"))
        language_form = QFormLayout(language_box)
        language_form.addRow(_("Language of the program"), self.language)
        language_form.addRow("", self.digits)

        node_box = QGroupBox(_("This computer"))
        self.node_form = QFormLayout(node_box)
        self._fill_node()

        units_box = QGroupBox(_("Townships and villages"))
        units_layout = QVBoxLayout(units_box)
        self.units_summary = QLabel()
        self.units_summary.setWordWrap(True)
        load = QPushButton(_("Load village list…"))
        load.setObjectName("load_units")
        load.clicked.connect(self.load_units)
        units_layout.addWidget(self.units_summary)
        units_layout.addWidget(load)
        self._fill_units()

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(language_box)
        self.county = CountySettingsBox(env)
        layout.addWidget(self.county)
        self.visitors = VisitorsBox(env)
        layout.addWidget(self.visitors)
        self.users = UsersBox(env)
        layout.addWidget(self.users)
        layout.addWidget(node_box)
        layout.addWidget(units_box)
        self.backups = BackupsBox(env)
        layout.addWidget(self.backups)
        self.audit = AuditBox(env)
        layout.addWidget(self.audit)
        layout.addStretch(1)
        in_scroll_area(self, inner)
        self.show_what_is_allowed()

    def show_what_is_allowed(self) -> None:
        """Hide the groups the logged-in user's role may not use (``services.permissions``; the
        services refuse those actions anyway)."""
        ws = self.env.ws
        self.county.setVisible(permissions.allowed(ws, "county_settings"))
        self.visitors.setVisible(permissions.allowed(ws, "manage_users"))
        self.backups.setVisible(permissions.allowed(ws, "backups"))
        self.audit.setVisible(permissions.allowed(ws, "audit_log"))

    def _language_activated(self) -> None:
        lang = self.language.currentData()
        if lang != current_language():
            settings.update(language=lang)
            self.language_chosen.emit(lang)

    def _digits_toggled(self, enabled: bool) -> None:
        set_tibetan_digits(enabled)
        settings.update(tibetan_digits=enabled)
        self.env.publish(Changes(settings=True))

    def _fill_node(self) -> None:
        info = node_info(self.env.ws)
        units = self.env.units()
        rows = [
            (_("Role"), _(vocab.NODE_ROLE.label(info.role))),
            (_("Unit"), unit_label(units, info.unit_code) if info.unit_code else _("Not set yet")),
            (_("Node"), info.node_id),
            (_("Signing key fingerprint"), info.signing_fingerprint),
            (_("Encryption key fingerprint"), info.encryption_fingerprint),
            (_("Database"), self.env.ws.path),
        ]
        for label, value in rows:
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setWordWrap(True)
            self.node_form.addRow(label, text)

    def _fill_units(self) -> None:
        units = self.env.units().values()
        villages = sum(1 for u in units if u.level == "village" and not u.valid_to)
        townships = sum(1 for u in units if u.level == "township" and not u.valid_to)
        self.units_summary.setText(
            _("{townships} townships and {villages} villages are known. The county provides the village list as a CSV file.").format(
                townships=format_number(townships), villages=format_number(villages)
            )
        )

    def load_units(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Load village list…"), "", _("CSV files (*.csv)"))
        if not path:
            return
        self.env.runner.run(unit_service.load_units, path, on_done=self._units_loaded, on_error=lambda e: show_error(self, e))

    def _units_loaded(self, count: int) -> None:
        self.env.forget_units()
        self._fill_units()
        self.env.publish(Changes(units=True))
        QMessageBox.information(self, _("Townships and villages"), _("{count} units loaded.").format(count=format_number(count)))

    def on_changes(self, changes: Changes) -> None:
        self.users.on_changes(changes)
        if changes:
            self.show_what_is_allowed()
        if changes.units:
            self._fill_units()
