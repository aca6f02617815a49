"""Saving a printed document and opening it in the system's PDF viewer (to print or look at),
and running a batch with a progress bar that can be cancelled. The PDFs themselves are made by
``services/printing.py`` on the runner."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from .. import settings
from ..i18n import _
from .env import UiEnv
from .errors import show_error


def print_folder() -> Path:
    """Where documents are saved: the last folder used, or Documents/RangtangDesktop."""
    remembered = settings.load().get("print_folder")
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(documents) / "RangtangDesktop"


def remember_folder(folder: Path) -> None:
    settings.update(print_folder=str(folder))


def open_document(path: Path) -> None:
    """Show a PDF in the system's viewer, from where it can be printed."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def choose_file(parent: QWidget, suggested_name: str, *, suffix: str = ".pdf") -> Path | None:
    """Ask where to save a document (a PDF, or the upload package's .zip), starting in the folder
    used last time; the suffix is added when the user leaves it out."""
    folder = print_folder()
    folder.mkdir(parents=True, exist_ok=True)
    kinds = _("PDF documents (*.pdf)") if suffix == ".pdf" else _("Zip files (*.zip)")
    path, _filter = QFileDialog.getSaveFileName(parent, _("Save the document"), str(folder / suggested_name), kinds)
    if not path:
        return None
    chosen = Path(path if path.lower().endswith(suffix) else path + suffix)
    remember_folder(chosen.parent)
    return chosen


def make_and_open(env: UiEnv, parent: QWidget, path: Path, function: Callable[..., Any], *args, **kwargs) -> None:
    """Make a document (``function(ws, *args, **kwargs)`` writes ``path``) on the runner, then open it."""
    env.runner.run(
        function, *args, **kwargs,
        on_done=lambda result: open_document(path), on_error=lambda error: show_error(parent, error),
    )


class _Relay(QObject):
    """Carries progress from the worker thread to the progress dialog (signals cross threads)."""

    progress = Signal(int, int)


def run_batch(env: UiEnv, parent: QWidget, function: Callable[..., Any], *args, on_done=None, **kwargs) -> QProgressDialog:
    """Run a long batch (a month of visit sheets) with a progress bar and a Cancel button; the
    batch checks ``cancelled()`` between documents and reports ``progress(done, total)``."""
    dialog = QProgressDialog(_("Making the documents…"), _("Cancel"), 0, 0, parent)
    dialog.setObjectName("batch_progress")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    stop = threading.Event()
    relay = _Relay(dialog)

    def show(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    relay.progress.connect(show)
    dialog.canceled.connect(stop.set)

    def finished(result: Any) -> None:
        dialog.reset()
        dialog.close()
        if on_done is not None:
            on_done(result)

    def failed(error: BaseException) -> None:
        dialog.close()
        show_error(parent, error)

    env.runner.run(
        function, *args, progress=relay.progress.emit, cancelled=stop.is_set, **kwargs,
        on_done=finished, on_error=failed,
    )
    dialog.show()
    return dialog
