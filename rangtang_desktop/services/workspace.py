"""A workspace: one open database with this installation's node, the acting user and the name
variant table. Every service takes one as its first argument.

Opening a database that has no node yet creates one (with its signing and encryption keys), a local
user, and the county's reference units.

An encrypted database opens with a password (``services.unlock``: the keys file beside it turns the
password into the database's key) or with the key itself; a new database made with a password is
encrypted from its first byte. The workspace keeps the key, so a worker thread's connection
(``for_thread``) opens the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from ..core.dates import local_today, utc_now_text
from ..core.errors import NotOurDatabase
from ..core.ids import new_id
from ..core.names import VariantTable
from ..exchange.keys import generate_node_keys
from ..storage import database, keyfile, nodes, reference, search
from ..storage.changelog import ChangeLog
from ..storage.cipher import DatabaseKey
from ..storage.database import write_transaction
from . import unlock


@dataclass
class Workspace:
    db: sqlite_utils.Database
    path: str
    node_id: str
    user_id: str
    variants: VariantTable
    key: DatabaseKey | None = field(default=None, repr=False)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def today(self) -> date:
        return local_today()

    def changelog(self, *, bulk: bool = False) -> ChangeLog:
        return ChangeLog(self.db, self.node_id, self.user_id, bulk=bulk)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def for_thread(self) -> Workspace:
        """The same workspace on a new connection, for a worker thread."""
        return Workspace(
            database.connect(self.path, self.key), self.path, self.node_id, self.user_id, self.variants, self.key
        )


def open_workspace(
    path: str | Path, *, create: bool = False, password: str | None = None, key: DatabaseKey | None = None,
) -> Workspace:
    """Open a database (creating it if asked), set it up on first use, and return the workspace.

    An encrypted database needs ``password`` (or its ``key``): ``PasswordNeeded``, ``WrongPassword``,
    ``KeyFileMissing`` otherwise, and nothing is changed. A plain database ignores the password.
    With ``create`` and a password, a database that does not exist yet is made encrypted."""
    path = Path(path)
    new_user_id = ""
    if key is not None and not unlock.is_encrypted(path):
        if create and not path.exists():
            raise ValueError("a new encrypted database is made with a password (its keys file), not a bare key")
        key = None  # a plain database ignores a key, as it ignores a password
    if key is None:
        key = unlock.key_for(path, password)
        if key is None and password and create and str(path) != ":memory:" and not path.exists():
            key, new_user_id = DatabaseKey.generate(), new_id()
            keyfile.check_new_password(password)
            # the keys file first: a database that exists is never without one
            keyfile.write(path, keyfile.KeyFile(key.key_id).with_slot(
                keyfile.wrap_for_password(key, password, new_user_id, utc_now_text())
            ))
    try:
        db = _open(path, create, key)
    except BaseException:
        if new_user_id:  # nothing of the new database stays behind (it did not exist before)
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            keyfile.remove(path)
        raise
    try:
        variants = reference.name_variants()
        with write_transaction(db):
            node = nodes.self_node(db)
            if node is None:
                node_id = new_id()
                nodes.create_self_node(db, node_id, "village", "", generate_node_keys())
                reference.store_units(db, reference.shipped_units())
            else:
                node_id = node.node_id
            known = nodes.users(db, local_only=True)
            if known:
                user_id = known[0].user_id
            else:
                user_id = new_user_id or new_id()
                nodes.add_user(db, nodes.User(user_id, "", "child_director", ""))
            search.refresh_all_if_needed(db, variants)
        if key is not None:
            unlock.ensure_escrow(db, path, key)
    except BaseException:
        db.close()
        raise
    return Workspace(db, str(path), node_id, user_id, variants, key)


def _open(path, create: bool, key: DatabaseKey | None):
    try:
        return database.open_database(path, create=create, key=key)
    except NotOurDatabase:
        if key is not None and unlock.is_encrypted(path):  # the key opened its slot but not this file
            raise keyfile.KeyFileMismatch(keys=keyfile.path_for(path).name) from None
        raise
