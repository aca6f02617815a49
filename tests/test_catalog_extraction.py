"""Every translatable string is where babel can find it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "rangtang_desktop"


def _calls_inside_fstrings(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in ("_", "N_")
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    lines.append(inner.lineno)
    return lines


def test_no_translation_calls_inside_fstrings():
    """babel's extractor cannot see _("literal") inside an f-string on Python 3.11, so such strings would never reach the catalogs."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line in _calls_inside_fstrings(ast.parse(path.read_text(encoding="utf-8"))):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    assert not found, "translation calls inside f-strings: " + ", ".join(found)
