"""Starting the window: the QApplication with our fonts and translations, the database check, the
workspace, the runner and the main window; rebuilding the window when the user switches language;
the daily backup (at start-up, then checked every hour while the window is open); restoring a backup
(the database is closed, replaced and reopened, and the window rebuilt on it)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import settings
from ..core.errors import RangtangError
from ..i18n import _, current_language, set_language
from ..i18n.formatting import set_tibetan_digits
from ..paths import default_database
from ..services import audit, backups, restore, unlock, users
from ..services.workspace import Workspace, open_workspace
from ..storage import nodes
from .blocking import run_with_progress
from .dialogs.damaged_database import check_at_startup
from .dialogs.first_run import run_first_run
from .dialogs.login_dialog import ask_for_login
from .dialogs.unlock_dialog import ask_for_key
from .env import UiEnv
from .errors import show_error
from .fonts import apply_font
from .main_window import MainWindow
from .runner import TaskRunner
from .translator import CatalogTranslator
from .widgets.backups_box import BackupsBox

BACKUP_CHECK_MS = 60 * 60 * 1000  # the daily backup is looked at every hour; taken once a local day
STARTUP_BACKUP_MS = 15 * 1000  # after the pages' first loads (a township backup takes a few seconds)

log = logging.getLogger(__name__)


def prepare_application(lang: str | None = None) -> QApplication:
    """The QApplication, with language, digits, fonts and Qt's own strings set up."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Rangtang Desktop")
    app.setOrganizationName("Rangtang")
    app.setStyle("Fusion")
    prefs = settings.load()
    set_language(lang or settings.load_language())
    set_tibetan_digits(bool(prefs.get("tibetan_digits", False)))
    apply_language(app)
    return app


def apply_language(app: QApplication) -> None:
    old = getattr(app, "_rangtang_translator", None)
    if old is not None:
        app.removeTranslator(old)
    translator = CatalogTranslator(current_language(), app)
    app.installTranslator(translator)
    app._rangtang_translator = translator  # type: ignore[attr-defined]
    apply_font(app, current_language())


class Controller(QObject):
    """Owns the workspace, runner and window for one run of the program."""

    def __init__(self, app: QApplication, ws: Workspace, *, synchronous: bool = False):
        super().__init__()
        self.app = app
        self.synchronous = synchronous
        self._backup_warned = False
        self._attach(ws)
        self.window: MainWindow = self._build_window()
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.daily_backup)
        self.backup_timer.start()

    def _attach(self, ws: Workspace) -> None:
        self.ws = ws
        self.runner = TaskRunner(ws, synchronous=self.synchronous, on_error=lambda e: show_error(self.window, e))
        self.env = UiEnv(ws, self.runner, self._publish)

    def _build_window(self) -> MainWindow:
        window = MainWindow(self.env)
        window.language_chosen.connect(self.switch_language)
        for box in window.findChildren(BackupsBox):
            box.restore_chosen.connect(self.restore_backup)
        return window

    def _publish(self, changes) -> None:
        if changes:
            self.window.changes.emit(changes)

    def switch_language(self, lang: str) -> None:
        """Rebuild the window in the new language, on the same area."""
        area = self.window.current_area()
        geometry = self.window.geometry()
        set_language(lang)
        apply_language(self.app)
        self.env.forget_units()
        old = self.window
        self.window = self._build_window()
        self.window.setGeometry(geometry)
        self.window.show_area(area)
        self.window.show()
        old.close()
        old.deleteLater()

    def daily_backup(self) -> None:
        """Take the day's backup when there is none yet (on the runner)."""
        self.runner.run(backups.snapshot_if_due, on_done=self._backup_taken, on_error=self._backup_failed)

    def _backup_taken(self, snapshot) -> None:
        if snapshot is not None:
            for box in self.window.findChildren(BackupsBox):
                box.reload()

    def _backup_failed(self, error: BaseException) -> None:
        """A daily backup that failed is said once per run, not every hour."""
        log.warning("daily backup failed: %s", type(error).__name__)
        if not self._backup_warned:
            self._backup_warned = True
            show_error(self.window, error)

    def restore_backup(self, backup: Path) -> restore.RestoreResult | None:
        """Close the database, restore the (checked, confirmed) backup over it, reopen it and rebuild
        the window. A refused restore leaves the database as it was and reopens it all the same."""
        path, key, user_id = Path(self.ws.path), self.ws.key, self.ws.user_id
        area, geometry = self.window.current_area(), self.window.geometry()
        old = self.window
        old.hide()  # nothing may read the database while it is replaced
        self.backup_timer.stop()
        self.runner.shutdown()
        QCoreApplication.processEvents()  # the old runner's last answers, while their database is still open
        self.ws.close()
        result, failure = None, None
        try:
            result = run_with_progress(
                _("Restoring the backup…"), lambda: restore.restore(path, backup, key=key), synchronous=self.synchronous
            )
        except RangtangError as error:
            failure = error
        try:
            ws = open_workspace(path, key=key)
        except RangtangError as error:
            show_error(None, error)
            self.app.exit(2)
            return None
        if nodes.user_row(ws.db, user_id) is not None:
            ws.user_id = user_id  # the same user goes on (and stays the author of what they change)
        if result is not None:
            restore.record_restore(ws, result)
        self._attach(ws)
        self.window = self._build_window()
        self.window.setGeometry(geometry)
        self.window.show_area(area)
        self.window.show()
        old.close()
        old.deleteLater()
        self.backup_timer.start()
        if failure is not None:
            show_error(self.window, failure)
            return None
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(_("Restore a backup"))
        box.setText(_("The backup was restored and the database reopened."))
        box.setInformativeText(_("The database as it was before the restore is kept as the newest backup in the list."))
        box.exec()
        return result

    def shutdown(self) -> None:
        self.backup_timer.stop()
        self.runner.shutdown()
        self.ws.close()


def run_gui(db_path: Path | None = None) -> int:
    app = prepare_application()
    path = Path(db_path) if db_path else default_database()
    try:
        if db_path is None and not path.exists():  # this computer's first start: the wizard makes its database
            ws = run_first_run(path, path.parent)  # (or opens the demo beside it)
            if ws is None:
                return 0  # cancelled: nothing was created
        else:
            key, login = None, None
            if users.needs_login(path):  # who is there: their name and password (Cancel closes cleanly)
                login = ask_for_login(path)
                if login is None:
                    return 0
                key = login.key
            elif unlock.is_encrypted(path):  # its password first (Cancel closes the program cleanly)
                key = ask_for_key(path)
                if key is None:
                    return 0
            if not check_at_startup(path, key=key):  # damaged: restored from its newest good backup, or not opened
                return 2
            ws = open_workspace(path, key=key)
            if login is not None:
                ws.user_id = login.user.user_id  # every change from now on carries this user's name
                users.logged_in(ws)
        audit.opened(ws)  # the audit log's "open" (a "login" once users log in)
    except RangtangError as error:
        show_error(None, error)
        return 2
    controller = Controller(app, ws)
    sys.excepthook = lambda kind, error, tb: show_error(controller.window, error)
    controller.window.show()
    QTimer.singleShot(STARTUP_BACKUP_MS, controller.daily_backup)  # when today has no backup yet
    code = app.exec()
    controller.shutdown()
    return code
