"""Screenshots of every area and of the main dialogs as a small laptop shows them: a 1366×768 screen
at 125 % scaling, the window maximized above the Windows taskbar. For looking at, not a test.

    QT_SCALE_FACTOR=1.25 .venv/bin/python tests/benchmarks/screenshots.py --db DEMO.sqlite3 --out DIR

Qt runs offscreen with a screen of the given size (``--screen``, physical pixels); the window gets
the client area a maximized window has there (``--taskbar`` and ``--title-bar``, logical pixels of
Windows 10/11). Dialogs open at the size they ask for, then, like on Windows, are limited to the
screen: a dialog taller than the space left says so in ``sizes.json``. The database is copied first.
Writes ``<lang>_<area>.png`` and ``<lang>_dialog_<name>.png`` (physical pixels) and ``sizes.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def configure_screen(width: int, height: int, folder: Path) -> None:
    config = folder / "offscreen.json"
    config.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def settle(app, page=None, timeout: float = 60.0) -> None:
    """Let the page load its figures (synchronous runner: at once) and lay itself out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if page is None or not getattr(page, "loading", False):
            break
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lang", nargs="+", default=["zh", "bo"])
    parser.add_argument("--screen", default="1366x768", help="physical pixels")
    parser.add_argument("--taskbar", type=int, default=40, help="logical pixels (Windows 10/11: 40, 48 on Windows 11)")
    parser.add_argument("--title-bar", type=int, default=31, help="logical pixels of a window's title bar")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.screen.split("x"))

    with tempfile.TemporaryDirectory(prefix="rangtang-shots-") as scratch:
        scratch = Path(scratch)
        configure_screen(width, height, scratch)
        os.environ["RANGTANG_HOME"] = str(scratch / "home")
        db = scratch / "shots.sqlite3"
        shutil.copyfile(args.db, db)

        from PySide6.QtGui import QGuiApplication

        from rangtang_desktop.i18n import set_language
        from rangtang_desktop.services import visits
        from rangtang_desktop.services.workspace import open_workspace
        from rangtang_desktop.storage import register as reg
        from rangtang_desktop.ui.app import Controller, apply_language, prepare_application
        from rangtang_desktop.ui.dialogs.record_dialog import RecordDialog
        from rangtang_desktop.ui.dialogs.visit_form import VisitForm

        app = prepare_application(args.lang[0])
        screen = QGuiApplication.primaryScreen()
        logical = screen.geometry()
        client_w, client_h = logical.width(), logical.height() - args.taskbar - args.title_bar
        sizes: dict = {
            "screen_physical": [width, height], "scale": screen.devicePixelRatio(),
            "screen_logical": [logical.width(), logical.height()], "window_client_logical": [client_w, client_h],
            "dialogs": {},
        }
        ws = open_workspace(db)
        child = ws.db.execute(
            "SELECT p.id, p.household_id FROM person p JOIN relation r ON r.child_id = p.id "
            "WHERE p.deleted = 0 ORDER BY p.birth_estimate DESC LIMIT 1"
        ).fetchone()
        for lang in args.lang:
            set_language(lang)
            apply_language(app)
            controller = Controller(app, ws, synchronous=True)
            window = controller.window
            window.resize(client_w, client_h)
            window.show()
            for area, page in window.pages.items():
                window.show_area(area)
                settle(app, page)
                window.grab().save(str(args.out / f"{lang}_{area}.png"))
            dialogs = {
                "person": RecordDialog(controller.env, reg.get(ws.db, "person", child[0]), window),
                "household": RecordDialog(controller.env, reg.get(ws.db, "household", child[1]), window),
                "visit_form": VisitForm(controller.env, visits.start_visit(ws, child[1]), window),
            }
            for name, dialog in dialogs.items():
                wanted = dialog.sizeHint()
                dialog.resize(min(wanted.width(), client_w), min(wanted.height(), logical.height() - args.taskbar))
                dialog.show()
                settle(app)
                dialog.grab().save(str(args.out / f"{lang}_dialog_{name}.png"))
                sizes["dialogs"][f"{lang}_{name}"] = {
                    "wants": [wanted.width(), wanted.height()], "shown": [dialog.width(), dialog.height()],
                    "minimum": [dialog.minimumSizeHint().width(), dialog.minimumSizeHint().height()],
                    "fits": wanted.height() <= logical.height() - args.taskbar and wanted.width() <= client_w,
                }
                dialog.close()
            for draft, _when in visits.drafts(ws, child[1]):
                visits.discard_draft(ws, draft.id)
            window.close()
            controller.runner.shutdown()
        ws.close()
    (args.out / "sizes.json").write_text(json.dumps(sizes, indent=2), encoding="utf-8")
    print(json.dumps(sizes, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
