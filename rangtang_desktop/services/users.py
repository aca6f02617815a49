"""Named users of this computer (issue 7 part 2): listing, adding, renaming, switching off, their
village groups and passwords; logging in, switching user and locking.

Where a password lives:

* an **encrypted** database: the user's password *is* their key slot in the keys file beside the
  database (``services.unlock``/``storage.keyfile``): it unwraps the master key. A user without a
  slot cannot open the database. The keys file also lists the users' display names
  (``KeyFile.extra["users"]``) so the login window can offer them before the database is open —
  staff names only, never a child's.
* a **plain** database: an scrypt verifier in the ``user`` table (``password_verifier``: never
  sent in bundles). A plain database whose users have no password opens without login, as before.

Logging in sets ``Workspace.user_id``: every change written after it carries that user as its author
(the change log's ``author``), and bundles carry the author as written, so nobody is re-attributed
when laptops exchange. Login, switching, locking and unlocking are audit entries; no password, name
or ID number is ever logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.errors import RangtangError
from ..core.ids import new_id
from ..core.msg import N_
from ..core.vocab import USER_ROLE
from ..storage import database, keyfile, nodes
from ..storage.cipher import DatabaseKey
from ..storage.database import write_transaction
from ..storage.keyfile import WrongPassword
from . import audit, permissions, unlock
from .changes import Changes
from .workspace import Workspace, open_workspace

log = logging.getLogger(__name__)

audit.register_action("switch_user", N_("Switched user"))
audit.register_action("lock", N_("Locked the window"))
audit.register_action("unlock", N_("Unlocked the window"))
audit.register_action("logout", N_("Logged out"))

VERIFIER_N, VERIFIER_R, VERIFIER_P = keyfile.SCRYPT_N, keyfile.SCRYPT_R, keyfile.SCRYPT_P
KEYFILE_USERS = "users"  # KeyFile.extra: {user_id: display_name}


class NameMissing(RangtangError):
    headline = N_("Write the user's name.")
    advice = N_("Each person who uses this computer logs in under their own name.")


class UnknownRole(RangtangError):
    headline = N_("Choose the user's role.")
    advice = N_("A user is a child director, a grid worker or a township supervisor.")


class UnknownUser(RangtangError):
    headline = N_("This user is not a user of this computer.")
    advice = N_("Choose a name from the list, or ask the child director to add you.")


class UserSwitchedOff(RangtangError):
    headline = N_("This user has been switched off.")
    advice = N_("Ask the child director or the township supervisor to switch the user on again.")


class LastManager(RangtangError):
    headline = N_("This is the last user who can manage users.")
    advice = N_("Add another child director or township supervisor first.")


class NoPassword(RangtangError):
    headline = N_("This user has no password yet.")
    advice = N_("Ask the child director or the township supervisor to set a password for the user.")


@dataclass(frozen=True)
class UserInfo:
    user_id: str
    display_name: str
    role: str
    active: bool
    groups: tuple[str, ...]
    has_password: bool


@dataclass(frozen=True)
class Authenticated:
    """A checked login: the database key (``None`` for a plain database) and the user."""

    key: DatabaseKey | None
    user: nodes.User


# -- passwords ------------------------------------------------------------------------------------


def make_verifier(password: str) -> str:
    """An scrypt verifier: ``scrypt$n$r$p$salt$hash`` (base64), fresh salt."""
    salt = secrets.token_bytes(keyfile.SALT_BYTES)
    digest = _scrypt(password, salt, VERIFIER_N, VERIFIER_R, VERIFIER_P)
    b64 = base64.b64encode
    return f"scrypt${VERIFIER_N}${VERIFIER_R}${VERIFIER_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_verifier(verifier: str, password: str) -> bool:
    try:
        kind, n, r, p, salt, digest = verifier.split("$")
        n, r, p = int(n), int(r), int(p)
        salt, digest = base64.b64decode(salt), base64.b64decode(digest)
    except ValueError:
        return False
    if kind != "scrypt" or not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), digest)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        keyfile.normalise_password(password), salt=salt, n=n, r=r, p=p, maxmem=128 * r * n + 16 * 1024 * 1024, dklen=32
    )


# -- listing ---------------------------------------------------------------------------------------


def list_users(ws: Workspace, *, include_switched_off: bool = False) -> list[UserInfo]:
    """The users of this computer (not the authors received from other computers)."""
    slots = _slot_users(ws.path) if ws.encrypted else set()
    found = []
    for user in nodes.users(ws.db, local_only=True):
        row = nodes.user_row(ws.db, user.user_id) or {}
        active = bool(row.get("active", 1))
        if not active and not include_switched_off:
            continue
        has_password = user.user_id in slots if ws.encrypted else bool(row.get("password_verifier"))
        found.append(UserInfo(
            user.user_id, user.display_name, user.role, active, tuple(nodes.user_groups(ws.db, user.user_id)),
            has_password,
        ))
    return found


def current_user(ws: Workspace) -> UserInfo | None:
    return next((u for u in list_users(ws, include_switched_off=True) if u.user_id == ws.user_id), None)


def login_choices(path: str | Path) -> list[tuple[str, str]]:
    """(user_id, display name) of the users who can log in to the database at ``path``, before it
    is open: an encrypted database's key slots (named from its keys file), a plain database's users
    with a password. Empty when a plain database needs no login."""
    path = Path(path)
    if unlock.is_encrypted(path):
        keys = unlock.read_keys(path)
        names = keys.extra.get(KEYFILE_USERS) if isinstance(keys.extra.get(KEYFILE_USERS), dict) else {}
        return [(s.user_id, str(names.get(s.user_id, ""))) for s in keys.passwords]
    if str(path) == ":memory:" or not path.exists():
        return []
    db = database.connect(path)
    try:
        if "password_verifier" not in {c.name for c in db["user"].columns}:
            return []
        return [
            (r["user_id"], r["display_name"])
            for r in db.query(
                """SELECT user_id, display_name FROM user
                   WHERE home_node = '' AND active = 1 AND password_verifier != '' ORDER BY created_at"""
            )
        ]
    finally:
        db.close()


def needs_login(path: str | Path) -> bool:
    """Whether opening ``path`` asks who is there: always for an encrypted database, for a plain
    one once a user has a password."""
    return unlock.is_encrypted(path) or bool(login_choices(path))


# -- managing users -------------------------------------------------------------------------------


def _checked(name: str, role: str) -> str:
    name = name.strip()
    if not name:
        raise NameMissing()
    if role not in USER_ROLE.codes:
        raise UnknownRole()
    return name


def create_user(
    ws: Workspace, name: str, role: str, *, groups: list[str] | tuple[str, ...] = (), password: str | None = None,
) -> nodes.User:
    """Add a user of this computer (a director or supervisor does this), with their village groups
    and, if given, their password."""
    permissions.require(ws, "manage_users")
    name = _checked(name, role)
    if password is not None:
        keyfile.check_new_password(password)
    user = nodes.User(new_id(), name, role, "")
    with write_transaction(ws.db):
        nodes.add_user(ws.db, user)
        nodes.set_user_groups(ws.db, user.user_id, list(groups))
        audit.record(ws, "change", subject=("user", user.user_id), detail={"op": "add_user", "role": role})
    if password is not None:
        _store_password(ws, user.user_id, password)
    return user


def setup_first_user(ws: Workspace, name: str, password: str, *, role: str = "child_director") -> nodes.User:
    """The first run: name the workspace's own user (made with the database), give it a role and a
    password. For the first-run wizard; refused once any local user has a name."""
    if any(u.display_name for u in nodes.users(ws.db, local_only=True)):
        permissions.require(ws, "manage_users")
    name = _checked(name, role)
    keyfile.check_new_password(password)
    with write_transaction(ws.db):
        nodes.update_user(ws.db, ws.user_id, name, role)
        nodes.set_user_active(ws.db, ws.user_id, True)
    _store_password(ws, ws.user_id, password)
    return nodes.User(ws.user_id, name, role, "")


def rename_user(ws: Workspace, user_id: str, name: str, role: str) -> Changes:
    permissions.require(ws, "manage_users")
    name = _checked(name, role)
    _local(ws, user_id)
    with write_transaction(ws.db):
        if role not in permissions.MANAGERS:
            _keep_a_manager(ws, user_id)
        nodes.update_user(ws.db, user_id, name, role)
        audit.record(ws, "change", subject=("user", user_id), detail={"op": "edit_user", "role": role})
    if ws.encrypted:
        remember_name_in_keyfile(ws.path, user_id, name)
    return Changes(visits=True)


def set_groups(ws: Workspace, user_id: str, group_codes: list[str]) -> Changes:
    """The village groups (15-digit codes) a grid worker looks after."""
    permissions.require(ws, "manage_users")
    _local(ws, user_id)
    with write_transaction(ws.db):
        nodes.set_user_groups(ws.db, user_id, group_codes)
        audit.record(ws, "change", subject=("user", user_id), detail={"op": "user_groups", "count": len(set(group_codes))})
    return Changes(register=True, visits=True, flags=True)


def switch_off(ws: Workspace, user_id: str) -> Changes:
    """A user who left: kept (as the author of their changes), but they can no longer log in; an
    encrypted database's key slot is removed."""
    permissions.require(ws, "manage_users")
    _local(ws, user_id)
    with write_transaction(ws.db):
        _keep_a_manager(ws, user_id)
        nodes.set_user_active(ws.db, user_id, False)
        nodes.set_password_verifier(ws.db, user_id, "")
        audit.record(ws, "change", subject=("user", user_id), detail={"op": "switch_off_user"})
    if ws.encrypted:
        keys = unlock.read_keys(ws.path)
        keyfile.write(ws.path, replace(keys, passwords=tuple(s for s in keys.passwords if s.user_id != user_id)))
    return Changes(visits=True)


