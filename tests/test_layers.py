"""The layers below the window never import Qt (DESIGN §2; STYLE habit 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import rangtang_desktop

PACKAGE_DIR = Path(rangtang_desktop.__file__).resolve().parent
REQUIRED = ("core", "storage", "services", "exchange", "reports", "i18n")
OPTIONAL: tuple[str, ...] = ()

PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "PySide6" or m.startswith("PySide6."))))
"""


def module_names() -> list[str]:
    """The packages below the UI and every module file inside them."""
    names = []
    for package in REQUIRED + OPTIONAL:
        folder = PACKAGE_DIR / package
        if package in OPTIONAL and not folder.is_dir():
            continue
        names.append(f"rangtang_desktop.{package}")
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names.append(".".join(("rangtang_desktop", *parts)))
    return list(dict.fromkeys(names))


def test_every_module_is_found():
    """The module list covers the required packages and their modules (guarding the test itself)."""
    names = module_names()
    for package in REQUIRED:
        assert f"rangtang_desktop.{package}" in names
    assert "rangtang_desktop.storage.changelog" in names
    assert not any(".ui" in name for name in names)


def test_lower_layers_import_without_pyside6():
    """Importing core, storage, services, exchange, reports and i18n with all their modules loads no PySide6."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(module_names())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
