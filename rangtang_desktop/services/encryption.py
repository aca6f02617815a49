"""Turning a plain database into an encrypted one, and the township's recovery of a village
database whose password is forgotten (``encrypt`` and ``recover``).

Encrypting (``encrypt_database``): the plain database is opened once (so it is ours and up to date)
and switched out of WAL, so it is one self-contained file; ``sqlcipher_export`` writes an encrypted
copy beside it under a hidden name; the copy is checked (``PRAGMA integrity_check`` and the row count
of every table); the keys file is written; then the copy is renamed over the plain file in one atomic
step. A crash at any point leaves the plain database as it was (a keys file beside a plain database
is ignored, and the next ``encrypt`` writes a new one). Only after the encrypted database has opened
is the plain file's content overwritten with zeros and removed — unless the user asked to keep a
plain copy. (On an SSD, overwriting cannot promise that no old block survives; full-disk encryption
covers that.)

Recovering (``recover_database``): the township opens the escrow in the village's keys file with its
own private key, checks that the key opens the village database, and gives a user a new password.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..core.dates import utc_now_text
from ..core.errors import DatabaseBusy, FileExists, InvalidArgument, RangtangError
from ..core.msg import N_
from ..storage import cipher, keyfile, nodes, peers
from ..storage.cipher import DatabaseKey
from ..storage.database import connect, sqlite_errors
from . import unlock
from .workspace import Workspace, open_workspace

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024


class AlreadyEncrypted(RangtangError):
    headline = N_("The database {path} is already encrypted.")
    advice = N_("Nothing needs to be done. It opens with its password.")


class NewPasswordNeeded(RangtangError):
    headline = N_("Encrypting a database needs the password it will have.")
    advice = N_("Write the password on the first line of a file and give it with --password-file FILE, or set RANGTANG_PASSWORD.")


class NotEncrypted(RangtangError):
    headline = N_("The database {path} is not encrypted, so it has no key to recover.")
    advice = N_("It opens without a password. Encrypt it with the encrypt command.")


class EncryptionCheckFailed(RangtangError):
    headline = N_("The encrypted copy of the database did not pass its check, so the database was left unencrypted.")
    advice = N_("Nothing has been lost. Check the free disk space, then try again; if it keeps happening, show the log to the township.")


class NoEscrow(RangtangError):
    headline = N_("This village database's key was never given to a township, so a township cannot recover it.")
    advice = N_(
        "A village database's key is given to its township when the computer is enrolled there. "
        "Without the password, the database cannot be opened."
    )


class EscrowForAnotherTownship(RangtangError):
    headline = N_("This township database cannot recover that village database: its key was given to another township.")
    advice = N_("Recover it with the database of the township the village computer is enrolled at.")


class RecoveryFailed(RangtangError):
    headline = N_("The township's key does not open this village database's key: it was not recovered.")
    advice = N_("Check that the key file beside the village database belongs to it. Nothing has been changed.")


@dataclass(frozen=True)
class EncryptResult:
    path: Path
    keys_path: Path
    plain_copy: Path | None  # kept because the user asked
    escrowed: bool  # the township can recover it
    plain_backups: int  # unencrypted backups still in the backups folder

    def as_json(self) -> dict:
        return {
            "database": str(self.path), "keys": str(self.keys_path),
            "plain_copy": str(self.plain_copy) if self.plain_copy else None, "escrowed": self.escrowed,
            "plain_backups": self.plain_backups,
        }


@dataclass(frozen=True)
class RecoverResult:
    path: Path
    user_id: str
    village_node: str

    def as_json(self) -> dict:
        return {"database": str(self.path), "user_id": self.user_id, "village_node": self.village_node}


def plain_copy_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.unencrypted{path.suffix or '.sqlite3'}")


def encrypt_database(path: str | Path, password: str, *, keep_plain: bool = False) -> EncryptResult:
    """Encrypt the plain database at ``path`` with a new random key that ``password`` unlocks for
    its user (module docstring). Raises ``AlreadyEncrypted``, ``PasswordTooShort``, ``DatabaseBusy``
    (another program has it open), ``EncryptionCheckFailed``; the plain database is unchanged then."""
    path = Path(path)
    keyfile.check_new_password(password)
    if unlock.is_encrypted(path):
        raise AlreadyEncrypted(path=str(path))
    if keep_plain and plain_copy_path(path).exists():
        raise FileExists(path=str(plain_copy_path(path)))
    with open_workspace(path) as ws:  # ours, up to date, with its node and user
        user_id, node_id = ws.user_id, ws.node_id
        township = unlock.township_public(ws.db)
        with sqlite_errors(str(path)):
            mode = ws.db.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":  # another connection holds the database open
            raise DatabaseBusy()
        counts = _table_counts(ws.db.conn)
    for side in ("-wal", "-shm"):  # a WAL left beside the new file would be applied to it
        side_file = path.with_name(path.name + side)
        if side_file.exists() and side_file.stat().st_size:
            raise DatabaseBusy()
        side_file.unlink(missing_ok=True)
    key = DatabaseKey.generate()
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.encrypting")
    try:
        with sqlite_errors(str(path)):
            cipher.export_encrypted(path, temp, key)
            _check_copy(temp, key, counts)
        keys = keyfile.KeyFile(key.key_id).with_slot(keyfile.wrap_for_password(key, password, user_id, utc_now_text()))
        if township is not None:
            keys = keys.with_escrow(unlock.seal_escrow(key, node_id, township[0], township[1]))
        keyfile.write(path, keys)
        kept = _plain_aside(path, keep_plain)
        os.replace(temp, path)  # the one step: before it the plain database, after it the encrypted one
        keyfile.sync_folder(path.parent)
    except BaseException:
        _remove_quietly(temp)
        if not unlock.is_encrypted(path):  # still the plain database: its new keys file goes too
            keyfile.remove(path)
        raise
    try:
        with open_workspace(path, key=key) as check:
            problems = check.db.execute("PRAGMA quick_check").fetchone()[0]
        if problems != "ok":
            raise EncryptionCheckFailed()
    except BaseException:
        _put_back(path, kept)
        raise
    if keep_plain:
        plain_copy = kept
    else:
        plain_copy = None
        if kept is not None:
            _wipe(kept, path)
    log.info("database encrypted (%d tables checked)", len(counts))
    return EncryptResult(path, keyfile.path_for(path), plain_copy, township is not None, _plain_backups(path))


def _table_counts(conn) -> dict[str, int]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    counts = {}
    for name in tables:
        with contextlib.suppress(Exception):  # virtual tables whose module is missing here
            counts[name] = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    return counts


def _check_copy(temp: Path, key: DatabaseKey, counts: dict[str, int]) -> None:
    conn = cipher.connect_encrypted(temp, key)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        if ok:
            found = _table_counts(conn)
            ok = all(found.get(name) == count for name, count in counts.items())
        if not ok:
            log.error("the encrypted copy failed its check")
            raise EncryptionCheckFailed()
    finally:
        conn.close()


def _plain_aside(path: Path, keep_plain: bool) -> Path | None:
    """A second name for the plain file before the encrypted copy replaces it: the copy the user
    asked to keep, or a hidden name whose content is wiped once the encrypted database has opened.
    A hard link where the file system has them (no copy of the data), else a copy for ``keep``."""
    if keep_plain:
        target = plain_copy_path(path)
    else:
        target = path.with_name(f".{path.name}.{secrets.token_hex(4)}.unencrypted")
    try:
        os.link(path, target)
    except OSError:
        if not keep_plain:
            return None  # removed by the rename, not overwritten: as with any deleted file
        shutil.copyfile(path, target)
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
    return target


def _put_back(path: Path, kept: Path | None) -> None:
    """The encrypted database did not open after the switch: the plain one goes back."""
    if kept is None:
        return
    log.error("the encrypted database did not open; the plain database is put back")
    with contextlib.suppress(OSError):
        os.replace(kept, path)
        keyfile.remove(path)
        for side in ("-wal", "-shm"):
            path.with_name(path.name + side).unlink(missing_ok=True)


def _wipe(plain: Path, live: Path) -> None:
    """Overwrite the plain file's content with zeros, ``fsync``, remove it — never the live file."""
    try:
        if os.path.samefile(plain, live):
            plain.unlink()
            return
        size = plain.stat().st_size
        with open(plain, "rb+") as handle:
            zeros = bytes(_CHUNK)
            written = 0
            while written < size:
                handle.write(zeros[: min(_CHUNK, size - written)])
                written += min(_CHUNK, size - written)
            handle.flush()
            os.fsync(handle.fileno())
        plain.unlink()
    except OSError:
        log.warning("the plain copy could not be wiped")
        _remove_quietly(plain)


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
    for side in ("-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + side).unlink()


def _plain_backups(path: Path) -> int:
    """Unencrypted database files in the ``backups`` folder beside the database."""
    folder = path.parent / "backups"
    if not folder.is_dir():
        return 0
    count = 0
    for item in folder.iterdir():
        if item.is_file() and item.suffix == ".sqlite3" and not cipher.is_encrypted_file(item):
            count += 1
    return count


# -- recovery -------------------------------------------------------------------------------------


def recover_database(
    path: str | Path, township: Workspace, new_password: str, *, user_id: str | None = None,
) -> RecoverResult:
    """Give a user of the encrypted village database at ``path`` a new password, with the key the
    village sealed for ``township`` (its escrow). ``user_id``: whose password; by default the user
    the program opens the database as (its first local user). Raises ``NotEncrypted``, ``NoEscrow``,
    ``EscrowForAnotherTownship``, ``RecoveryFailed``, ``KeyFileMissing``, ``PasswordTooShort``;
    nothing is changed then."""
    path = Path(path)
    keyfile.check_new_password(new_password)
    if not unlock.is_encrypted(path):
        raise NotEncrypted(path=str(path))
    keys = unlock.read_keys(path)
    if keys.escrow is None:
        raise NoEscrow()
    me = peers.self_row(township.db)
    if keys.escrow.recipient_public != me.encryption_public:
        raise EscrowForAnotherTownship()
    _signing, encryption_private = peers.self_private_keys(township.db)
    key = unlock.open_escrow(keys, encryption_private)
    if key is None:
        raise RecoveryFailed()
    db = connect(path, key)  # raises NotOurDatabase if the key does not open this file
    try:
        local = nodes.users(db, local_only=True)
    finally:
        db.close()
    if user_id and user_id not in {u.user_id for u in local}:
        raise InvalidArgument(option="--user", value=user_id)
    chosen = user_id or (local[0].user_id if local else "")
    if not chosen:
        raise RecoveryFailed()
    keyfile.write(path, keys.with_slot(keyfile.wrap_for_password(key, new_password, chosen, utc_now_text())))
    log.info("a village database's password was recovered by its township")
    return RecoverResult(path, chosen, keys.escrow.village_node)


__all__ = [
    "AlreadyEncrypted",
    "EncryptResult",
    "EncryptionCheckFailed",
    "EscrowForAnotherTownship",
    "NewPasswordNeeded",
    "NoEscrow",
    "NotEncrypted",
    "RecoverResult",
    "RecoveryFailed",
    "encrypt_database",
    "recover_database",
]