def set_password(ws: Workspace, user_id: str, password: str) -> None:
    """A user's new password: their own, or anyone's by a director or supervisor."""
    if user_id != ws.user_id:
        permissions.require(ws, "manage_users")
    keyfile.check_new_password(password)
    row = _local(ws, user_id)
    if not row["active"]:
        raise UserSwitchedOff()
    _store_password(ws, user_id, password)
    audit.record(ws, "change", subject=("user", user_id), detail={"op": "set_password"})


def _store_password(ws: Workspace, user_id: str, password: str) -> None:
    if ws.encrypted:
        unlock.set_password(ws.path, ws.key, user_id, password)
        row = nodes.user_row(ws.db, user_id)
        remember_name_in_keyfile(ws.path, user_id, row["display_name"] if row else "")
    else:
        verifier = make_verifier(password)
        with write_transaction(ws.db):
            nodes.set_password_verifier(ws.db, user_id, verifier)


def remember_name_in_keyfile(path: str | Path, user_id: str, name: str) -> None:
    """Name a key slot's user in the keys file, for the login window (an encrypted database only)."""
    keys = unlock.read_keys(path)
    names = dict(keys.extra.get(KEYFILE_USERS) or {})
    names[user_id] = name
    extra = {**keys.extra, KEYFILE_USERS: names}
    keyfile.write(path, replace(keys, extra=extra))


