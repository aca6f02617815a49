"""The keys file beside an encrypted database: the master key wrapped by each user's password and
sealed for the township (escrow). It holds no secret in the clear.

An encrypted database cannot hold its own keys (it cannot be opened without them), so they live in
a small JSON file next to it, ``<database file name>.keys.json`` (``village.sqlite3.keys.json``),
written atomically (temporary file in the same folder, ``fsync``, rename, ``fsync`` of the folder)::

    {
      "format": "rangtang-keys",
      "version": 1,
      "key_id": "9f86d081884c7d65",          # sha256("rangtang database key id v1" + key), 16 hex digits
      "cipher": "sqlcipher4-raw",             # how the key is applied: PRAGMA key = "x'<hex>'"
      "passwords": [                           # one slot per user who can open the database
        {"user_id": "0190…",                   # the user's id in the database (no names here)
         "kdf": "scrypt", "n": 32768, "r": 8, "p": 1,
         "salt": "<base64, 16 bytes>",
         "aead": "chacha20-poly1305",
         "nonce": "<base64, 12 bytes>",
         "wrapped_key": "<base64, 32 + 16 bytes>",
         "created_at": "2025-03-01T08:15:00Z"}
      ],
      "escrow": {                              # null until the village is enrolled at a township
        "scheme": "x25519-hkdf-sha256-chacha20-poly1305",
        "village_node": "0190…", "township_node": "0190…",
        "recipient_public": "<base64, the township's X25519 public key>",
        "ephemeral_public": "<base64>", "nonce": "<base64>",
        "wrapped_key": "<base64>",
        "created_at": "…"}
    }

A password slot: ``kek = scrypt(password (UTF-8, NFC), salt, n, r, p, 32 bytes)``;
``wrapped_key = ChaCha20-Poly1305(kek).encrypt(nonce, master key, aad)`` with
``aad = "rangtang-keys v1|password|<key_id>|<user_id>|scrypt|<n>|<r>|<p>"``, so a slot copied into
another keys file, or with its parameters changed, does not open. A wrong password fails the
authentication tag; nothing else is needed to tell it apart, and nothing is written.

The escrow is the master key encrypted to the township's X25519 public key with the bundles' own
primitives (``exchange.crypto``: ephemeral X25519, HKDF-SHA256, ChaCha20-Poly1305; sealed and opened
by ``services.unlock``, because storage does not import exchange) under the context
``"rangtang-keys escrow v1|<village node>|<key_id>"``. Only that township's private key opens it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from ..core.errors import RangtangError
from ..core.msg import N_
from .cipher import DatabaseKey

FORMAT = "rangtang-keys"
VERSION = 1
SUFFIX = ".keys.json"
CIPHER = "sqlcipher4-raw"
AEAD = "chacha20-poly1305"
ESCROW_SCHEME = "x25519-hkdf-sha256-chacha20-poly1305"
# scrypt, 128 * r * n bytes = 32 MiB; about 0.1 s on a 2020s laptop core (measured in the tests'
# report); the parameters are stored per slot, so later versions can raise them.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
NONCE_BYTES = 12
MAX_FILE_BYTES = 256 * 1024
MIN_PASSWORD_LENGTH = 4


class WrongPassword(RangtangError):
    headline = N_("Wrong password: the database was not opened.")
    advice = N_(
        "Check the keyboard language and Caps Lock, then type the password again. If the password is "
        "forgotten, the township can give the database a new one. Nothing has been changed."
    )


class PasswordNeeded(RangtangError):
    headline = N_("The database {path} is encrypted: it needs its password.")
    advice = N_(
        "Give the password with --password-file FILE or the RANGTANG_PASSWORD environment variable "
        "(a demo database's password is demo)."
    )


class KeyFileMissing(RangtangError):
    headline = N_("The key file of the encrypted database {path} is missing.")
    advice = N_(
        "Put the file {keys} back into the folder of the database; the two are always kept and copied together. "
        "Do not delete the database: without its key file it cannot be opened, but it is not damaged."
    )


class KeyFileDamaged(RangtangError):
    headline = N_("The key file {keys} is damaged or is not a key file.")
    advice = N_(
        "Put back a copy of the key file from a backup of this database, or take the computer to the "
        "township. The database itself has not been changed."
    )


class KeyFileMismatch(RangtangError):
    headline = N_("The key file {keys} does not belong to this database.")
    advice = N_("Put the key file that was made with this database beside it. Nothing has been changed.")


class PasswordTooShort(RangtangError):
    headline = N_("The new password is too short: it needs at least {minimum} characters.")
    advice = N_("Choose a longer password that the users of this computer can remember.")


@dataclass(frozen=True)
class PasswordSlot:
    user_id: str
    salt: bytes
    nonce: bytes
    wrapped_key: bytes
    created_at: str
    kdf: str = "scrypt"
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P


@dataclass(frozen=True)
class Escrow:
    village_node: str
    township_node: str
    recipient_public: bytes
    ephemeral_public: bytes
    nonce: bytes
    wrapped_key: bytes
    created_at: str
    scheme: str = ESCROW_SCHEME


@dataclass(frozen=True)
class KeyFile:
    key_id: str
    passwords: tuple[PasswordSlot, ...] = ()
    escrow: Escrow | None = None
    cipher: str = CIPHER
    extra: dict = field(default_factory=dict, compare=False)  # unknown top-level fields, kept as they were

    def slot(self, user_id: str) -> PasswordSlot | None:
        return next((s for s in self.passwords if s.user_id == user_id), None)

    def with_slot(self, slot: PasswordSlot) -> KeyFile:
        """This keys file with ``slot`` added, or replacing the slot of the same user."""
        others = tuple(s for s in self.passwords if s.user_id != slot.user_id)
        return replace(self, passwords=(*others, slot))

    def with_escrow(self, escrow: Escrow | None) -> KeyFile:
        return replace(self, escrow=escrow)


def path_for(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SUFFIX)


# -- password slots -------------------------------------------------------------------------------


def normalise_password(password: str) -> bytes:
    """The bytes a password is derived from: NFC (the same Tibetan or Chinese text typed with two
    input methods gives one password), UTF-8. Spaces are kept."""
    return unicodedata.normalize("NFC", password).encode("utf-8")


def check_new_password(password: str) -> None:
    if len(unicodedata.normalize("NFC", password)) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(minimum=MIN_PASSWORD_LENGTH)


def _kek(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        normalise_password(password), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n + 16 * 1024 * 1024, dklen=32
    )


def _slot_aad(key_id: str, user_id: str, kdf: str, n: int, r: int, p: int) -> bytes:
    return f"rangtang-keys v1|password|{key_id}|{user_id}|{kdf}|{n}|{r}|{p}".encode()


def wrap_for_password(
    key: DatabaseKey, password: str, user_id: str, created_at: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R,
    p: int = SCRYPT_P,
) -> PasswordSlot:
    """A new password slot for ``user_id`` (fresh salt and nonce)."""
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    kek = _kek(password, salt, n, r, p)
    wrapped = ChaCha20Poly1305(kek).encrypt(nonce, key.raw, _slot_aad(key.key_id, user_id, "scrypt", n, r, p))
    return PasswordSlot(user_id, salt, nonce, wrapped, created_at, "scrypt", n, r, p)


def unwrap_with_password(keys: KeyFile, slot: PasswordSlot, password: str) -> DatabaseKey | None:
    """The master key if ``password`` is this slot's, else ``None``."""
    if slot.kdf != "scrypt" or not _sane_scrypt(slot.n, slot.r, slot.p):
        return None
    kek = _kek(password, slot.salt, slot.n, slot.r, slot.p)
    aad = _slot_aad(keys.key_id, slot.user_id, slot.kdf, slot.n, slot.r, slot.p)
    try:
        raw = ChaCha20Poly1305(kek).decrypt(slot.nonce, slot.wrapped_key, aad)
    except InvalidTag:
        return None
    key = DatabaseKey(raw)
    return key if key.key_id == keys.key_id else None


