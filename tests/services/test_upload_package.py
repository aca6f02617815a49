"""The township's upload package: a signed .zip of the registers as spreadsheets (in the column
order of the national 2016 registration form) and the month's visit sheets, with a manifest of
hashes; written atomically, cancelled or failed builds leave nothing."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rangtang_desktop.core import records
from rangtang_desktop.core.errors import InvalidArgument, UnknownUnit
from rangtang_desktop.core.id_numbers import make_id_number
from rangtang_desktop.exchange import keys
from rangtang_desktop.i18n import translator
from rangtang_desktop.reports.register_sheets import CHILD_COLUMNS, HOUSEHOLD_COLUMNS
from rangtang_desktop.services import printing, register, visits
from rangtang_desktop.services.demo_signatures import signature_png
from rangtang_desktop.services.upload_package import build_upload_package
from rangtang_desktop.storage import nodes

YEAR = date.today().year


def _id_number(birth: date, sex: str, *, ending_in_x: bool = False) -> str:
    """A valid 18-character number (GB 11643) for this birth date and sex, ending in X if asked."""
    for sequence in range(2 if sex == "female" else 1, 999, 2):
        number = make_id_number("513230", birth, sequence)
        if number.endswith("X") == ending_in_x:
            return number
    raise AssertionError("no such number")


GIRL_ID_NUMBER = _id_number(date(YEAR - 10, 3, 1), "female", ending_in_x=True)
FATHER_ID_NUMBER = _id_number(date(1985, 1, 1), "male")

# The national 2016 left-behind child registration form, in its order (policy.md: "What a visit
# records"): the child, the family, the guardianship, then the rating, the categories and the id.
FORM_ORDER = (
    "Name (Chinese)", "Name (Tibetan)", "Sex", "Ethnicity", "Birth date", "ID number", "Hukou", "Hukou place",
    "Where the child lives", "Household number", "Health", "Disability category", "Disability level", "Illness",
    "Boards at school", "Schooling", "School",
    "Paternal grandparents: names", "Paternal grandparents: birth dates", "Maternal grandparents: names",
    "Maternal grandparents: birth dates",
    "Father: name", "Father: birth date", "Father: situation and where working", "Father: phone", "Father: ID number",
    "Mother: name", "Mother: birth date", "Mother: situation and where working", "Mother: phone", "Mother: ID number",
    "Both parents away for work", "One parent away for work, the other unable to care",
    "Entrusted carer: name", "Entrusted carer: phone", "Entrusted carer: ID number",
    "Entrusted carer: relation to the child", "Entrusted carer: address",
    "Guardianship rating (latest signed visit up to the month's end)", "Day of that visit",
    "Categories (not ended)", "Record ID",
)


@pytest.fixture
def family(workspace, village):
    """A girl and a boy whose father and mother both work away, their grandmother caring for them
    by entrusted care, a signed visit rating their guardianship "fair", and two more children:
    one deleted, one merged into the girl."""
    ws = workspace
    year = YEAR
    h = register.save(ws, records.Household(village_code=village.code, house_name_zh="阿美仓", house_name_bo="ཨ་མྱེས་ཚང", address="河边")).record
    girl = register.save(ws, records.Person(
        household_id=h.id, name_zh="卓玛", name_bo="སྒྲོལ་མ", sex="female", birth_date=f"{year - 10}-03-01",
        id_number=GIRL_ID_NUMBER, hukou_place="=1+1", school_status="primary", boarding=True,
    )).record
    boy = register.save(ws, records.Person(household_id=h.id, name_zh="扎西", name_bo="བཀྲ་ཤིས", sex="male", birth_date=f"{year - 7}-06-01")).record
    father = register.save(ws, records.Person(
        household_id=h.id, name_zh="多吉", name_bo="རྡོ་རྗེ", sex="male", birth_date="1985-01-01", id_number=FATHER_ID_NUMBER,
        phones=["13800000000"],
    )).record
    mother = register.save(ws, records.Person(household_id=h.id, name_zh="央金", name_bo="དབྱངས་ཅན", sex="female", birth_date="1987", birth_precision="year")).record
    granny = register.save(ws, records.Person(household_id=h.id, name_zh="拉姆", name_bo="ལྷ་མོ", sex="female", birth_date="1958", birth_precision="year", phones=["13900000000"])).record
    for child in (girl, boy):
        register.save(ws, records.Relation(child_id=child.id, adult_id=father.id, kind="father", legal_guardian=True))
        register.save(ws, records.Relation(child_id=child.id, adult_id=mother.id, kind="mother", legal_guardian=True))
        register.save(ws, records.Relation(child_id=child.id, adult_id=granny.id, kind="paternal_grandparent", actual_caregiver=True, lives_with=True))
        register.save(ws, records.CareArrangement(child_id=child.id, carer_id=granny.id, start_date=f"{year - 2}-01"))
    for parent in (father, mother):
        register.save(ws, records.ParentSituation(person_id=parent.id, kind="migrant_work", place_province="四川", place_city="成都", start_date=f"{year - 2}-03"))
    register.save(ws, records.Classification(child_id=girl.id, kind="left_behind_both", status="recognised"))
    gone = register.save(ws, records.Person(household_id=h.id, name_zh="删除", name_bo="བསུབས", birth_date=f"{year - 5}-01-01")).record
    register.delete(ws, "person", gone.id)
    twin = register.save(ws, records.Person(household_id=h.id, name_zh="合并", name_bo="མཉམ་སྡེབ", birth_date=f"{year - 10}-03-01")).record
    register.save(ws, dataclasses.replace(twin, merged_into=girl.id))
    signed_visit(ws, h)
    return h, girl, boy, father, mother, granny


def signed_visit(ws, household, **changes):
    draft = visits.start_visit(ws, household.id)
    rng = random.Random(5)
    visitor_png, guardian_png = visits.store_signature(ws, signature_png(rng)), visits.store_signature(ws, signature_png(rng))
    values = {"visitor_name": "扎西平措", "rating": "fair", "visitor_signature": visitor_png, "guardian_signature": guardian_png, "guardian_signer_name": "拉姆"}
    return visits.sign(ws, dataclasses.replace(draft, **{**values, **changes}))


def build(ws, tmp_path, lang="zh", **options):
    """This month's package in ``tmp_path/out`` (the workspace's database lives in ``tmp_path``)."""
    today = ws.today()
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    return build_upload_package(ws, today.year, today.month, folder / "upload.zip", lang, **options)


def sheet_rows(archive: zipfile.ZipFile, member: str) -> list[list]:
    book = load_workbook(io.BytesIO(archive.read(member)))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def child_row(rows: list[list], name: str) -> dict[str, object]:
    """The row of the child with this Chinese name, by column message id."""
    row = next(r for r in rows[2:] if r[0] == name)
    return {column.header: value for column, value in zip(CHILD_COLUMNS, row, strict=True)}


def test_every_member_matches_its_hash_in_the_manifest(workspace, family, tmp_path):
    """The zip opens; the manifest is canonical JSON listing every other member with its size and SHA-256."""
    result = build(workspace, tmp_path)
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
        manifest_bytes = archive.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        assert manifest_bytes == json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        listed = {m["path"]: m for m in manifest["members"]}
        assert set(listed) == names - {"manifest.json", "manifest.sig"}
        for name, member in listed.items():
            content = archive.read(name)
            assert member["size"] == len(content) and member["sha256"] == hashlib.sha256(content).hexdigest()
    h = family[0]
    sheets = [n for n in names if n.startswith("visit_sheets/")]
    assert len(sheets) == 1 and re.fullmatch(rf"visit_sheets/{h.village_code}/\d{{4}}-\d\d-\d\d_{h.household_number}_[0-9a-f-]+\.pdf", sheets[0])
    assert {"registers/children.xlsx", "registers/households.xlsx", "signing_key.pem"} <= names
    today = workspace.today()
    assert manifest["format"] == "rangtang-upload-package" and manifest["format_version"] == 1
    assert manifest["node_id"] == workspace.node_id and manifest["month"] == f"{today.year}-{today.month:02d}"
    assert manifest["counts"] == {"children": 2, "households": 1, "visit_sheets": 1} and manifest["village"] == ""
    assert manifest["created"].endswith("+00:00")
    assert result.children == 2 and result.visit_sheets == 1 and result.bytes == result.path.stat().st_size
    assert result.manifest_sha256 == hashlib.sha256(manifest_bytes).hexdigest()


def test_signature_verifies_and_a_changed_manifest_does_not(workspace, family, tmp_path):
    """manifest.sig is this node's Ed25519 signature of manifest.json; one changed byte fails."""
    result = build(workspace, tmp_path)
    with zipfile.ZipFile(result.path) as archive:
        manifest, signature = archive.read("manifest.json"), archive.read("manifest.sig")
        pem = archive.read("signing_key.pem")
    public = nodes.self_node(workspace.db).signing_public
    assert keys.verify_signature(public, manifest, signature)
    assert not keys.verify_signature(public, manifest.replace(b'"children":2', b'"children":3'), signature)
    assert pem == keys.signing_public_pem(public)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command line is not installed")
