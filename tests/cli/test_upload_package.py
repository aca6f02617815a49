"""The ``upload-package`` command: the package and its JSON result, and two-part messages in the
chosen language for bad input, never a traceback and never a file."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from rangtang_desktop.cli import main
from rangtang_desktop.core.dates import local_today


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def village_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "village.sqlite3"
    assert main(["demo", "--db", str(path), "--scale", "village", "--seed", "3", "--unencrypted"]) == 0  # read with sqlite3 below
    return path


def _village(db: Path) -> str:
    return sqlite3.connect(db).execute("SELECT village_code FROM household LIMIT 1").fetchone()[0]


def test_upload_package_json_shape(village_db, tmp_path, capsys):
    """upload-package --json names the file, the month, the counts and the manifest's SHA-256; the file is a zip with a signed manifest."""
    out = tmp_path / "upload.zip"
    month = local_today().strftime("%Y-%m")
    code, printed, err = run(capsys, "upload-package", "--db", str(village_db), "--month", month, "--village", _village(village_db), "--out", str(out), "--json")
    assert code == 0, err
    result = json.loads(printed)
    assert set(result) >= {"package", "month", "village", "node_id", "children", "households", "visit_sheets", "bytes", "manifest_sha256"}
    assert result["package"] == str(out) and result["month"] == month and result["children"] > 0 and result["visit_sheets"] > 0
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert {"manifest.json", "manifest.sig", "registers/children.xlsx", "registers/households.xlsx"} <= set(names)
    assert manifest["counts"]["visit_sheets"] == result["visit_sheets"] == sum(n.startswith("visit_sheets/") for n in names)


def test_upload_package_says_where_in_tibetan(village_db, tmp_path, capsys):
    """Without --json the command says, in the message language, where the package is and what it holds; the document follows that language."""
    out = tmp_path / "upload.zip"
    month = local_today().strftime("%Y-%m")
    code, printed, _err = run(capsys, "--lang", "bo", "upload-package", "--db", str(village_db), "--month", month, "--out", str(out))
    assert code == 0 and str(out) in printed and re.search(r"[\u0f00-\u0fff]", printed)
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["language"] == "bo"


@pytest.mark.parametrize("lang, script", [("zh", r"[\u4e00-\u9fff]"), ("bo", r"[\u0f00-\u0fff]")])
def test_upload_package_bad_month_is_explained(village_db, tmp_path, capsys, lang, script):
    """A month that does not exist gets a two-part message in the chosen language, exit status 2 and no file."""
    out = tmp_path / "upload.zip"
    code, printed, err = run(capsys, "--lang", lang, "upload-package", "--db", str(village_db), "--month", "2024-13", "--out", str(out))
    lines = [line for line in err.splitlines() if line]
    assert code == 2 and printed == "" and "Traceback" not in err and not out.exists()
    assert len(lines) == 2 and all(re.search(script, line) for line in lines) and "--month" in lines[0]


def test_upload_package_unknown_village_is_explained(village_db, tmp_path, capsys):
    """A village code that matches nothing is refused with a message naming it, and no file."""
    out = tmp_path / "upload.zip"
    code, _printed, err = run(capsys, "--lang", "zh", "upload-package", "--db", str(village_db), "--month", "2024-03", "--village", "999999", "--out", str(out))
    assert code == 2 and "999999" in err and "Traceback" not in err and not out.exists()


def test_upload_package_unwritable_folder_is_explained(village_db, tmp_path, capsys):
    """An output folder that does not exist gets a two-part message naming it, exit status 2 and no file."""
    out = tmp_path / "no" / "such" / "upload.zip"
    code, _printed, err = run(capsys, "--lang", "bo", "upload-package", "--db", str(village_db), "--month", "2024-03", "--out", str(out))
    lines = [line for line in err.splitlines() if line]
    assert code == 2 and len(lines) == 2 and str(out.parent) in lines[0] and "Traceback" not in err and not out.exists()
