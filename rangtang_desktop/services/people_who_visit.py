"""The people who visit households (grid workers, group leaders, the child director): listed as
users of this computer, and assigned to households so the worklist can be split between them."""

from __future__ import annotations

import dataclasses

from ..core.errors import ValidationFailed
from ..core.ids import new_id
from ..core.msg import N_, Message
from ..core.validation import Problem
from ..storage import nodes
from ..storage import register as reg
from ..storage.database import write_transaction
from .changes import Changes
from .workspace import Workspace


def visitors(ws: Workspace) -> list[nodes.User]:
    return nodes.users(ws.db, local_only=True)


def add_visitor(ws: Workspace, name: str, role: str, unit_code: str = "") -> nodes.User:
    name = name.strip()
    if not name:
        raise ValidationFailed([Problem("display_name", "error", Message(N_("Write the person's name.")))])
    user = nodes.User(new_id(), name, role, unit_code)
    with write_transaction(ws.db):
        nodes.add_user(ws.db, user)
    return user


def rename_visitor(ws: Workspace, user_id: str, name: str, role: str) -> Changes:
    name = name.strip()
    if not name:
        raise ValidationFailed([Problem("display_name", "error", Message(N_("Write the person's name.")))])
    with write_transaction(ws.db):
        nodes.update_user(ws.db, user_id, name, role)
    return Changes(visits=True)


def assign(ws: Workspace, household_ids: list[str], user_id: str) -> Changes:
    """Make ``user_id`` (or nobody, with "") the visitor of these households, through the change log."""
    with write_transaction(ws.db):
        log = ws.changelog()
        for household_id in household_ids:
            household = reg.get(ws.db, "household", household_id)
            if household.assigned_worker != user_id:
                log.write(dataclasses.replace(household, assigned_worker=user_id), household)
    return Changes(register=True, visits=True)
