"""The exchange commands (DESIGN §7): enroll both ways, export, import and verify, their JSON shapes,
exit codes, and two-part messages in the chosen language for bad input, never a traceback."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from rangtang_desktop.cli import main
from rangtang_desktop.core import records
from rangtang_desktop.services import register
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import nodes
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.reference import Unit, store_units

TOWNSHIP = "513230101"
VILLAGE = "513230101203"
FINGERPRINT = re.compile(r"([0-9A-F]{4} ){7}[0-9A-F]{4}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def make(path: Path, role: str, unit: str, *, child: str = "") -> Path:
    ws = open_workspace(path, create=True)
    with write_transaction(ws.db):
        if role == "village":
            store_units(ws.db, [Unit(unit, "village", unit[:9], "南木达村", "གནམ་མདའ་གྲོང་ཚོ")])
        nodes.set_node_unit(ws.db, role, unit)
    if child:
        home = register.save(ws, records.Household(village_code=unit)).record
        register.save(ws, records.Person(household_id=home.id, name_zh=child, sex="female", birth_date=f"{date.today().year - 7}-01-02"))
    ws.close()
    return path


@pytest.fixture
def pair(tmp_path, capsys):
    """A township and a village database, enrolled through the enroll command, and the stick."""
    township = make(tmp_path / "township.sqlite3", "township", TOWNSHIP)
    village = make(tmp_path / "village.sqlite3", "village", VILLAGE, child="卓玛")
    stick = tmp_path / "stick"
    stick.mkdir()
    code, out, err = run(capsys, "enroll", "--db", village, "--request", "--to", stick, "--name", "格尔登村", "--json")
    assert code == 0, err
    request = json.loads(out)
    assert set(request) >= {"file", "node"} and FINGERPRINT.fullmatch(request["node"]["signing_fingerprint"])
    code, out, err = run(capsys, "enroll", "--db", township, "--accept", request["file"], "--to", stick, "--json")
    assert code == 0, err
    accepted = json.loads(out)
    assert accepted["node"]["signing_fingerprint"] == request["node"]["signing_fingerprint"]
    assert accepted["node"]["display_name"] == "格尔登村" and accepted["township"]["role"] == "township"
    code, out, err = run(capsys, "enroll", "--db", village, "--complete", accepted["file"], "--json")
    assert code == 0, err
    assert json.loads(out)["township"]["signing_fingerprint"] == accepted["township"]["signing_fingerprint"]
    return township, village, stick


def test_enroll_show_and_list(pair, capsys):
    """enroll --show prints the card of a request; enroll --list gives the enrolled villages as JSON."""
    township, village, stick = pair
    request = next(stick.glob("enrollment-request-*.rtb"))
    code, out, _err = run(capsys, "--lang", "zh", "enroll", "--db", township, "--show", request)
    assert code == 0 and "指纹" in out
    code, out, _err = run(capsys, "enroll", "--db", township, "--list", "--json")
    [listed] = json.loads(out)
    assert listed["unit_code"] == VILLAGE and listed["enrolled_at"] and listed["revoked_at"] == "" and listed["gaps"] == []


def test_export_import_and_return_json_shapes(pair, capsys, tmp_path):
    """export --json and import --json have the shapes of DESIGN §7; the township writes a receipt; return bundles for all villages."""
    township, village, stick = pair
    code, out, err = run(capsys, "export", "--db", village, "--to", stick, "--json")
    assert code == 0, err
    exported = json.loads(out)
    assert set(exported) >= {"bundle", "changes", "bytes"} and exported["changes"] > 0 and Path(exported["bundle"]).exists()
    code, out, err = run(capsys, "import", "--db", township, "--dry-run", "--json", exported["bundle"])
    assert code == 0, err
    [preview] = json.loads(out)["bundles"]
    assert preview["status"] == "new" and preview["new"] == 2
    code, out, err = run(capsys, "import", "--db", township, "--json", exported["bundle"])
    assert code == 0, err
    [imported] = json.loads(out)["bundles"]
    assert set(imported) >= {"file", "status", "reason", "new", "changed", "conflicts", "possible_duplicates"}
    assert imported["status"] == "applied" and imported["new"] == 2 and imported["reason"] == ""
    assert imported["receipt"] and Path(imported["receipt"]).exists()
    code, out, _err = run(capsys, "import", "--db", township, "--json", exported["bundle"])
    assert code == 0 and json.loads(out)["bundles"][0]["status"] == "already_applied"
    code, out, err = run(capsys, "export", "--db", township, "--to", stick, "--all-villages", "--json")
    assert code == 0, err
    [back] = json.loads(out)["bundles"]
    assert back["kind"] == "return"
    code, out, err = run(capsys, "import", "--db", village, "--json", back["bundle"], imported["receipt"])
    assert code == 0, err
    assert [b["status"] for b in json.loads(out)["bundles"]] == ["applied", "applied"]


def test_import_goes_on_after_a_refused_file_and_exits_non_zero(pair, capsys):
    """A refused file is reported (JSON reason, message on stderr in the chosen language), the others are imported, the exit code is 2."""
    township, village, stick = pair
    code, out, _err = run(capsys, "export", "--db", village, "--to", stick, "--json")
    good = json.loads(out)["bundle"]
    junk = stick / "junk.rtb"
    junk.write_text("not a bundle")
    code, out, err = run(capsys, "--lang", "bo", "import", "--db", township, "--json", junk, good)
    assert code == 2
    results = json.loads(out)["bundles"]
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "not_a_bundle"), ("applied", "")]
    assert re.search(r"[\u0f00-\u0fff]", err) and "Traceback" not in err


def test_verify_without_and_with_a_database(pair, capsys):
    """verify checks structure and signature without a database, and enrollment and recipient with one."""
    township, village, stick = pair
    _code, out, _err = run(capsys, "export", "--db", village, "--to", stick, "--json")
    bundle = json.loads(out)["bundle"]
    code, out, err = run(capsys, "verify", bundle, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and report["kind"] == "changes" and report["enrolled"] is None
    assert FINGERPRINT.fullmatch(report["sender"]["signing_fingerprint"])
    code, out, _err = run(capsys, "verify", "--db", township, bundle, "--json")
    assert code == 0 and json.loads(out)["enrolled"] is True
    code, out, err = run(capsys, "--lang", "zh", "verify", "--db", village, bundle, "--json")
    assert code == 2 and json.loads(out) == json.loads(out) | {"ok": False, "reason": "wrong_recipient"}
    assert "Traceback" not in err and err.strip()
    code, out, err = run(capsys, "--lang", "zh", "verify", bundle)
    assert code == 0 and bundle in out


def test_verify_a_damaged_file(tmp_path, capsys):
    """verify of a damaged file exits 2 with a two-part message in the chosen language."""
    bad = tmp_path / "bad.rtb"
    bad.write_bytes(b"PK\x03\x04 cut short")
    code, out, err = run(capsys, "--lang", "zh", "verify", bad)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 2 and "Traceback" not in err


def test_bad_exchange_requests_are_explained(pair, capsys, tmp_path):
    """Revoking without a reason, exporting before enrollment, and a request without --to are explained with exit 2."""
    township, village, stick = pair
    code, _out, err = run(capsys, "--lang", "zh", "enroll", "--db", township, "--list", "--json")
    village_id = json.loads(_out)[0]["node_id"]
    code, _out, err = run(capsys, "--lang", "zh", "enroll", "--db", township, "--revoke", village_id)
    assert code == 2 and "原因" in err
    code, out, err = run(capsys, "enroll", "--db", township, "--revoke", village_id, "--reason", "stolen", "--json")
    assert code == 0 and json.loads(out) == {"node_id": village_id, "revoked": True}
    lonely = make(tmp_path / "lonely.sqlite3", "village", VILLAGE, child="拉姆")
    code, _out, err = run(capsys, "--lang", "zh", "export", "--db", lonely, "--to", stick)
    assert code == 2 and "注册" in err and "Traceback" not in err
    code, _out, err = run(capsys, "--lang", "zh", "enroll", "--db", lonely, "--request")
    assert code == 2 and "--to" in err
