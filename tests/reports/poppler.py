"""Helpers around poppler-utils (pdftoppm, pdffonts, pdftotext) for the PDF tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

MISSING = [tool for tool in ("pdftoppm", "pdffonts", "pdftotext") if shutil.which(tool) is None]
needs_poppler = pytest.mark.skipif(
    bool(MISSING),
    reason=f"poppler-utils not installed ({', '.join(MISSING)} missing): apt-get install poppler-utils (CI does)",
)


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def font_rows(pdf: Path) -> list[list[str]]:
    """pdffonts' table: one list of columns per font (the name first; emb, sub, uni near the end)."""
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    return [line.split() for line in lines if line.strip()]


def pdf_text(pdf: Path) -> str:
    """Everything pdftotext extracts, page after page."""
    return run("pdftotext", "-enc", "UTF-8", str(pdf), "-")


def squeeze(text: str) -> str:
    """The text without any whitespace (pdftotext puts line breaks where the lines were broken)."""
    return re.sub(r"\s+", "", text)


def rasterise(pdf: Path, out_dir: Path, dpi: int = 100) -> list[Path]:
    """Grey PNG of each page (``page-1.png`` …), rendered by pdftoppm."""
    run("pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(out_dir / "page"))
    return sorted(out_dir.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
