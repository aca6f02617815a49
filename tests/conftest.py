"""Shared fixtures for every test: Qt-free ones only here (Qt fixtures live beside the UI tests)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from rangtang_desktop.services.workspace import Workspace, open_workspace
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.reference import Unit, store_units

VILLAGE_CODE = "513230101203"  # 南木达村, 南木达镇

# No per-example deadline: a busy CI machine must not turn a slow example into a failure.
settings.register_profile("rangtang", deadline=None)
settings.load_profile("rangtang")


@pytest.fixture(autouse=True, scope="session")
def encrypted_databases():
    """With ``RANGTANG_TEST_ENCRYPTED=1``, every database the tests create through ``open_workspace``
    or ``build_demo`` is encrypted (SQLCipher, a cheap KDF), and opened with its password: the
    storage and services tests then run on encrypted files (``tests/storage/test_cipher.py``)."""
    if os.environ.get("RANGTANG_TEST_ENCRYPTED") != "1":
        yield
        return
    from rangtang_desktop.services import demo, workspace
    from rangtang_desktop.storage import keyfile

    patched = [
        (workspace.open_workspace.__kwdefaults__, "password", "test-password"),
        (demo.build_demo.__kwdefaults__, "password", "test-password"),
        (keyfile.wrap_for_password.__kwdefaults__, "n", 2**10),
    ]
    saved = [(defaults, name, defaults[name]) for defaults, name, _value in patched]
    for defaults, name, value in patched:
        defaults[name] = value
    yield
    for defaults, name, value in saved:
        defaults[name] = value


@pytest.fixture(autouse=True)
def private_home(tmp_path, monkeypatch):
    """Settings, logs and the default database go to a temporary folder, never the user's own."""
    monkeypatch.setenv("RANGTANG_HOME", str(tmp_path / "home"))


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A new workspace on a temporary database file, closed after the test."""
    ws = open_workspace(tmp_path / "t.sqlite3", create=True)
    yield ws
    ws.close()


@pytest.fixture
def village(workspace) -> Unit:
    """A test village stored in the workspace's unit table."""
    unit = Unit(VILLAGE_CODE, "village", "513230101", "南木达村", "གནམ་མདའ་གྲོང་ཚོ")
    with write_transaction(workspace.db):
        store_units(workspace.db, [unit])
    return unit
