"""The "Backups" group of the settings page: the backups kept beside the database (when, why, how
large), backing up now to a USB stick or folder, and restoring a backup (``RestoreDialog``; the
controller closes and reopens the database around the restore itself)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...drives import removable_drives
from ...i18n import _
from ...i18n.formatting import format_number
from ...services import backups
from ...storage.snapshots import folder_for
from ..dialogs.restore_dialog import RestoreDialog
from ..env import UiEnv
from ..errors import show_error
from ..models.backups_model import BackupsModel, size_text
from .stick_folder import remembered_folder
from .tables import row_view


class BackupsBox(QGroupBox):
    restore_chosen = Signal(object)  # the backup file (Path) the user confirmed

    def __init__(self, env: UiEnv, parent: QWidget | None = None):
        super().__init__(_("Backups"), parent)
        self.env = env
        self.setObjectName("backups")
        self.dialog: RestoreDialog | None = None
        self.policy = QLabel(
            _(
                "A backup is made every day and before each import, merge of duplicates, upgrade and restore. "
                "Kept: the newest of each of the last {days} days, one a week for {weeks} weeks, and the {before} "
                "newest made before an operation."
            ).format(
                days=format_number(backups.KEEP_DAYS), weeks=format_number(backups.KEEP_WEEKS),
                before=format_number(backups.KEEP_BEFORE),
            )
        )
        self.policy.setWordWrap(True)
        self.model = BackupsModel(self)
        self.table = row_view("backup_list", self.model)
        self.table.setMinimumHeight(150)
        self.summary = QLabel()
        self.summary.setObjectName("backups_summary")
        self.summary.setWordWrap(True)
        self.to_usb = QPushButton(_("Back up now to a USB stick or folder…"))
        self.to_usb.setObjectName("backup_to_usb")
        self.to_usb.clicked.connect(self.back_up_to_folder)
        self.restore_button = QPushButton(_("Restore…"))
        self.restore_button.setObjectName("restore_backup")
        self.restore_button.clicked.connect(self.open_restore)
        buttons = QHBoxLayout()
        buttons.addWidget(self.to_usb)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.policy)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        found = backups.list_backups(self.env.ws.path) if self.env.ws.path != ":memory:" else []
        self.model.set_rows(found)
        if found:
            self.summary.setText(
                _("{count} backups, {size} in all, in {folder}").format(
                    count=format_number(len(found)), size=size_text(sum(s.size for s in found)),
                    folder=folder_for(self.env.ws.path),
                )
            )
        else:
            self.summary.setText(_("No backups yet."))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.reload()

    def _start_folder(self) -> str:
        for drive in removable_drives():
            if drive.writable:
                return str(drive.path)
        return str(remembered_folder() or Path.home())

    def back_up_to_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the USB stick or folder for the backup"), self._start_folder())
        if not chosen:
            return
        self.to_usb.setEnabled(False)
        self.env.runner.run(backups.back_up_to, Path(chosen), on_done=self._backed_up, on_error=self._failed)

    def _backed_up(self, result: backups.BackupCopy) -> None:
        self.to_usb.setEnabled(True)
        self.reload()
        QMessageBox.information(
            self, _("Backups"),
            _("The backup was saved on the USB stick or folder as {path} ({size}).").format(
                path=result.copy, size=size_text(result.snapshot.size)
            ),
        )

    def _failed(self, error: BaseException) -> None:
        self.to_usb.setEnabled(True)
        self.reload()
        show_error(self, error)

    def open_restore(self) -> RestoreDialog:
        self.dialog = RestoreDialog(self.env, self)
        self.dialog.restore_chosen.connect(self.restore_chosen)
        self.dialog.open()
        return self.dialog
