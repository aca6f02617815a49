"""Forms built from the record declarations in ``core/records.py``: one editor per field kind,
labels and choices translated, problems shown under the field they concern.

A form never decides whether a value is acceptable: it collects values into the record dataclass
and shows the problems the services report.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core import records
from ..core.dates import LOCAL_ZONE, normalize_date_text
from ..core.validation import Problem
from ..i18n import _, render
from ..i18n.formatting import display_name

LIST_SEPARATORS = re.compile(r"[,，、;；]+")
OTHER_PERSON = "__other__"


@dataclass
class FormContext:
    """What editors of references and units need: villages, groups, people to choose from."""

    villages: list[tuple[str, str]] = field(default_factory=list)  # (code, label)
    groups_of: Callable[[str], list[tuple[str, str]]] = lambda village: []
    people: list[records.Person] = field(default_factory=list)
    pick_person: Callable[[], records.Person | None] | None = None
    candidates: list[records.Person] = field(default_factory=list)  # for fields listing several people


class Editor:
    """The value side of one field's widget."""

    widget: QWidget

    def get(self) -> Any:
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError


class TextEditor(Editor):
    def __init__(self, changed: Callable[[], None], placeholder: str = ""):
        self.widget = QLineEdit()
        self.widget.setPlaceholderText(placeholder)
        self.widget.textChanged.connect(changed)

    def get(self) -> str:
        return self.widget.text().strip()

    def set(self, value: Any) -> None:
        self.widget.setText(value or "")


class DateEditor(TextEditor):
    """A date typed as text: 2015-03-07, 2015.3.7, 2015年3月7日 … tidied when the field is left."""

    def __init__(self, changed: Callable[[], None], placeholder: str):
        super().__init__(changed, placeholder)
        self.widget.editingFinished.connect(self._tidy)

    def _tidy(self) -> None:
        tidy = normalize_date_text(self.widget.text())
        if tidy != self.widget.text():
            self.widget.setText(tidy)

    def get(self) -> str:
        return normalize_date_text(self.widget.text())


class ListEditor(TextEditor):
    def get(self) -> list[str]:
        return [part.strip() for part in LIST_SEPARATORS.split(self.widget.text()) if part.strip()]

    def set(self, value: Any) -> None:
        self.widget.setText("、".join(value or []))


class NotesEditor(Editor):
    def __init__(self, changed: Callable[[], None]):
        self.widget = QPlainTextEdit()
        self.widget.setTabChangesFocus(True)
        self.widget.setMaximumHeight(90)
        self.widget.textChanged.connect(changed)

    def get(self) -> str:
        return self.widget.toPlainText().strip()

    def set(self, value: Any) -> None:
        self.widget.setPlainText(value or "")


class BoolEditor(Editor):
    def __init__(self, changed: Callable[[], None], label: str):
        self.widget = QCheckBox(label)
        self.widget.toggled.connect(changed)

    def get(self) -> bool:
        return self.widget.isChecked()

    def set(self, value: Any) -> None:
        self.widget.setChecked(bool(value))


class ChoiceEditor(Editor):
    def __init__(self, changed: Callable[[], None], items: list[tuple[str, str]], allow_empty: bool):
        self.widget = QComboBox()
        if allow_empty:
            self.widget.addItem("—", "")
        for code, label in items:
            self.widget.addItem(label, code)
        self.widget.currentIndexChanged.connect(changed)

    def get(self) -> str:
        return self.widget.currentData() or ""

    def set(self, value: Any) -> None:
        index = self.widget.findData(value or "")
        if index < 0 and value:
            self.widget.addItem(str(value), value)  # a code from a newer version: keep it
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(max(index, 0))

    def set_items(self, items: list[tuple[str, str]], allow_empty: bool) -> None:
        current = self.get()
        self.widget.blockSignals(True)
        self.widget.clear()
        if allow_empty:
            self.widget.addItem("—", "")
        for code, label in items:
            self.widget.addItem(label, code)
        self.widget.blockSignals(False)
        self.set(current)


