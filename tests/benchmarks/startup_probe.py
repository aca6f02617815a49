"""Started by the benchmark as a fresh process: open the window on a database, report when the
register page is usable, then scroll the full people list and report frame times and memory.

Prints one JSON line. Not a test; run through ``run.py``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(db: str) -> None:
    from PySide6.QtWidgets import QApplication

    from rangtang_desktop.services.workspace import open_workspace
    from rangtang_desktop.ui.app import Controller, prepare_application

    app = prepare_application()
    ws = open_workspace(db, password=os.environ.get("RANGTANG_PASSWORD"))  # an encrypted copy: encryption_bench.py
    controller = Controller(app, ws)
    window = controller.window
    window.resize(1366, 768)
    window.show()
    window.show_area("register")
    page = window.pages["register"]
    while page.households.rowCount() == 0:
        app.processEvents()
    page.table.selectRow(0)
    app.processEvents()
    ready = time.perf_counter()
    print(json.dumps({"ready": True}), flush=True)

    window.show_area("dashboard")  # the first page: its figures load on the runner
    dashboard = window.pages["dashboard"]
    start = time.perf_counter()
    while dashboard.loading:
        app.processEvents()
    dashboard_s = time.perf_counter() - start
    window.show_area("register")

    page.tabs.setCurrentIndex(1)  # all people
    app.processEvents()
    rows = page.people.rowCount()
    frames = []
    step = 25
    for row in range(0, rows, step * 20):
        start = time.perf_counter()
        page.table.scrollTo(page.people.index(row, 0))
        page.table.viewport().repaint()
        QApplication.processEvents()
        frames.append((time.perf_counter() - start) * 1000)
    peak_kb = 0
    try:
        import resource

        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except ImportError:  # Windows
        pass
    print(
        json.dumps(
            {
                "ready_after_imports_s": ready,
                "dashboard_loaded_s": round(dashboard_s, 3),
                "people_rows": rows,
                "scroll_frames": len(frames),
                "scroll_frame_median_ms": statistics.median(frames) if frames else 0,
                "scroll_frame_max_ms": max(frames) if frames else 0,
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        ),
        flush=True,
    )
    controller.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
