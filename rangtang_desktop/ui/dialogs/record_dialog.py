"""Add and edit dialogs for every register record, built from the record declarations.

As the user types, the record is checked (the services' own checks) and problems appear under
their fields: errors in red block saving, warnings in amber do not. For a person, possible
duplicates already in the register are listed before saving; the user decides. Saving runs on the
runner; if it fails the dialog stays open with everything typed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core import records
from ...core.errors import ValidationFailed
from ...core.msg import N_
from ...i18n import _, render
from ...i18n.formatting import format_partial
from ...services import conflicts, register, register_views
from ...services.register import SaveResult
from ..env import UiEnv
from ..errors import show_error
from ..forms import FormContext, RecordForm
from ..labels import group_items, person_label, unit_label, village_items
from ..screen import resize_to_fit

SECTIONS: dict[type, list[tuple[str | None, list[str]]]] = {
    records.Household: [
        (N_("Place"), ["village_code", "group_code", "house_name_zh", "house_name_bo", "address", "hukou_type"]),
        (N_("Living"), ["livelihood", "seasonal_absence_months", "seasonal_absence_note", "economic_status", "housing", "hazards"]),
        (N_("Record keeping"), ["legal_basis", "notice_given_on", "notes"]),
    ],
    records.Person: [
        (N_("Identity"), [
            "name_zh", "name_bo", "aliases", "sex", "ethnicity", "birth_date", "birth_precision",
            "id_number", "hukou_status", "hukou_place", "alive_status", "phones",
        ]),
        (N_("School, health and wellbeing (for children)"), [
            "school_status", "school_name", "boarding", "health", "disability_category", "disability_level",
            "disability_certificate", "illness", "illness_on_county_list", "illness_untreated", "nutrition",
            "mental_health_concern", "behaviours", "work", "marital_status",
        ]),
        (None, ["notes"]),
    ],
    records.Relation: [(None, ["adult_id", "kind", "legal_guardian", "actual_caregiver", "lives_with"])],
    records.ParentSituation: [
        (None, ["kind", "start_date", "expected_end_date", "end_date"]),
        (N_("Where"), ["place_province", "place_city", "outside_county"]),
        (N_("Evidence and contact"), ["evidence", "evidence_ref", "last_contact_on", "contact_frequency", "notes"]),
    ],
    records.CareArrangement: [
        (None, ["carer_id", "start_date", "end_date", "carer_full_capacity", "carer_health", "disqualifiers"]),
        (N_("Written notices"), ["notice_school_on", "notice_village_on", "confirmation_signed_on", "child_view_recorded", "notes"]),
    ],
    records.Classification: [
        (None, ["kind", "status", "status_date", "recognised_by", "document_number", "benefits", "notes"]),
    ],
    records.MandatoryReport: [
        (None, ["discovered_at", "reported_at", "reported_to", "receiving_unit", "case_number", "notes"]),
    ],
    records.Referral: [
        (None, ["target", "unit_name", "sent_on", "due_on", "status", "outcome", "notes"]),
    ],
    records.FamilyEducationSession: [
        (None, ["session_date", "topic", "provider", "language", "village_code", "notes"]),
        (N_("Guardians who took part"), ["guardian_ids"]),
    ],
}

TITLES = {
    (records.Household, True): N_("New household"),
    (records.Household, False): N_("Edit household"),
    (records.Person, True): N_("New person"),
    (records.Person, False): N_("Edit person"),
    (records.Relation, True): N_("New relation"),
    (records.Relation, False): N_("Edit relation"),
    (records.ParentSituation, True): N_("New situation of a parent"),
    (records.ParentSituation, False): N_("Edit situation of a parent"),
    (records.CareArrangement, True): N_("New entrusted-care arrangement"),
    (records.CareArrangement, False): N_("Edit entrusted-care arrangement"),
    (records.Classification, True): N_("New category"),
    (records.Classification, False): N_("Edit category"),
    (records.MandatoryReport, True): N_("Mandatory report to the police"),
    (records.MandatoryReport, False): N_("Mandatory report"),
    (records.Referral, True): N_("New referral"),
    (records.Referral, False): N_("Edit referral"),
    (records.FamilyEducationSession, True): N_("New family-education session"),
    (records.FamilyEducationSession, False): N_("Edit family-education session"),
}


def form_context(env: UiEnv, record: Any, pick_person=None, candidates=None) -> FormContext:
    units = env.units()
    household_id = ""
    exclude = ""
    if isinstance(record, records.Relation):
        child = register_views.find(env.ws, "person", record.child_id)
        household_id, exclude = (child.household_id if child else ""), record.child_id
    elif isinstance(record, records.CareArrangement):
        child = register_views.find(env.ws, "person", record.child_id)
        household_id, exclude = (child.household_id if child else ""), record.child_id
    people = register_views.person_choices(env.ws, household_id, exclude) if household_id else []
    for name in ("adult_id", "carer_id"):
        current = getattr(record, name, "")
        if current and all(p.id != current for p in people):
            found = register_views.find(env.ws, "person", current)
            if found is not None:
                people.append(found)
    return FormContext(
        villages=village_items(units),
        groups_of=lambda village: group_items(units, village),
        people=people,
        pick_person=pick_person,
        candidates=list(candidates or []),
    )


class RecordDialog(QDialog):
    """Add or edit one record; ``saved`` carries the ``SaveResult``; ``open_person`` asks the
    caller to show an existing person instead (a duplicate the user recognised)."""

    saved = Signal(object)
    open_person = Signal(str)

    def __init__(self, env: UiEnv, record: Any, parent: QWidget | None = None, *, people=None):
        super().__init__(parent)
        self.env = env
        self.is_new = record.id is None
        record_type = type(record)
        self.setWindowTitle(_(TITLES[(record_type, self.is_new)]))
        self.setObjectName(f"dialog_{records.entity_name(record)}")
        self.form = RecordForm(record_type, SECTIONS[record_type], form_context(env, record, self._pick_person, people), self)
        self.form.set_record(record)
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.setObjectName("general_problems")
        self.general.hide()
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(_("Reason for the change (optional, kept in the history)"))
        self.reason.setVisible(not self.is_new)
        self.conflict_note = QLabel()
        self.conflict_note.setObjectName("conflict_note")
        self.conflict_note.setWordWrap(True)
        self.conflict_note.setStyleSheet("color: #8a5a00;")
        waiting = [] if self.is_new else conflicts.open_field_labels(env.ws, records.entity_name(record), record.id)
        if waiting:
            self.conflict_note.setText(
                _("These fields were changed on two computers and wait in the exchange area for a decision: {fields}. "
                  "Saving a value here replaces both.").format(fields="、".join(_(label) for label in waiting))
            )
        self.conflict_note.setVisible(bool(waiting))

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        body = QHBoxLayout()
        body.addWidget(scroll, 3)
        self.duplicates = DuplicatePanel(env, self)
        self.duplicates.open_person.connect(self._open_existing)
        body.addWidget(self.duplicates, 2)
        self.duplicates.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("save")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.conflict_note)
        layout.addLayout(body, 1)
        layout.addWidget(self.general)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)
        resize_to_fit(self, 900 if record_type is records.Person else 620, 640)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.check_now)
        self.form.changed.connect(self._timer.start)
        if not self.is_new:
            self.check_now()

    def _pick_person(self):
        from .person_picker import PersonPicker

        return PersonPicker.choose(self.env, self)

    def check_now(self) -> None:
        """Check the record as typed and show problems and possible duplicates."""
        record = self.form.record()
        problems = register.check(self.env.ws, record)
        self.form.show_problems(problems)
        self._show_general(self.form.unplaced(problems))
        if isinstance(record, records.Person):
            self.duplicates.show_matches(register.find_duplicates(self.env.ws, record))

    def _show_general(self, problems) -> None:
        self.general.setVisible(bool(problems))
        self.general.setText("\n".join(render(p.message) for p in problems))
        self.general.setStyleSheet("color: #b00020;")

    def save(self) -> None:
        self._timer.stop()
        record = self.form.record()
        self.save_button.setEnabled(False)
        self.env.runner.run(
            register.save, record, reason=self.reason.text().strip(), on_done=self._saved, on_error=self._failed
        )

    def _saved(self, result: SaveResult) -> None:
        self.save_button.setEnabled(True)
        self.env.publish(result.changes)
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self.form.show_problems(error.problems)
            self._show_general(self.form.unplaced(error.problems))
            self.form.focus_first_problem(error.problems)
            return
        show_error(self, error)

    def _open_existing(self, person_id: str) -> None:
        self.open_person.emit(person_id)
        self.reject()


class DuplicatePanel(QWidget):
    """People already in the register who may be the one being entered."""

    open_person = Signal(str)

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.setObjectName("duplicates")
        title = QLabel(_("Possibly already in the register"))
        title.setStyleSheet("font-weight: bold;")
        hint = QLabel(_("Check whether one of these is the same person. Nothing is merged by itself."))
        hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.open_button = QPushButton(_("Open this person instead"))
        self.open_button.clicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.open_button)

    def show_matches(self, matches) -> None:
        self.list.clear()
        people = register_views.people(self.env.ws, [m.person_id for m in matches])
        households = {
            p.household_id: register_views.find(self.env.ws, "household", p.household_id)
            for p in people.values()
            if p.household_id
        }
        units = self.env.units()
        for match in matches:
            person = people.get(match.person_id)
            if person is None:
                continue
            household = households.get(person.household_id)
            place = ""
            if household is not None:
                place = f"{household.household_number} · {unit_label(units, household.village_code)}"
            lines = [
                f"{person_label(person)}  {format_partial(person.birth_date)}",
                place,
                "; ".join(render(reason) for reason in match.reasons),
            ]
            item = QListWidgetItem("\n".join(line for line in lines if line))
            item.setData(256, person.id)
            self.list.addItem(item)
        self.setVisible(bool(matches))
        if matches:
            self.list.setCurrentRow(0)

    def _open(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.open_person.emit(item.data(256))


def new_record(record_type: type, **values) -> Any:
    return dataclasses.replace(record_type(), **values)
