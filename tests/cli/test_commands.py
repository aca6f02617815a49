"""The headless commands: JSON shapes of DESIGN §7, exit codes, and two-part messages in the chosen
language for bad input, never a traceback."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rangtang_desktop.cli import build_parser, main
from rangtang_desktop.core.dates import local_today

ROOT = Path(__file__).resolve().parent.parent.parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def village_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "village.sqlite3"
    assert main(["demo", "--db", str(path), "--scale", "village", "--seed", "3", "--unencrypted"]) == 0  # read with sqlite3 below
    return path


def test_demo_json_shape(tmp_path, capsys):
    """demo --json prints the counts DESIGN §7 names."""
    code, out, _err = run(capsys, "demo", "--db", str(tmp_path / "d.sqlite3"), "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result) >= {"households", "persons", "children", "visits"}
    assert result["households"] > 50 and result["persons"] > result["children"] > 0


def test_demo_refuses_an_existing_file(tmp_path, capsys):
    """demo never overwrites a file; the message says what to do."""
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    code, _out, err = run(capsys, "--lang", "zh", "demo", "--db", str(target))
    assert code == 2
    assert "已存在" in err and "Traceback" not in err
    assert target.read_text() == "keep me"


def test_node_json_shape(village_db, capsys):
    """node --json gives id, role, unit and two fingerprints."""
    code, out, _err = run(capsys, "node", "--db", str(village_db), "--json")
    assert code == 0
    info = json.loads(out)
    assert set(info) >= {"node_id", "role", "unit_code", "signing_fingerprint", "encryption_fingerprint"}
    assert info["role"] == "village" and len(info["unit_code"]) == 12
    assert re.fullmatch(r"([0-9A-F]{4} ){7}[0-9A-F]{4}", info["signing_fingerprint"])


def test_quality_json_shape(village_db, capsys):
    """quality --json lists problems with kind, record id and a translated detail."""
    code, out, _err = run(capsys, "--lang", "bo", "quality", "--db", str(village_db), "--json")
    assert code == 0
    items = json.loads(out)
    assert items and all(set(i) >= {"kind", "record_id", "detail"} for i in items)
    assert {"bad_id_number", "possible_duplicate"} <= {i["kind"] for i in items}
    assert all(re.search(r"[\u0f00-\u0fff]", i["detail"]) for i in items if i["kind"] != "possible_duplicate")


def test_compliance_json_shape(village_db, capsys):
    """compliance --json gives the month, the counts, the coverage and one row per household in scope."""
    month = local_today().strftime("%Y-%m")
    code, out, _err = run(capsys, "compliance", "--db", str(village_db), "--month", month, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["month"] == month
    assert report["rows"] and all(set(r) >= {"household_id", "village_code", "visit_days", "state"} for r in report["rows"])
    assert {r["state"] for r in report["rows"]} <= {"met", "at_risk", "missed", "due", "away"}
    assert report["households_in_scope"] == sum(r["state"] != "away" for r in report["rows"])
    assert report["households_met"] == sum(r["state"] == "met" for r in report["rows"])
    assert 0.0 <= report["coverage"] <= 1.0
    village = report["rows"][0]["village_code"]
    code, out, _err = run(capsys, "compliance", "--db", str(village_db), "--month", month, "--village", village[:9], "--json")
    assert code == 0 and {r["village_code"][:9] for r in json.loads(out)["rows"]} == {village[:9]}


def test_compliance_table(village_db, capsys):
    """Without --json the command prints a summary line, translated column headings and a row per household."""
    code, out, _err = run(capsys, "--lang", "zh", "compliance", "--db", str(village_db), "--month", "2020-01", "--json")
    rows = json.loads(out)["rows"]
    code, out, _err = run(capsys, "--lang", "zh", "compliance", "--db", str(village_db), "--month", "2020-01")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(rows) + 2
    assert lines[0].startswith("2020-01") and "状态" in lines[1]
    assert lines[2].split("\t")[0] == rows[0]["household_number"]


@pytest.mark.parametrize("month", ["2024-13", "2024-00", "24-01", "March"])
@pytest.mark.parametrize("lang, script", [("zh", r"[\u4e00-\u9fff]"), ("bo", r"[\u0f00-\u0fff]")])
def test_compliance_bad_month_is_explained(village_db, capsys, month, lang, script):
    """A month that does not exist gets a two-part message in the chosen language and exit status 2."""
    code, out, err = run(capsys, "--lang", lang, "compliance", "--db", str(village_db), "--month", month)
    assert code == 2 and out == "" and "Traceback" not in err
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 2 and all(re.search(script, line) for line in lines)
    assert "--month" in lines[0] and month in lines[0]


def test_compliance_unknown_village_is_explained(village_db, capsys):
    """A village code that matches nothing is refused with a message, not an empty report."""
    code, _out, err = run(capsys, "--lang", "zh", "compliance", "--db", str(village_db), "--month", "2024-03", "--village", "999999")
    assert code == 2 and "999999" in err and "Traceback" not in err


def test_units_lists_townships_and_demo_villages(village_db, capsys):
    """units --json lists the eleven townships and the demo villages."""
    code, out, _err = run(capsys, "units", "--db", str(village_db), "--json")
    assert code == 0
    units = json.loads(out)
    assert sum(u["level"] == "township" for u in units) == 11
    assert any(u["level"] == "village" for u in units)


def test_units_load_bad_file_changes_nothing(village_db, tmp_path, capsys):
    """A village list with a bad code is refused with its line number, and nothing is loaded."""
    before = sqlite3.connect(village_db).execute("SELECT count(*) FROM admin_unit").fetchone()[0]
    bad = tmp_path / "villages.csv"
    bad.write_text("code,level,parent_code,name_zh,name_bo\n513230101203,village,513230101,南木达村,\n12,village,513230101,坏,\n", encoding="utf-8")
    code, _out, err = run(capsys, "--lang", "bo", "units", "--db", str(village_db), "--load", str(bad))
    assert code == 2 and "3" in err and re.search(r"[\u0f00-\u0fff]", err)
    after = sqlite3.connect(village_db).execute("SELECT count(*) FROM admin_unit").fetchone()[0]
    assert after == before


@pytest.mark.parametrize("lang, script", [("zh", r"[\u4e00-\u9fff]"), ("bo", r"[\u0f00-\u0fff]")])
def test_missing_database_message_in_both_languages(tmp_path, capsys, lang, script):
    """A missing database gives a two-line message in the chosen language and exit status 2."""
    code, _out, err = run(capsys, "--lang", lang, "node", "--db", str(tmp_path / "none.sqlite3"))
    assert code == 2
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 2 and all(re.search(script, line) for line in lines)


def test_not_our_file_is_refused_unchanged(tmp_path, capsys):
    """A file that is not a Rangtang database is refused and left as it was."""
    other = tmp_path / "photo.jpg"
    other.write_bytes(b"\xff\xd8\xff\xe0 not a database")
    code, _out, err = run(capsys, "quality", "--db", str(other))
    assert code == 2 and "Traceback" not in err
    assert other.read_bytes() == b"\xff\xd8\xff\xe0 not a database"


def test_bad_arguments_are_explained_not_traced(capsys):
    """A wrong option value gets a translated message and exit status 2."""
    with pytest.raises(SystemExit) as stop:
        main(["--lang", "zh", "demo", "--db", "x.sqlite3", "--scale", "planet"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "命令" in err and "Traceback" not in err


def test_every_command_is_documented_in_the_readme():
    """Each command the program offers appears in the README's command table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = [name for name in commands if f"rangtang-desktop {name}" not in readme]
    assert missing == []


