"""The main window: a shell with navigation between the areas of the program. It knows no page's
internals; it forwards each service's ``Changes`` to every page, which decides whether to redraw."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.msg import N_
from ..i18n import _
from ..i18n.formatting import format_number
from ..services import exchange, flags, permissions, register_lists
from ..services.changes import Changes
from ..services.node import node_info
from .env import UiEnv
from .labels import unit_label
from .pages.dashboard_page import DashboardPage
from .pages.exchange_page import ExchangePage, unsent_text
from .pages.flags_page import FlagsPage
from .pages.printing_page import PrintingPage
from .pages.register_page import RegisterPage
from .pages.settings_page import SettingsPage
from .pages.visits_page import VisitsPage
from .session_lock import SessionGuard

AREAS = (
    ("dashboard", N_("Dashboard"), N_("This month's visit coverage, households at risk and what needs doing.")),
    ("visits", N_("Visits"), N_("The twice-monthly visits: the worklist, the visit form with signatures.")),
    ("register", N_("Register"), N_("Households, children, parents and guardians, care arrangements and categories.")),
    ("flags", N_("Flags"), N_("Warnings about missing or improper guardianship, reports and referrals.")),
    ("exchange", N_("Exchange"), N_("Carrying data between the village and the township on a USB stick.")),
    ("printing", N_("Printing"), N_("Visit sheets, monthly visit logs and blank forms.")),
    ("settings", N_("Settings"), N_("Language, this computer, the people who visit and the county's settings.")),
)


def window_title(env: UiEnv) -> str:
    """The program's name and this computer's village or township."""
    name = _("Rangtang Desktop")
    unit = env.units().get(node_info(env.ws).unit_code)
    return f"{name} — {unit_label(env.units(), unit.code)}" if unit else name


log = logging.getLogger(__name__)


def scrolling(page: QWidget) -> QScrollArea:
    """The page in a frameless scroll area: a stack is as large as its largest page, so without this
    the widest or tallest page (in Tibetan above all) made the window larger than a 1366×768 screen
    at 125% scaling; now a page that does not fit scrolls instead."""
    holder = QScrollArea()
    holder.setWidgetResizable(True)
    holder.setFrameShape(QFrame.Shape.NoFrame)
    holder.setWidget(page)
    return holder

class MainWindow(QMainWindow):
    changes = Signal(object)
    language_chosen = Signal(str)

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.setObjectName("main_window")
        self.setWindowTitle(window_title(env))
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, description in AREAS:
            if key == "register":
                page: QWidget = RegisterPage(env)
            elif key == "visits":
                page = VisitsPage(env)
            elif key == "dashboard":
                page = DashboardPage(env)
                page.open_area.connect(self.show_area)
            elif key == "printing":
                page = PrintingPage(env)
            elif key == "flags":
                page = FlagsPage(env)
                page.open_person.connect(self.open_person)
            elif key == "settings":
                page = SettingsPage(env)
                page.language_chosen.connect(self.language_chosen)
            else:
                page = ExchangePage(env)
            page.setObjectName(f"{key}_page")
            self.pages[key] = page
            self.stack.addWidget(scrolling(page))
            self.nav.addItem(_(title))
            self.nav.item(self.nav.count() - 1).setSizeHint(QSize(160, 40))
            self.nav.item(self.nav.count() - 1).setToolTip(_(description))
            self.changes.connect(page.on_changes)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.changes.connect(lambda changes: self.show_what_is_allowed() if changes else None)
        self.show_what_is_allowed()
        self.nav.currentRowChanged.connect(lambda row: self._update_prompt(Changes(flags=True)))
        self.report_prompt = QPushButton()
        self.report_prompt.setObjectName("report_prompt")
        self.report_prompt.setStyleSheet(
            "background: #b00020; color: white; font-weight: bold; padding: 6px; text-align: left;"
        )
        self.report_prompt.clicked.connect(lambda: self.show_area("flags"))
        self.report_prompt.hide()
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.report_prompt)
        right.addWidget(self.stack, 1)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.addWidget(self.nav)
        layout.addLayout(right, 1)
        self.setCentralWidget(body)
        self.counts = QLabel()
        self.statusBar().addPermanentWidget(self.counts)
        self.unsent = QPushButton()
        self.unsent.setObjectName("unsent_status")
        self.unsent.setFlat(True)
        self.unsent.clicked.connect(lambda: self.show_area("exchange"))
        self.statusBar().addPermanentWidget(self.unsent)
        self.changes.connect(self._update_counts)
        self.changes.connect(self._update_unsent)
        self._update_unsent(Changes(register=True))
        self.changes.connect(self._update_prompt)
        self._update_counts(Changes(register=True))
        self._update_prompt(Changes(flags=True))
        env.runner.busy_changed.connect(self._busy)
        self.session = SessionGuard(self, env)  # the user, switching and locking
        self.changes.connect(self.session.on_changes)
        self.show_area("dashboard")
        self.resize(1280, 760)

    def show_area(self, key: str) -> None:
        self.nav.setCurrentRow(list(self.pages).index(key))

    def current_area(self) -> str:
        return list(self.pages)[self.nav.currentRow()]

    def _busy(self, busy: bool) -> None:
        if busy:
            self.statusBar().showMessage(_("Saving…"))
        else:
            self.statusBar().clearMessage()

    def open_person(self, person_id: str) -> None:
        self.show_area("register")
        self.pages["register"].show_record("person", person_id)

    def _update_prompt(self, changes: Changes) -> None:
        """A mandatory report due stays on every page until the report is saved (or a supervisor
        dismisses it)."""
        if not (changes.flags or changes.register or changes.visits):
            return
        pending = len(flags.pending_reports(self.env.ws))
        on_flags = self.nav.currentRow() >= 0 and self.current_area() == "flags"  # the page shows its own
        self.report_prompt.setVisible(bool(pending) and not on_flags)
        self.report_prompt.setText(
            _("⚠ {count} critical situations must be reported to the police now. Open the flags to record the report.").format(
                count=format_number(pending)
            )
        )

    def _update_unsent(self, changes: Changes) -> None:
        """The changes the township (or, at a township, the villages) do not hold yet: always in view,
        counted off the UI thread (a township counts each village's share of the register)."""
        if changes:
            self.env.runner.run(exchange.unsent_count, on_done=self._show_unsent, on_error=self._unsent_failed)

    def show_what_is_allowed(self) -> None:
        """The Exchange area only for the roles that exchange (``services.permissions``); a grid
        worker who was looking at it is taken to the dashboard."""
        index = list(self.pages).index("exchange")
        allowed = permissions.allowed(self.env.ws, "exchange")
        self.nav.item(index).setHidden(not allowed)
        if not allowed and self.nav.currentRow() == index:
            self.show_area("dashboard")

    def _unsent_failed(self, error: BaseException) -> None:
        log.warning("could not count the changes not yet sent: %s", type(error).__name__)

    def _show_unsent(self, count: int) -> None:
        text = unsent_text(node_info(self.env.ws).role, count)
        self.unsent.setText(text)
        self.pages["exchange"].usb.unsent.setText(text)

    def _update_counts(self, changes: Changes) -> None:
        if not changes.register:
            return
        counts = register_lists.counts(self.env.ws)
        self.counts.setText(
            _("{households} households · {persons} people · {children} children").format(
                **{k: format_number(v) for k, v in counts.items()}
            )
        )
