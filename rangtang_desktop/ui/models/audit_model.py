"""The audit log as a lazy table (``services.audit``): newest first, when, who, what, which record
(a neutral label and the household number — never a name or an ID number) and on which computer.
Row snapshots are fetched a page at a time, so a township's log of hundreds of thousands of entries
scrolls like the register."""

from __future__ import annotations

from ...core.msg import N_
from ...i18n import _
from ...services import audit
from ...services.workspace import Workspace
from ..labels import utc_text_to_local
from .lazy_table import Column, LazyTableModel


def _who(row: dict) -> str:
    return row.get("user") or _("User {id}").format(id=row.get("user_id", "")[:8])


def _action(row: dict) -> str:
    label = row.get("action_label")
    return _(label) if label else row.get("action", "")


def _record(row: dict) -> str:
    label = row.get("record_label")
    text = _(label) if label else ""
    number = row.get("household_number") or ""
    if number:
        return _("{record}, household {number}").format(record=text, number=number) if text else number
    return text


def _tooltip(row: dict) -> str:
    return _("Entry {seq} of {computer}").format(seq=row.get("seq", ""), computer=row.get("computer", ""))


COLUMNS = [
    Column("at", N_("When"), lambda r: utc_text_to_local(r.get("at", "")), _tooltip),
    Column("user", N_("Who"), _who),
    Column("action", N_("Action"), _action),
    Column("record", N_("Record"), _record),
    Column("computer", N_("Computer"), lambda r: r.get("computer", "")),
]


class AuditModel(LazyTableModel):
    def __init__(self, ws: Workspace, parent=None):
        super().__init__(COLUMNS, lambda keys: audit.entry_rows(ws, keys), parent)
