"""The audit log through the real services: one entry per save (never per field), views of a child's
record, signed visits, flag steps, a merge as one decision, each printed document, exports and
imports; no name or ID number ever reaches it; and the record sequence's check."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.services import audit, flags, printing, register, register_views, visits
from rangtang_desktop.services import duplicates_review as review
from rangtang_desktop.storage import audit as store

PNG = b"\x89PNG\r\n\x1a\n" + b"signature of the visitor"
NAME_ZH, NAME_BO, HOUSE = "才让拉毛", "ཚེ་རིང་ལྷ་མོ", "阿尼仓"
BORN = date(date.today().year - 9, 3, 7)
ID_NUMBER = make_id_number("513230", BORN, 2)


def actions(ws) -> list[tuple]:
    """(action, entity, detail op or where) of this computer's entries, oldest first."""
    return [
        (e.action, e.entity, e.detail.get("op") or e.detail.get("where") or e.detail.get("document") or e.detail.get("kind"))
        for e in store.chain(ws.db, ws.node_id)
    ]


@pytest.fixture
def child(workspace, village):
    """A household with a named girl who has an ID number."""
    home = register.save(workspace, records.Household(village_code=village.code, house_name_zh=HOUSE)).record
    girl = register.save(
        workspace,
        records.Person(
            household_id=home.id, name_zh=NAME_ZH, name_bo=NAME_BO, sex="female", birth_date=BORN.isoformat(),
            id_number=ID_NUMBER,
        ),
    ).record
    return home, girl


def signed_visit(ws, household_id):
    signature = visits.store_signature(ws, PNG)
    draft = dataclasses.replace(
        visits.start_visit(ws, household_id), visitor_name="扎西", rating="good", visitor_signature=signature,
        guardian_signature=signature, guardian_signer_name="多吉",
    )
    return visits.sign(ws, draft)


def test_each_save_is_one_entry_not_one_per_field(workspace, child):
    """Creating a record with many fields, editing two fields and deleting are one entry each; a
    save that changes nothing writes none."""
    home, girl = child
    assert actions(workspace) == [("change", "household", "create"), ("change", "person", "create")]
    register.save(workspace, dataclasses.replace(girl, school_status="primary", boarding=True))
    register.save(workspace, dataclasses.replace(girl, school_status="primary", boarding=True))  # nothing new
    [edit] = list(store.chain(workspace.db, workspace.node_id, after=2))
    assert (edit.entity, edit.entity_id, edit.detail) == ("person", girl.id, {"op": "edit", "fields": ["boarding", "school_status"]})
    assert edit.user_id == workspace.user_id and edit.node_id == workspace.node_id
    register.delete(workspace, "person", girl.id, reason="moved away")
    assert actions(workspace)[-1] == ("change", "person", "delete")
    assert audit.verify(workspace)[0].ok


def test_showing_a_childs_record_is_a_view(workspace, child):
    """The register's detail panel and a record opened in its dialog record a view of that record
    (the ids only); showing it again straight away is the same view."""
    home, girl = child
    view = register_views.show_person(workspace, girl.id)
    assert view.person.id == girl.id
    register_views.show_person(workspace, girl.id)
    register_views.show_household(workspace, home.id)
    assert register_views.open_record(workspace, "person", girl.id) == girl
    assert register_views.open_record(workspace, "person", "no-such-id") is None
    views = [e for e in store.chain(workspace.db, workspace.node_id) if e.action == "view"]
    assert [(e.entity, e.entity_id, e.detail["where"]) for e in views] == [
        ("person", girl.id, "register"), ("household", home.id, "register"), ("person", girl.id, "dialog"),
    ]
    # reading a person for a printout or a form is not a view (printing is recorded as a print)
    register_views.person_view(workspace, girl.id)
    assert len([e for e in store.chain(workspace.db, workspace.node_id) if e.action == "view"]) == 3


def test_a_signed_visit_and_a_flag_step_are_changes(workspace, child):
    home, girl = child
    visit = signed_visit(workspace, home.id)
    assert actions(workspace)[-1] == ("change", "visit", "sign")
    register.save(workspace, dataclasses.replace(girl, hukou_status="not_registered"), reason="found at the visit")
    [row] = [r for r in flags.list_flags(workspace, child_id=girl.id) if r.rule_id == "R32"]
    flags.set_status(workspace, row.flag_id, "acknowledged", "the family is applying for hukou")
    last = list(store.chain(workspace.db, workspace.node_id))[-1]
    assert (last.action, last.entity, last.entity_id, last.detail) == (
        "change", "flag", row.flag_id, {"op": "status", "from": "open", "to": "acknowledged"},
    )
    assert visit.id in {e.entity_id for e in store.chain(workspace.db, workspace.node_id)}


