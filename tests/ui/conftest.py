"""Qt fixtures: one offscreen QApplication for the session, a controller with a synchronous runner
on a small real register, and a helper to set texts without simulated typing (pytest-qt's
keyClicks aborts on Chinese or Tibetan text)."""

from __future__ import annotations

import contextlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from rangtang_desktop.core import records  # noqa: E402
from rangtang_desktop.core.id_numbers import make_id_number  # noqa: E402
from rangtang_desktop.services import register  # noqa: E402
from rangtang_desktop.services.workspace import open_workspace  # noqa: E402
from rangtang_desktop.storage.database import write_transaction  # noqa: E402
from rangtang_desktop.storage.reference import Unit, store_units  # noqa: E402

VILLAGE = "513230101201"
GROUP = "513230101201001"



def small_register(path):
    """A village with one household: a child, her father (away for work) and grandmother."""
    from datetime import date

    ws = open_workspace(path, create=True)
    with write_transaction(ws.db):
        store_units(ws.db, [
            Unit(VILLAGE, "village", "513230101", "德吉村（示例）", "བདེ་སྐྱིད་གྲོང་ཚོ།", is_demo=True),
            Unit(GROUP, "group", VILLAGE, "一组", "ཚོ་ཆུང་དང་པོ", is_demo=True),
        ])
    household = register.save(ws, records.Household(village_code=VILLAGE, group_code=GROUP, house_name_zh="阿尼仓", house_name_bo="ཨ་ནེ་ཚང")).record
    child = register.save(ws, records.Person(
        household_id=household.id, name_zh="才让拉毛", name_bo="ཚེ་རིང་ལྷ་མོ", sex="female", birth_date="2015-03-07",
        id_number=make_id_number("513230", date(2015, 3, 7), 2),
    )).record
    father = register.save(ws, records.Person(household_id=household.id, name_zh="多吉", name_bo="རྡོ་རྗེ", sex="male", birth_date="1985", birth_precision="year")).record
    grandmother = register.save(ws, records.Person(household_id=household.id, name_zh="卓玛", name_bo="སྒྲོལ་མ", sex="female", birth_date="1950", birth_precision="estimated")).record
    register.save(ws, records.Relation(child_id=child.id, adult_id=father.id, kind="father", legal_guardian=True))
    register.save(ws, records.Relation(child_id=child.id, adult_id=grandmother.id, kind="paternal_grandparent", actual_caregiver=True, lives_with=True))
    register.save(ws, records.ParentSituation(person_id=father.id, kind="migrant_work", place_province="四川", place_city="成都", outside_county=True, start_date="2024-03"))
    return ws, {"household": household, "child": child, "father": father, "grandmother": grandmother}


@pytest.fixture
def register_data(tmp_path):
    ws, people = small_register(tmp_path / "ui.sqlite3")
    yield ws, people
    ws.close()


@pytest.fixture(params=["zh", "bo"])
def lang(request):
    return request.param


@pytest.fixture
def controller(qapp, register_data, lang):
    from rangtang_desktop.ui.app import Controller, prepare_application

    prepare_application(lang)
    ws, _people = register_data
    ctl = Controller(qapp, ws, synchronous=True)
    ctl.window.resize(1366, 768)
    ctl.window.show()
    yield ctl
    from PySide6.QtCore import QCoreApplication, QEvent

    ctl.window.close()
    ctl.window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    prepare_application("zh")


@pytest.fixture
def no_modal(monkeypatch):
    """Message boxes answer at once instead of waiting for a click; returns what they showed."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def fake_exec(box):
        shown.append((box.text(), box.informativeText()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[1:]) or QMessageBox.StandardButton.Ok)
    return shown


@contextlib.contextmanager
def window_on(qapp, ws, lang):
    """The main window of one laptop (``ws``), offscreen at 1366×768, closed afterwards."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from rangtang_desktop.ui.app import Controller, prepare_application

    prepare_application(lang)
    ctl = Controller(qapp, ws, synchronous=True)
    ctl.window.resize(1366, 768)
    ctl.window.show()
    try:
        yield ctl
    finally:
        ctl.window.close()
        ctl.window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        prepare_application("zh")
