"""Where bundles are written and read: the USB sticks the system has mounted, the folder used last
time (remembered in the settings), or any folder the user picks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QPushButton, QWidget

from ... import settings
from ...drives import Drive, removable_drives
from ...i18n import _
from ...i18n.formatting import format_number

SETTING = "exchange_folder"


def remembered_folder() -> Path | None:
    value = settings.load().get(SETTING)
    return Path(value) if value and Path(value).is_dir() else None


def drive_text(drive: Drive) -> str:
    free = format_number(round(drive.free_bytes / 1024**3, 1))
    text = _("USB stick {name} ({free} GB free)").format(name=drive.label, free=free)
    return text if drive.writable else text + " — " + _("write-protected")


class StickFolder(QWidget):
    """A combo box of places plus buttons to look for sticks again and to pick another folder."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setObjectName("stick_folder")
        self.combo.setMinimumContentsLength(30)
        self.combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.refresh_button = QPushButton(_("Look for USB sticks again"))
        self.refresh_button.setObjectName("find_sticks")
        self.refresh_button.clicked.connect(self.refresh)
        self.pick_button = QPushButton(_("Choose another folder…"))
        self.pick_button.setObjectName("choose_folder")
        self.pick_button.clicked.connect(self._pick)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.refresh_button)
        layout.addWidget(self.pick_button)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.folder()
        self.combo.blockSignals(True)
        self.combo.clear()
        drives = removable_drives()
        for drive in drives:
            self.combo.addItem(drive_text(drive), str(drive.path))
        last = remembered_folder()
        if last is not None and self.combo.findData(str(last)) < 0:
            self.combo.addItem(_("Folder used last time: {path}").format(path=last), str(last))
        if not self.combo.count():
            self.combo.addItem(_("No USB stick found: plug one in, or choose a folder"), "")
        index = self.combo.findData(str(chosen)) if chosen else -1
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(False)
        self.changed.emit()

    def folder(self) -> Path | None:
        value = self.combo.currentData() if hasattr(self, "combo") else None
        return Path(value) if value else None

    def set_folder(self, folder: Path) -> None:
        """Use this folder (and remember it for next time)."""
        settings.update(**{SETTING: str(folder)})
        index = self.combo.findData(str(folder))
        if index < 0:
            self.combo.addItem(_("Folder: {path}").format(path=folder), str(folder))
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def remember(self) -> None:
        folder = self.folder()
        if folder is not None:
            settings.update(**{SETTING: str(folder)})

    def _pick(self) -> None:
        start = str(self.folder() or remembered_folder() or Path.home())
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder on the USB stick"), start)
        if chosen:
            self.set_folder(Path(chosen))
