"""Logging to a rotating file in the user's log folder.

Never log names, ID numbers or any other content of the register: log events, record ids and
error types only. Nothing is ever sent anywhere.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .paths import log_dir

_configured: dict[str, Path] = {}


def log_file() -> Path:
    return _configured.get("file") or (log_dir() / "rangtang-desktop.log")


def setup_logging(level: int = logging.INFO) -> None:
    """Send the package's log records to the log file (once per process)."""
    if _configured:
        return
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package_log = logging.getLogger("rangtang_desktop")
    package_log.addHandler(handler)
    package_log.setLevel(level)
    _configured["file"] = path
