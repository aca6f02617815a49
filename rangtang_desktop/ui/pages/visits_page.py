"""The visits area: the worklist of households still to visit this month (by group, state and
visitor), unsigned drafts to finish, and family-education sessions with each guardian's yearly
coverage."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core import records
from ...core.compliance import STATE_LABELS
from ...core.dates import LOCAL_ZONE
from ...core.visits import parse_instant
from ...i18n import _
from ...i18n.formatting import format_datetime, format_month, format_number, format_partial
from ...services import people_who_visit, register_views, sessions, visits
from ...services.changes import Changes
from ...services.visits_overview import DraftRow, VisitsOverview, visits_overview
from ..dialogs.record_dialog import RecordDialog
from ..dialogs.visit_form import VisitForm, open_visit_for_household
from ..env import UiEnv
from ..errors import show_error
from ..fonts import text_height
from ..labels import person_label, unit_label
from ..models.lazy_table import ID_ROLE
from ..models.worklist_model import WorklistModel
from ..widgets.place_filter import PlaceFilter
from .page import BackgroundPage


def _table(columns: int, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class VisitsPage(BackgroundPage):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(env, parent)
        self.setObjectName("visits_page")
        self.place = PlaceFilter(env)
        self.place.setObjectName("visits_place")
        self.visitor = QComboBox()
        self.visitor.setObjectName("visits_visitor")
        self.month = QComboBox()
        self.month.setObjectName("visits_month")
        today = env.ws.today()
        for back in range(13):
            year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
            self.month.addItem(format_month(year, month + 1), (year, month + 1))
        filters = QHBoxLayout()
        filters.addWidget(self.month, 1)
        filters.addWidget(self.place, 3)
        filters.addWidget(self.visitor, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._worklist_tab(), _("Worklist"))
        self.tabs.addTab(self._drafts_tab(), _("Unsigned drafts"))
        self.tabs.addTab(self._sessions_tab(), _("Family education"))
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)

        self.place.changed.connect(self.request_reload)
        self.visitor.currentIndexChanged.connect(self.request_reload)
        self.month.currentIndexChanged.connect(self.request_reload)
        self.fill_filters()

    # -- filters -----------------------------------------------------------------------------

    def fill_filters(self) -> None:
        self.place.refill()
        self.visitor.blockSignals(True)
        self.visitor.clear()
        self.visitor.addItem(_("All visitors"), "")
        for user in people_who_visit.visitors(self.env.ws):
            if user.display_name:
                self.visitor.addItem(user.display_name, user.user_id)
        self.visitor.blockSignals(False)

    def visitor_names(self) -> dict[str, str]:
        return {u.user_id: u.display_name for u in people_who_visit.visitors(self.env.ws)}

    # -- worklist ----------------------------------------------------------------------------

    def _worklist_tab(self) -> QWidget:
        tab = QWidget()
        self.summary = QLabel()
        self.summary.setObjectName("worklist_summary")
        self.summary.setWordWrap(True)
        self.worklist = WorklistModel(self.env.units, self.visitor_names, self)
        self.worklist_view = QTableView()
        self.worklist_view.setObjectName("worklist")
        self.worklist_view.setModel(self.worklist)
        self.worklist_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.worklist_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.worklist_view.verticalHeader().setDefaultSectionSize(text_height(self.font()) + 10)
        self.worklist_view.horizontalHeader().setStretchLastSection(True)
        self.worklist_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.worklist_view.doubleClicked.connect(lambda index: self.record_visit())
        print_log = QPushButton(_("Print the visit log…"))
        print_log.setObjectName("print_visit_log")
        print_log.clicked.connect(self.print_visit_log)
        record = QPushButton(_("Record a visit"))
        record.setObjectName("record_visit")
        record.clicked.connect(self.record_visit)
        assign = QPushButton(_("Assign visitor…"))
        assign.setObjectName("assign_visitor")
        assign.clicked.connect(self.assign_visitor)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(print_log)
        buttons.addWidget(assign)
        buttons.addWidget(record)
        layout = QVBoxLayout(tab)
        layout.addLayout(buttons)
        layout.addWidget(self.worklist_view, 1)
        return tab

    def reload(self) -> None:
        """Gather everything now (tests; the window loads it in the background)."""
        self.request_reload()

    def load_job(self):
        return visits_overview, (
            self.place.village_code(), self.place.group_code(), self.visitor.currentData() or "",
            self._shown_month(),
        )

    def show_data(self, overview: VisitsOverview) -> None:
        self.worklist.set_rows(overview.worklist)
        self.worklist_view.resizeColumnsToContents()
        report = overview.report
        counts = {state: 0 for state in STATE_LABELS}
        week = 0
        for row in report.rows:
            counts[row.result.state] += 1
            week += row.result.due_this_week
        self.summary.setText(
            _("{month}: {met} of {scope} households visited enough · {due} due ({week} this week) · {at_risk} at risk · {away} away").format(
                month=format_month(report.year, report.month), met=format_number(report.households_met),
                scope=format_number(report.households_in_scope), due=format_number(counts["due"]),
                week=format_number(week), at_risk=format_number(counts["at_risk"]), away=format_number(counts["away"]),
            )
        )
        self._show_drafts(overview.drafts)
        self._show_sessions(overview)

    def _shown_month(self) -> tuple[int, int]:
        return self.month.currentData() or (self.env.ws.today().year, self.env.ws.today().month)

    def print_visit_log(self) -> None:
        """The monthly visit log of the shown month, place and visitor, as a PDF."""
        from ...i18n import current_language
        from ...services import printing
        from ..printing import choose_file, make_and_open

        year, month = self._shown_month()
        path = choose_file(self, f"visit-log-{year}-{month:02d}.pdf")
        if path is not None:
            make_and_open(
                self.env, self, path, printing.visit_log, year, month, path, current_language(),
                village_code=self.place.village_code(), group_code=self.place.group_code(),
                worker=self.visitor.currentData() or "",
            )

    def _chosen_households(self) -> list[str]:
        rows = sorted({index.row() for index in self.worklist_view.selectionModel().selectedRows()})
        return [self.worklist.row_at(r).household_id for r in rows]

    def record_visit(self) -> None:
        chosen = self._chosen_households()
        if not chosen:
            QMessageBox.information(self, _("Rangtang Desktop"), _("Choose a household in the list first."))
            return
        open_visit_for_household(self.env, chosen[0], self)

    def assign_visitor(self) -> None:
        chosen = self._chosen_households()
        people = [u for u in people_who_visit.visitors(self.env.ws) if u.display_name]
        if not chosen or not people:
            QMessageBox.information(
                self, _("Rangtang Desktop"),
                _("Choose households in the list, and add the people who visit in Settings first."),
            )
            return
        names = [_("Nobody")] + [u.display_name for u in people]
        name, ok = QInputDialog.getItem(self, _("Assign visitor…"), _("Who visits these households?"), names, 0, False)
        if not ok:
            return
        user_id = "" if name == names[0] else people[names.index(name) - 1].user_id
        self.env.runner.run(
            people_who_visit.assign, chosen, user_id, on_done=self.env.publish, on_error=lambda e: show_error(self, e)
        )

    # -- drafts ------------------------------------------------------------------------------

    def _drafts_tab(self) -> QWidget:
        tab = QWidget()
        self.drafts = _table(4, [_("Household number"), _("House name"), _("Visit date"), _("Last saved")])
        self.drafts.setObjectName("drafts")
        self.drafts.doubleClicked.connect(lambda index: self.open_draft())
        open_button = QPushButton(_("Continue"))
        open_button.clicked.connect(self.open_draft)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(_("Visits started but not signed yet. A visit counts only once it is signed.")))
        layout.addWidget(self.drafts, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(open_button)
        layout.addLayout(row)
        return tab

    def _show_drafts(self, drafts: list[DraftRow]) -> None:
        self.drafts.setRowCount(len(drafts))
        for row, entry in enumerate(drafts):
            household = entry.household
            when = parse_instant(entry.draft.visited_at)
            saved = parse_instant(entry.saved_at)
            values = [
                household.household_number if household else "",
                " ".join(n for n in (household.house_name_zh, household.house_name_bo) if n) if household else "",
                format_datetime(when.astimezone(LOCAL_ZONE)) if when else "",
                format_datetime(saved.astimezone(LOCAL_ZONE)) if saved else "",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ID_ROLE, entry.draft.id)
                self.drafts.setItem(row, column, item)
        self.drafts.resizeColumnsToContents()
        self.tabs.setTabText(1, _("Unsigned drafts ({count})").format(count=format_number(len(drafts))))

    def open_draft(self) -> None:
        item = self.drafts.currentItem()
        if item is None:
            return
        draft = visits.draft(self.env.ws, item.data(ID_ROLE))
        if draft is not None:
            VisitForm(self.env, draft, self).open()

    # -- family education --------------------------------------------------------------------

    def _sessions_tab(self) -> QWidget:
        tab = QWidget()
        self.sessions = _table(4, [_("Date"), _("Topic"), _("Given by"), _("Guardians")])
        self.sessions.setObjectName("sessions")
        self.sessions.doubleClicked.connect(lambda index: self.edit_session())
        new = QPushButton(_("New session"))
        new.setObjectName("new_session")
        new.clicked.connect(self.new_session)
        self.uncovered_only = QCheckBox(_("Only guardians without a session this year"))
        self.uncovered_only.setChecked(True)
        self.uncovered_only.toggled.connect(self._show_coverage)
        self.coverage_label = QLabel()
        self.coverage_label.setWordWrap(True)
        self.coverage = _table(4, [_("Guardian"), _("Household number"), _("Village"), _("Sessions this year")])
        self.coverage.setObjectName("guardian_coverage")
        layout = QVBoxLayout(tab)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Sessions this year")), 1)
        top.addWidget(new)
        layout.addLayout(top)
        layout.addWidget(self.sessions, 1)
        layout.addWidget(self.coverage_label)
        layout.addWidget(self.uncovered_only)
        layout.addWidget(self.coverage, 2)
        return tab

    def _show_sessions(self, overview: VisitsOverview) -> None:
        self._overview = overview
        self.sessions.setRowCount(len(overview.sessions))
        for row, session in enumerate(overview.sessions):
            values = [format_partial(session.session_date), session.topic, session.provider, str(len(session.guardian_ids))]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ID_ROLE, session.id)
                self.sessions.setItem(row, column, item)
        self.sessions.resizeColumnsToContents()
        self._show_coverage()

    def _show_coverage(self) -> None:
        overview = getattr(self, "_overview", None)
        if overview is None:
            return
        coverage = overview.coverage
        covered = sum(g.covered for g in coverage)
        self.coverage_label.setText(
            _("{covered} of {total} guardians have had a family-education session this year.").format(
                covered=format_number(covered), total=format_number(len(coverage))
            )
        )
        shown = [g for g in coverage if not g.covered] if self.uncovered_only.isChecked() else coverage
        self.coverage.setRowCount(len(shown))
        for row, guardian in enumerate(shown):
            household = overview.households.get(guardian.household_id)
            values = [
                person_label(guardian.person),
                household.household_number if household else "",
                unit_label(self.env.units(), guardian.village_code),
                str(guardian.sessions),
            ]
            for column, value in enumerate(values):
                self.coverage.setItem(row, column, QTableWidgetItem(value))
        self.coverage.resizeColumnsToContents()

    def _session_dialog(self, session: records.FamilyEducationSession) -> RecordDialog:
        year = self.env.ws.today().year
        village = session.village_code or self.place.village_code()
        guardians = [g.person for g in sessions.guardian_coverage(self.env.ws, year, village)]
        dialog = RecordDialog(self.env, session, self, people=guardians)
        dialog.open()
        return dialog

    def new_session(self) -> RecordDialog:
        village = self.place.village_code() or register_views.node_unit(self.env.ws)
        return self._session_dialog(
            records.FamilyEducationSession(session_date=self.env.ws.today().isoformat(), village_code=village)
        )

    def edit_session(self) -> None:
        item = self.sessions.currentItem()
        if item is None:
            return
        session = register_views.find(self.env.ws, "family_education_session", item.data(ID_ROLE))
        if session is not None:
            self._session_dialog(session)

    def wants(self, changes: Changes) -> bool:
        if changes.units:
            self.fill_filters()
        return bool(changes.units or changes.visits or changes.register or changes.settings)


