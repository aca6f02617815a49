"""Printing from the window: the printing page makes the visit log and a month of sheets as PDFs,
and the visit form prints its sheet — the system viewer is not opened in tests."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QPushButton

from rangtang_desktop.services import visits

PNG = b"\x89PNG\r\n\x1a\nsignature"


@pytest.fixture
def opened(monkeypatch):
    """Documents 'opened' in the system viewer, recorded instead of shown."""
    from rangtang_desktop.ui import printing

    shown = []
    monkeypatch.setattr(printing, "open_document", shown.append)
    monkeypatch.setattr("rangtang_desktop.ui.pages.printing_page.open_document", shown.append)
    return shown


def test_visit_log_from_the_printing_page(controller, tmp_path, monkeypatch, opened):
    """The monthly visit log is written where the user chose and opened."""
    target = tmp_path / "log.pdf"
    monkeypatch.setattr("rangtang_desktop.ui.pages.printing_page.choose_file", lambda parent, name: target)
    page = controller.window.pages["printing"]
    page.visit_log()
    assert target.read_bytes().startswith(b"%PDF") and opened == [target]


def test_month_of_sheets_into_a_folder(controller, register_data, tmp_path, monkeypatch, opened):
    """A month of visit sheets is written into a folder, one PDF per signed visit."""
    from PySide6.QtWidgets import QFileDialog

    ws, people = register_data
    draft = visits.start_visit(ws, people["household"].id)
    signature = visits.store_signature(ws, PNG)
    visits.sign(ws, dataclasses.replace(draft, visitor_name="扎西", rating="good", visitor_signature=signature, guardian_no_signature_reason="absent"))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    page = controller.window.pages["printing"]
    page.month.setCurrentIndex(0)
    page.month_of_sheets()
    made = list(tmp_path.rglob("*.pdf"))
    assert len(made) == 1 and made[0].read_bytes().startswith(b"%PDF")


def test_visit_form_prints_its_sheet(controller, register_data, tmp_path, monkeypatch, opened):
    """The visit form's Print button writes the sheet of the draft (marked unsigned) and opens it."""
    from rangtang_desktop.ui.dialogs.visit_form import VisitForm

    ws, people = register_data
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr("rangtang_desktop.ui.printing.choose_file", lambda parent, name: target)
    form = VisitForm(controller.env, visits.start_visit(ws, people["household"].id), controller.window)
    form.print_sheet()
    assert target.read_bytes().startswith(b"%PDF") and opened == [target]


def test_upload_package_at_a_township(qapp, register_data, lang, tmp_path, monkeypatch, opened):
    """At a township the printing page makes the upload package: the registers, the month's signed
    sheets and the signed manifest in one .zip; a village computer does not offer it."""
    import zipfile

    from rangtang_desktop.i18n import _
    from rangtang_desktop.storage import nodes
    from rangtang_desktop.storage.database import write_transaction
    from tests.ui.conftest import window_on

    ws, people = register_data
    draft = visits.start_visit(ws, people["household"].id)
    signature = visits.store_signature(ws, PNG)
    visits.sign(ws, dataclasses.replace(draft, visitor_name="扎西", rating="good", visitor_signature=signature, guardian_no_signature_reason="absent"))
    with window_on(qapp, ws, lang) as ctl:
        assert ctl.window.pages["printing"].findChild(QPushButton, "print_upload") is None
    with write_transaction(ws.db):
        nodes.set_node_unit(ws.db, "township", "513230101")
    target = tmp_path / "upload.zip"
    monkeypatch.setattr("rangtang_desktop.ui.pages.printing_page.choose_file", lambda parent, name, suffix: target)
    with window_on(qapp, ws, lang) as ctl:
        page = ctl.window.pages["printing"]
        page.month.setCurrentIndex(0)
        page.findChild(QPushButton, "print_upload").click()
        with zipfile.ZipFile(target) as package:
            names = package.namelist()
        assert {"registers/children.xlsx", "registers/households.xlsx", "manifest.json", "manifest.sig"} <= set(names)
        assert sum(name.startswith("visit_sheets/") and name.endswith(".pdf") for name in names) == 1
        assert page.status.text() == _(
            "Upload package saved in {path}: {sheets} visit sheets, {children} children, {households} households."
        ).format(path=target, sheets="1", children="1", households="1")
        assert opened == [target.parent]
