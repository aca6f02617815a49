"""Unlocking an encrypted database: from a password to its master key, the township's escrow of
that key, password files for headless commands, and the delay between wrong passwords.

The keys file format is ``storage.keyfile``; the database side is ``storage.cipher``. Nothing here
logs a password or a key.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import sqlite_utils

from ..core.dates import utc_now_text
from ..core.errors import RangtangError
from ..core.msg import N_
from ..exchange.crypto import DecryptionFailed, decrypt_payload, encrypt_payload
from ..storage import cipher, keyfile, peers
from ..storage.cipher import DatabaseKey
from ..storage.keyfile import (
    Escrow,
    KeyFile,
    KeyFileMissing,
    PasswordNeeded,
    WrongPassword,
)

log = logging.getLogger(__name__)

ENV_PASSWORD = "RANGTANG_PASSWORD"
MAX_PASSWORD_FILE_BYTES = 4096
# Wrong passwords in the window: the first two are free, then 2, 4, 8 … seconds up to a minute;
# after MAX_ATTEMPTS the window stops asking (the program can be started again; nothing is lost).
FREE_ATTEMPTS = 2
MAX_DELAY_S = 60.0
MAX_ATTEMPTS = 10


class PasswordFileUnreadable(RangtangError):
    headline = N_("The password file {file} cannot be read.")
    advice = N_("Check the file name, and that the file holds the password on its first line.")


class PasswordFileEmpty(RangtangError):
    headline = N_("The password file {file} is empty.")
    advice = N_("Write the password on the first line of the file, then run the command again.")


def is_encrypted(path: str | Path) -> bool:
    """True for an encrypted database file (it asks for a password before it opens)."""
    return str(path) != ":memory:" and cipher.is_encrypted_file(path)


def key_for(path: str | Path, password: str | None, *, user_id: str | None = None) -> DatabaseKey | None:
    """The key to open ``path`` with: ``None`` for a plain database (any password is ignored), the
    master key for an encrypted one. Raises ``PasswordNeeded``, ``WrongPassword``,
    ``KeyFileMissing`` or ``KeyFileDamaged``; nothing is written either way."""
    if not is_encrypted(path):
        return None
    return unlock(path, password, user_id=user_id)


def unlock(path: str | Path, password: str | None, *, user_id: str | None = None) -> DatabaseKey:
    """The master key of the encrypted database at ``path``, from any user's password (only that
    user's, with ``user_id``)."""
    path = Path(path)
    keys = read_keys(path)
    if not password:
        raise PasswordNeeded(path=str(path))
    slots = [s for s in keys.passwords if user_id is None or s.user_id == user_id]
    for slot in slots:
        key = keyfile.unwrap_with_password(keys, slot, password)
        if key is not None:
            return key
    log.info("a wrong password was given for an encrypted database")
    raise WrongPassword()


def read_keys(path: str | Path) -> KeyFile:
    keys = keyfile.read(path)
    if keys is None:
        raise KeyFileMissing(path=str(path), keys=keyfile.path_for(path).name)
    return keys


def set_password(path: str | Path, key: DatabaseKey, user_id: str, password: str) -> None:
    """Give ``user_id`` the password ``password`` for the database at ``path`` (a new slot, or in
    place of their old one); the other users' passwords and the escrow stay."""
    keyfile.check_new_password(password)
    keys = read_keys(path)
    if keys.key_id != key.key_id:
        raise keyfile.KeyFileMismatch(keys=keyfile.path_for(path).name)
    keyfile.write(path, keys.with_slot(keyfile.wrap_for_password(key, password, user_id, utc_now_text())))


def retry_delay(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong passwords in a row."""
    if failures <= FREE_ATTEMPTS - 1:
        return 0.0
    return min(MAX_DELAY_S, float(2 ** (failures - FREE_ATTEMPTS + 1)))


def read_password_file(path: str | Path) -> str:
    """The password on the first line of a file (its line ending and a UTF-8 byte-order mark left
    out; other spaces kept)."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PASSWORD_FILE_BYTES + 1)
        text = data[:MAX_PASSWORD_FILE_BYTES].decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise PasswordFileUnreadable(file=path.name) from None
    first = text.splitlines()[0] if text.splitlines() else ""
    if not first:
        raise PasswordFileEmpty(file=path.name)
    return first


# -- escrow ---------------------------------------------------------------------------------------


def township_public(db: sqlite_utils.Database) -> tuple[str, bytes] | None:
    """The township this computer is enrolled at and its X25519 public key, if any."""
    me = peers.self_row(db)
    if not me.township_node:
        return None
    row = peers.node_row(db, me.township_node)
    if row is None or len(row.encryption_public) != 32:
        return None
    return row.node_id, row.encryption_public


def seal_escrow(key: DatabaseKey, village_node: str, township_node: str, recipient_public: bytes) -> Escrow:
    """The master key sealed to the township's public key (``exchange.crypto``'s payload encryption)."""
    ephemeral, nonce, wrapped = encrypt_payload(
        key.raw, recipient_public, keyfile.escrow_context(village_node, key.key_id)
    )
    return Escrow(village_node, township_node, recipient_public, ephemeral, nonce, wrapped, utc_now_text())


def open_escrow(keys: KeyFile, township_private: bytes) -> DatabaseKey | None:
    """The master key from the escrow with the township's X25519 private key, or ``None`` when that
    key does not open it (another township's) or the escrow was changed."""
    escrow = keys.escrow
    if escrow is None:
        return None
    try:
        raw = decrypt_payload(
            escrow.wrapped_key, township_private, escrow.ephemeral_public, escrow.nonce,
            keyfile.escrow_context(escrow.village_node, keys.key_id),
        )
        key = DatabaseKey(raw)
    except (DecryptionFailed, ValueError):
        return None
    return key if key.key_id == keys.key_id else None


def ensure_escrow(db: sqlite_utils.Database, path: str | Path, key: DatabaseKey) -> bool:
    """Seal the key for the township this computer is enrolled at, unless the keys file already
    holds that escrow. Returns whether the keys file was written. Runs on every opening of an
    encrypted database, so enrolling (or enrolling anew at a township with new keys) is enough."""
    township = township_public(db)
    if township is None:
        return False
    township_node, public = township
    keys = read_keys(path)
    village_node = peers.self_row(db).node_id
    current = keys.escrow
    if current is not None and current.recipient_public == public and current.village_node == village_node:
        return False
    keyfile.write(path, keys.with_escrow(seal_escrow(key, village_node, township_node, public)))
    log.info("the database key was sealed for the township")
    return True


class Backoff:
    """Wrong-password bookkeeping for one unlock window: how many in a row, and until when the next
    try has to wait. The clock is injectable for tests."""

    def __init__(self, clock=time.monotonic) -> None:
        self.failures = 0
        self._clock = clock
        self._not_before = 0.0

    def failed(self) -> float:
        """Count a wrong password; returns the seconds to wait before the next try."""
        self.failures += 1
        delay = retry_delay(self.failures)
        self._not_before = self._clock() + delay
        return delay

    def wait_left(self) -> float:
        return max(0.0, self._not_before - self._clock())

    @property
    def exhausted(self) -> bool:
        return self.failures >= MAX_ATTEMPTS


__all__ = [
    "ENV_PASSWORD",
    "Backoff",
    "PasswordFileEmpty",
    "PasswordFileUnreadable",
    "ensure_escrow",
    "is_encrypted",
    "key_for",
    "open_escrow",
    "read_password_file",
    "retry_delay",
    "seal_escrow",
    "set_password",
    "unlock",
]
