"""The backup commands: backup (and to a folder), backups, restore — their JSON shapes, and refusals
as two-part messages with exit status 2, the database unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from rangtang_desktop.cli import main
from rangtang_desktop.services.workspace import open_workspace
from tests.services.backup_support import OTHER_VILLAGE, add_household, rows, village_laptop


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def make_laptop(path: Path, unit: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ws = village_laptop(path, unit) if unit else village_laptop(path)
    ws.close()
    return path


def test_backup_list_and_restore(tmp_path, capsys):
    """backup --to copies a checked backup to the folder, backups lists it, restore brings it back."""
    db = make_laptop(tmp_path / "village.sqlite3")
    at_backup = rows(db)
    stick = tmp_path / "stick"
    stick.mkdir()
    code, out, _err = run(capsys, "backup", "--db", str(db), "--to", str(stick), "--json")
    assert code == 0
    made = json.loads(out)
    assert set(made) >= {"file", "created", "reason", "bytes", "copy"} and made["reason"] == "manual"
    assert Path(made["copy"]).read_bytes() == Path(made["file"]).read_bytes()

    code, out, _err = run(capsys, "backups", "--db", str(db), "--json")
    assert code == 0 and [b["file"] for b in json.loads(out)] == [made["file"]]
    code, out, _err = run(capsys, "--lang", "zh", "backups", "--db", str(db))
    assert code == 0 and Path(made["file"]).name in out

    with open_workspace(db) as ws:
        add_household(ws, name="扎西家")
    code, out, _err = run(capsys, "restore", "--db", str(db), made["copy"], "--json")
    assert code == 0
    restored = json.loads(out)
    assert set(restored) >= {"restored_from", "created", "reason", "node_id", "unit_code", "schema_version", "kept", "damaged"}
    assert restored["damaged"] is False and Path(restored["kept"]).exists()
    assert rows(db) == at_backup


def test_restore_refuses_another_villages_backup(tmp_path, capsys):
    """Another village's backup: exit status 2, a two-part message in the chosen language, nothing changed."""
    db = make_laptop(tmp_path / "village.sqlite3")
    other = make_laptop(tmp_path / "other" / "village.sqlite3", OTHER_VILLAGE)
    code, out, _err = run(capsys, "backup", "--db", str(other), "--json")
    foreign = json.loads(out)["file"]
    before = rows(db)
    code, _out, err = run(capsys, "--lang", "zh", "restore", "--db", str(db), foreign)
    assert code == 2 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 2 and OTHER_VILLAGE in lines[0]
    assert rows(db) == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, capsys):
    """A stray file given as the backup is refused and changes nothing."""
    db = make_laptop(tmp_path / "village.sqlite3")
    stray = tmp_path / "notes.sqlite3"
    stray.write_text("not a backup", encoding="utf-8")
    before = rows(db)
    code, _out, err = run(capsys, "restore", "--db", str(db), str(stray))
    assert code == 2 and "notes.sqlite3" in err
    assert rows(db) == before
