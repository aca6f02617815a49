"""The first start of the program on a new computer (issue 8 part 3): the encrypted database of this
installation, made in one step from what the first-run wizard asked — the computer's role (village
or township), its village or township, the first user and their password — or the village demo.

``create_installation`` builds the database under hidden names beside the final one (the keys file
first, then the encrypted database with its node keys, reference units, node unit, user and an audit
entry), closes it, and only then renames the two into place, keys file first: a database that
exists is never without its keys file. If anything fails on the way, the hidden files are removed,
so no half-made database or keys file is left. No password or name is ever logged.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from pathlib import Path

from ..core.errors import FileExists, RangtangError, UnknownUnit
from ..core.msg import N_
from ..core.vocab import USER_ROLE
from ..storage import keyfile, nodes, reference
from ..storage.database import write_transaction
from ..storage.reference import Unit
from . import audit, unlock, users
from .demo import DEMO_PASSWORD, build_demo
from .workspace import Workspace, open_workspace

log = logging.getLogger(__name__)

ROLES = ("village", "township")
DEFAULT_USER_ROLE = {"village": "child_director", "township": "township_supervisor"}
MAX_USER_NAME = 80
DEMO_FILE = "demo-village.sqlite3"


class UserNameNeeded(RangtangError):
    headline = N_("The first user needs a name.")
    advice = N_("Type the name of the person who will use this computer, then try again.")


def known_units(extra: list[Unit] | tuple[Unit, ...] = ()) -> list[Unit]:
    """The units the wizard offers: the shipped reference list and a loaded county list (which wins
    for the same code), current ones only."""
    by_code = {u.code: u for u in reference.shipped_units()}
    by_code.update({u.code: u for u in extra})
    return [u for u in sorted(by_code.values(), key=lambda u: u.code) if not u.valid_to]


def read_unit_list(path: str | Path) -> list[Unit]:
    """The county's village list from a CSV file, read before any database exists (the wizard
    stores it in the new database). ``UnreadableFile`` or ``BadReferenceFile``."""
    from .units import UnreadableFile

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(path=str(path)) from exc
    return reference.parse_units(text)


def matches(unit: Unit, query: str) -> bool:
    """Whether ``query`` (part of a Chinese or Tibetan name, an old name, or of the code) finds ``unit``."""
    query = query.strip().lower()
    if not query:
        return True
    return any(query in text.lower() for text in (unit.code, unit.name_zh, unit.name_bo, *unit.aliases))


def create_installation(
    path: str | Path, role: str, unit_code: str, user_name: str, user_role: str, password: str, *,
    units: list[Unit] | tuple[Unit, ...] = (),
) -> Workspace:
    """Create this computer's encrypted database at ``path`` (module docstring) and return it open.
    ``units``: a county list loaded in the wizard, stored with the shipped one. Raises
    ``PasswordTooShort``, ``UserNameNeeded``, ``UnknownUnit``, ``FileExists``; nothing is left
    behind when it fails."""
    path = Path(path)
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    if user_role not in USER_ROLE:
        raise ValueError(f"unknown user role: {user_role}")
    keyfile.check_new_password(password)
    name = user_name.strip()[:MAX_USER_NAME]
    if not name:
        raise UserNameNeeded()
    chosen = next((u for u in known_units(units) if u.code == unit_code), None)
    if chosen is None or chosen.level != role:
        raise UnknownUnit(code=unit_code)
    if path.exists():
        raise FileExists(path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")
    try:
        with open_workspace(temp, create=True, password=password) as ws:
            key = ws.key
            with write_transaction(ws.db):
                if units:
                    reference.store_units(ws.db, list(units))
                nodes.set_node_unit(ws.db, role, unit_code)
                nodes.update_user(ws.db, ws.user_id, name, user_role)
                audit.record(ws, "setup", detail={"role": role, "unit": unit_code, "user_role": user_role})
            users.remember_name_in_keyfile(temp, ws.user_id, name)  # the login window lists it before opening
            ws.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if path.exists():  # made meanwhile by another start of the program
            raise FileExists(path=str(path))
        keyfile.path_for(temp).replace(keyfile.path_for(path))  # the keys file first
        temp.replace(path)
        keyfile.sync_folder(path.parent)
    except BaseException:
        _remove(temp)
        if not path.exists():
            keyfile.remove(path)
        raise
    log.info("this computer was set up (%s)", role)
    return open_workspace(path, key=key)


def _remove(temp: Path) -> None:
    for name in (temp.name, f"{temp.name}-wal", f"{temp.name}-shm", f"{temp.name}-journal", keyfile.path_for(temp).name):
        with contextlib.suppress(OSError):
            temp.with_name(name).unlink()


def demo_database(folder: str | Path) -> Path:
    """The village demo in ``folder`` (the user data folder), built on first use with the password
    ``demo``; returns its path."""
    path = Path(folder) / DEMO_FILE
    if not path.exists():
        Path(folder).mkdir(parents=True, exist_ok=True)
        build_demo(path, "village", password=DEMO_PASSWORD)
    return path


def open_demo(folder: str | Path) -> Workspace:
    """Build (if needed) and open the village demo in ``folder``."""
    path = demo_database(folder)
    return open_workspace(path, key=unlock.key_for(path, DEMO_PASSWORD))


__all__ = [
    "DEFAULT_USER_ROLE",
    "DEMO_FILE",
    "ROLES",
    "UserNameNeeded",
    "create_installation",
    "demo_database",
    "known_units",
    "matches",
    "open_demo",
    "read_unit_list",
]
