"""The user's preferences on this computer (language, Tibetan digits, last folders), kept in a
small JSON file written atomically. County settings live in the database, not here."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .paths import config_dir


def settings_file() -> Path:
    return config_dir() / "settings.json"


def load() -> dict[str, Any]:
    try:
        value = json.loads(settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def save(values: dict[str, Any]) -> None:
    """Write all preferences atomically (temporary file, fsync, rename)."""
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(values, out, ensure_ascii=False, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def update(**changes: Any) -> None:
    values = load()
    values.update(changes)
    save(values)


def load_language() -> str:
    lang = load().get("language", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE
