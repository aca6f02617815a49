"""Encryption at rest, end to end on real files: passwords, the keys file, the township's escrow and
recovery, converting a plain database, and the wrong-password delay."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from rangtang_desktop.core.errors import DatabaseBusy, FileExists
from rangtang_desktop.services import encryption, unlock
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import cipher, keyfile, nodes, peers
from rangtang_desktop.storage.database import write_transaction
from rangtang_desktop.storage.keyfile import KeyFileMissing, PasswordNeeded, PasswordTooShort, WrongPassword
from rangtang_desktop.storage.reference import Unit, store_units

from .exchange_support import TOWNSHIP_CODE, VILLAGE_A, enroll, household_with_child

PASSWORD = "雪山-2025"


def files_of(path: Path) -> dict[str, str]:
    """SHA-256 of the database and what belongs to it (WAL, shared memory, keys file, anything else named after it)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.parent.iterdir()) if p.is_file() and p.name.lstrip(".").startswith(path.name)
    }


def encrypted_laptop(folder: Path, name: str, role: str, unit_code: str, password: str = PASSWORD):
    ws = open_workspace(folder / f"{name}.sqlite3", create=True, password=password)
    with write_transaction(ws.db):
        if len(unit_code) == 12:
            store_units(ws.db, [Unit(unit_code, "village", unit_code[:9], f"村{unit_code[-3:]}", "གྲོང་ཚོ")])
        nodes.set_node_unit(ws.db, role, unit_code)
    return ws


# -- opening -----------------------------------------------------------------------------------


def test_new_database_with_a_password_is_encrypted_and_reopens_only_with_it(tmp_path):
    """A database made with a password is encrypted from its first byte, has a keys file, and reopens with the password only."""
    path = tmp_path / "v.sqlite3"
    ws = open_workspace(path, create=True, password=PASSWORD)
    assert ws.encrypted and cipher.is_encrypted_file(path)
    user_id = ws.user_id
    ws.close()
    keys = keyfile.read(path)
    assert [s.user_id for s in keys.passwords] == [user_id] and keys.escrow is None
    with open_workspace(path, password=PASSWORD) as again:
        assert again.user_id == user_id and again.key.key_id == keys.key_id


@pytest.mark.parametrize("password", [None, "", "雪山-2024", "雪山2025", PASSWORD + " "])
def test_missing_or_wrong_password_is_refused_and_nothing_changes(tmp_path, password):
    """No password (PasswordNeeded) or a wrong one (WrongPassword) opens nothing and leaves every file byte for byte as it was."""
    path = tmp_path / "v.sqlite3"
    ws = open_workspace(path, create=True, password=PASSWORD)
    household_with_child(ws, VILLAGE_A)
    ws.close()
    before = files_of(path)
    with pytest.raises(PasswordNeeded if not password else WrongPassword) as raised:
        open_workspace(path, password=password)
    assert raised.value.headline_message().text and raised.value.advice_message().text
    assert files_of(path) == before
    assert "Traceback" not in str(raised.value)


def test_plain_database_opens_without_a_password_and_ignores_one(tmp_path):
    """An existing unencrypted database keeps opening as before, with or without a password."""
    path = tmp_path / "plain.sqlite3"
    open_workspace(path, create=True, password=None).close()
    with open_workspace(path) as ws:
        assert not ws.encrypted
    with open_workspace(path, password="whatever") as ws:
        assert not ws.encrypted
    assert not keyfile.path_for(path).exists()


def test_missing_keys_file_is_explained_not_taken_for_damage(tmp_path):
    """An encrypted database without its keys file is refused with KeyFileMissing (not 'damaged', not 'not ours'); nothing changes."""
    path = tmp_path / "v.sqlite3"
    open_workspace(path, create=True, password=PASSWORD).close()
    keyfile.path_for(path).rename(tmp_path / "elsewhere.json")
    before = files_of(path)
    with pytest.raises(KeyFileMissing):
        open_workspace(path, password=PASSWORD)
    assert files_of(path) == before


def test_keys_file_of_another_database_is_refused(tmp_path):
    """Another database's keys file unlocks its own key, which does not open this file: KeyFileMismatch."""
    a, b = tmp_path / "a" / "v.sqlite3", tmp_path / "b" / "v.sqlite3"
    a.parent.mkdir()
    b.parent.mkdir()
    open_workspace(a, create=True, password=PASSWORD).close()
    open_workspace(b, create=True, password=PASSWORD).close()
    keyfile.path_for(b).write_bytes(keyfile.path_for(a).read_bytes())
    with pytest.raises(keyfile.KeyFileMismatch):
        open_workspace(b, password=PASSWORD)


def test_worker_thread_connection_uses_the_same_key(tmp_path):
    """Workspace.for_thread opens the encrypted file with the workspace's key."""
    ws = open_workspace(tmp_path / "v.sqlite3", create=True, password=PASSWORD)
    other = ws.for_thread()
    assert other.encrypted and cipher.cipher_version(other.db.conn).startswith("4.")
    assert other.db.execute("SELECT count(*) FROM user").fetchone() == (1,)
    other.close()
    ws.close()


def test_short_new_password_is_refused_and_nothing_is_made(tmp_path):
    """A new database's password needs four characters; a shorter one leaves no file behind."""
    with pytest.raises(PasswordTooShort):
        open_workspace(tmp_path / "v.sqlite3", create=True, password="abc")
    assert list(tmp_path.iterdir()) == []


# -- the keys file -------------------------------------------------------------------------------


def test_keys_file_holds_no_secret_and_slots_are_bound(tmp_path):
    """The keys file has the documented fields, never the key in any encoding, and a slot moved to another user does not open."""
    path = tmp_path / "v.sqlite3"
    ws = open_workspace(path, create=True, password=PASSWORD)
    key = ws.key
    ws.close()
    text = keyfile.path_for(path).read_text(encoding="utf-8")
    for secret in (key.raw.hex(), base64.b64encode(key.raw).decode(), PASSWORD):
        assert secret not in text
    data = json.loads(text)
    assert data["format"] == "rangtang-keys" and data["version"] == 1 and data["cipher"] == "sqlcipher4-raw"
    slot = data["passwords"][0]
    n = keyfile.wrap_for_password.__kwdefaults__["n"]  # 2**15; cheaper when the suite runs encrypted (conftest)
    assert (slot["kdf"], slot["n"], slot["r"], slot["p"], slot["aead"]) == ("scrypt", n, 8, 1, "chacha20-poly1305")
    assert keyfile.SCRYPT_N == 2**15
    slot["user_id"] = "someone-else"
    keyfile.path_for(path).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WrongPassword):
        open_workspace(path, password=PASSWORD)


def test_damaged_keys_file_is_refused(tmp_path):
    """A keys file that is not JSON, or not ours, is KeyFileDamaged; the database is untouched."""
    path = tmp_path / "v.sqlite3"
    open_workspace(path, create=True, password=PASSWORD).close()
    for junk in (b"{not json", b'{"format": "other"}', b"\x00" * 10, b"[]"):
        keyfile.path_for(path).write_bytes(junk)
        with pytest.raises(keyfile.KeyFileDamaged):
            open_workspace(path, password=PASSWORD)


def test_keys_file_is_replaced_atomically(tmp_path, monkeypatch):
    """Writing the keys file goes through a temporary file, fsync and a rename: when the rename fails the old file is intact and no temporary file is left."""
    path = tmp_path / "v.sqlite3"
    ws = open_workspace(path, create=True, password=PASSWORD)
    before = keyfile.path_for(path).read_bytes()
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        unlock.set_password(path, ws.key, ws.user_id, "another-password")
    assert synced, "the temporary file was fsynced before the rename"
    assert keyfile.path_for(path).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "keys" in p.name) == ["v.sqlite3.keys.json"]
    monkeypatch.undo()
    unlock.set_password(path, ws.key, ws.user_id, "another-password")
    ws.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "keys" in p.name) == ["v.sqlite3.keys.json"]
    open_workspace(path, password="another-password").close()
    with pytest.raises(WrongPassword):
        open_workspace(path, password=PASSWORD)


def test_kdf_cost_is_measured(tmp_path):
    """scrypt with n=2**15, r=8, p=1 (32 MiB) takes well under a second here; the figure is printed for the report."""
    path = tmp_path / "v.sqlite3"
    open_workspace(path, create=True, password=PASSWORD).close()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        unlock.unlock(path, PASSWORD)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"unlock (scrypt 2**15, 8, 1): median {times[2] * 1000:.0f} ms")
    assert times[2] < 2.0


# -- escrow and recovery ---------------------------------------------------------------------------


@pytest.fixture
def township_and_village(tmp_path):
    township = encrypted_laptop(tmp_path, "township", "township", TOWNSHIP_CODE, "镇-password")
    village = encrypted_laptop(tmp_path, "village", "village", VILLAGE_A)
    household_with_child(village, VILLAGE_A)
    assert keyfile.read(village.path).escrow is None  # not enrolled yet: nobody can recover it
    enroll(village, township, tmp_path / "stick")
    yield township, village
    township.close()
    village.close()