class MultiEditor(Editor):
    def __init__(self, changed: Callable[[], None], items: list[tuple[str, str]], columns: int):
        self.widget = QWidget()
        grid = QGridLayout(self.widget)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (code, label) in enumerate(items):
            box = QCheckBox(label)
            box.toggled.connect(changed)
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[code] = box

    def get(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set(self, value: Any) -> None:
        chosen = set(value or [])
        for code, box in self.boxes.items():
            box.setChecked(code in chosen)


class PersonEditor(ChoiceEditor):
    """Pick a person from the household, or any person in the register through a search."""

    def __init__(self, changed: Callable[[], None], context: FormContext):
        items = [(p.id, display_name(p.name_zh, p.name_bo)) for p in context.people]
        super().__init__(changed, items, allow_empty=True)
        self._pick = context.pick_person
        if self._pick is not None:
            self.widget.addItem(_("Another person in the register…"), OTHER_PERSON)
        self.widget.activated.connect(self._activated)

    def _activated(self, index: int) -> None:
        if self.widget.itemData(index) != OTHER_PERSON or self._pick is None:
            return
        person = self._pick()
        if person is None:
            self.widget.setCurrentIndex(0)
            return
        found = self.widget.findData(person.id)
        if found < 0:
            self.widget.insertItem(self.widget.count() - 1, display_name(person.name_zh, person.name_bo), person.id)
            found = self.widget.findData(person.id)
        self.widget.setCurrentIndex(found)

    def get(self) -> str:
        value = super().get()
        return "" if value == OTHER_PERSON else value


class InstantEditor(Editor):
    """A moment, shown and typed in Rangtang time, stored as a UTC instant (ISO 8601). The edit is
    kept in UTC internally so the computer's own time-zone setting cannot shift it."""

    def __init__(self, changed: Callable[[], None]):
        self.widget = QDateTimeEdit()
        self.widget.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.widget.setCalendarPopup(True)
        self.widget.setTimeZone(QTimeZone.utc())
        self.widget.dateTimeChanged.connect(changed)
        self.set("")

    def get(self) -> str:
        q = self.widget.dateTime()
        local = datetime(q.date().year(), q.date().month(), q.date().day(), q.time().hour(), q.time().minute(), tzinfo=LOCAL_ZONE)
        return local.astimezone(UTC).isoformat(timespec="seconds")

    def set(self, value: Any) -> None:
        try:
            instant = datetime.fromisoformat(value) if value else datetime.now(UTC)
        except ValueError:
            instant = datetime.now(UTC)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        local = instant.astimezone(LOCAL_ZONE)
        self.widget.setDateTime(
            QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute), QTimeZone.utc())
        )


