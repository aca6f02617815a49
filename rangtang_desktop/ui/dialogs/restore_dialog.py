"""Restoring a backup, step by step: choose a backup (from the list beside the database, or a file
on a USB stick), see it checked (``services.restore.check_backup``: integrity, this computer's own,
not from a newer version), confirm. Nothing changes before the confirmation; then the dialog hands
the file to the controller, which closes the database, restores and reopens it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import _
from ...i18n.formatting import format_number
from ...services import backups
from ...services.restore import BackupCheck, check_backup
from ..env import UiEnv
from ..errors import error_texts
from ..models.backups_model import BackupsModel, when_text
from ..screen import resize_to_fit
from ..widgets.tables import row_view


def _check(ws, path: Path) -> BackupCheck:
    return check_backup(ws.path, path, key=ws.key)


def check_when(check: BackupCheck) -> str:
    """When the checked backup was taken (its label; the file's time for an unlabelled copy)."""
    try:
        return when_text(datetime.fromisoformat(check.description.created))
    except ValueError:
        return when_text(datetime.fromtimestamp(check.path.stat().st_mtime).astimezone())


class RestoreDialog(QDialog):
    restore_chosen = Signal(object)  # the backup file (Path), after the user confirmed

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(parent)
        self.env = env
        self.check: BackupCheck | None = None
        self.setObjectName("restore_dialog")
        self.setWindowTitle(_("Restore a backup"))
        resize_to_fit(self, 640, 480)
        intro = QLabel(
            _(
                "Choose a backup. It is checked first, and nothing changes until you confirm. The database as it is "
                "now is kept as a backup, so a restore can be undone."
            )
        )
        intro.setWordWrap(True)
        self.model = BackupsModel(self)
        self.model.set_rows(backups.list_backups(env.ws.path) if env.ws.path != ":memory:" else [])
        self.table = row_view("restore_list", self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self._row_chosen(current.row()))
        self.other_file = QPushButton(_("Choose a backup file, for example on a USB stick…"))
        self.other_file.setObjectName("restore_other_file")
        self.other_file.clicked.connect(self._pick_file)
        self.result = QLabel(_("Choose a backup to check it."))
        self.result.setObjectName("restore_check")
        self.result.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton(_("Restore…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("confirm_restore")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.confirm)
        cancel = self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(_("1. Choose the backup")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.other_file)
        layout.addWidget(QLabel(_("2. Its check")))
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.choose(self.model.row_at(row).path)

    def _pick_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a backup file"), "", _("Backups (*.sqlite3);;All files (*)")
        )
        if path:
            self.table.clearSelection()
            self.choose(Path(path))

    def choose(self, path: Path) -> None:
        """Check this backup (on the runner); the restore button waits for the result."""
        self.check = None
        self.restore_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(_("Checking {file}…").format(file=Path(path).name))
        self.env.runner.run(_check, Path(path), on_done=self._checked, on_error=self._refused)

    def _checked(self, check: BackupCheck) -> None:
        self.check = check
        lines = [
            _("The backup of {when} passed its check ({why}, data version {version}).").format(
                when=check_when(check), why=_(backups.reason_label(check.description.reason)),
                version=format_number(check.identity.schema_version),
            )
        ]
        if check.upgrade_needed:
            lines.append(_("It was made by an older version of the program; it is brought up to date when it is opened."))
        if check.other_computer:
            lines.append(
                _("It was made on another computer. This database holds nothing yet, so this computer takes its place.")
            )
        self.result.setStyleSheet("color: #1b5e20;")
        self.result.setText("\n".join(lines))
        self.restore_button.setEnabled(True)

    def _refused(self, error: BaseException) -> None:
        headline, advice = error_texts(error)
        self.result.setStyleSheet("color: #b00020;")
        self.result.setText(f"{headline}\n{advice}")

    def confirm(self) -> bool:
        """Ask once more; on yes, hand the backup to the controller and close."""
        if self.check is None:
            return False
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Restore a backup"))
        box.setText(_("Restore the backup of {when}?").format(when=check_when(self.check)))
        box.setInformativeText(
            _(
                "Whatever was entered on this computer after that time will be gone from the database. The "
                "database as it is now is kept as a backup first, so this can be undone. The program reopens "
                "the database afterwards."
            )
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Ok).setText(_("Restore"))
        box.button(QMessageBox.StandardButton.Cancel).setText(_("Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Ok:
            return False
        self.accept()
        self.restore_chosen.emit(self.check.path)
        return True