def test_openssl_verifies_the_signature_as_the_docstring_says(workspace, family, tmp_path):
    """`openssl pkeyutl -verify -rawin` with the packaged PEM key verifies manifest.sig, and refuses a changed manifest."""
    result = build(workspace, tmp_path)
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(folder, members=["manifest.json", "manifest.sig", "signing_key.pem"])

    def verify(manifest: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(folder / "signing_key.pem"), "-rawin",
             "-in", str(manifest), "-sigfile", str(folder / "manifest.sig")],
            capture_output=True, text=True, check=False,
        )

    good = verify(folder / "manifest.json")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Signature Verified Successfully" in good.stdout
    changed = folder / "changed.json"
    changed.write_bytes((folder / "manifest.json").read_bytes().replace(b'"children":2', b'"children":3'))
    assert verify(changed).returncode != 0


def test_children_columns_follow_the_2016_form(workspace, family, tmp_path):
    """Read back with openpyxl: the column headers are the form's, in its order, in Chinese, under the form's parts; panes frozen."""
    result = build(workspace, tmp_path)
    zh = translator("zh")
    assert tuple(c.header for c in CHILD_COLUMNS) == FORM_ORDER
    with zipfile.ZipFile(result.path) as archive:
        book = load_workbook(io.BytesIO(archive.read("registers/children.xlsx")))
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == [zh(h) for h in FORM_ORDER]
    assert [v for v in rows[0] if v] == [zh("Child"), zh("Family"), zh("Guardianship"), zh("Record")]
    assert sheet.freeze_panes == "C3" and len(sheet.merged_cells.ranges) == 4
    assert sheet.column_dimensions["F"].width >= 20  # the ID number fits