def test_module_entry_point_runs():
    """python -m rangtang_desktop --help works in a fresh process."""
    result = subprocess.run([sys.executable, "-m", "rangtang_desktop", "--lang", "bo", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "demo" in result.stdout


def test_flags_json_shape(village_db, capsys):
    """flags --json lists flags with the keys of DESIGN §7, a boolean mandatory_report and a translated explanation."""
    code, out, _err = run(capsys, "--lang", "zh", "flags", "--db", str(village_db), "--json")
    assert code == 0
    found = json.loads(out)
    assert found, "the demo raises flags"
    for item in found:
        assert set(item) >= {"flag_id", "rule_id", "person_id", "severity", "mandatory_report", "status", "holds", "explanation"}
        assert isinstance(item["mandatory_report"], bool) and item["holds"] is True
        assert item["severity"] in ("critical", "high", "medium", "low", "data") and item["explanation"]
    order = ["critical", "high", "medium", "low", "data"]
    assert [order.index(i["severity"]) for i in found] == sorted(order.index(i["severity"]) for i in found)


def test_flags_evaluate_and_status_filter(village_db, capsys, tmp_path):
    """--evaluate raises nothing new on an evaluated database; --status keeps only that status."""
    import shutil

    copy = tmp_path / "copy.sqlite3"
    shutil.copy(village_db, copy)
    code, out, _err = run(capsys, "flags", "--db", str(copy), "--evaluate", "--status", "open", "--json")
    assert code == 0 and {i["status"] for i in json.loads(out)} <= {"open"}
    count = len(json.loads(run(capsys, "flags", "--db", str(copy), "--json")[1]))
    code, out, _err = run(capsys, "--lang", "zh", "flags", "--db", str(copy), "--evaluate")
    lines = out.splitlines()
    assert code == 0 and len(lines) == count + 3  # summary, headings, one line a flag, total
    assert lines[1].count("\t") == 6 and all(line.count("\t") == 6 for line in lines[2:-1])


def test_flags_bad_status_is_explained(village_db, capsys):
    """An unknown --status is refused with a message, not a traceback."""
    with pytest.raises(SystemExit) as exited:
        main(["--lang", "zh", "flags", "--db", str(village_db), "--status", "closed"])
    out, err = capsys.readouterr()
    assert exited.value.code == 2 and out == "" and "Traceback" not in err and "closed" in err


def _signed_visit_id(db: Path) -> str:
    return sqlite3.connect(db).execute("SELECT id FROM visit ORDER BY local_date DESC, id LIMIT 1").fetchone()[0]


@pytest.mark.parametrize("doc_lang", ["zh", "bo", "both"])
def test_sheet_writes_the_visit_sheet(village_db, tmp_path, capsys, doc_lang):
    """sheet writes a PDF of a signed visit in the chosen document language and says where."""
    out = tmp_path / "sheet.pdf"
    code, printed, _err = run(capsys, "--lang", "zh", "sheet", "--db", str(village_db), "--visit", _signed_visit_id(village_db), "--out", str(out), "--doc-lang", doc_lang)
    assert code == 0 and out.read_bytes().startswith(b"%PDF") and str(out) in printed


@pytest.mark.parametrize("lang", ["zh", "bo"])
def test_sheet_unknown_visit_is_explained(village_db, tmp_path, capsys, lang):
    """An id that names no visit gets the two-part message in the chosen language, exit status 2 and no file."""
    from rangtang_desktop.i18n import render
    from rangtang_desktop.services.printing import UnknownVisit

    out = tmp_path / "sheet.pdf"
    code, printed, err = run(capsys, "--lang", lang, "sheet", "--db", str(village_db), "--visit", "no-such-visit", "--out", str(out))
    lines = [line for line in err.splitlines() if line]
    assert code == 2 and printed == "" and "Traceback" not in err and not out.exists()
    error = UnknownVisit(id="no-such-visit")
    assert lines == [render(error.headline_message(), lang), render(error.advice_message(), lang)]
    assert "no-such-visit" in lines[0]


def test_sheet_unwritable_folder_is_explained(village_db, tmp_path, capsys):
    """An output folder that does not exist gets a two-part message naming it, and exit status 2."""
    out = tmp_path / "no" / "such" / "folder" / "sheet.pdf"
    code, _printed, err = run(capsys, "--lang", "zh", "sheet", "--db", str(village_db), "--visit", _signed_visit_id(village_db), "--out", str(out))
    lines = [line for line in err.splitlines() if line]
    assert code == 2 and len(lines) == 2 and str(out.parent) in lines[0] and not out.exists()


def test_visit_log_writes_the_log(village_db, tmp_path, capsys):
    """visit-log writes the month's log of a village as a PDF (the document language defaults to the message language)."""
    village = sqlite3.connect(village_db).execute("SELECT village_code FROM household LIMIT 1").fetchone()[0]
    out = tmp_path / "log.pdf"
    month = local_today().strftime("%Y-%m")
    code, printed, _err = run(capsys, "--lang", "bo", "visit-log", "--db", str(village_db), "--month", month, "--village", village, "--out", str(out))
    assert code == 0 and out.read_bytes().startswith(b"%PDF") and str(out) in printed


@pytest.mark.parametrize("month", ["2024-13", "March"])
def test_visit_log_bad_month_is_explained(village_db, tmp_path, capsys, month):
    """A month that does not exist gets a two-part message naming --month, exit status 2 and no file."""
    out = tmp_path / "log.pdf"
    code, _printed, err = run(capsys, "--lang", "zh", "visit-log", "--db", str(village_db), "--month", month, "--out", str(out))
    lines = [line for line in err.splitlines() if line]
    assert code == 2 and len(lines) == 2 and "--month" in lines[0] and not out.exists()


def test_visit_log_unknown_village_is_explained(village_db, tmp_path, capsys):
    """A village code that matches nothing is refused with a message and no file."""
    out = tmp_path / "log.pdf"
    code, _printed, err = run(capsys, "--lang", "zh", "visit-log", "--db", str(village_db), "--month", "2024-03", "--village", "999999", "--out", str(out))
    assert code == 2 and "999999" in err and not out.exists()