def _slot_users(path: str) -> set[str]:
    return {s.user_id for s in unlock.read_keys(path).passwords}


def _local(ws: Workspace, user_id: str) -> dict:
    row = nodes.user_row(ws.db, user_id)
    if row is None or row["home_node"]:
        raise UnknownUser()
    return row


def _keep_a_manager(ws: Workspace, leaving: str) -> None:
    others = [
        u for u in list_users(ws) if u.user_id != leaving and u.role in permissions.MANAGERS and u.active
    ]
    if not others:
        raise LastManager()


# -- logging in ----------------------------------------------------------------------------------


def authenticate(path: str | Path, user_id: str, password: str) -> Authenticated:
    """Check ``user_id``'s password for the database at ``path``: the key (encrypted) and the user.
    Raises ``WrongPassword``, ``PasswordNeeded``, ``UnknownUser``, ``UserSwitchedOff``, ``NoPassword``;
    nothing is written."""
    path = Path(path)
    if not password:
        raise keyfile.PasswordNeeded(path=str(path))
    if str(path) == ":memory:" or not path.exists():
        raise database.DatabaseMissing(path=str(path))
    key = unlock.unlock(path, password, user_id=user_id) if unlock.is_encrypted(path) else None
    db = database.connect(path, key)
    try:
        row = nodes.user_row(db, user_id)
        if row is None or row["home_node"]:
            raise UnknownUser()
        if not row.get("active", 1):
            raise UserSwitchedOff()
        if key is None:
            verifier = row.get("password_verifier") or ""
            if not verifier:
                raise NoPassword()
            if not check_verifier(verifier, password):
                log.info("a wrong password was given at login")
                raise WrongPassword()
        return Authenticated(key, nodes.User(row["user_id"], row["display_name"], row["role"], row["unit_code"]))
    finally:
        db.close()