def test_enrolling_seals_the_key_for_the_township(township_and_village):
    """Completing the enrollment puts the escrow in the village's keys file, sealed to the township's encryption key."""
    township, village = township_and_village
    escrow = keyfile.read(village.path).escrow
    assert escrow is not None
    assert escrow.township_node == township.node_id and escrow.village_node == village.node_id
    assert escrow.recipient_public == nodes.self_node(township.db).encryption_public
    assert village.key.raw not in keyfile.path_for(village.path).read_bytes()


def test_township_recovers_a_forgotten_password(township_and_village):
    """With its private key the township gives the village database a new password; the old one stops working and the data is all there."""
    township, village = township_and_village
    path, user_id = Path(village.path), village.user_id
    village.close()
    result = encryption.recover_database(path, township, "新密码-2025")
    assert result.user_id == user_id
    with pytest.raises(WrongPassword):
        open_workspace(path, password=PASSWORD)
    with open_workspace(path, password="新密码-2025") as ws:
        assert ws.db.execute("SELECT count(*) FROM person").fetchone() == (1,)
        assert keyfile.read(path).escrow is not None  # recovery keeps the escrow


def test_another_townships_key_cannot_recover(township_and_village, tmp_path):
    """Another township's database is refused, and an escrow opened with a wrong private key gives nothing; the keys file is unchanged."""
    _township, village = township_and_village
    path = Path(village.path)
    village.close()
    before = files_of(path)
    (tmp_path / "other").mkdir()
    other = encrypted_laptop(tmp_path / "other", "township", "township", "513230102")
    with pytest.raises(encryption.EscrowForAnotherTownship):
        encryption.recover_database(path, other, "新密码-2025")
    _signing, wrong_private = peers.self_private_keys(other.db)
    assert unlock.open_escrow(keyfile.read(path), wrong_private) is None
    other.close()
    assert files_of(path) == before


def test_tampered_escrow_is_refused(township_and_village):
    """An escrow whose sealed key was changed does not open: RecoveryFailed, nothing written."""
    township, village = township_and_village
    path = Path(village.path)
    village.close()
    data = json.loads(keyfile.path_for(path).read_text())
    sealed = bytearray(base64.b64decode(data["escrow"]["wrapped_key"]))
    sealed[3] ^= 0x01
    data["escrow"]["wrapped_key"] = base64.b64encode(bytes(sealed)).decode()
    keyfile.path_for(path).write_text(json.dumps(data))
    before = files_of(path)
    with pytest.raises(encryption.RecoveryFailed):
        encryption.recover_database(path, township, "新密码-2025")
    assert files_of(path) == before


def test_unenrolled_database_has_no_escrow_to_recover(tmp_path):
    """A village that never enrolled cannot be recovered by a township, and says so."""
    township = encrypted_laptop(tmp_path, "township", "township", TOWNSHIP_CODE)
    village = encrypted_laptop(tmp_path, "village", "village", VILLAGE_A)
    village.close()
    with pytest.raises(encryption.NoEscrow):
        encryption.recover_database(Path(village.path), township, "新密码-2025")
    township.close()


# -- encrypting a plain database -----------------------------------------------------------------------


def plain_village(tmp_path: Path) -> Path:
    path = tmp_path / "plain.sqlite3"
    ws = open_workspace(path, create=True, password=None)
    with write_transaction(ws.db):
        store_units(ws.db, [Unit(VILLAGE_A, "village", TOWNSHIP_CODE, "村203", "གྲོང་ཚོ")])
    household_with_child(ws, VILLAGE_A, child="次仁拉姆")
    ws.close()
    return path


