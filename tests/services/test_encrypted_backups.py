"""Backups of an encrypted database (issue 7, parts 1 and 4): the snapshot is encrypted with the same
key and holds no name in the clear; it is checked and restored with the key; a backup made before
the database was encrypted, or a restore without the key, is refused with the database unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from rangtang_desktop.services import backups, encryption, restore
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import cipher, keyfile, snapshots
from tests.services.backup_support import add_household, rows, village_laptop

pytestmark = pytest.mark.skipif(not cipher.available(), reason="sqlcipher3 is not installed")
PASSWORD = "backup-test"


@pytest.fixture
def encrypted(tmp_path):
    """A village database with a backup taken before it was encrypted, then encrypted and opened."""
    path = tmp_path / "village.sqlite3"
    ws = village_laptop(path)
    plain_backup = backups.take(ws, "daily").path
    ws.close()
    encryption.encrypt_database(path, PASSWORD)
    ws = open_workspace(path, password=PASSWORD)
    yield ws, plain_backup
    ws.close()


def test_snapshot_of_an_encrypted_database_is_encrypted(encrypted):
    """The snapshot has no SQLite header and no name in the clear; with the key it reads and checks."""
    ws, _plain = encrypted
    snapshot = backups.take(ws, "manual")
    data = snapshot.path.read_bytes()
    assert not data.startswith(b"SQLite format 3") and "才让拉毛".encode() not in data
    with pytest.raises(snapshots.NotABackup):
        snapshots.describe(snapshot.path)
    described = snapshots.describe(snapshot.path, key=ws.key)
    assert described.ok and described.identity.node_id == ws.node_id


def test_encrypted_backup_restores_with_the_key(encrypted):
    """An encrypted backup restores exactly its rows, and the database opens with its password."""
    ws, _plain = encrypted
    backup = backups.take(ws, "daily").path
    add_household(ws, name="扎西家")
    path, key = Path(ws.path), ws.key
    ws.close()
    with pytest.raises(keyfile.PasswordNeeded):
        restore.restore(path, backup)
    result = restore.restore(path, backup, key=key)
    assert not snapshots.has_sqlite_header(path) and not result.damaged
    with open_workspace(path, password=PASSWORD) as reopened:
        assert reopened.db.execute("SELECT count(*) FROM household").fetchone()[0] == 1


def test_a_backup_from_before_encryption_is_refused(encrypted):
    """Restoring a plain backup over an encrypted database would decrypt the data: refused."""
    ws, plain = encrypted
    path, key = Path(ws.path), ws.key
    ws.close()
    before = path.read_bytes()
    with pytest.raises(restore.BackupNotEncrypted):
        restore.restore(path, plain, key=key)
    assert path.read_bytes() == before
    assert rows(plain)  # the old backup itself is untouched


def test_keys_file_travels_beside_every_backup(encrypted, tmp_path):
    """Each backup of an encrypted database has the keys file beside it, on the stick too, and the
    rotation removes the two together."""
    ws, _plain = encrypted
    stick = tmp_path / "stick"
    stick.mkdir()
    result = backups.back_up_to(ws, stick)
    keys = keyfile.path_for(Path(ws.path)).read_bytes()
    assert keyfile.path_for(result.snapshot.path).read_bytes() == keys
    assert keyfile.path_for(result.copy).read_bytes() == keys
    backups.take(ws, "manual")  # the same day: the earlier by-hand backup goes, with its keys file
    assert not result.snapshot.path.exists() and not keyfile.path_for(result.snapshot.path).exists()


def test_replacement_computer_restores_an_encrypted_backup_from_the_stick(encrypted, tmp_path, capsys):
    """On a new computer (no database yet) the command line restores the stick's encrypted backup
    with its keys file and password; the database opens with the same password."""
    from rangtang_desktop.cli import main

    ws, _plain = encrypted
    stick = tmp_path / "stick"
    stick.mkdir()
    copy = backups.back_up_to(ws, stick).copy
    (tmp_path / "new").mkdir()
    target = tmp_path / "new" / "rangtang.sqlite3"
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["restore", "--db", str(target), str(copy), "--password-file", str(password_file)]) == 0
    with open_workspace(target, password=PASSWORD) as restored:
        assert restored.node_id == ws.node_id