def log_in(path: str | Path, user_id: str, password: str) -> Workspace:
    """Authenticate, open the workspace as that user and record the login."""
    checked = authenticate(path, user_id, password)
    ws = open_workspace(path, key=checked.key)
    try:
        ws.user_id = checked.user.user_id
        logged_in(ws)
    except BaseException:
        ws.close()
        raise
    return ws


def logged_in(ws: Workspace) -> None:
    """Record the login of ``ws.user_id`` (set from ``authenticate``)."""
    audit.record(ws, "login", detail={"via": "password"})


def _check_in_session(ws: Workspace, user_id: str, password: str) -> None:
    checked = authenticate(ws.path, user_id, password)
    if ws.key is not None and (checked.key is None or checked.key.key_id != ws.key.key_id):
        raise keyfile.KeyFileMismatch(keys=keyfile.path_for(ws.path).name)


def switch_user(ws: Workspace, user_id: str, password: str) -> Changes:
    """Another user takes over the open window (a shared village computer): their password is
    checked, the change is recorded, and from now on changes carry their name."""
    _check_in_session(ws, user_id, password)
    previous = ws.user_id
    ws.user_id = user_id
    audit.record(ws, "switch_user", detail={"from": previous})
    return Changes(register=True, visits=True, flags=True, settings=True)


def lock(ws: Workspace, *, idle: bool = True) -> None:
    """The window was covered (after idle time, or by hand)."""
    audit.record(ws, "lock", detail={"idle": idle})


def unlock_session(ws: Workspace, password: str) -> None:
    """The locked window opens again with the same user's password."""
    _check_in_session(ws, ws.user_id, password)
    audit.record(ws, "unlock")


def log_out(ws: Workspace) -> None:
    audit.record(ws, "logout")


__all__ = [
    "Authenticated",
    "LastManager",
    "NameMissing",
    "NoPassword",
    "UnknownRole",
    "UnknownUser",
    "UserInfo",
    "UserSwitchedOff",
    "authenticate",
    "create_user",
    "current_user",
    "list_users",
    "lock",
    "log_in",
    "log_out",
    "logged_in",
    "login_choices",
    "needs_login",
    "remember_name_in_keyfile",
    "rename_user",
    "set_groups",
    "set_password",
    "setup_first_user",
    "switch_off",
    "switch_user",
    "unlock_session",
]
