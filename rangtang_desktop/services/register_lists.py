"""The register's lists: which households and people to show (filtered and ordered), and light
row snapshots for one page of them at a time. A grid worker's lists hold their village groups only
(``permissions.group_scope``)."""

from __future__ import annotations

import dataclasses

from ..storage import register as reg
from ..storage.register import ListFilter
from . import permissions
from .workspace import Workspace

__all__ = ["ListFilter", "household_ids", "household_rows", "person_ids", "person_rows", "counts"]


def _scoped(ws: Workspace, where: ListFilter) -> ListFilter:
    scope = permissions.group_scope(ws)
    return where if scope is None else dataclasses.replace(where, groups=tuple(sorted(scope)))


def household_ids(ws: Workspace, where: ListFilter) -> list[str]:
    return reg.household_ids(ws.db, _scoped(ws, where))


def household_rows(ws: Workspace, ids: list[str]) -> dict[str, dict]:
    return reg.household_rows(ws.db, ids, ws.today())


def person_ids(ws: Workspace, where: ListFilter) -> list[str]:
    return reg.person_ids(ws.db, _scoped(ws, where), ws.today())


def person_rows(ws: Workspace, ids: list[str]) -> dict[str, dict]:
    return reg.person_rows(ws.db, ids)


def counts(ws: Workspace) -> dict[str, int]:
    return reg.counts(ws.db, ws.today())
