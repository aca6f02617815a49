"""Encrypted databases on the command line: the demo's password, --password-file and
RANGTANG_PASSWORD on every command, wrong passwords as two-part messages with exit 2, and the
``encrypt`` and ``recover`` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rangtang_desktop.cli import main
from rangtang_desktop.services import enrollment
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import cipher, keyfile, nodes
from rangtang_desktop.storage.database import write_transaction

TOWNSHIP_CODE = "513230101"
VILLAGE_A = "513230101203"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def no_password_in_the_environment(monkeypatch):
    monkeypatch.delenv("RANGTANG_PASSWORD", raising=False)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """A village demo built the way the README says: encrypted, password demo."""
    path = tmp_path_factory.mktemp("enc") / "demo.sqlite3"
    assert main(["demo", "--db", str(path), "--scale", "village", "--seed", "5"]) == 0
    return path


def test_demo_is_encrypted_with_the_password_demo(demo_db, capsys, monkeypatch):
    """demo writes an encrypted database with its keys file; without a password commands explain what to give; RANGTANG_PASSWORD=demo opens it."""
    assert cipher.is_encrypted_file(demo_db) and keyfile.path_for(demo_db).exists()
    code, out, err = run(capsys, "--lang", "zh", "node", "--db", str(demo_db), "--json")
    assert code == 2 and out == "" and "Traceback" not in err
    assert len(err.strip().splitlines()) == 2 and "RANGTANG_PASSWORD" in err
    monkeypatch.setenv("RANGTANG_PASSWORD", "demo")
    code, out, err = run(capsys, "node", "--db", str(demo_db), "--json")
    assert code == 0, err
    assert json.loads(out)["role"] == "village"


def test_password_file_opens_and_a_wrong_one_is_refused(demo_db, tmp_path, capsys):
    """--password-file gives the password; a wrong one exits 2 with a two-part message and changes nothing."""
    right, wrong = tmp_path / "right.txt", tmp_path / "wrong.txt"
    right.write_text("demo\n", encoding="utf-8")
    wrong.write_text("Demo\n", encoding="utf-8")
    before = demo_db.read_bytes()
    for lang in ("zh", "bo"):
        code, out, err = run(capsys, "--lang", lang, "quality", "--db", str(demo_db), "--password-file", str(wrong))
        assert code == 2 and out == "" and "Traceback" not in err and len(err.strip().splitlines()) == 2
    assert demo_db.read_bytes() == before
    code, out, err = run(capsys, "quality", "--db", str(demo_db), "--password-file", str(right), "--json")
    assert code == 0, err
    assert isinstance(json.loads(out), list)
    code, _out, err = run(capsys, "quality", "--db", str(demo_db), "--password-file", str(tmp_path / "missing.txt"))
    assert code == 2 and "Traceback" not in err


def test_demo_with_a_password_file_or_unencrypted(tmp_path, capsys):
    """demo --password-file uses that password; demo --unencrypted writes a plain database."""
    password = tmp_path / "pw.txt"
    password.write_text("雪山-2025\n", encoding="utf-8")
    chosen = tmp_path / "chosen.sqlite3"
    code, _out, err = run(capsys, "demo", "--db", str(chosen), "--password-file", str(password), "--json")
    assert code == 0, err
    open_workspace(chosen, password="雪山-2025").close()
    plain = tmp_path / "plain.sqlite3"
    assert run(capsys, "demo", "--db", str(plain), "--unencrypted", "--json")[0] == 0
    assert not cipher.is_encrypted_file(plain) and not keyfile.path_for(plain).exists()


def test_encrypt_command(tmp_path, capsys, monkeypatch):
    """encrypt asks for the new password, encrypts the plain database, prints JSON, and then commands need the password."""
    plain = tmp_path / "plain.sqlite3"
    assert run(capsys, "demo", "--db", str(plain), "--unencrypted", "--json")[0] == 0
    code, _out, err = run(capsys, "--lang", "zh", "encrypt", "--db", str(plain))
    assert code == 2 and "Traceback" not in err and not cipher.is_encrypted_file(plain)
    monkeypatch.setenv("RANGTANG_PASSWORD", "secret-2025")
    code, out, err = run(capsys, "encrypt", "--db", str(plain), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["keys"].endswith(".keys.json") and result["plain_copy"] is None and result["escrowed"] is False
    assert cipher.is_encrypted_file(plain)
    assert run(capsys, "node", "--db", str(plain), "--json")[0] == 0
    code, _out, err = run(capsys, "encrypt", "--db", str(plain))
    assert code == 2 and "Traceback" not in err


def test_recover_command(tmp_path, capsys):
    """recover: the township's database (its own password from --password-file) gives the village database a new password from --new-password-file."""
    township = open_workspace(tmp_path / "township.sqlite3", create=True, password="township-pw")
    village = open_workspace(tmp_path / "village.sqlite3", create=True, password="forgotten")
    with write_transaction(township.db):
        nodes.set_node_unit(township.db, "township", TOWNSHIP_CODE)
    with write_transaction(village.db):
        nodes.set_node_unit(village.db, "village", VILLAGE_A)
    stick = tmp_path / "stick"
    stick.mkdir()
    request, _card = enrollment.write_request(village, stick)
    response, _card = enrollment.accept_request(township, request, stick)
    enrollment.complete(village, response)
    village.close()
    township.close()
    (tmp_path / "township-pw.txt").write_text("township-pw\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text("new-password\n", encoding="utf-8")
    args = [
        "recover", "--db", str(tmp_path / "village.sqlite3"), "--township-db", str(tmp_path / "township.sqlite3"),
        "--new-password-file", str(tmp_path / "new.txt"),
    ]
    code, _out, err = run(capsys, *args, "--password-file", str(tmp_path / "new.txt"))  # not the township's password
    assert code == 2 and "Traceback" not in err
    code, out, err = run(capsys, *args, "--password-file", str(tmp_path / "township-pw.txt"), "--json")
    assert code == 0, err
    assert json.loads(out)["village_node"]
    open_workspace(tmp_path / "village.sqlite3", password="new-password").close()
