"""Sizes that fit the screen: a village laptop may have 1366×768 pixels at 125% scaling, which
leaves a window about 1090×540 (logical) pixels."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

MARGIN = 40  # room for the title bar and the taskbar


def resize_to_fit(widget: QWidget, width: int, height: int) -> None:
    """``widget.resize(width, height)``, made smaller where the screen is smaller."""
    screen = widget.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width, height = min(width, available.width() - MARGIN), min(height, available.height() - MARGIN)
    widget.resize(width, height)
