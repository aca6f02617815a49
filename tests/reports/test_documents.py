"""The printed documents: visit sheets (signed, draft, correction), the monthly visit log, the blank
form and the flag summary, read back with poppler (``pdftotext``, ``pdffonts``, ``pdfinfo``) and,
for the QR code, ``zbarimg``."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.msg import N_
from rangtang_desktop.i18n import translator
from rangtang_desktop.reports import fonts
from rangtang_desktop.reports.layout import UNSIGNED_DRAFT, Words
from rangtang_desktop.reports.visit_sheet import qr_payload
from rangtang_desktop.services import printing, printing_data, register, visits
from rangtang_desktop.services.compliance import compliance
from rangtang_desktop.services.demo_signatures import signature_png

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")
pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed")

LONG_CHINESE = "".join(f"第{n}次记录：孩子今天在家，奶奶说父亲春节后没有回来，家里的牦牛由叔叔照看，孩子上学正常。" for n in range(1, 90))
LONG_TIBETAN = "བྱིས་པ་དེ་རིང་ཁྱིམ་ན་ཡོད། ཨ་ཕ་ལོ་གསར་རྗེས་སུ་ཕྱིར་མ་ལོག ཨ་ཕྱི་དང་མཉམ་དུ་སྡོད། " * 60


def pdf_text(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def font_rows(path: Path) -> list[list[str]]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def squeeze(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.fixture
def family(workspace, village):
    """A household with a girl and a boy, their father away for work (legal guardian) and their
    grandmother caring for them at home."""
    ws = workspace
    year = date.today().year
    h = register.save(ws, records.Household(village_code=village.code, house_name_zh="阿美仓", house_name_bo="ཨ་མྱེས་ཚང")).record
    girl = register.save(ws, records.Person(household_id=h.id, name_zh="卓玛", name_bo="སྒྲོལ་མ", sex="female", birth_date=f"{year - 10}-03-01")).record
    boy = register.save(ws, records.Person(household_id=h.id, name_zh="扎西", name_bo="བཀྲ་ཤིས", sex="male", birth_date=f"{year - 7}-06-01")).record
    father = register.save(ws, records.Person(household_id=h.id, name_zh="多吉", name_bo="རྡོ་རྗེ", sex="male", birth_date="1985", birth_precision="year")).record
    granny = register.save(ws, records.Person(household_id=h.id, name_zh="拉姆", name_bo="ལྷ་མོ", sex="female", birth_date="1958", birth_precision="year")).record
    for child in (girl, boy):
        register.save(ws, records.Relation(child_id=child.id, adult_id=father.id, kind="father", legal_guardian=True))
        register.save(ws, records.Relation(child_id=child.id, adult_id=granny.id, kind="paternal_grandparent", actual_caregiver=True, lives_with=True))
    register.save(ws, records.ParentSituation(person_id=father.id, kind="migrant_work", place_province="四川", place_city="成都", start_date=f"{year - 2}-03"))
    return h, girl, boy, father, granny


def signed_visit(ws, household, **changes):
    draft = visits.start_visit(ws, household.id)
    rng = random.Random(5)
    visitor_png, guardian_png = visits.store_signature(ws, signature_png(rng)), visits.store_signature(ws, signature_png(rng))
    girl_id = draft.children[0].person_id
    values = {
        "visitor_name": "扎西平措", "rating": "fair", "visitor_signature": visitor_png, "guardian_signature": guardian_png,
        "guardian_signer_name": "拉姆", "spoken_to": "奶奶", "notes": "奶奶身体不好，需要复查。", "actions": "联系村医。",
        "next_step": "下周再访。", "checklist": {girl_id: {"carer_not_caring": "suspected"}},
    }
    visit = dataclasses.replace(draft, **{**values, **changes})
    return visits.sign(ws, visit)


def test_visit_sheet_carries_the_data_in_chinese(workspace, family, tmp_path):
    """pdftotext of a Chinese sheet gives the household number, the children's Chinese names, the notes and the labels."""
    h, *_people = family
    visit = signed_visit(workspace, h)
    path = printing.visit_sheet(workspace, visit.id, tmp_path / "sheet.pdf", "zh")
    found = pdf_text(path)
    zh = translator("zh")
    for expected in (h.household_number, "卓玛", "扎西", "多吉", "奶奶身体不好，需要复查。", "联系村医。", "下周再访。", "四川 成都", "扎西平措"):
        assert expected in found
    for label in (N_("Household number"), N_("Guardianship rating"), N_("Legal guardian"), N_("Visitor's signature")):
        assert zh(label) in found
    assert visit.content_hash in found and visit.id in found


