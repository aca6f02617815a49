"""Flags through the window: a critical finding from a visit raises a flag that keeps a prompt open
until the mandatory report is saved; steps need reasons; the rules page lists every rule — in
Chinese and in Tibetan."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QLineEdit

from rangtang_desktop.core.flags import flag_id
from rangtang_desktop.services import flags, visits

PNG = b"\x89PNG\r\n\x1a\nsignature"


def sign_visit_with(ws, household_id: str, child_id: str, code: str, answer: str = "observed"):
    draft = visits.start_visit(ws, household_id)
    signature = visits.store_signature(ws, PNG)
    return visits.sign(ws, dataclasses.replace(
        draft, visitor_name="扎西", rating="poor", visitor_signature=signature,
        guardian_no_signature_reason="absent", checklist={child_id: {code: answer}},
    ))


def test_critical_flag_to_saved_mandatory_report(controller, register_data):
    """An injury seen at a visit raises a critical flag; the prompt stays on every page until the
    report is saved, then the flag is referred and the reporter stays confidential."""
    ws, people = register_data
    sign_visit_with(ws, people["household"].id, people["child"].id, "private_injury")
    controller.env.publish(flags.evaluate_children(ws, [people["child"].id]) and flags.Changes(flags=True))
    window = controller.window
    assert window.report_prompt.isVisibleTo(window)
    window.show_area("flags")
    page = window.pages["flags"]
    page.reload()
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    critical = [r for r in rows if r.rule_id == "R01"]
    assert critical and critical[0].report_pending
    page.table.selectRow(rows.index(critical[0]))
    assert page.banner.isVisibleTo(page) and page.buttons["report"].isEnabled()
    dialog = page.record_report()
    dialog.findChild(QLineEdit, "field_receiving_unit").setText("壤塘县公安局")
    dialog.findChild(QLineEdit, "field_case_number").setText("2026-118")
    dialog.save()
    target = flags.flag(ws, flag_id("R01", people["child"].id))
    assert target.status == "referred" and target.has_report and not target.report_pending
    assert not window.report_prompt.isVisibleTo(window)
    assert "2026-118" in page.detail.toPlainText()
    reports = flags.mandatory_reports(ws, target.flag_id)
    assert reports and reports[0].reporter == ws.user_id
    assert ws.user_id not in page.detail.toPlainText()


def test_step_needs_a_reason(controller, register_data, no_modal, monkeypatch):
    """Acknowledging without a reason is refused with a message; with one it is kept in the history."""
    from rangtang_desktop.services import register
    from rangtang_desktop.ui.dialogs.flag_step_dialog import FlagStepDialog

    ws, people = register_data
    register.save(ws, dataclasses.replace(people["child"], hukou_status="not_registered", id_number=""))  # R32 (high)
    page = controller.window.pages["flags"]
    controller.window.show_area("flags")
    page.reload()
    rows = [page.model.row_at(r).rule_id for r in range(page.model.rowCount())]
    page.table.selectRow(rows.index("R32"))
    monkeypatch.setattr(FlagStepDialog, "exec", lambda self: 1)
    monkeypatch.setattr(FlagStepDialog, "chosen", lambda self: ("acknowledged", ""))
    page.step()
    assert no_modal, "a message explains that a reason is needed"
    monkeypatch.setattr(FlagStepDialog, "chosen", lambda self: ("acknowledged", "奶奶住院，已联系父亲"))
    page.step()
    target = flags.flag(ws, flag_id("R32", people["child"].id))
    assert target.status == "acknowledged"
    assert "奶奶住院" in page.detail.toPlainText()


def test_rules_page_lists_every_rule(controller):
    """The rules tab lists every rule with its condition and legal basis, translated."""
    page = controller.window.pages["flags"]
    table = page.rules_table
    assert table.rowCount() == len(flags.rules()) >= 36
    assert all(table.item(row, 3).text() and table.item(row, 4).text() for row in range(table.rowCount()))


def test_flags_and_worklist_models_pass_qt_model_tester(controller, register_data, qtmodeltester):
    """The flags and worklist tables behave as Qt expects."""
    ws, people = register_data
    sign_visit_with(ws, people["household"].id, people["child"].id, "abandoned")
    page = controller.window.pages["flags"]
    page.reload()
    assert page.model.rowCount() > 0
    qtmodeltester.check(page.model)
    visits_page = controller.window.pages["visits"]
    visits_page.reload()
    qtmodeltester.check(visits_page.worklist)