def test_values_of_a_left_behind_family(workspace, family, tmp_path):
    """Both parents away, the grandmother as entrusted carer, the visit's rating and the category appear, translated."""
    result = build(workspace, tmp_path)
    zh = translator("zh")
    with zipfile.ZipFile(result.path) as archive:
        rows = sheet_rows(archive, "registers/children.xlsx")
    girl = child_row(rows, "卓玛")
    h, girl_record, *_people = family
    assert girl["Name (Tibetan)"] == "སྒྲོལ་མ" and girl["Sex"] == zh("Female") and girl["Boards at school"] == zh("Yes")
    assert girl["Schooling"] == zh("Primary school") and girl["Household number"] == h.household_number
    assert girl["Where the child lives"] == "南木达镇 南木达村"
    assert girl["Father: name"] == "多吉 རྡོ་རྗེ" and girl["Father: phone"] == "13800000000"
    assert girl["Father: situation and where working"] == f"{zh('Away for work')} 四川 成都"
    assert girl["Mother: birth date"] == "1987年"
    assert girl["Both parents away for work"] == zh("Yes") and girl["One parent away for work, the other unable to care"] == zh("No")
    assert girl["Paternal grandparents: names"] == "拉姆 ལྷ་མོ" and girl["Paternal grandparents: birth dates"] == "1958年"
    assert girl["Entrusted carer: name"] == "拉姆 ལྷ་མོ" and girl["Entrusted carer: relation to the child"] == zh("Paternal grandparent")
    assert girl["Entrusted carer: phone"] == "13900000000" and girl["Entrusted carer: address"].endswith("河边")
    assert girl["Guardianship rating (latest signed visit up to the month's end)"] == zh("Fair (一般)")
    assert girl["Day of that visit"].startswith(str(workspace.today().year))
    assert zh("Left-behind (both parents away)") in girl["Categories (not ended)"]
    assert girl["Record ID"] == girl_record.id
    assert girl["Hukou place"] == "=1+1"  # text that looks like a formula stays text


def test_id_numbers_are_text_cells(workspace, family, tmp_path):
    """ID numbers are stored as text, formatted as text, every digit and the X kept; so is formula-like text."""
    result = build(workspace, tmp_path)
    with zipfile.ZipFile(result.path) as archive:
        sheet = load_workbook(io.BytesIO(archive.read("registers/children.xlsx"))).worksheets[0]
    headers = [c.value for c in sheet[2]]
    zh = translator("zh")
    girl_row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "卓玛")
    for header, expected in (("ID number", GIRL_ID_NUMBER), ("Father: ID number", FATHER_ID_NUMBER)):
        cell = girl_row[headers.index(zh(header))]
        assert cell.value == expected and cell.data_type == "s" and cell.number_format == "@"
    formula_like = girl_row[headers.index(zh("Hukou place"))]
    assert formula_like.data_type == "s" and formula_like.value == "=1+1"


