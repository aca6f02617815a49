"""Where the shipped files are: fonts, reference data and compiled catalogs.

In a source checkout they sit beside the package (``resources/``, ``translations/``); in a wheel
they are inside it; in a PyInstaller build they are in the bundle folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _root_candidates() -> list[Path]:
    roots = [_PACKAGE / "_data", _PACKAGE.parent]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.insert(0, Path(bundle))
    return roots


def data_dir(name: str) -> Path:
    """The folder ``resources`` or ``translations``, wherever this installation keeps it."""
    for root in _root_candidates():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name


def resource(*parts: str) -> Path:
    return data_dir("resources").joinpath(*parts)