def _sane_scrypt(n: int, r: int, p: int) -> bool:
    """Parameters within what a village laptop can afford: a damaged or hostile file must not make
    us allocate gigabytes. (Lowering them gains an attacker nothing: the key was wrapped with the
    original ones, which are bound into the slot's associated data.)"""
    return 2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 128 * r * n <= 1 << 30


def escrow_context(village_node: str, key_id: str) -> str:
    return f"rangtang-keys escrow v1|{village_node}|{key_id}"


# -- the file ------------------------------------------------------------------------------------


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _unb64(value: object) -> bytes:
    if not isinstance(value, str):
        raise ValueError("not base64 text")
    return base64.b64decode(value.encode("ascii"), validate=True)


def to_json(keys: KeyFile) -> dict:
    escrow = None
    if keys.escrow is not None:
        e = keys.escrow
        escrow = {
            "scheme": e.scheme, "village_node": e.village_node, "township_node": e.township_node,
            "recipient_public": _b64(e.recipient_public), "ephemeral_public": _b64(e.ephemeral_public),
            "nonce": _b64(e.nonce), "wrapped_key": _b64(e.wrapped_key), "created_at": e.created_at,
        }
    return {
        **keys.extra,
        "format": FORMAT, "version": VERSION, "key_id": keys.key_id, "cipher": keys.cipher,
        "passwords": [
            {
                "user_id": s.user_id, "kdf": s.kdf, "n": s.n, "r": s.r, "p": s.p, "salt": _b64(s.salt), "aead": AEAD,
                "nonce": _b64(s.nonce), "wrapped_key": _b64(s.wrapped_key), "created_at": s.created_at,
            }
            for s in keys.passwords
        ],
        "escrow": escrow,
    }