class PeopleEditor(Editor):
    """Tick several people (the guardians at a session) from a list that can be filtered by name."""

    def __init__(self, changed: Callable[[], None], candidates: list[records.Person]):
        self.widget = QWidget()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(_("Filter by name"))
        self.list = QListWidget()
        self.list.setMinimumHeight(180)
        self.count = QLabel()
        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter)
        column.addWidget(self.list)
        column.addWidget(self.count)
        self._changed = changed
        for person in candidates:
            self._add(person)
        self.list.itemChanged.connect(self._item_changed)
        self.filter.textChanged.connect(self._filter)

    def _add(self, person: records.Person) -> None:
        item = QListWidgetItem(display_name(person.name_zh, person.name_bo))
        item.setData(Qt.ItemDataRole.UserRole, person.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.list.addItem(item)

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _item_changed(self, item: QListWidgetItem) -> None:
        self.count.setText(_("{count} chosen").format(count=len(self.get())))
        self._changed()

    def _filter(self, text: str) -> None:
        text = text.strip().lower()
        for item in self._items():
            item.setHidden(bool(text) and text not in item.text().lower())

    def get(self) -> list[str]:
        return [i.data(Qt.ItemDataRole.UserRole) for i in self._items() if i.checkState() == Qt.CheckState.Checked]

    def set(self, value: Any) -> None:
        chosen = set(value or [])
        known = {i.data(Qt.ItemDataRole.UserRole) for i in self._items()}
        for person_id in chosen - known:
            self._add(records.Person(id=person_id, name_zh=person_id[-6:]))
        self.list.blockSignals(True)
        for item in self._items():
            checked = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.count.setText(_("{count} chosen").format(count=len(chosen)))


class RecordForm(QWidget):
    """Editors for chosen fields of one record type, in titled sections."""

    changed = Signal()

    def __init__(
        self,
        record_type: type,
        sections: list[tuple[str | None, list[str]]],
        context: FormContext | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.record_type = record_type
        self.context = context or FormContext()
        self.editors: dict[str, Editor] = {}
        self.problem_labels: dict[str, QLabel] = {}
        self._base: Any = record_type()
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, names in sections:
            box = QGroupBox(_(title)) if title else QWidget()
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in names:
                self._add_field(form, name)
            layout.addWidget(box)
        if "village_code" in self.editors and "group_code" in self.editors:
            self.editors["village_code"].widget.currentIndexChanged.connect(self._village_changed)

    def _emit(self) -> None:
        if not self._loading:
            self.changed.emit()

    def _make_editor(self, name: str) -> Editor:
        info = records.info(self.record_type, name)
        label = _(info.label)
        kind = info.kind
        if kind == "bool":
            return BoolEditor(self._emit, label)
        if kind == "notes":
            return NotesEditor(self._emit)
        if kind == "choice":
            items = [(code, _(text)) for code, text in info.vocabulary.items]
            default = self.record_type.__dataclass_fields__[name].default
            return ChoiceEditor(self._emit, items, allow_empty=default == "")
        if kind == "multi":
            items = [(code, _(text)) for code, text in info.vocabulary.items]
            return MultiEditor(self._emit, items, columns=4 if len(items) > 8 else 2)
        if kind in ("date", "approx_date"):
            return DateEditor(self._emit, _("for example 2015-03-07"))
        if kind == "partial_date":
            return DateEditor(self._emit, _("for example 2023-05 or 2023-05-20"))
        if kind == "list":
            return ListEditor(self._emit, _("separate several with commas"))
        if kind == "unit":
            items = self.context.villages if name != "group_code" else []
            return ChoiceEditor(self._emit, items, allow_empty=True)
        if kind == "ref":
            return PersonEditor(self._emit, self.context)
        if kind == "people":
            return PeopleEditor(self._emit, self.context.candidates)
        if kind == "instant":
            return InstantEditor(self._emit)
        return TextEditor(self._emit)

    def _add_field(self, form: QFormLayout, name: str) -> None:
        info = records.info(self.record_type, name)
        editor = self._make_editor(name)
        editor.widget.setObjectName(f"field_{name}")
        problem = QLabel()
        problem.setObjectName(f"problem_{name}")
        problem.setWordWrap(True)
        problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        problem.hide()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor.widget)
        column.addWidget(problem)
        if info.kind == "bool":
            form.addRow("", holder)
        else:
            form.addRow(_(info.label), holder)
        self.editors[name] = editor
        self.problem_labels[name] = problem

    def _village_changed(self) -> None:
        village = self.editors["village_code"].get()
        group_editor = self.editors["group_code"]
        assert isinstance(group_editor, ChoiceEditor)
        group_editor.set_items(self.context.groups_of(village) if village else [], allow_empty=True)

    def set_record(self, record: Any) -> None:
        self._loading = True
        try:
            self._base = record
            for name, editor in self.editors.items():
                editor.set(getattr(record, name))
                if name == "village_code" and "group_code" in self.editors:
                    self._village_changed()
        finally:
            self._loading = False

    def record(self) -> Any:
        """The record as the form shows it (fields not on the form keep their values)."""
        values = {name: editor.get() for name, editor in self.editors.items()}
        return dataclasses.replace(self._base, **values)

    def show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[Problem]] = {}
        for problem in problems:
            by_field.setdefault(problem.field if problem.field in self.problem_labels else "", []).append(problem)
        for name, label in self.problem_labels.items():
            found = by_field.get(name, [])
            if not found:
                label.hide()
                continue
            error = any(p.is_error for p in found)
            label.setText("\n".join(render(p.message) for p in found))
            label.setStyleSheet("color: #b00020;" if error else "color: #8a5a00;")
            label.show()

    def unplaced(self, problems: list[Problem]) -> list[Problem]:
        """Problems about fields this form does not show."""
        return [p for p in problems if p.field not in self.problem_labels]

    def focus_first_problem(self, problems: list[Problem]) -> None:
        for name in self.editors:
            if any(p.field == name and p.is_error for p in problems):
                self.editors[name].widget.setFocus()
                return