def test_every_font_is_embedded_in_every_document(workspace, family, tmp_path):
    """pdffonts lists only embedded subset fonts, for every document in every language."""
    h, *_people = family
    visit = signed_visit(workspace, h)
    today = workspace.today()
    for lang in ("zh", "bo", "both"):
        made = [
            printing.visit_sheet(workspace, visit.id, tmp_path / f"sheet-{lang}.pdf", lang),
            printing.visit_log(workspace, today.year, today.month, tmp_path / f"log-{lang}.pdf", lang),
            printing.blank_form(workspace, tmp_path / f"blank-{lang}.pdf", lang, household_id=h.id),
            printing.flag_summary(workspace, tmp_path / f"flags-{lang}.pdf", lang),
        ]
        for path in made:
            rows = font_rows(path)
            assert rows, path
            assert all(row[-5] == "yes" and row[-4] == "yes" for row in rows), (path, rows)  # emb, sub


def test_unsigned_draft_prints_marked_unsigned(workspace, family, tmp_path):
    """A draft's sheet says "unsigned draft — not valid" and carries no fingerprint or QR code."""
    h, *_people = family
    draft = visits.start_visit(workspace, h.id)
    path = printing.visit_sheet(workspace, draft.id, tmp_path / "draft.pdf", "zh")
    found = pdf_text(path)
    assert squeeze(translator("zh")(UNSIGNED_DRAFT)) in squeeze(found)
    assert translator("zh")(N_("Content fingerprint (SHA-256)")) not in found


def test_long_notes_flow_onto_further_pages(workspace, family, tmp_path):
    """Very long Chinese and Tibetan notes run onto more pages and the Chinese notes come back whole."""
    h, *_people = family
    visit = signed_visit(workspace, h, notes=LONG_CHINESE, actions=LONG_TIBETAN)
    path = printing.visit_sheet(workspace, visit.id, tmp_path / "long.pdf", "both")
    pages = page_count(path)
    assert pages > 2
    # The column right of the labels, between the running head and the footer, page by page (points at 72 dpi).
    column = ["-x", "129", "-y", "37", "-W", "431", "-H", "765", "-r", "72"]
    body = "".join(pdf_text(path, "-f", str(n), "-l", str(n), *column) for n in range(1, pages + 1))
    assert squeeze(LONG_CHINESE) in squeeze(body)


def test_qr_code_names_the_visit_and_its_hash(workspace, family, tmp_path):
    """The QR payload is compact JSON of the visit id, version 1 and the SHA-256; the printed code decodes to it."""
    h, *_people = family
    visit = signed_visit(workspace, h)
    payload = qr_payload(visit.id, visit.content_hash)
    assert json.loads(payload) == {"visit": visit.id, "v": 1, "sha256": visit.content_hash}
    assert " " not in payload
    if not shutil.which("zbarimg") or not shutil.which("pdftoppm"):
        pytest.skip("zbarimg (Debian zbar-tools) is not installed: the payload was checked, the image decode is skipped")
    path = printing.visit_sheet(workspace, visit.id, tmp_path / "qr.pdf", "zh")
    decoded = []
    for n in range(1, page_count(path) + 1):
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(n), "-l", str(n), str(path), str(tmp_path / f"p{n}")], check=True)
    for image in sorted(tmp_path.glob("p*.png")):
        result = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
        decoded += [line for line in result.stdout.splitlines() if line.strip()]
    assert [json.loads(line) for line in decoded] == [{"visit": visit.id, "v": 1, "sha256": visit.content_hash}]


def test_a_correction_names_the_visit_it_amends(workspace, family, tmp_path):
    """The sheet of a correction says which visit (its day and id) it amends."""
    h, *_people = family
    original = signed_visit(workspace, h)
    correction = visits.start_amendment(workspace, original.id)
    png = visits.store_signature(workspace, signature_png(random.Random(9)))
    correction = visits.sign(workspace, dataclasses.replace(correction, visitor_signature=png, guardian_signature=png))
    found = pdf_text(printing.visit_sheet(workspace, correction.id, tmp_path / "amends.pdf", "zh"))
    assert original.id in squeeze(found)


