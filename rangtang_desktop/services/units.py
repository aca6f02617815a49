"""Townships, villages and village groups: listing them and loading the county's village list."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import RangtangError
from ..core.msg import N_
from ..storage import reference
from ..storage.database import write_transaction
from .workspace import Workspace


class UnreadableFile(RangtangError):
    headline = N_("The file {path} cannot be read.")
    advice = N_("Check that the file exists and is a CSV file saved as UTF-8, then try again.")


def list_units(ws: Workspace, level: str | None = None, parent: str | None = None) -> list[reference.Unit]:
    return reference.units(ws.db, level, parent)


def unit_names(ws: Workspace) -> dict[str, reference.Unit]:
    return reference.unit_names(ws.db)


def load_units(ws: Workspace, path: Path) -> int:
    """Load a units CSV (the county's village list); all or nothing."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(path=str(path)) from exc
    units = reference.parse_units(text)
    with write_transaction(ws.db):
        return reference.store_units(ws.db, units)