def from_json(value: object) -> KeyFile:
    """Parse strictly; ``ValueError`` for anything that is not a keys file of a version we know."""
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise ValueError("not a keys file")
    if value.get("version") != VERSION or value.get("cipher") != CIPHER:
        raise ValueError("unknown keys file version")
    key_id = value.get("key_id")
    if not isinstance(key_id, str) or len(key_id) != 16:
        raise ValueError("bad key id")
    slots = []
    for item in value.get("passwords") or []:
        if not isinstance(item, dict) or item.get("aead") != AEAD:
            raise ValueError("bad password slot")
        numbers = [item.get(k) for k in ("n", "r", "p")]
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in numbers):
            raise ValueError("bad scrypt parameters")
        slots.append(PasswordSlot(
            str(item["user_id"]), _unb64(item["salt"]), _unb64(item["nonce"]), _unb64(item["wrapped_key"]),
            str(item.get("created_at", "")), str(item.get("kdf", "")), *numbers,
        ))
    escrow = None
    raw_escrow = value.get("escrow")
    if raw_escrow is not None:
        if not isinstance(raw_escrow, dict) or raw_escrow.get("scheme") != ESCROW_SCHEME:
            raise ValueError("bad escrow")
        escrow = Escrow(
            str(raw_escrow["village_node"]), str(raw_escrow["township_node"]), _unb64(raw_escrow["recipient_public"]),
            _unb64(raw_escrow["ephemeral_public"]), _unb64(raw_escrow["nonce"]), _unb64(raw_escrow["wrapped_key"]),
            str(raw_escrow.get("created_at", "")),
        )
    known = {"format", "version", "key_id", "cipher", "passwords", "escrow"}
    extra = {k: v for k, v in value.items() if k not in known}
    return KeyFile(key_id, tuple(slots), escrow, CIPHER, extra)


def read(db_path: str | Path) -> KeyFile | None:
    """The keys file of a database, or ``None`` when there is none; ``KeyFileDamaged`` when it
    cannot be read as one."""
    path = path_for(db_path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError:
        raise KeyFileDamaged(keys=path.name) from None
    try:
        if len(data) > MAX_FILE_BYTES:
            raise ValueError("too large")
        return from_json(json.loads(data.decode("utf-8")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise KeyFileDamaged(keys=path.name) from None


def write(db_path: str | Path, keys: KeyFile) -> Path:
    """Write the keys file atomically: a temporary file beside it (readable by its owner only),
    flushed and ``fsync``ed, renamed over the old one, then the folder ``fsync``ed. A crash leaves
    the old file or the new one."""
    path = path_for(db_path)
    data = (json.dumps(to_json(keys), indent=2, sort_keys=True) + "\n").encode("utf-8")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with os.fdopen(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    sync_folder(path.parent)
    return path


def sync_folder(folder: Path) -> None:
    """``fsync`` a folder so a rename in it is durable (not possible, and not needed, on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove(db_path: str | Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_for(db_path).unlink()


__all__ = [
    "Escrow",
    "KeyFile",
    "KeyFileDamaged",
    "KeyFileMismatch",
    "KeyFileMissing",
    "PasswordNeeded",
    "PasswordSlot",
    "PasswordTooShort",
    "WrongPassword",
    "check_new_password",
    "path_for",
    "read",
    "unwrap_with_password",
    "wrap_for_password",
    "write",
]