def test_visit_log_totals_are_those_of_compliance(workspace, family, tmp_path):
    """The visit log's totals and its households still to visit are exactly services.compliance's for the month."""
    h, *_people = family
    other = register.save(workspace, records.Household(village_code=h.village_code, house_name_zh="鲁仓")).record
    register.save(workspace, records.Person(household_id=other.id, name_zh="央金", sex="female", birth_date=f"{date.today().year - 5}-01-01"))
    signed_visit(workspace, h)
    today = workspace.today()
    report = compliance(workspace, today.year, today.month)
    log = printing_data.log_data(workspace, today.year, today.month, printed_at=printing._now())
    assert (log.households_in_scope, log.households_met, log.coverage) == (report.households_in_scope, report.households_met, report.coverage)
    assert [p.household_number for p in log.pending] == [r.household_number for r in report.rows if r.state != "met"]
    assert len(log.lines) == 1 and log.lines[0].signed
    found = pdf_text(printing.visit_log(workspace, today.year, today.month, tmp_path / "log.pdf", "zh"))
    assert other.household_number in found and h.household_number in found and "卓玛" in found
    assert f"{round(report.coverage * 100)}%" in found


def test_visit_log_lists_drafts_as_not_signed(workspace, family, tmp_path):
    """A draft of the month appears in the log marked not signed, and does not count."""
    h, *_people = family
    visits.start_visit(workspace, h.id)
    today = workspace.today()
    log = printing_data.log_data(workspace, today.year, today.month, printed_at=printing._now())
    assert [line.signed for line in log.lines] == [False] and log.households_met == 0


def test_bilingual_labels_have_both_scripts(workspace, family, tmp_path):
    """In "both" mode a label is Chinese then Tibetan, and the sheet uses both fonts."""
    label = Words("both")(N_("Household number"))
    assert re.match(r"^[\u4e00-\u9fff]+ [\u0f00-\u0fff]", label)
    h, *_people = family
    visit = signed_visit(workspace, h)
    path = printing.visit_sheet(workspace, visit.id, tmp_path / "both.pdf", "both")
    names = " ".join(row[0] for row in font_rows(path))
    assert "WenQuanYi" in names and "Tibetan" in names
    assert translator("zh")(N_("Household number")) in pdf_text(path)


def test_blank_form_has_the_whole_checklist_for_four_children(workspace, family, tmp_path):
    """The blank form prints every checklist question and a column for each of four children."""
    from rangtang_desktop.core.visits import CHECKLIST

    zh = translator("zh")
    found = squeeze(pdf_text(printing.blank_form(workspace, tmp_path / "blank.pdf", "zh")))
    assert all(squeeze(zh(q.text)) in found for q in CHECKLIST)
    assert all(squeeze(zh(N_("Child {number}")).format(number=n)) in found for n in range(1, 5))
    h, *_people = family
    prefilled = pdf_text(printing.blank_form(workspace, tmp_path / "household.pdf", "zh", household_id=h.id))
    assert h.household_number in prefilled and "卓玛" in prefilled


def test_flag_summary_never_prints_the_reporter(workspace, family, tmp_path):
    """The flag summary counts pending mandatory reports and shows explanations, but never who reported."""
    from rangtang_desktop.services import flags
    from rangtang_desktop.storage import nodes
    from rangtang_desktop.storage.database import write_transaction

    h, girl, *_rest = family
    signed_visit(workspace, h, checklist={girl.id: {"sexual_assault": "observed"}})
    found = flags.list_flags(workspace, child_id=girl.id)
    critical = next(f for f in found if f.mandatory_report)
    with write_transaction(workspace.db):
        nodes.update_user(workspace.db, workspace.user_id, "报告人央宗", "child_director")
    register.save(workspace, records.MandatoryReport(
        flag_id=critical.flag_id, child_id=girl.id, discovered_at="2026-01-02T03:00:00+00:00",
        reported_at="2026-01-02T04:00:00+00:00", receiving_unit="壤塘县公安局", case_number="A-1",
    ))
    text = pdf_text(printing.flag_summary(workspace, tmp_path / "flags.pdf", "zh"))
    assert "报告人央宗" not in text and workspace.user_id not in text
    assert "卓玛" in text and critical.rule_id in text


def test_month_of_sheets_reports_progress_and_stops_when_cancelled(workspace, family, tmp_path):
    """A month of sheets makes one PDF per signed visit, reports progress, and stops between sheets on cancel."""
    h, *_people = family
    for _n in range(3):
        signed_visit(workspace, h)
    today = workspace.today()
    seen: list[tuple[int, int]] = []
    made = printing.month_of_sheets(workspace, today.year, today.month, tmp_path / "all", "zh", progress=lambda d, t: seen.append((d, t)))
    assert len(made) == 3 and all(p.exists() for p in made) and seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert len({p.name for p in made}) == 3
    calls = []
    stopped = printing.month_of_sheets(
        workspace, today.year, today.month, tmp_path / "some", "zh", progress=lambda d, t: calls.append(d),
        cancelled=lambda: len(calls) > 1,
    )
    assert len(stopped) == 1 and sorted(p.name for p in (tmp_path / "some").iterdir()) == [stopped[0].name]


