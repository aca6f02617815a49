"""At start-up, before the database is opened: its check (``services.restore.integrity_at_startup``),
and when it fails, a dialog that explains and offers to restore the newest good backup instead of
opening the damaged file. The damaged file is never deleted: the restore keeps it beside the database
under a new name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from ...core.errors import RangtangError
from ...i18n import _
from ...services import restore
from ...services.backups import reason_label
from ...storage.cipher import DatabaseKey
from ..blocking import run_with_progress
from ..errors import show_error
from ..models.backups_model import when_text


def offer_restore(parent: QWidget | None, health: restore.StartupHealth) -> bool:
    """Ask whether to restore the newest good backup; True for yes."""
    snapshot = health.newest_good
    assert snapshot is not None
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Rangtang Desktop"))
    box.setText(_("The database file is damaged: {path}").format(path=health.path))
    box.setInformativeText(
        _(
            "The newest good backup is from {when} ({why}). Restore it and open the program? The damaged file is "
            "not deleted: it stays beside the database under a new name, for the township. Whatever was entered "
            "after the backup has to be entered again."
        ).format(when=when_text(snapshot.created), why=_(reason_label(snapshot.reason)))
    )
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Ok).setText(_("Restore the backup"))
    box.button(QMessageBox.StandardButton.Cancel).setText(_("Close the program"))
    box.setObjectName("damaged_database")
    return box.exec() == QMessageBox.StandardButton.Ok


def check_at_startup(
    path: Path, parent: QWidget | None = None, *, key: DatabaseKey | None = None, synchronous: bool = False
) -> bool:
    """Whether the database may be opened: it passed its check, or the user restored its newest good
    backup. False (after saying why) when it is damaged and stays so. ``key``: an encrypted
    database's, once it is unlocked."""
    health = restore.integrity_at_startup(path, key)
    if health.ok:
        return True
    if health.newest_good is None:
        show_error(parent, restore.DamagedWithoutBackup(path=str(path)))
        return False
    if not offer_restore(parent, health):
        return False
    try:
        result = run_with_progress(
            _("Restoring the backup…"), lambda: restore.restore(path, health.newest_good.path, key=key),
            synchronous=synchronous, parent=parent,
        )
    except RangtangError as error:
        show_error(parent, error)
        return False
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(_("Rangtang Desktop"))
    box.setText(_("The backup was restored."))
    box.setInformativeText(_("The damaged file is kept as {path}.").format(path=result.kept))
    box.exec()
    return True
