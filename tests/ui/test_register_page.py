"""The register page through the real window: lists, search, detail, add and edit dialogs, history,
in Chinese and in Tibetan."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from rangtang_desktop.core import records
from rangtang_desktop.i18n import _
from rangtang_desktop.ui.dialogs.history_dialog import HistoryDialog
from rangtang_desktop.ui.dialogs.record_dialog import RecordDialog


def field(dialog: RecordDialog, name: str):
    return dialog.findChild(object, f"field_{name}")


def change_count(ws) -> int:
    return ws.db.execute("SELECT count(*) FROM change").fetchone()[0]


def test_households_list_and_detail(controller, register_data):
    """The household list shows the household; choosing it shows its members in the detail."""
    page = controller.window.pages["register"]
    assert page.households.rowCount() == 1
    page.table.selectRow(0)
    html = page.detail.toHtml()
    assert "才让拉毛" in html and "ཚེ་རིང་ལྷ་མོ" in html and "阿尼仓" in html


def test_search_by_variant_pinyin_and_tibetan(controller, qtbot):
    """Search finds the child by a variant spelling, pinyin initials and Tibetan script."""
    page = controller.window.pages["register"]
    for query in ("泽仁拉姆", "crlm", "ཚེ་རིང", "阿尼仓"):
        page.search.setText(query)
        page.reload()
        names = [page.people.snapshot(r).get("name_zh") for r in range(page.people.rowCount())]
        assert "才让拉毛" in names, query


def test_person_detail_shows_guardians_and_situation(controller, register_data):
    """A child's detail lists the father as legal guardian with his migrant work in Chengdu."""
    _ws, people = register_data
    page = controller.window.pages["register"]
    page.show_record("person", people["child"].id)
    html = page.detail.toHtml()
    assert "多吉" in html and "成都" in html
    assert _("Away for work") in html


def test_add_household_through_dialog(controller, register_data, qtbot):
    """A new household typed into the dialog is saved through the change log and listed."""
    ws, _people = register_data
    page = controller.window.pages["register"]
    before = change_count(ws)
    dialog = page.add_household()
    village = field(dialog, "village_code")
    village.setCurrentIndex(village.findData("513230101201"))
    field(dialog, "house_name_zh").setText("卓嘎仓")
    dialog.save()
    assert page.households.rowCount() == 2
    assert change_count(ws) > before
    numbers = {page.households.snapshot(r)["household_number"] for r in range(2)}
    assert "513230101201-0002" in numbers


def test_bad_id_number_is_refused_inline(controller, register_data, no_modal):
    """A mistyped ID number shows the explanation under the field and nothing is saved."""
    ws, people = register_data
    page = controller.window.pages["register"]
    page.show_record("household", people["household"].id)
    dialog = page.add("member")
    field(dialog, "name_zh").setText("扎西")
    field(dialog, "birth_date").setText("2016-05-01")
    field(dialog, "id_number").setText("513230201605010011")
    before = change_count(ws)
    dialog.save()
    assert change_count(ws) == before
    problem = dialog.findChild(QLabel, "problem_id_number")
    assert problem.isVisibleTo(dialog) and problem.text()
    assert dialog.isVisible()


def test_future_birth_date_is_refused(controller, register_data):
    """A birth date in the future is refused with a message under the field."""
    ws, people = register_data
    page = controller.window.pages["register"]
    page.show_record("household", people["household"].id)
    dialog = page.add("member")
    field(dialog, "name_zh").setText("扎西")
    field(dialog, "birth_date").setText("2999-01-01")
    dialog.save()
    assert dialog.findChild(QLabel, "problem_birth_date").text()
    assert dialog.isVisible()


def test_possible_duplicate_shown_before_saving(controller, register_data):
    """Entering the child again with another spelling lists the existing record before saving."""
    _ws, people = register_data
    page = controller.window.pages["register"]
    page.show_record("household", people["household"].id)
    dialog = page.add("member")
    field(dialog, "name_zh").setText("泽仁拉姆")
    field(dialog, "birth_date").setText("2015-03-07")
    field(dialog, "sex").setCurrentIndex(field(dialog, "sex").findData("female"))
    dialog.check_now()
    assert dialog.duplicates.isVisibleTo(dialog)
    assert dialog.duplicates.list.count() == 1


def test_edit_person_and_see_history(controller, register_data):
    """Editing a name with a reason appears in the person's history with the old value."""
    ws, people = register_data
    page = controller.window.pages["register"]
    dialog = page.open_dialog(people["child"])
    field(dialog, "name_zh").setText("才让拉姆")
    dialog.findChild(QLineEdit, "reason").setText("spelling on hukou book")
    dialog.save()
    history = HistoryDialog(controller.env, "person", people["child"].id)
    cells = [history.table.item(0, c).text() for c in range(history.table.columnCount())]
    assert "才让拉毛" in cells and "才让拉姆" in cells and "spelling on hukou book" in cells


def test_add_relation_dialog_offers_household_members(controller, register_data):
    """The relation dialog lists the child's household members to choose the adult from."""
    _ws, people = register_data
    page = controller.window.pages["register"]
    page.show_record("person", people["child"].id)
    dialog = page.add("relation")
    adult = dialog.findChild(QComboBox, "field_adult_id")
    labels = [adult.itemText(i) for i in range(adult.count())]
    assert any("卓玛" in label for label in labels)
    assert isinstance(dialog.form.record(), records.Relation)


def test_remove_person_keeps_history(controller, register_data, monkeypatch):
    """Removing a person hides them from the lists; their changes stay in the log."""
    ws, people = register_data
    page = controller.window.pages["register"]
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("moved away", True))
    page.remove("person", people["grandmother"].id)
    page.tabs.setCurrentIndex(1)
    names = [page.people.snapshot(r)["name_zh"] for r in range(page.people.rowCount())]
    assert "卓玛" not in names
    assert ws.db.execute("SELECT count(*) FROM change_log WHERE entity_id = ?", [people["grandmother"].id]).fetchone()[0] > 0


def test_models_pass_qt_model_tester(controller, qtmodeltester):
    """Both register models behave as Qt expects."""
    page = controller.window.pages["register"]
    qtmodeltester.check(page.households)
    page.tabs.setCurrentIndex(1)
    qtmodeltester.check(page.people)


def test_language_switch_rebuilds_window(controller):
    """Choosing the other language in settings rebuilds the window in it, on the same page."""
    from rangtang_desktop.i18n import current_language

    other = "bo" if current_language() == "zh" else "zh"
    controller.window.show_area("settings")
    controller.switch_language(other)
    assert current_language() == other
    assert controller.window.current_area() == "settings"


def test_full_disk_on_save_keeps_the_form(controller, register_data, no_modal, monkeypatch):
    """When the disk is full the save fails with the two-part message and the dialog keeps
    everything typed; nothing is written."""
    from rangtang_desktop.core.errors import DiskFull
    from rangtang_desktop.services import register

    ws, people = register_data
    page = controller.window.pages["register"]
    page.show_record("household", people["household"].id)
    dialog = page.add("member")
    field(dialog, "name_zh").setText("扎西")
    field(dialog, "birth_date").setText("2016-05-01")

    def full(*args, **kwargs):
        raise DiskFull()

    monkeypatch.setattr(register, "save", full)
    before = change_count(ws)
    dialog.save()
    assert no_modal and no_modal[-1][0] == _(DiskFull.headline)
    assert dialog.isVisible() and field(dialog, "name_zh").text() == "扎西"
    assert change_count(ws) == before
