"""Starting the window: the QApplication with our fonts and translations, the workspace, the
runner and the main window; rebuilding the window when the user switches language."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from .. import settings
from ..core.errors import RangtangError
from ..i18n import current_language, set_language
from ..i18n.formatting import set_tibetan_digits
from ..paths import default_database
from ..services.workspace import Workspace, open_workspace
from .env import UiEnv
from .errors import show_error
from .fonts import apply_font
from .main_window import MainWindow
from .runner import TaskRunner
from .translator import CatalogTranslator

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
        self.ws = ws
        self.runner = TaskRunner(ws, synchronous=synchronous, on_error=lambda e: show_error(self.window, e))
        self.env = UiEnv(ws, self.runner, self._publish)
        self.window: MainWindow = self._build_window()

    def _build_window(self) -> MainWindow:
        window = MainWindow(self.env)
        window.language_chosen.connect(self.switch_language)
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

    def shutdown(self) -> None:
        self.runner.shutdown()
        self.ws.close()


def run_gui(db_path: Path | None = None) -> int:
    app = prepare_application()
    path = Path(db_path) if db_path else default_database()
    try:
        if db_path is None:
            path.parent.mkdir(parents=True, exist_ok=True)
        ws = open_workspace(path, create=db_path is None)
    except RangtangError as error:
        show_error(None, error)
        return 2
    controller = Controller(app, ws)
    sys.excepthook = lambda kind, error, tb: show_error(controller.window, error)
    controller.window.show()
    code = app.exec()
    controller.shutdown()
    return code
