"""The visit form (巡查寻访记录): who was seen, when and how, the checklist of observable facts for
each child, the guardianship rating, notes, actions and next step, and the two signatures.

Everything typed is saved as a draft within a second (on the runner), so a crash or power cut
loses almost nothing; reopening the household offers the draft again. Signing checks the visit,
fixes its hash and locks it. A signed visit opens read-only, with its hash verified, and can be
corrected by a new visit that amends it.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...core import vocab
from ...core.dates import LOCAL_ZONE
from ...core.errors import ValidationFailed
from ...core.msg import N_
from ...core.visits import CHECKLIST, ChildSeen, Visit, parse_instant, verify
from ...i18n import _, render
from ...i18n.formatting import format_age, format_datetime
from ...services import register_views, visits
from ..env import UiEnv
from ..errors import show_error
from ..labels import person_label, unit_label
from ..screen import resize_to_fit
from ..widgets.signature_pad import SignatureField

AUTOSAVE_MS = 700
TITLE_NEW = N_("Record a visit")
TITLE_SIGNED = N_("Signed visit")


def _combo(vocabulary: vocab.Vocabulary, *, empty: bool = False) -> QComboBox:
    combo = QComboBox()
    if empty:
        combo.addItem("—", "")
    for code, label in vocabulary.items:
        combo.addItem(_(label), code)
    return combo


def _select(combo: QComboBox, code: str) -> None:
    index = combo.findData(code)
    combo.setCurrentIndex(max(index, 0))


def _text_box(height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class VisitForm(QDialog):
    """Record (or view) one visit. ``finished_visit`` carries the signed visit after signing."""

    signed = Signal(object)
    changed_drafts = Signal()

    def __init__(self, env: UiEnv, visit: Visit, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.visit = visit
        self.read_only = visit.signed
        self.setObjectName("visit_form")
        self.setWindowTitle(_(TITLE_SIGNED if self.read_only else TITLE_NEW))
        self._loading = True
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft_now)
        view = register_views.household_view(env.ws, visit.household_id)
        self.members = {m.person.id: m for m in view.members}

        body = QWidget()
        self.layout_body = QVBoxLayout(body)
        self.layout_body.addWidget(self._header(view))
        self.layout_body.addWidget(self._visit_box())
        self.layout_body.addWidget(self._children_box())
        self.layout_body.addWidget(self._checklist_box())
        self.layout_body.addWidget(self._assessment_box())
        self.layout_body.addWidget(self._signature_box())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        self.problems = QLabel()
        self.problems.setObjectName("visit_problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.hide()
        self.saved_note = QLabel()
        self.saved_note.setObjectName("saved_note")
        self.saved_note.setStyleSheet("color: #666;")

        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_note, 1)
        print_button = QPushButton(_("Print…"))
        print_button.setObjectName("print_visit")
        print_button.clicked.connect(self.print_sheet)
        buttons.addWidget(print_button)
        if self.read_only:
            self.correct_button = QPushButton(_("Correct this visit…"))
            self.correct_button.setObjectName("correct_visit")
            self.correct_button.clicked.connect(self.correct)
            buttons.addWidget(self.correct_button)
        else:
            self.discard_button = QPushButton(_("Discard draft"))
            self.discard_button.setObjectName("discard_draft")
            self.discard_button.clicked.connect(self.discard)
            self.sign_button = QPushButton(_("Sign and lock"))
            self.sign_button.setObjectName("sign_visit")
            self.sign_button.setDefault(True)
            self.sign_button.clicked.connect(self.sign)
            buttons.addWidget(self.discard_button)
            buttons.addWidget(self.sign_button)
        close = QPushButton(_("Close"))
        close.setObjectName("close_visit")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self._fill(visit)
        self._loading = False
        if self.read_only:
            self._lock()
        resize_to_fit(self, 1000, 720)

    # -- building ----------------------------------------------------------------------------

    def _header(self, view) -> QWidget:
        h = view.household
        units = self.env.units()
        place = " · ".join(x for x in (unit_label(units, h.village_code), unit_label(units, h.group_code)) if x)
        house = " ".join(n for n in (h.house_name_zh, h.house_name_bo) if n)
        text = f"<b>{h.household_number}</b> {house} <span style='color:#666'>{place}</span>"
        if self.visit.amends:
            original = visits.get(self.env.ws, self.visit.amends)
            when = self._local_text(original.visited_at) if original else self.visit.amends
            text += "<br><span style='color:#8a5a00'>" + _("This visit corrects the signed visit of {when}.").format(when=when) + "</span>"
        if self.read_only:
            ok = verify(self.visit)
            status = _("Signed on {when}. The content matches its fingerprint.") if ok else _(
                "Signed on {when}. WARNING: the content no longer matches its fingerprint."
            )
            color = "#1b5e20" if ok else "#b00020"
            text += f"<br><span style='color:{color}'>" + status.format(when=self._local_text(self.visit.signed_at)) + "</span>"
            text += "<br><span style='color:#666'>SHA-256 " + self.visit.content_hash + "</span>"
        label = QLabel(text)
        label.setObjectName("visit_header")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _visit_box(self) -> QGroupBox:
        box = QGroupBox(_("The visit"))
        form = QFormLayout(box)
        self.when = QDateTimeEdit()
        self.when.setObjectName("visited_at")
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setTimeZone(QTimeZone.utc())
        self.when.setCalendarPopup(True)
        self.mode = _combo(vocab.VISIT_MODE)
        self.mode.setObjectName("mode")
        self.visitor = QLineEdit()
        self.visitor.setObjectName("visitor_name")
        self.visitor_role = _combo(vocab.VISITOR_ROLE)
        self.spoken_to = QLineEdit()
        self.spoken_to.setObjectName("spoken_to")
        self.spoken_to.setPlaceholderText(_("for example: grandmother, the child"))
        self.language = _combo(vocab.VISIT_LANGUAGE)
        self.language.setObjectName("language")
        self.interpreter = QCheckBox(_("An interpreter helped"))
        self.interpreter_name = QLineEdit()
        self.interpreter_name.setPlaceholderText(_("Interpreter's name"))
        form.addRow(_("Date and time (Rangtang time)"), self.when)
        form.addRow(_("How"), self.mode)
        form.addRow(_("Visitor"), self.visitor)
        form.addRow(_("Visitor's role"), self.visitor_role)
        form.addRow(_("Spoken to"), self.spoken_to)
        form.addRow(_("Language used"), self.language)
        row = QHBoxLayout()
        row.addWidget(self.interpreter)
        row.addWidget(self.interpreter_name, 1)
        form.addRow("", row)
        for widget in (self.visitor, self.spoken_to, self.interpreter_name):
            widget.textChanged.connect(self._changed)
        for widget in (self.mode, self.visitor_role, self.language):
            widget.currentIndexChanged.connect(self._changed)
        self.interpreter.toggled.connect(self._changed)
        self.when.dateTimeChanged.connect(self._changed)
        return box

    def _children_box(self) -> QGroupBox:
        box = QGroupBox(_("Children"))
        grid = QGridLayout(box)
        self.child_boxes: dict[str, QCheckBox] = {}
        self.child_seen: dict[str, QComboBox] = {}
        minors = [m for m in self.members.values() if m.is_minor]
        listed = {c.person_id for c in self.visit.children}
        extra = [self.members[pid] for pid in listed if pid in self.members and not self.members[pid].is_minor]
        for row, member in enumerate(minors + extra):
            check = QCheckBox(f"{person_label(member.person)}  {format_age(member.age)}")
            check.setObjectName(f"child_{member.person.id}")
            seen = _combo(vocab.SEEN)
            check.toggled.connect(self._children_changed)
            seen.currentIndexChanged.connect(self._changed)
            grid.addWidget(check, row, 0)
            grid.addWidget(seen, row, 1)
            self.child_boxes[member.person.id] = check
            self.child_seen[member.person.id] = seen
        if not self.child_boxes:
            grid.addWidget(QLabel(_("No children are recorded in this household.")), 0, 0)
        return box

    def _checklist_box(self) -> QGroupBox:
        self.checklist_group = QGroupBox(_("What did you see? (for each child)"))
        self.checklist_grid = QGridLayout(self.checklist_group)
        self.answers: dict[tuple[str, str], QComboBox] = {}
        return self.checklist_group

    def _rebuild_checklist(self, answers: dict[str, dict[str, str]]) -> None:
        """One row per question, one column per child being recorded."""
        while self.checklist_grid.count():
            item = self.checklist_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.answers.clear()
        children = [pid for pid, box in self.child_boxes.items() if box.isChecked()]
        for column, person_id in enumerate(children, start=1):
            name = QLabel(f"<b>{person_label(self.members[person_id].person)}</b>")
            self.checklist_grid.addWidget(name, 0, column)
        for row, question in enumerate(CHECKLIST, start=1):
            text = QLabel(_(question.text))
            text.setWordWrap(True)
            self.checklist_grid.addWidget(text, row, 0)
            for column, person_id in enumerate(children, start=1):
                combo = _combo(vocab.ANSWER)
                combo.setObjectName(f"answer_{question.code}_{person_id}")
                _select(combo, answers.get(person_id, {}).get(question.code, "not_observed"))
                combo.currentIndexChanged.connect(self._changed)
                combo.setEnabled(not self.read_only)
                self.checklist_grid.addWidget(combo, row, column)
                self.answers[(person_id, question.code)] = combo
        self.checklist_grid.setColumnStretch(0, 1)

    def _assessment_box(self) -> QGroupBox:
        box = QGroupBox(_("Guardianship and follow-up"))
        form = QFormLayout(box)
        ratings = QVBoxLayout()
        self.rating_buttons: dict[str, QRadioButton] = {}
        for code, label in vocab.RATING.items:
            button = QRadioButton(_(label))
            button.setObjectName(f"rating_{code}")
            button.toggled.connect(self._changed)
            ratings.addWidget(button)
            self.rating_buttons[code] = button
        self.notes = _text_box()
        self.notes.setObjectName("notes")
        self.actions = _text_box()
        self.actions.setObjectName("actions")
        self.next_step = _text_box(50)
        self.next_step.setObjectName("next_step")
        for widget in (self.notes, self.actions, self.next_step):
            widget.textChanged.connect(self._changed)
        form.addRow(_("Guardianship rating"), ratings)
        form.addRow(_("Notes"), self.notes)
        form.addRow(_("Actions taken"), self.actions)
        form.addRow(_("Next step"), self.next_step)
        return box

    def _signature_box(self) -> QGroupBox:
        box = QGroupBox(_("Signatures"))
        layout = QVBoxLayout(box)
        self.visitor_pad = SignatureField()
        self.visitor_pad.setObjectName("visitor_signature")
        self.visitor_pad.set_title(_("Visitor's signature"))
        self.guardian_pad = SignatureField()
        self.guardian_pad.setObjectName("guardian_signature")
        self.guardian_pad.set_title(_("Guardian's signature"))
        self.guardian_name = QLineEdit()
        self.guardian_name.setObjectName("guardian_signer_name")
        self.guardian_name.setPlaceholderText(_("Name of the guardian who signs"))
        self.no_signature = _combo(vocab.NO_SIGNATURE_REASON, empty=True)
        self.no_signature.setObjectName("no_signature_reason")
        self.no_signature_note = QLineEdit()
        self.no_signature_note.setPlaceholderText(_("More about why (optional)"))
        pads = QHBoxLayout()
        pads.addWidget(self.visitor_pad)
        pads.addWidget(self.guardian_pad)
        layout.addLayout(pads)
        form = QFormLayout()
        form.addRow(_("Guardian who signs"), self.guardian_name)
        form.addRow(_("If the guardian does not sign, why"), self.no_signature)
        form.addRow("", self.no_signature_note)
        layout.addLayout(form)
        self.visitor_pad.changed.connect(lambda: self._signature_changed("visitor_signature", self.visitor_pad))
        self.guardian_pad.changed.connect(lambda: self._signature_changed("guardian_signature", self.guardian_pad))
        for widget in (self.guardian_name, self.no_signature_note):
            widget.textChanged.connect(self._changed)
        self.no_signature.currentIndexChanged.connect(self._changed)
        return box

    # -- values ------------------------------------------------------------------------------

    def _local_text(self, instant_text: str) -> str:
        instant = parse_instant(instant_text)
        return format_datetime(instant.astimezone(LOCAL_ZONE)) if instant else ""

    def _fill(self, visit: Visit) -> None:
        instant = parse_instant(visit.visited_at) or datetime.now(UTC)
        local = instant.astimezone(LOCAL_ZONE)
        # The edit shows Rangtang wall time; it is kept in UTC so the computer's own time zone
        # setting (often wrong on village laptops) cannot shift it.
        self.when.setDateTime(
            QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), QTimeZone.utc())
        )
        _select(self.mode, visit.mode)
        self.visitor.setText(visit.visitor_name)
        _select(self.visitor_role, visit.visitor_role)
        self.spoken_to.setText(visit.spoken_to)
        _select(self.language, visit.language)
        self.interpreter.setChecked(visit.interpreter)
        self.interpreter_name.setText(visit.interpreter_name)
        seen = {c.person_id: c.seen for c in visit.children}
        for person_id, box in self.child_boxes.items():
            box.setChecked(person_id in seen)
            _select(self.child_seen[person_id], seen.get(person_id, "in_person"))
        self._rebuild_checklist(visit.checklist)
        for code, button in self.rating_buttons.items():
            button.setChecked(code == visit.rating)
        self.notes.setPlainText(visit.notes)
        self.actions.setPlainText(visit.actions)
        self.next_step.setPlainText(visit.next_step)
        self.visitor_pad.set_png(visits.signature_image(self.env.ws, visit.visitor_signature))
        self.guardian_pad.set_png(visits.signature_image(self.env.ws, visit.guardian_signature))
        self.guardian_name.setText(visit.guardian_signer_name)
        _select(self.no_signature, visit.guardian_no_signature_reason)
        self.no_signature_note.setText(visit.guardian_no_signature_note)

    def current_visit(self) -> Visit:
        """The visit as the form shows it now."""
        q = self.when.dateTime()
        local = datetime(q.date().year(), q.date().month(), q.date().day(), q.time().hour(), q.time().minute(), tzinfo=LOCAL_ZONE)
        children = tuple(
            ChildSeen(pid, self.child_seen[pid].currentData()) for pid, box in self.child_boxes.items() if box.isChecked()
        )
        answers: dict[str, dict[str, str]] = {}
        for (person_id, code), combo in self.answers.items():
            if combo.currentData() != "not_observed":
                answers.setdefault(person_id, {})[code] = combo.currentData()
        rating = next((code for code, button in self.rating_buttons.items() if button.isChecked()), "")
        return dataclasses.replace(
            self.visit,
            visited_at=local.astimezone(UTC).isoformat(timespec="seconds"),
            mode=self.mode.currentData(),
            visitor_name=self.visitor.text().strip(),
            visitor_role=self.visitor_role.currentData(),
            spoken_to=self.spoken_to.text().strip(),
            language=self.language.currentData(),
            interpreter=self.interpreter.isChecked(),
            interpreter_name=self.interpreter_name.text().strip(),
            children=children,
            checklist=answers,
            rating=rating,
            notes=self.notes.toPlainText().strip(),
            actions=self.actions.toPlainText().strip(),
            next_step=self.next_step.toPlainText().strip(),
            guardian_signer_name=self.guardian_name.text().strip(),
            guardian_no_signature_reason=self.no_signature.currentData() or "",
            guardian_no_signature_note=self.no_signature_note.text().strip(),
        )

    # -- saving ------------------------------------------------------------------------------

    def _changed(self, *args) -> None:
        if self._loading or self.read_only:
            return
        self._autosave.start()

    def _children_changed(self, *args) -> None:
        if self._loading:
            return
        self._rebuild_checklist(self.current_visit().checklist)
        self._changed()

    def _signature_changed(self, name: str, pad: SignatureField) -> None:
        if self._loading or self.read_only:
            return
        if pad.is_empty():
            self.visit = dataclasses.replace(self.visit, **{name: ""})
            self._changed()
            return

        def stored(digest: str) -> None:
            self.visit = dataclasses.replace(self.visit, **{name: digest})
            self._changed()

        self.env.runner.run(visits.store_signature, pad.to_png(), on_done=stored, on_error=lambda e: show_error(self, e))

    def save_draft_now(self) -> None:
        if self.read_only:
            return
        self._autosave.stop()
        self.visit = self.current_visit()
        self.env.runner.run(visits.save_draft, self.visit, on_done=self._draft_saved, on_error=lambda e: show_error(self, e))

    def _draft_saved(self, changes) -> None:
        now = datetime.now(UTC).astimezone(LOCAL_ZONE)
        self.saved_note.setText(_("Draft saved at {time}").format(time=now.strftime("%H:%M:%S")))
        self.env.publish(changes)

    def sign(self) -> None:
        self._autosave.stop()
        self.visit = self.current_visit()
        found = [p for p in visits.problems(self.env.ws, self.visit) if p.is_error]
        if found:
            self._show_problems(found)
            self.env.runner.run(visits.save_draft, self.visit, on_done=self._draft_saved)
            return
        self.sign_button.setEnabled(False)
        self.env.runner.run(visits.sign, self.visit, on_done=self._signed, on_error=self._sign_failed)

    def _show_problems(self, problems) -> None:
        self.problems.setText("\n".join("• " + render(p.message) for p in problems))
        self.problems.show()

    def _signed(self, visit: Visit) -> None:
        from ...services.changes import Changes

        self.env.publish(Changes(visits=True))
        self.signed.emit(visit)
        self.visit = visit
        self.accept()

    def _sign_failed(self, error: BaseException) -> None:
        self.sign_button.setEnabled(True)
        if isinstance(error, ValidationFailed):
            self._show_problems(error.problems)
            return
        show_error(self, error)

    def discard(self) -> None:
        answer = QMessageBox.question(
            self, _("Discard draft"), _("Throw away this unsigned visit? This cannot be undone.")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._autosave.stop()
        self.read_only = True  # nothing more to save
        self.env.runner.run(visits.discard_draft, self.visit.id, on_done=lambda changes: (self.env.publish(changes), self.reject()))

    def correct(self) -> None:
        def opened(draft: Visit) -> None:
            self.accept()
            form = VisitForm(self.env, draft, self.parentWidget())
            form.open()

        self.env.runner.run(visits.start_amendment, self.visit.id, on_done=opened, on_error=lambda e: show_error(self, e))

    def _lock(self) -> None:
        for widget in self.findChildren(QWidget):
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(True)
            elif isinstance(widget, (QComboBox, QCheckBox, QRadioButton, QDateTimeEdit)):
                widget.setEnabled(False)
        self.visitor_pad.set_read_only(True)
        self.guardian_pad.set_read_only(True)

    def print_sheet(self) -> None:
        """Save the visit sheet as a PDF and open it (a draft prints marked unsigned)."""
        from ...i18n import current_language
        from ...services import printing
        from ..printing import choose_file, make_and_open

        if not self.read_only:
            self.save_draft_now()
        path = choose_file(self, f"visit-{self.visit.id[-8:]}.pdf")
        if path is not None:
            make_and_open(self.env, self, path, printing.visit_sheet, self.visit.id, path, current_language())

    def done(self, result: int) -> None:  # noqa: D102 - Qt override: every way of closing ends here
        if not self.read_only and self._autosave.isActive():
            self.save_draft_now()
        super().done(result)


def open_visit_for_household(env: UiEnv, household_id: str, parent: QWidget) -> None:
    """Continue the household's newest draft, or start a new visit."""
    existing = visits.drafts(env.ws, household_id)
    if existing:
        VisitForm(env, existing[0][0], parent).open()
        return
    env.runner.run(
        visits.start_visit, household_id,
        on_done=lambda draft: VisitForm(env, draft, parent).open(),
        on_error=lambda error: show_error(parent, error),
    )
