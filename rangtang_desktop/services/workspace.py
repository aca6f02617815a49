"""A workspace: one open database with this installation's node, the acting user and the name
variant table. Every service takes one as its first argument.

Opening a database that has no node yet creates one (with its signing and encryption keys), a local
user, and the county's reference units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils

from ..core.dates import local_today
from ..core.ids import new_id
from ..core.names import VariantTable
from ..exchange.keys import generate_node_keys
from ..storage import nodes, reference, search
from ..storage.changelog import ChangeLog
from ..storage.database import connect, open_database, write_transaction


@dataclass
class Workspace:
    db: sqlite_utils.Database
    path: str
    node_id: str
    user_id: str
    variants: VariantTable

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
        return Workspace(connect(self.path), self.path, self.node_id, self.user_id, self.variants)


def open_workspace(path: str | Path, *, create: bool = False) -> Workspace:
    """Open a database (creating it if asked), set it up on first use, and return the workspace."""
    db = open_database(path, create=create)
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
                user_id = new_id()
                nodes.add_user(db, nodes.User(user_id, "", "child_director", ""))
            search.refresh_all_if_needed(db, variants)
    except BaseException:
        db.close()
        raise
    return Workspace(db, str(path), node_id, user_id, variants)