def test_a_merge_of_duplicates_is_one_entry(workspace, child):
    """Merging saves several records, but the person decided once: one entry, the decision."""
    home, girl = child
    twin = register.save(workspace, records.Person(household_id=home.id, name_zh="才让拉姆", sex="female", birth_date=BORN.isoformat(), id_number=ID_NUMBER)).record
    before = len(actions(workspace))
    review.decide(workspace, girl.id, twin.id, "merged", kept=girl.id, reason="same ID number, checked")
    added = actions(workspace)[before:]
    assert added == [("change", "duplicate_decision", "duplicate_decision")]


def test_each_printed_document_is_an_entry(workspace, child, tmp_path):
    home, _girl = child
    first = signed_visit(workspace, home.id)
    second = signed_visit(workspace, home.id)
    printing.visit_sheet(workspace, first.id, tmp_path / "sheet.pdf", "zh")
    today = date.today()
    made = printing.month_of_sheets(workspace, today.year, today.month, tmp_path / "month", "bo")
    assert len(made) == 2
    prints = [e for e in store.chain(workspace.db, workspace.node_id) if e.action == "print"]
    described = [(e.entity, e.entity_id, e.detail["document"], e.detail["lang"]) for e in prints]
    assert described[0] == ("visit", first.id, "visit_sheet", "zh")
    assert sorted(described[1:]) == sorted([("visit", first.id, "visit_sheet", "bo"), ("visit", second.id, "visit_sheet", "bo")])


def test_no_name_or_id_number_reaches_the_audit_log(workspace, child, tmp_path):
    """After saves, views, a printout and an edit of a named child, the audit tables hold neither
    her names, nor her house's name, nor her ID number (searched byte-wise in every row)."""
    home, girl = child
    register_views.show_person(workspace, girl.id)
    register_views.open_record(workspace, "household", home.id)
    register.save(workspace, dataclasses.replace(girl, name_zh="才让拉毛毛", notes="卓玛的妹妹"))
    visit = signed_visit(workspace, home.id)
    printing.visit_sheet(workspace, visit.id, tmp_path / "sheet.pdf", "both")
    printing.blank_form(workspace, tmp_path / "blank.pdf", "zh", household_id=home.id)
    dump = "\n".join(
        line for line in workspace.db.conn.iterdump() if line.startswith(('INSERT INTO "audit', "INSERT INTO audit"))
    ).encode("utf-8")
    assert dump.count(b"INSERT INTO") >= 8
    for secret in (NAME_ZH, NAME_BO, HOUSE, "卓玛", ID_NUMBER, ID_NUMBER[:6] + ID_NUMBER[6:14]):
        assert secret.encode("utf-8") not in dump, secret


def test_verify_reports_each_computer_and_where_it_breaks(workspace, child):
    result = audit.verify(workspace)
    assert [(r.node_id, r.ok, r.is_self) for r in result] == [(workspace.node_id, True, True)]
    assert audit.broken(result) is None
    for name in ("audit_is_locked",):
        workspace.db.execute(f"DROP TRIGGER {name}")
    workspace.db.execute("UPDATE audit SET detail = '{}' WHERE seq = 2")
    [found] = audit.verify(workspace)
    assert (found.ok, found.bad_seq, found.problem) == (False, 2, "hash")
    error = audit.broken([found])
    assert error is not None and "#2" in str(error.params["where"])


def test_listing_shows_labels_and_household_numbers_never_names(workspace, child):
    home, girl = child
    register_views.show_person(workspace, girl.id)
    [newest] = audit.entries(workspace, limit=1)
    assert (newest["action"], newest["entity"], newest["entity_id"]) == ("view", "person", girl.id)
    assert newest["record_label"] == audit.RECORD_LABELS["child"]
    assert newest["household_number"] == register_views.find(workspace, "household", home.id).household_number
    assert NAME_ZH not in repr(newest)
    assert [r["seq"] for r in audit.entries(workspace)] == sorted((r["seq"] for r in audit.entries(workspace)), reverse=True)
