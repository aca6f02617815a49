"""Every text the window shows is in the chosen language: no English source string slips through
(numbers, codes, paths, names and key fingerprints excepted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTabBar,
    QTableView,
    QTextBrowser,
)

from rangtang_desktop.core import records
from rangtang_desktop.ui.dialogs.record_dialog import RecordDialog
from tests.untranslated import TOKEN, english_in


def visible_texts(root) -> list[str]:
    texts = []
    for label in root.findChildren(QLabel):
        texts.append(label.text())
    for button in root.findChildren(QAbstractButton):
        texts.append(button.text())
    for box in root.findChildren(QGroupBox):
        texts.append(box.title())
    for edit in root.findChildren(QLineEdit):
        texts.append(edit.placeholderText())
    for combo in root.findChildren(QComboBox):
        texts.extend(combo.itemText(i) for i in range(combo.count()))
    for tabs in root.findChildren(QTabBar):
        texts.extend(tabs.tabText(i) for i in range(tabs.count()))
    for listing in root.findChildren(QListWidget):
        texts.extend(listing.item(i).text() for i in range(listing.count()))
    for table in root.findChildren(QTableView):
        model = table.model()
        if model is not None:
            texts.extend(str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount()))
            for row in range(min(model.rowCount(), 5)):
                texts.extend(str(model.index(row, c).data() or "") for c in range(model.columnCount()))
    for browser in root.findChildren(QTextBrowser):
        texts.append(browser.toPlainText())
    if hasattr(root, "windowTitle"):
        texts.append(root.windowTitle())
    return texts


def allowed_words(controller) -> set[str]:
    """Words that are data, not interface: the database path, this node's and user's ids (random
    hex, which may happen to be all letters) and the like."""
    ids = (controller.ws.path, controller.ws.node_id, controller.ws.user_id)
    return {token for value in ids for token in TOKEN.findall(value)}


@pytest.mark.parametrize("area", ["dashboard", "visits", "register", "flags", "exchange", "printing", "settings"])
def test_every_page_is_translated(controller, area):
    """Each page shows only translated text in Chinese and in Tibetan."""
    controller.window.show_area(area)
    page = controller.window.pages[area]
    if area == "register":
        page.table.selectRow(0)
    assert english_in(visible_texts(page) + visible_texts(controller.window.nav), allowed_words(controller)) == []


@pytest.mark.parametrize("view", ["household", "child", "father"])
def test_detail_panels_are_translated(controller, register_data, view):
    """Household and person details show only translated labels."""
    _ws, people = register_data
    page = controller.window.pages["register"]
    entity = "household" if view == "household" else "person"
    page.show_record(entity, people[view].id)
    assert english_in([page.detail.toPlainText()], allowed_words(controller)) == []


@pytest.mark.parametrize("record_type", list(records.ENTITIES.values()))
def test_every_record_dialog_is_translated(controller, register_data, record_type):
    """Add dialogs for every kind of record show only translated text."""
    _ws, people = register_data
    values = {}
    if record_type is records.Person:
        values["household_id"] = people["household"].id
    elif record_type is records.ParentSituation:
        values["person_id"] = people["father"].id
    elif "child_id" in record_type.__dataclass_fields__:
        values["child_id"] = people["child"].id
    dialog = RecordDialog(controller.env, record_type(**values), controller.window)
    dialog.check_now()
    assert english_in(visible_texts(dialog), allowed_words(controller)) == []
    dialog.close()


# -- the dialogs -------------------------------------------------------------------------------


def shown(dialog):
    from PySide6.QtWidgets import QApplication

    dialog.show()
    QApplication.processEvents()
    return dialog


def test_the_visit_form_is_translated(controller, register_data):
    from rangtang_desktop.services import visits
    from rangtang_desktop.ui.dialogs.visit_form import VisitForm

    ws, people = register_data
    form = shown(VisitForm(controller.env, visits.start_visit(ws, people["household"].id), controller.window))
    assert english_in(visible_texts(form), allowed_words(controller)) == []
    form.close()


@pytest.mark.parametrize("dialog_kind", ["flag_step", "history", "person_picker", "duplicate", "import"])
def test_every_other_dialog_is_translated(controller, register_data, tmp_path, dialog_kind):
    from rangtang_desktop.core.id_numbers import make_id_number
    from rangtang_desktop.services import duplicates_review, exchange, register
    from rangtang_desktop.ui.dialogs.duplicate_dialog import DuplicateDialog
    from rangtang_desktop.ui.dialogs.flag_step_dialog import FlagStepDialog
    from rangtang_desktop.ui.dialogs.history_dialog import HistoryDialog
    from rangtang_desktop.ui.dialogs.import_dialog import ImportDialog
    from rangtang_desktop.ui.dialogs.person_picker import PersonPicker

    ws, people = register_data
    env, window = controller.env, controller.window
    if dialog_kind == "flag_step":
        dialog = FlagStepDialog("open", window)
    elif dialog_kind == "history":
        dialog = HistoryDialog(env, "person", people["child"].id, window)
    elif dialog_kind == "person_picker":
        dialog = PersonPicker(env, window)
    elif dialog_kind == "duplicate":
        from datetime import date

        register.save(ws, records.Person(
            household_id=people["household"].id, name_zh="才让拉毛", sex="female", birth_date="2015-03-07",
            id_number=make_id_number("513230", date(2015, 3, 7), 2),
        ))
        dialog = DuplicateDialog(env, duplicates_review.candidates(ws)[0], window)
    else:
        junk = tmp_path / "junk.rtb"
        junk.write_bytes(b"not a bundle")
        dialog = ImportDialog(env, exchange.preview_files(ws, [junk]), window)
    shown(dialog)
    assert english_in(visible_texts(dialog), allowed_words(controller) | {"junk", "rtb"}) == []
    dialog.close()


@pytest.mark.parametrize("mode", ["open", "save", "folder"])
def test_qt_file_dialog_is_translated(controller, mode):
    """Qt's own file dialog (used where the system has none) speaks the chosen language."""
    from PySide6.QtWidgets import QFileDialog, QToolButton

    dialog = QFileDialog(controller.window, "", str(Path(controller.ws.path).parent))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    elif mode == "folder":
        dialog.setFileMode(QFileDialog.FileMode.Directory)
    shown(dialog)
    texts = visible_texts(dialog) + [button.toolTip() for button in dialog.findChildren(QToolButton)]
    assert all(b.text() or b.toolTip() for b in dialog.findChildren(QToolButton))  # nothing blanked
    assert english_in(texts, allowed_words(controller)) == []
    dialog.close()
