"""The register page: households and people in lazy lists, search across scripts and spellings,
and the detail panel with everything about the chosen household or person."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import records
from ...i18n import _
from ...i18n.formatting import format_number
from ...services import register, register_lists, register_views, visits
from ...services.changes import Changes
from ...services.register_lists import ListFilter
from ..dialogs.history_dialog import HistoryDialog
from ..dialogs.record_dialog import RecordDialog
from ..dialogs.visit_form import VisitForm, open_visit_for_household
from ..env import UiEnv
from ..errors import show_error
from ..fonts import text_height
from ..models.register_models import HouseholdTableModel, PersonTableModel
from ..widgets.detail_view import DetailView, household_html, person_html
from ..widgets.place_filter import PlaceFilter

HOUSEHOLDS, PEOPLE = 0, 1
NEW_FOR = {
    "member": lambda current: records.Person(household_id=current.household_id if isinstance(current, records.Person) else current.id),
    "relation": lambda current: records.Relation(child_id=current.id, kind="father", legal_guardian=True),
    "situation": lambda current: records.ParentSituation(person_id=current.id),
    "care": lambda current: records.CareArrangement(child_id=current.id),
    "classification": lambda current: records.Classification(child_id=current.id),
}


class RegisterPage(QWidget):
    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.setObjectName("register_page")
        self.current: records.Household | records.Person | None = None
        self.back_stack: list[tuple[str, str]] = []

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search: name in Chinese or Tibetan, pinyin, ID number, house name"))
        self.place = PlaceFilter(env, start_at_home=False)
        self.place.setObjectName("register_place")
        self.children_only = QCheckBox(_("Children only"))
        self.children_only.setObjectName("children_only")
        self.new_household = QPushButton(_("New household"))
        self.new_household.setObjectName("new_household")
        self.new_person = QPushButton(_("New person"))
        self.new_person.setObjectName("new_person")

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.place, 3)
        top.addWidget(self.children_only)
        top.addWidget(self.new_household)
        top.addWidget(self.new_person)

        self.tabs = QTabBar()
        self.tabs.setObjectName("register_tabs")
        self.tabs.addTab(_("Households"))
        self.tabs.addTab(_("People"))
        self.status = QLabel()
        self.status.setObjectName("register_status")

        self.households = HouseholdTableModel(env.ws, env.units, self)
        self.people = PersonTableModel(env.ws, env.units, self)
        self.table = QTableView()
        self.table.setObjectName("register_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(text_height(self.font()) + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(40)

        self.back = QPushButton(_("Back"))
        self.back.setObjectName("back")
        self.back.setEnabled(False)
        self.detail = DetailView()
        self.detail.show_empty()
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)
        detail_layout.addWidget(self.detail, 1)

        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(detail_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        bar = QHBoxLayout()
        bar.addWidget(self.tabs)
        bar.addStretch(1)
        bar.addWidget(self.status)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._search_timer.start)
        self.place.changed.connect(self.reload)
        self.children_only.toggled.connect(self.reload)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.new_household.clicked.connect(self.add_household)
        self.new_person.clicked.connect(lambda: self.add("member"))
        self.back.clicked.connect(self.go_back)
        self.detail.action.connect(self.on_action)

        self._tab_changed(HOUSEHOLDS)

    # -- lists -------------------------------------------------------------------------------

    def _tab_changed(self, index: int) -> None:
        self.table.setModel(self.households if index == HOUSEHOLDS else self.people)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.children_only.setEnabled(index == PEOPLE)
        self.reload()

    def list_filter(self) -> ListFilter:
        return ListFilter(
            village_code=self.place.village_code(),
            group_code=self.place.group_code(),
            children_only=self.children_only.isChecked(),
        )

    def reload(self) -> None:
        """Fetch the ids of the shown list again (filters, search or data changed)."""
        query = self.search.text().strip()
        if query:
            if self.tabs.currentIndex() != PEOPLE:
                self.tabs.setCurrentIndex(PEOPLE)  # calls reload again
                return
            ids = register_views.search(self.env.ws, query)
            self.people.set_ids(ids)
            if len(ids) >= 200:
                text = _("The first {count} matches; add more letters to narrow the search.")
            else:
                text = _("{count} matches")
            self.status.setText(text.format(count=format_number(len(ids))))
        elif self.tabs.currentIndex() == HOUSEHOLDS:
            ids = register_lists.household_ids(self.env.ws, self.list_filter())
            self.households.set_ids(ids)
            self.status.setText(_("{count} households").format(count=format_number(len(ids))))
        else:
            ids = register_lists.person_ids(self.env.ws, self.list_filter())
            self.people.set_ids(ids)
            label = _("{count} children") if self.children_only.isChecked() else _("{count} people")
            self.status.setText(label.format(count=format_number(len(ids))))
        self.table.resizeColumnsToContents()  # measures the first rows only (precision below)

    def _row_chosen(self, current, previous=None) -> None:
        if not current.isValid():
            return
        model = self.table.model()
        entity = "household" if model is self.households else "person"
        self.show_record(entity, model.id_at(current.row()), remember=False)

    # -- detail ------------------------------------------------------------------------------

    def show_record(self, entity: str, record_id: str, *, remember: bool = True) -> None:
        if remember and self.current is not None:
            self.back_stack.append((records.entity_name(self.current), self.current.id))
        try:
            if entity == "household":
                view = register_views.show_household(self.env.ws, record_id)
                self.current = view.household
                self.detail.show_html(
                    household_html(
                        view, self.env.units(), visits.household_history(self.env.ws, record_id),
                        visits.drafts(self.env.ws, record_id),
                    )
                )
            else:
                view = register_views.show_person(self.env.ws, record_id)
                self.current = view.person
                self.detail.show_html(person_html(view, self.env.units()))
        except Exception as error:  # the record vanished (merged, deleted elsewhere)
            self.current = None
            self.detail.show_empty()
            show_error(self, error)
        self.back.setEnabled(bool(self.back_stack))

    def go_back(self) -> None:
        if self.back_stack:
            entity, record_id = self.back_stack.pop()
            self.show_record(entity, record_id, remember=False)

    def refresh_detail(self) -> None:
        if self.current is None:
            return
        entity = records.entity_name(self.current)
        if register_views.find(self.env.ws, entity, self.current.id) is None:
            self.current = None
            self.detail.show_empty()
            return
        self.show_record(entity, self.current.id, remember=False)

    def on_action(self, verb: str, entity: str, record_id: str) -> None:
        if verb == "open":
            self.show_record(entity, record_id)
        elif verb == "edit":
            record = register_views.open_record(self.env.ws, entity, record_id)
            if record is not None:
                self.open_dialog(record)
        elif verb == "history":
            HistoryDialog(self.env, entity, record_id, self).exec()
        elif verb == "delete":
            self.remove(entity, record_id)
        elif verb in ("visit", "draft"):
            found = visits.get(self.env.ws, record_id) if verb == "visit" else visits.draft(self.env.ws, record_id)
            if found is not None:
                VisitForm(self.env, found, self).open()
        elif verb == "add" and entity == "visit":
            household_id = self.current.id if isinstance(self.current, records.Household) else self.current.household_id
            open_visit_for_household(self.env, household_id, self)
        elif verb == "add":
            self.add(entity)

    # -- actions -----------------------------------------------------------------------------

    def open_dialog(self, record) -> RecordDialog:
        dialog = RecordDialog(self.env, record, self)
        dialog.saved.connect(self._saved)
        dialog.open_person.connect(lambda person_id: self.show_record("person", person_id))
        dialog.open()
        return dialog

    def _saved(self, result) -> None:
        entity = records.entity_name(result.record)
        if entity in ("household", "person") and result.created:
            self.show_record(entity, result.record.id)

    def add_household(self) -> RecordDialog:
        return self.open_dialog(records.Household(village_code=self.place.village_code(), group_code=self.place.group_code()))

    def add(self, kind: str) -> RecordDialog | None:
        if self.current is None or (kind != "member" and not isinstance(self.current, records.Person)):
            QMessageBox.information(self, _("Rangtang Desktop"), _("Choose a household or a person first."))
            return None
        return self.open_dialog(NEW_FOR[kind](self.current))

    def remove(self, entity: str, record_id: str) -> None:
        reason, ok = QInputDialog.getText(
            self, _("Remove"), _("Why is this being removed? It stays in the history and can be traced.")
        )
        if not ok:
            return
        self.env.runner.run(
            register.delete, entity, record_id, reason=reason.strip(),
            on_done=self.env.publish, on_error=lambda error: show_error(self, error),
        )

    def on_changes(self, changes: Changes) -> None:
        if changes.units:
            self.place.refill()
        if changes.visits and not (changes.register or changes.units):
            self.refresh_detail()
        if changes.register or changes.units:
            current_row = self.table.currentIndex().row()
            self.reload()
            if 0 <= current_row < self.table.model().rowCount():
                self.table.selectRow(current_row)
            self.refresh_detail()


