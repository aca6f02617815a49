"""The list of backups beside the database: when, why and how large each is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from ...core.dates import LOCAL_ZONE
from ...core.msg import N_
from ...i18n import _
from ...i18n.formatting import format_datetime, format_number
from ...services.backups import reason_label
from ...storage.snapshots import SnapshotFile
from .list_model import ListTableModel


def when_text(moment: datetime) -> str:
    """A backup's time, as the local date and time."""
    return format_datetime(moment.astimezone(LOCAL_ZONE))


def size_text(size: int) -> str:
    return _("{size} MB").format(size=format_number(round(size / 1024**2, 1)))


class BackupsModel(ListTableModel):
    COLUMNS = (("when", N_("When")), ("why", N_("Why")), ("size", N_("Size")))

    def text(self, row: SnapshotFile, key: str) -> str:
        if key == "when":
            return when_text(row.created)
        if key == "why":
            return _(reason_label(row.reason))
        return size_text(row.size)

    def role_data(self, row: SnapshotFile, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(row.path)
        return None
