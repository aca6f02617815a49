"""Folders of this installation: user data (the default database), settings and logs.

Portable mode (a file named ``portable.txt`` beside the program) keeps everything next to it,
for machines without install rights: ``data/`` (the database and its ``backups/``), ``config/`` and
``logs/`` beside the executable of the built program. ``RANGTANG_HOME`` does the same for any folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

APP = "RangtangDesktop"


def _portable_root() -> Path | None:
    """The built program's folder when ``portable.txt`` is in it (the folders go inside it)."""
    base = Path(sys.executable).resolve().parent if getattr(sys, "frozen", False) else None
    if base is not None and (base / "portable.txt").exists():
        return base
    return None


def _override() -> Path | None:
    value = os.environ.get("RANGTANG_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    root = _override() or _portable_root()
    return (root / "data") if root else user_data_path(APP, appauthor=False)


def config_dir() -> Path:
    root = _override() or _portable_root()
    return (root / "config") if root else user_config_path(APP, appauthor=False)


def log_dir() -> Path:
    root = _override() or _portable_root()
    return (root / "logs") if root else user_log_path(APP, appauthor=False)


def default_database() -> Path:
    return data_dir() / "rangtang.sqlite3"
