"""The Qt binding itself is sound: PySide6-Essentials 6.12.0 leaked references to None on
Python 3.11 (every Qt method returning nothing took one), which aborted the program after a few
thousand calls ("Fatal Python error: none_dealloc"). pyproject excludes it; this test catches a
binding with the same fault."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont


def test_void_qt_calls_keep_none_alive():
    """Calling a Qt method that returns nothing does not change None's reference count."""
    font = QFont()
    before = sys.getrefcount(None)
    for _ in range(2000):
        font.setBold(True)
    assert abs(sys.getrefcount(None) - before) < 50
