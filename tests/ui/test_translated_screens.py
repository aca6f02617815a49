"""Every text the window shows is in the chosen language: no English source string slips through
(numbers, codes, paths, names and key fingerprints excepted)."""

from __future__ import annotations

import re

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

TOKEN = re.compile(r"[A-Za-z0-9]+")
HEX_GROUP = re.compile(r"[0-9A-F]{4}")
ALLOWED = {"CSV", "USB", "JSON", "UTF", "csv", "PDF", "pdf", "SHA", "QR"}


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


def is_english(token: str) -> bool:
    """Three or more letters and no digits, and not a group of a key fingerprint."""
    letters = sum(ch.isalpha() for ch in token)
    return letters >= 3 and letters == len(token) and not HEX_GROUP.fullmatch(token)


def english_in(texts: list[str], allowed: set[str]) -> list[str]:
    found = []
    for text in texts:
        words = [w for w in TOKEN.findall(text or "") if is_english(w) and w not in allowed]
        if words:
            found.append(f"{words}: {text}")
    return found


def allowed_words(controller) -> set[str]:
    """Words that are data, not interface: the database path, this node's and user's ids (random
    hex, which may happen to be all letters) and the like."""
    ids = (controller.ws.path, controller.ws.node_id, controller.ws.user_id)
    return ALLOWED | {token for value in ids for token in TOKEN.findall(value)}


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