def test_unknown_visit_is_refused(workspace, tmp_path):
    """An id that names no visit and no draft gives UnknownVisit and writes nothing."""
    with pytest.raises(printing.UnknownVisit):
        printing.visit_sheet(workspace, "no-such-visit", tmp_path / "x.pdf", "zh")
    assert list(tmp_path.glob("*.pdf")) == []


def test_a_failed_write_leaves_no_file(workspace, family, tmp_path, monkeypatch):
    """When the final rename fails, neither the PDF nor a temporary file is left; a missing folder is a clear error."""
    import os

    h, *_people = family
    visit = signed_visit(workspace, h)

    def refuse(*_args):
        raise PermissionError(13, "denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(printing.OutputNotWritable):
        printing.visit_sheet(workspace, visit.id, tmp_path / "sheet.pdf", "zh")
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob(".*.part")) == []
    monkeypatch.undo()
    with pytest.raises(printing.OutputNotWritable):
        printing.visit_sheet(workspace, visit.id, tmp_path / "missing" / "sheet.pdf", "zh")


def test_missing_font_is_a_clear_error_and_no_file(workspace, family, tmp_path, monkeypatch):
    """A missing font file raises FontMissing (a two-part message) and no PDF is written."""
    h, *_people = family
    visit = signed_visit(workspace, h)

    def missing() -> None:
        raise fonts.FontMissing(name="RangtangTibetan-Regular.ttf", folder="resources/fonts")

    monkeypatch.setattr(fonts, "register_fonts", missing)
    with pytest.raises(fonts.FontMissing):
        printing.visit_sheet(workspace, visit.id, tmp_path / "sheet.pdf", "bo")
    assert not (tmp_path / "sheet.pdf").exists()


def test_unknown_document_language_is_refused(workspace, tmp_path):
    """A document language other than zh, bo or both is refused before anything is made."""
    from rangtang_desktop.core.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        printing.blank_form(workspace, tmp_path / "x.pdf", "en")


def test_a_damaged_signature_image_does_not_stop_the_sheet(workspace, family, tmp_path):
    """A stored signature that is not a readable image prints a note in its place instead of failing."""
    h, *_people = family
    draft = visits.start_visit(workspace, h.id)
    broken = visits.store_signature(workspace, b"\x89PNG\r\n\x1a\nnot really an image")
    visit = visits.sign(workspace, dataclasses.replace(
        draft, visitor_name="扎西平措", rating="good", visitor_signature=broken, guardian_no_signature_reason="absent",
    ))
    found = squeeze(pdf_text(printing.visit_sheet(workspace, visit.id, tmp_path / "sheet.pdf", "zh")))
    zh = translator("zh")
    assert squeeze(zh(N_("The signature image is damaged and cannot be shown."))) in found
    assert squeeze(zh(N_("No guardian present"))) in found


@pytest.mark.parametrize("lang", ["zh", "bo"])
def test_every_document_is_in_the_chosen_language(workspace, family, tmp_path, lang):
    """pdftotext of every document in Chinese or Tibetan finds no English label (ids, hashes and
    the few acronyms every language writes alike excepted)."""
    from rangtang_desktop.services import upload_package
    from tests.untranslated import TOKEN, english_in

    h, *_people = family
    visit = signed_visit(workspace, h)
    today = workspace.today()
    made = {
        "sheet": printing.visit_sheet(workspace, visit.id, tmp_path / "sheet.pdf", lang),
        "log": printing.visit_log(workspace, today.year, today.month, tmp_path / "log.pdf", lang),
        "blank": printing.blank_form(workspace, tmp_path / "blank.pdf", lang, household_id=h.id),
        "flags": printing.flag_summary(workspace, tmp_path / "flags.pdf", lang),
    }
    data = {visit.id, visit.content_hash, workspace.node_id, workspace.user_id, h.household_number}
    allowed = {token for value in data for token in TOKEN.findall(value)}
    for name, path in made.items():
        lines = pdf_text(path).splitlines()
        assert english_in(lines, allowed) == [], name
    package = upload_package.build_upload_package(workspace, today.year, today.month, tmp_path / "upload.zip", lang)
    for sheet in ("registers/children.xlsx", "registers/households.xlsx"):
        assert english_in(spreadsheet_cells(package.path, sheet), allowed) == [], sheet


def spreadsheet_cells(package: Path, member: str) -> list[str]:
    """Every text cell of a spreadsheet inside the upload package."""
    import io
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(package) as archive:
        book = load_workbook(io.BytesIO(archive.read(member)), read_only=True)
    return [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