def test_tibetan_document_round_trips(workspace, family, tmp_path):
    """A Tibetan package has Tibetan headers and labels, and the Tibetan names read back exactly."""
    result = build(workspace, tmp_path, lang="bo")
    bo = translator("bo")
    with zipfile.ZipFile(result.path) as archive:
        rows = sheet_rows(archive, "registers/children.xlsx")
        households = sheet_rows(archive, "registers/households.xlsx")
        assert json.loads(archive.read("manifest.json"))["language"] == "bo"
    assert rows[1] == [bo(h) for h in FORM_ORDER]
    assert all(re.search(r"[\u0f00-\u0fff]", h) and not re.search(r"[\u4e00-\u9fff]", h) for h in rows[1])
    girl = child_row(rows, "卓玛")
    assert girl["Name (Tibetan)"] == "སྒྲོལ་མ" and girl["Father: name"] == "རྡོ་རྗེ 多吉"
    assert girl["Sex"] == bo("Female") and re.search(r"[\u0f00-\u0fff]", girl["Sex"])
    assert households[1][5] == "ཨ་མྱེས་ཚང" and households[0] == [bo(c.header) for c in HOUSEHOLD_COLUMNS]


def test_deleted_and_merged_people_are_left_out(workspace, family, tmp_path):
    """Only live minors are listed: a deleted child, a child merged into another, and the adults are not rows."""
    result = build(workspace, tmp_path)
    with zipfile.ZipFile(result.path) as archive:
        rows = sheet_rows(archive, "registers/children.xlsx")
        households = sheet_rows(archive, "registers/households.xlsx")
    assert sorted(r[0] for r in rows[2:]) == ["卓玛", "扎西"]
    h = family[0]
    assert households[1][3] == h.household_number and households[1][6:8] == [5, 2]  # members, children


def test_village_filter_and_unknown_codes(workspace, family, village, tmp_path):
    """A package for another village holds no child; an unknown code, month or language is refused before any file."""
    other = build(workspace, tmp_path, village_code="513230203")
    assert other.children == 0 and other.visit_sheets == 0
    today = workspace.today()
    with pytest.raises(UnknownUnit):
        build(workspace, tmp_path, village_code="999999")
    with pytest.raises(InvalidArgument):
        build_upload_package(workspace, today.year, 13, tmp_path / "bad.zip", "zh")
    with pytest.raises(InvalidArgument):
        build(workspace, tmp_path, lang="en")
    assert build(workspace, tmp_path, lang="zh_Hans_CN", village_code=village.code).children == 2


def test_progress_and_a_cancelled_build_leaves_nothing(workspace, family, tmp_path):
    """Progress counts the two registers and each sheet; cancelling stops the build and leaves no file, not even a temporary one."""
    signed_visit(workspace, family[0], rating="good")
    seen: list[tuple[int, int]] = []
    build(workspace, tmp_path, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    (tmp_path / "out" / "upload.zip").unlink()
    calls: list[int] = []
    result = build(workspace, tmp_path, progress=lambda d, t: calls.append(d), cancelled=lambda: len(calls) > 2)
    assert result.cancelled and result.path is None
    assert list((tmp_path / "out").iterdir()) == []


def test_unwritable_output_is_a_clear_error_and_leaves_no_file(workspace, family, tmp_path, monkeypatch):
    """A missing folder, a refused rename and a full disk give the two-part errors of printing, and no file."""
    with pytest.raises(printing.OutputNotWritable) as missing:
        build_upload_package(workspace, 2024, 3, tmp_path / "no" / "such" / "upload.zip", "zh")
    assert str(tmp_path / "no" / "such") in str(missing.value)

    def refuse(*_args):
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(printing.OutputNotWritable):
        build(workspace, tmp_path)
    monkeypatch.undo()

    def full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(printing.OutputDiskFull):
        build(workspace, tmp_path)
    monkeypatch.undo()
    assert list((tmp_path / "out").iterdir()) == []


def test_an_earlier_rating_is_used_when_the_month_has_none(workspace, family, tmp_path):
    """With no visit in the month asked for, the rating comes from the latest visit before it, and its day says so; a later visit does not count."""
    today = workspace.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    result = build_upload_package(workspace, year, month, tmp_path / "next.zip", "zh")  # beside the database
    with zipfile.ZipFile(result.path) as archive:
        girl = child_row(sheet_rows(archive, "registers/children.xlsx"), "卓玛")
    assert girl["Guardianship rating (latest signed visit up to the month's end)"] == translator("zh")("Fair (一般)")
    assert result.visit_sheets == 0
    before = today.replace(day=1)
    earlier_year, earlier_month = (before.year - 1, 12) if before.month == 1 else (before.year, before.month - 1)
    earlier = build_upload_package(workspace, earlier_year, earlier_month, tmp_path / "earlier.zip", "zh")
    with zipfile.ZipFile(earlier.path) as archive:
        girl = child_row(sheet_rows(archive, "registers/children.xlsx"), "卓玛")
    assert girl["Guardianship rating (latest signed visit up to the month's end)"] is None
