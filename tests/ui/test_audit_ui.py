"""The audit log in the window: a child's record shown in the register is recorded; the settings
page lists the entries newest first (by household number, never by name) in a lazy model that passes
Qt's model tester; "Check the record sequence" says it is intact, or where it breaks."""

from __future__ import annotations

from rangtang_desktop.i18n import _, render
from rangtang_desktop.i18n.formatting import format_number
from rangtang_desktop.services import audit
from rangtang_desktop.ui.widgets.audit_box import AuditBox


def audit_box(controller) -> AuditBox:
    controller.window.show_area("settings")
    box = controller.window.findChild(AuditBox)
    assert box is not None
    return box


def test_a_view_in_the_register_is_listed_and_the_model_is_sound(controller, register_data, qtmodeltester):
    """Opening the girl's record in the register adds a view; the newest row says who, what, which
    record (a neutral label with the household number) and where — and never her name."""
    ws, people = register_data
    child = people["child"]
    controller.window.show_area("register")
    controller.window.pages["register"].show_record("person", child.id)
    box = audit_box(controller)
    keys = audit.entry_keys(ws)
    assert box.model.rowCount() == len(keys) and box.model.id_at(0) == keys[0]
    cells = [box.model.index(0, column).data() for column in range(box.model.columnCount())]
    when, who, action, record, computer = cells
    assert action == _("Viewed") and when and computer
    assert people["household"].household_number in record and _("Child's record") in record
    for name in (child.name_zh, child.name_bo, child.id_number):
        assert all(name not in (cell or "") for cell in cells)
    qtmodeltester.check(box.model)


def test_check_says_intact_then_where_it_breaks(controller, register_data):
    ws, _people = register_data
    box = audit_box(controller)
    box.check_button.click()  # the runner is synchronous in tests
    [ok] = audit.verify(ws)
    assert box.result.text() == render(ok.message())
    assert box.check_button.isEnabled()
    ws.db.execute("DROP TRIGGER audit_is_locked")
    ws.db.execute("UPDATE audit SET action = 'print' WHERE seq = 2")
    box.check_button.click()
    [bad] = audit.verify(ws)
    assert (bad.problem, bad.bad_seq) == ("hash", 2)
    assert box.result.text() == render(bad.message())
    assert "b00020" in box.result.styleSheet()


def test_a_township_sees_each_computers_log_and_checks_each(qapp, tmp_path, monkeypatch):
    """At a township the village's log (received in its bundle) is listed per computer, and the
    check speaks of each computer; a long log shows its newest entries and says so."""
    from rangtang_desktop.services import exchange, register_views
    from tests.services.exchange_support import VILLAGE_A, household_with_child, make_county
    from tests.ui.conftest import window_on

    county = make_county(tmp_path)
    try:
        _home, girl = household_with_child(county.village_a, VILLAGE_A)
        register_views.show_person(county.village_a, girl.id)
        exported = exchange.export_bundle(county.village_a, county.stick)
        assert exchange.import_bundle(county.township, exported.path).status == "applied"
        with window_on(qapp, county.township, "zh") as ctl:
            box = audit_box(ctl)
            assert box.computer.isVisibleTo(box) and box.computer.count() == 3
            box.computer.setCurrentIndex(box.computer.findData(county.village_a.node_id))
            box.reload()
            assert box.model.rowCount() == audit.entry_count(county.township, node_id=county.village_a.node_id) == 3
            box.computer.setCurrentIndex(0)
            box.check_button.click()
            results = audit.verify(county.township)
            assert len(results) == 2 and all(r.ok for r in results)
            assert box.result.text().splitlines() == [render(r.message()) for r in results]
            monkeypatch.setattr("rangtang_desktop.ui.widgets.audit_box.MAX_SHOWN", 2)
            box.reload()
            assert box.model.rowCount() == 2 and format_number(audit.entry_count(county.township)) in box.summary.text()
    finally:
        county.close()