def test_encrypting_a_plain_database_keeps_every_row_and_leaves_no_plain_copy(tmp_path):
    """encrypt_database: the file becomes encrypted with the same rows, the plain content is gone from the folder, and the password opens it."""
    path = plain_village(tmp_path)
    with open_workspace(path) as ws:
        rows = sorted(ws.db.execute("SELECT id, name_zh FROM person").fetchall())
    result = encryption.encrypt_database(path, PASSWORD)
    assert result.plain_copy is None and not result.escrowed
    assert cipher.is_encrypted_file(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.sqlite3", "plain.sqlite3.keys.json"]
    assert "次仁拉姆".encode() not in path.read_bytes()
    with pytest.raises(PasswordNeeded):
        open_workspace(path, password=None)
    with open_workspace(path, password=PASSWORD) as ws:
        assert sorted(ws.db.execute("SELECT id, name_zh FROM person").fetchall()) == rows
        assert ws.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with pytest.raises(encryption.AlreadyEncrypted):
        encryption.encrypt_database(path, PASSWORD)


def test_encrypting_keeps_a_plain_copy_only_when_asked(tmp_path):
    """keep_plain=True leaves the unencrypted file beside the new one, and refuses to overwrite an earlier one."""
    path = plain_village(tmp_path)
    result = encryption.encrypt_database(path, PASSWORD, keep_plain=True)
    assert result.plain_copy == tmp_path / "plain.unencrypted.sqlite3"
    assert "次仁拉姆".encode() in result.plain_copy.read_bytes()
    assert sqlite3.connect(result.plain_copy).execute("SELECT count(*) FROM person").fetchone() == (1,)
    second = tmp_path / "second"
    second.mkdir()
    other = plain_village(second)
    (second / "plain.unencrypted.sqlite3").write_text("keep")
    with pytest.raises(FileExists):
        encryption.encrypt_database(other, PASSWORD, keep_plain=True)
    assert not cipher.is_encrypted_file(other)


def test_encrypting_an_open_database_is_refused_unchanged(tmp_path):
    """While another connection holds the database, encrypting is refused (DatabaseBusy) and the plain file stays as it was."""
    path = plain_village(tmp_path)
    holder = open_workspace(path)
    holder.db.execute("SELECT count(*) FROM person").fetchone()
    holder.db.conn.execute("BEGIN")
    holder.db.execute("SELECT count(*) FROM person").fetchone()
    try:
        with pytest.raises(DatabaseBusy):
            encryption.encrypt_database(path, PASSWORD)
    finally:
        holder.db.conn.execute("ROLLBACK")
        holder.close()
    assert not cipher.is_encrypted_file(path)
    assert not keyfile.path_for(path).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_encrypting_an_enrolled_village_seals_the_key_at_once(tmp_path):
    """A plain village already enrolled at its township gets the escrow when it is encrypted."""
    township = encrypted_laptop(tmp_path, "township", "township", TOWNSHIP_CODE)
    path = plain_village(tmp_path)
    village = open_workspace(path)
    with write_transaction(village.db):
        nodes.set_node_unit(village.db, "village", VILLAGE_A)
    enroll(village, township, tmp_path / "stick")
    village.close()
    result = encryption.encrypt_database(path, PASSWORD)
    assert result.escrowed and keyfile.read(path).escrow.township_node == township.node_id
    encryption.recover_database(path, township, "新密码-2025")
    open_workspace(path, password="新密码-2025").close()
    township.close()


# -- wrong passwords in a row, password files ---------------------------------------------------------


def test_retry_delay_grows_and_is_capped():
    """The first wrong password costs nothing, then 2, 4, 8 … seconds, never more than a minute."""
    delays = [unlock.retry_delay(n) for n in range(1, 10)]
    assert delays[:5] == [0.0, 2.0, 4.0, 8.0, 16.0]
    assert max(delays) == unlock.MAX_DELAY_S and delays == sorted(delays)


def test_backoff_counts_and_waits_with_its_clock():
    """Backoff says how long is left with an injected clock and stops after the last allowed try."""
    now = [100.0]
    backoff = unlock.Backoff(clock=lambda: now[0])
    assert backoff.failed() == 0.0 and backoff.wait_left() == 0.0
    assert backoff.failed() == 2.0 and backoff.wait_left() == 2.0
    now[0] += 1.5
    assert backoff.wait_left() == pytest.approx(0.5)
    for _ in range(unlock.MAX_ATTEMPTS - 2):
        backoff.failed()
    assert backoff.exhausted


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"secret\n", "secret"), (b"secret\r\nsecond line\n", "secret"), ("\ufeff雪山 2025\n".encode(), "雪山 2025"),
     (b"  spaced  ", "  spaced  ")],
)
def test_password_file_first_line(tmp_path, content, expected):
    """A password file gives its first line, without line ending or byte-order mark; other spaces count."""
    file = tmp_path / "pw.txt"
    file.write_bytes(content)
    assert unlock.read_password_file(file) == expected


def test_password_file_problems_are_explained(tmp_path):
    """An empty, missing or non-UTF-8 password file is a user error with a message, not a traceback."""
    (tmp_path / "empty").write_bytes(b"\n")
    (tmp_path / "binary").write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(unlock.PasswordFileEmpty):
        unlock.read_password_file(tmp_path / "empty")
    with pytest.raises(unlock.PasswordFileUnreadable):
        unlock.read_password_file(tmp_path / "missing")
    with pytest.raises(unlock.PasswordFileUnreadable):
        unlock.read_password_file(tmp_path / "binary")
