"""The register's lists: which households and people to show (filtered and ordered), and light
row snapshots for one page of them at a time."""

from __future__ import annotations

from ..storage import register as reg
from ..storage.register import ListFilter
from .workspace import Workspace

__all__ = ["ListFilter", "household_ids", "household_rows", "person_ids", "person_rows", "counts"]


def household_ids(ws: Workspace, where: ListFilter) -> list[str]:
    return reg.household_ids(ws.db, where)


def household_rows(ws: Workspace, ids: list[str]) -> dict[str, dict]:
    return reg.household_rows(ws.db, ids, ws.today())


def person_ids(ws: Workspace, where: ListFilter) -> list[str]:
    return reg.person_ids(ws.db, where, ws.today())


def person_rows(ws: Workspace, ids: list[str]) -> dict[str, dict]:
    return reg.person_rows(ws.db, ids)


def counts(ws: Workspace) -> dict[str, int]:
    return reg.counts(ws.db, ws.today())
