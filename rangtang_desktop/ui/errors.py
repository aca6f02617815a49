"""The one place where exceptions become dialogs.

A ``RangtangError`` shows its translated headline and advice. Anything else is a bug: it is logged
with its traceback (never with register content), and the dialog offers to copy the details for the
township — nothing is ever sent anywhere.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ..core.errors import RangtangError
from ..i18n import _, render
from ..logs import log_file

log = logging.getLogger(__name__)


def error_texts(error: BaseException) -> tuple[str, str]:
    """Headline and advice for an error, in the current language."""
    if isinstance(error, RangtangError):
        return render(error.headline_message()), render(error.advice_message())
    return (
        _("An unexpected error occurred. What was saved before is safe."),
        _("Copy the details and show them to the township. Nothing was sent anywhere. Details are also in {path}.").format(
            path=log_file()
        ),
    )


def show_error(parent: QWidget | None, error: BaseException) -> None:
    headline, advice = error_texts(error)
    box = QMessageBox(parent)
    box.setWindowTitle(_("Rangtang Desktop"))
    box.setText(headline)
    box.setInformativeText(advice)
    if isinstance(error, RangtangError):
        box.setIcon(QMessageBox.Icon.Warning)
        log.info("user error shown: %s", type(error).__name__)
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        log.error("unexpected error: %s", details)
        copy = box.addButton(_("Copy details"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.exec()
    if not isinstance(error, RangtangError) and box.clickedButton() is copy:
        QApplication.clipboard().setText(details)
