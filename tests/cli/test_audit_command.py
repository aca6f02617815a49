"""The ``audit`` command: the log newest first (text and JSON), and ``--verify``, which exits 2 with a
two-part message in the chosen language when a record sequence is broken."""

from __future__ import annotations

import json
from pathlib import Path

from rangtang_desktop.cli import main
from rangtang_desktop.core import records
from rangtang_desktop.services import register, register_views
from rangtang_desktop.services.workspace import open_workspace

VILLAGE = "513230101203"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def laptop(path: Path) -> tuple[str, str]:
    """A database with a household, a named child and a view of her record; (household id, child id)."""
    with open_workspace(path, create=True) as ws:
        home = register.save(ws, records.Household(village_code=VILLAGE, house_name_zh="阿尼仓")).record
        girl = register.save(ws, records.Person(household_id=home.id, name_zh="才让拉毛", sex="female", birth_date="2016-05-01")).record
        register_views.show_person(ws, girl.id)
    return home.id, girl.id


def test_audit_lists_newest_first_without_names(tmp_path, capsys):
    db = tmp_path / "village.sqlite3"
    _home, girl = laptop(db)
    code, out, _err = run(capsys, "audit", "--db", str(db), "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["action"] for r in rows] == ["view", "change", "change"]
    assert set(rows[0]) >= {"node_id", "seq", "at", "user_id", "user", "action", "entity", "entity_id", "household_number", "computer", "detail", "hash"}
    assert rows[0]["entity_id"] == girl and rows[0]["seq"] == 3
    assert "才让拉毛" not in out
    code, out, _err = run(capsys, "--lang", "zh", "audit", "--db", str(db), "--limit", "1")
    assert code == 0 and len(out.strip().splitlines()) == 1 and girl in out and "才让拉毛" not in out


def test_audit_verify_passes_then_fails_with_a_two_part_message(tmp_path, capsys):
    db = tmp_path / "village.sqlite3"
    laptop(db)
    code, out, _err = run(capsys, "audit", "--db", str(db), "--verify", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True and report["nodes"][0]["entries"] == 3 and report["nodes"][0]["bad_seq"] is None
    with open_workspace(db) as ws:
        ws.db.execute("DROP TRIGGER audit_is_kept")
        ws.db.execute("DELETE FROM audit WHERE seq = 2")
    code, out, err = run(capsys, "--lang", "zh", "audit", "--db", str(db), "--verify")
    assert code == 2 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 2 and "#2" in lines[0]
    assert out.strip()  # the per-computer line says where it breaks
    code, out, _err = run(capsys, "audit", "--db", str(db), "--verify", "--json")
    assert code == 2
    [node] = json.loads(out)["nodes"]
    assert (node["ok"], node["bad_seq"], node["problem"]) == (False, 2, "gap")
