"""The first start on a new computer: the encrypted database made from the wizard's answers."""

from __future__ import annotations

import pytest

from rangtang_desktop.core.errors import FileExists, UnknownUnit
from rangtang_desktop.services import first_run, unlock
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import keyfile, nodes, reference
from rangtang_desktop.storage.audit import chain
from rangtang_desktop.storage.keyfile import PasswordNeeded, PasswordTooShort, WrongPassword
from rangtang_desktop.storage.reference import Unit

TOWNSHIP = "513230101"
VILLAGE = "513230101203"
COUNTY_LIST = [Unit(VILLAGE, "village", TOWNSHIP, "南木达村", "གནམ་མདའ་གྲོང་ཚོ")]


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_village_installation_is_encrypted_and_set_up(tmp_path):
    """The database opens with the password and not without; role, village, user and audit entry are set."""
    path = tmp_path / "data" / "rangtang.sqlite3"
    ws = first_run.create_installation(path, "village", VILLAGE, " 卓玛 ", "child_director", "secret1", units=COUNTY_LIST)
    try:
        node = nodes.self_node(ws.db)
        assert (node.role, node.unit_code) == ("village", VILLAGE)
        assert node.signing_public and node.encryption_public
        user = nodes.users(ws.db, local_only=True)
        assert [(u.display_name, u.role) for u in user] == [("卓玛", "child_director")]
        assert reference.unit(ws.db, VILLAGE).name_zh == "南木达村"
        entries = list(chain(ws.db, ws.node_id))
        assert [e.action for e in entries] == ["setup"]
        assert "卓玛" not in str(entries[0].detail)
    finally:
        ws.close()
    assert leftovers(path.parent) == ["rangtang.sqlite3", "rangtang.sqlite3.keys.json"]
    assert unlock.is_encrypted(path)
    assert [slot.user_id for slot in keyfile.read(path).passwords] == [ws.user_id]  # the first user's password
    with pytest.raises(PasswordNeeded):
        open_workspace(path, password=None)
    with pytest.raises(WrongPassword):
        open_workspace(path, password="wrong password")
    with open_workspace(path, password="secret1") as again:
        assert again.user_id == ws.user_id
        assert nodes.self_node(again.db).unit_code == VILLAGE


def test_township_installation_from_the_shipped_list(tmp_path):
    """A township computer needs no loaded list: its township is in the shipped reference data."""
    path = tmp_path / "t.sqlite3"
    with first_run.create_installation(path, "township", TOWNSHIP, "督导员", "township_supervisor", "secret1") as ws:
        node = nodes.self_node(ws.db)
        assert (node.role, node.unit_code) == ("township", TOWNSHIP)


@pytest.mark.parametrize(
    "role, code, password, error",
    [
        ("village", VILLAGE, "abc", PasswordTooShort),
        ("village", "513230101999", "secret1", UnknownUnit),
        ("village", TOWNSHIP, "secret1", UnknownUnit),  # a village computer belongs to a village
        ("township", VILLAGE, "secret1", UnknownUnit),
    ],
)
def test_refused_answers_create_nothing(tmp_path, role, code, password, error):
    """A short password or a unit of the wrong level is refused before any file is made."""
    with pytest.raises(error):
        first_run.create_installation(tmp_path / "db.sqlite3", role, code, "卓玛", "child_director", password,
                                      units=COUNTY_LIST)
    assert leftovers(tmp_path) == []


def test_failure_midway_leaves_nothing(tmp_path, monkeypatch):
    """A failure after the keys file and database were made removes both."""
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(first_run.audit, "record", broken)
    path = tmp_path / "rangtang.sqlite3"
    with pytest.raises(OSError):
        first_run.create_installation(path, "village", VILLAGE, "卓玛", "child_director", "secret1", units=COUNTY_LIST)
    assert leftovers(tmp_path) == []


def test_failure_at_the_rename_leaves_nothing(tmp_path, monkeypatch):
    """The database renamed into place last: a failure there leaves neither file."""
    real = type(tmp_path).replace

    def replace(self, target):
        if not str(self).endswith(keyfile.SUFFIX):
            raise OSError("no room")
        return real(self, target)

    monkeypatch.setattr(type(tmp_path), "replace", replace)
    with pytest.raises(OSError):
        first_run.create_installation(tmp_path / "r.sqlite3", "village", VILLAGE, "卓玛", "child_director", "secret1",
                                      units=COUNTY_LIST)
    assert leftovers(tmp_path) == []


def test_an_existing_database_is_never_replaced(tmp_path):
    """The wizard cannot overwrite a database that is already there."""
    path = tmp_path / "rangtang.sqlite3"
    path.write_bytes(b"mine")
    with pytest.raises(FileExists):
        first_run.create_installation(path, "township", TOWNSHIP, "督导员", "township_supervisor", "secret1")
    assert path.read_bytes() == b"mine"
    assert leftovers(tmp_path) == ["rangtang.sqlite3"]


def test_search_finds_names_in_both_scripts_old_names_and_codes():
    """The place search matches Chinese, Tibetan, an old name and the code."""
    units = {u.code: u for u in first_run.known_units()}
    gangmuda = units["513230103"]
    for query in ("岗木", "སྒང་མདའ", "壤柯", "230103", ""):
        assert first_run.matches(gangmuda, query)
    assert not first_run.matches(gangmuda, "茸木达")
    assert "513230100" not in units  # merged in 2020: not offered any more


def test_demo_is_built_once_and_opens_with_its_password(tmp_path):
    """The demo offered by the wizard is the village demo, encrypted with the password demo."""
    with first_run.open_demo(tmp_path) as ws:
        assert ws.encrypted
        assert nodes.self_node(ws.db).role == "village"
    built = (tmp_path / first_run.DEMO_FILE).stat().st_mtime_ns
    with first_run.open_demo(tmp_path):
        pass
    assert (tmp_path / first_run.DEMO_FILE).stat().st_mtime_ns == built
