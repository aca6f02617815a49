"""Work that must run while no database connection is open (restoring a backup replaces the file):
the runner is shut down then, so the work runs on a thread of its own while a progress dialog
keeps the window alive; the caller waits for the result. Tests run it inline."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget


def run_with_progress(text: str, fn: Callable[..., Any], *args, synchronous: bool = False, parent: QWidget | None = None) -> Any:
    """``fn(*args)`` off the UI thread behind a busy dialog saying ``text``; its result, or its error raised here."""
    if synchronous:
        return fn(*args)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = fn(*args)
        except BaseException as error:  # raised again on the UI thread
            outcome["error"] = error

    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.show()
    thread = threading.Thread(target=work, name="rangtang-restore")
    thread.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: None if thread.is_alive() else loop.quit())
    timer.start(100)
    loop.exec()
    timer.stop()
    thread.join()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
