"""The exchange area through the window: settle a conflict with a reason, review a possible duplicate
side by side, export at a village and import at a township — in Chinese and in Tibetan."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from PySide6.QtWidgets import QLabel, QTextBrowser

from rangtang_desktop.core import records
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.i18n import _
from rangtang_desktop.i18n.formatting import format_number
from rangtang_desktop.services import conflicts, enrollment, exchange, register
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import nodes
from rangtang_desktop.storage import register as reg
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.merge import apply_changes, changes_to_send, holdings
from rangtang_desktop.ui.pages.exchange_page import unsent_text
from tests.services.exchange_support import TOWNSHIP_CODE, VILLAGE_A, enroll, household_with_child, laptop, snapshot
from tests.ui.conftest import window_on


def send(src, dst):
    """Carry every change the other laptop lacks (the merge itself; bundles are tested elsewhere)."""
    changes = changes_to_send(src.db, acknowledged=holdings(dst.db))
    users = [{"user_id": u.user_id, "display_name": u.display_name, "role": u.role} for u in nodes.users(src.db)]
    with write_transaction(dst.db):
        result = apply_changes(dst.db, changes, users=users, now=datetime.now(UTC), local_node_id=dst.node_id)
    return conflicts.after_merge(dst, result)


@pytest.fixture
def other_laptop(tmp_path):
    ws = open_workspace(tmp_path / "other.sqlite3", create=True)
    with write_transaction(ws.db):
        nodes.update_user(ws.db, ws.user_id, "卓玛", "child_director")  # a grid worker would see only their groups
    yield ws
    ws.close()


def exchange_page(controller):
    window = controller.window
    window.show_area("exchange")
    return window.pages["exchange"]


def test_resolve_a_conflict(controller, register_data, other_laptop):
    """The girl's name was changed on two laptops; the inbox shows both values with who and why, and
    keeping the second one with a reason settles it."""
    ws, people = register_data
    send(ws, other_laptop)
    register.save(ws, dataclasses.replace(people["child"], name_zh="才让拉姆"), reason="户口本")
    register.save(other_laptop, dataclasses.replace(reg.get(other_laptop.db, "person", people["child"].id), name_zh="才让拉毛草"),
                  reason="学校名册")
    controller.env.publish(send(other_laptop, ws))
    page = exchange_page(controller)
    inbox = page.conflicts
    page.tabs.setCurrentWidget(inbox)
    inbox.request_reload()
    assert inbox.model.rowCount() == 1
    assert page.tabs.tabText(page.tabs.indexOf(inbox)) == _("Conflicts ({count})").format(count=format_number(1))
    texts = " ".join(label.text() for label in inbox.findChildren(QLabel))
    assert "学校名册" in texts and "户口本" in texts
    shown = {inbox.choices.button(i).text() for i in range(2)}
    assert shown == {"才让拉姆", "才让拉毛草"}
    wanted = next(i for i in range(2) if inbox.choices.button(i).text() == "才让拉姆")
    inbox.choices.button(wanted).setChecked(True)
    inbox.reason.setText("核对了户口本")
    inbox.resolve.click()
    assert conflicts.list_conflicts(ws) == []
    assert reg.get(ws.db, "person", people["child"].id).name_zh == "才让拉姆"
    assert inbox.model.rowCount() == 0 and inbox.empty.isVisibleTo(inbox)


def test_resolving_without_a_reason_is_refused(controller, register_data, other_laptop, no_modal):
    ws, people = register_data
    send(ws, other_laptop)
    register.save(ws, dataclasses.replace(people["child"], name_zh="才让拉姆"))
    register.save(other_laptop, dataclasses.replace(reg.get(other_laptop.db, "person", people["child"].id), name_zh="卓嘎"))
    controller.env.publish(send(other_laptop, ws))
    inbox = exchange_page(controller).conflicts
    inbox.request_reload()
    inbox.resolve.click()
    assert no_modal and len(conflicts.list_conflicts(ws)) == 1


def test_review_a_duplicate(controller, register_data):
    """The same girl registered again in another household (same ID number): compared side by side,
    merged into the older record with a reason; nothing is deleted."""
    ws, people = register_data
    other_home = register.save(ws, records.Household(village_code=people["household"].village_code, house_name_zh="拉让")).record
    again = register.save(ws, records.Person(
        household_id=other_home.id, name_zh="才让拉毛", sex="female", birth_date="2015-03-07",
        id_number=make_id_number("513230", date(2015, 3, 7), 2), school_name="壤塘县小学",
    )).record
    page = exchange_page(controller)
    listing = page.duplicates
    page.tabs.setCurrentWidget(listing)
    listing.request_reload()
    assert listing.model.rowCount() == 1
    dialog = listing.review(0)
    assert dialog.candidate.match.certain
    assert _("Same ID number") in dialog.findChild(QLabel, "duplicate_reasons").text()
    compared = [dialog.findChild(QTextBrowser, f"duplicate_record_{i}").toPlainText() for i in (0, 1)]
    assert "壤塘县小学" in compared[0] and "壤塘县小学" not in compared[1]  # left: the newer record
    assert not dialog.ok.isEnabled()  # a decision and a reason first
    dialog.choose("keep_older")
    dialog.reason.setText("同一身份证号，已和学校核对")
    assert dialog.ok.isEnabled()
    dialog.save()
    merged = reg.get(ws.db, "person", again.id)
    assert merged.merged_into == people["child"].id and not merged.deleted
    assert reg.get(ws.db, "person", people["child"].id).school_name == "壤塘县小学"
    assert listing.model.rowCount() == 0


# -- two laptops, each with its own window: enrollment, export at a village, import at the township --


NOT_ENROLLED = "This computer is not enrolled at a township yet, so it cannot send data. Follow the three steps below."


@pytest.fixture
def laptops(tmp_path):
    township = laptop(tmp_path, "township", "township", TOWNSHIP_CODE)
    village = laptop(tmp_path, "village", "village", VILLAGE_A)
    yield township, village
    village.close()
    township.close()


def test_enroll_through_both_screens(qapp, lang, laptops, tmp_path, monkeypatch, no_modal):
    """Request written at the village, accepted at the township after comparing fingerprints, then
    completed at the village: both screens say so."""
    from rangtang_desktop.ui.widgets import enrollment_panel

    township, village = laptops
    stick = tmp_path / "stick"
    stick.mkdir()
    compared = []
    monkeypatch.setattr(enrollment_panel, "confirm_card", lambda _p, _e, card, _q: compared.append(card) or True)
    with window_on(qapp, village, lang) as ctl:
        page = exchange_page(ctl)
        page.folder.set_folder(stick)
        panel = page.enrollment
        panel.request_reload()
        assert panel.status.text() == _(NOT_ENROLLED)
        panel.request_button.click()
    request = next(stick.glob("enrollment-request*"))
    with window_on(qapp, township, lang) as ctl:
        page = exchange_page(ctl)
        panel = page.enrollment
        page.tabs.setCurrentWidget(panel)
        panel.accept_request(request)
        assert compared[-1].node_id == village.node_id
        assert panel.model.rowCount() == 1
        assert format_number(1) in panel.status.text()
    response = next(stick.glob("enrollment-response*"))
    with window_on(qapp, village, lang) as ctl:
        page = exchange_page(ctl)
        panel = page.enrollment
        page.tabs.setCurrentWidget(panel)
        panel.complete(response)
        assert compared[-1].node_id == township.node_id
        assert enrollment.township(village).node_id == township.node_id
        assert panel.status.text() != _(NOT_ENROLLED)


def test_export_at_a_village_and_import_at_the_township(qapp, lang, laptops, tmp_path, no_modal):
    """The village writes its bundle to the stick; the township previews it (nothing changed yet),
    imports it, and writes a receipt; read back at the village, the counter drops to zero."""
    township, village = laptops
    enroll(village, township, tmp_path / "enrolling")
    _home, girl = household_with_child(village, VILLAGE_A, "央金")
    stick = tmp_path / "stick"
    stick.mkdir()
    waiting = exchange.unsent_count(village)
    assert waiting > 0
    with window_on(qapp, village, lang) as ctl:
        usb = exchange_page(ctl).usb
        exchange_page(ctl).folder.set_folder(stick)
        assert usb.unsent.text() == unsent_text("village", waiting)
        usb.export_button.click()
        assert _("You can remove the USB stick now.") in usb.result.text()
    [bundle] = exchange.find_bundles(stick)
    before = snapshot(township)
    with window_on(qapp, township, lang) as ctl:
        page = exchange_page(ctl)
        page.folder.set_folder(stick)
        page.usb.import_button.click()
        dialog = page.usb.dialog
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 3).text() == _("Ready to import")
        assert dialog.table.item(0, 4).text() == format_number(2)  # the household and the girl
        assert snapshot(township) == before  # the preview changed nothing
        dialog.import_button.click()
        assert dialog.results[0].status == "applied"
        assert dialog.table.item(0, 3).text() == _("Imported")
        assert reg.get(township.db, "person", girl.id).name_zh == "央金"
        history = page.history
        history.request_reload()
        assert history.table.rowCount() >= 1
        again = snapshot(township)
        page.usb.import_button.click()  # the same stick again; the receipt written here is not listed
        table = page.usb.dialog.table
        assert table.rowCount() == 1 and table.item(0, 0).text() == bundle.name
        assert table.item(0, 3).text() == _("Already imported before: nothing to do")
        assert not page.usb.dialog.import_button.isEnabled()
        assert snapshot(township) == again
    receipts = [p for p in exchange.find_bundles(stick) if p != bundle]
    assert receipts, "the township writes a receipt beside the bundle"
    with window_on(qapp, village, lang) as ctl:
        page = exchange_page(ctl)
        page.folder.set_folder(stick)
        page.usb.import_button.click()
        dialog = page.usb.dialog
        assert dialog.table.rowCount() == 1  # the receipt; not the village's own bundle
        dialog.import_button.click()
        assert [r.status for r in dialog.results] == ["applied"]
        assert page.usb.unsent.text() == unsent_text("village", 0)


def test_a_bundle_that_is_not_one_is_refused_in_the_dialog(qapp, lang, laptops, tmp_path, no_modal):
    township, village = laptops
    enroll(village, township, tmp_path / "enrolling")
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "2026-11-village.rtb").write_bytes(b"not a bundle at all")
    before = snapshot(township)
    with window_on(qapp, township, lang) as ctl:
        page = exchange_page(ctl)
        page.folder.set_folder(stick)
        page.usb.import_button.click()
        dialog = page.usb.dialog
        assert dialog.table.item(0, 3).text() == _("Refused")
        assert dialog.table.item(0, 8).text()  # what happened and what to do
        assert not dialog.import_button.isEnabled()
    assert snapshot(township) == before
