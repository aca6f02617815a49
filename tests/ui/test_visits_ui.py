"""Recording visits through the window: the form saves drafts as it is typed, signing with both
signatures locks the visit, a correction amends it; the worklist, drafts, sessions and dashboard
show the results — in Chinese and in Tibetan."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QRadioButton

from rangtang_desktop.core.visits import verify
from rangtang_desktop.services import visits
from rangtang_desktop.ui.dialogs.visit_form import VisitForm
from rangtang_desktop.ui.widgets.signature_pad import SignatureField


def sign_pad(field: SignatureField) -> None:
    """Draw a short stroke on a signature pad with the mouse."""
    pad = field.pad
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 40))
    for x in range(40, 200, 20):
        QTest.mouseMove(pad, QPoint(x, 40 + (x % 40)))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 50))


def open_form(controller, register_data) -> VisitForm:
    _ws, people = register_data
    page = controller.window.pages["register"]
    page.show_record("household", people["household"].id)
    page.on_action("add", "visit", "")
    forms = [w for w in controller.window.findChildren(VisitForm) if w.isVisible()]
    assert forms, "the visit form opened"
    return forms[-1]


def test_record_and_sign_a_visit(controller, register_data, qtbot):
    """A visit typed into the form, signed by visitor and guardian, is stored locked and verifies."""
    ws, people = register_data
    form = open_form(controller, register_data)
    form.findChild(QLineEdit, "visitor_name").setText("扎西多吉")
    form.findChild(QRadioButton, "rating_fair").setChecked(True)
    form.findChild(QPlainTextEdit, "notes").setPlainText("奶奶照顾，父亲在成都打工")
    answer = form.findChild(QComboBox, f"answer_carer_not_caring_{people['child'].id}")
    answer.setCurrentIndex(answer.findData("suspected"))
    sign_pad(form.visitor_pad)
    sign_pad(form.guardian_pad)
    form.findChild(QLineEdit, "guardian_signer_name").setText("卓玛")
    form.sign()
    history = visits.household_history(ws, people["household"].id)
    assert len(history) == 1
    visit = history[0].visit
    assert verify(visit) and visit.rating == "fair" and visit.visitor_name == "扎西多吉"
    assert visit.answer(people["child"].id, "carer_not_caring") == "suspected"
    assert visits.signature_image(ws, visit.guardian_signature).startswith(b"\x89PNG")
    assert visits.drafts(ws) == []


def test_unsigned_visit_cannot_be_signed(controller, register_data):
    """Without signatures and a rating the form explains what is missing and nothing is stored."""
    ws, people = register_data
    form = open_form(controller, register_data)
    form.sign()
    assert form.problems.isVisibleTo(form) and form.problems.text()
    assert visits.household_history(ws, people["household"].id) == []
    assert len(visits.drafts(ws)) == 1


def test_draft_is_saved_while_typing(controller, register_data, qtbot):
    """Typing saves the draft within a second, so closing or a crash keeps it."""
    ws, _people = register_data
    form = open_form(controller, register_data)
    form.findChild(QPlainTextEdit, "notes").setPlainText("孩子在学校")
    qtbot.waitUntil(lambda: visits.drafts(ws) and visits.drafts(ws)[0][0].notes == "孩子在学校", timeout=3000)


def test_signed_visit_opens_read_only_and_can_be_corrected(controller, register_data):
    """A signed visit shows locked; correcting it makes an amending draft that is signed again."""
    ws, people = register_data
    form = open_form(controller, register_data)
    form.findChild(QLineEdit, "visitor_name").setText("扎西多吉")
    form.findChild(QRadioButton, "rating_good").setChecked(True)
    sign_pad(form.visitor_pad)
    form.findChild(QComboBox, "no_signature_reason").setCurrentIndex(2)
    form.sign()
    original = visits.household_history(ws, people["household"].id)[0].visit
    view = VisitForm(controller.env, original, controller.window)
    assert view.read_only and not view.findChild(QRadioButton, "rating_good").isEnabled()
    view.correct()
    corrections = [w for w in controller.window.findChildren(VisitForm) if w.isVisible() and w.visit.amends]
    assert corrections and corrections[-1].visit.amends == original.id
    correction = corrections[-1]
    correction.findChild(QRadioButton, "rating_fair").setChecked(True)
    sign_pad(correction.visitor_pad)
    correction.findChild(QComboBox, "no_signature_reason").setCurrentIndex(2)
    correction.sign()
    assert not correction.problems.isVisibleTo(correction), correction.problems.text()
    entries = {e.visit.id: e for e in visits.household_history(ws, people["household"].id)}
    assert entries[original.id].amended_by
    assert len(visits.amendment_chain(ws, entries[original.id].amended_by)) == 2


def test_worklist_lists_the_household_and_assigns_a_visitor(controller, register_data, monkeypatch):
    """The worklist shows the household still to visit; assigning a visitor is saved."""
    from PySide6.QtWidgets import QInputDialog

    from rangtang_desktop.services import people_who_visit

    ws, people = register_data
    people_who_visit.add_visitor(ws, "次仁", "grid_worker")
    page = controller.window.pages["visits"]
    page.fill_filters()
    page.reload()
    assert page.worklist.rowCount() == 1
    page.worklist_view.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("次仁", True))
    page.assign_visitor()
    from rangtang_desktop.services.register_views import find

    assert find(ws, "household", people["household"].id).assigned_worker


def test_family_education_session_counts_for_the_guardian(controller, register_data):
    """A session recorded with the father makes him covered for this year."""
    ws, people = register_data
    page = controller.window.pages["visits"]
    dialog = page.new_session()
    dialog.findChild(QLineEdit, "field_topic").setText("安全教育")
    editor = dialog.form.editors["guardian_ids"]
    editor.set([people["father"].id])
    dialog.save()
    from rangtang_desktop.services import sessions

    coverage = {g.person.id: g for g in sessions.guardian_coverage(ws, ws.today().year)}
    assert coverage[people["father"].id].covered


def test_dashboard_shows_figures(controller):
    """The dashboard shows this month's coverage and the at-risk count without errors."""
    page = controller.window.pages["dashboard"]
    page.reload()
    assert "/" in page.coverage_tile.figure.text()
    assert page.trend.has_data()


def test_worklist_of_last_month_shows_missed_households(controller):
    """Choosing last month lists the household that got no visits as missed."""
    page = controller.window.pages["visits"]
    page.month.setCurrentIndex(1)
    page.reload()
    assert page.worklist.rowCount() == 1
    assert page.worklist.row_at(0).state == "missed"


def test_county_settings_are_saved_and_used(controller):
    """Changing the county settings on the settings page stores them for the next evaluation."""
    from rangtang_desktop.services import county_settings
    from rangtang_desktop.ui.widgets.county_settings_box import CountySettingsBox

    box = controller.window.pages["settings"].findChild(CountySettingsBox, "county_settings")
    box.numbers["elderly_carer_age"].setValue(65)
    box.outside_only.setChecked(True)
    box.illnesses.setPlainText("大骨节病\n白血病")
    box.save()
    stored = county_settings.load(controller.ws)
    assert stored.elderly_carer_age == 65 and stored.absence_outside_county_only
    assert stored.serious_illnesses == ("大骨节病", "白血病")
