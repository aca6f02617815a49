"""Imported before the program starts (by ``window_startup.py``, or as an extra PyInstaller run-time
hook of a measurement build): when ``RANGTANG_MEASURE_READY`` is set, report when the real start-up
(``rangtang-desktop --db PATH``: password check, start-up check of the file, workspace, window) has
given a usable window, then show every area in turn (waiting until its figures are in) and report
the peak memory, then quit.

Each report is one JSON line on standard output: the event, seconds since this hook was imported, the
resident memory now and its peak (Linux ``/proc/self/status``). Does nothing without the variable.
Not a test and not part of the program; the measurement build is never shipped.
"""

import json
import os
import sys
import time

STARTED = time.perf_counter()
AREA_TIMEOUT_S = 60.0


def memory_mb() -> dict:
    figures = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    figures["rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return figures


def report(event: str, **extra) -> None:
    line = {"event": event, "after_hook_s": round(time.perf_counter() - STARTED, 3), **memory_mb(), **extra}
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def install() -> None:
    from rangtang_desktop.ui import app as app_module

    original_init = app_module.Controller.__init__

    def measured_init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        from PySide6.QtCore import QTimer

        state = {"phase": "first page", "areas": [], "area": "", "area_started": 0.0}
        timer = QTimer(self)
        timer.setInterval(10)

        def page_ready(page) -> bool:
            if hasattr(page, "households"):  # the register: its list has rows
                return page.households.rowCount() > 0
            return not getattr(page, "_stale", False) and not getattr(page, "loading", False)

        def tick() -> None:
            window = self.window
            if state["phase"] == "first page":
                if window.isVisible() and "shown" not in state:
                    state["shown"] = True
                    report("shown")
                page = window.stack.currentWidget()
                if window.isVisible() and page_ready(page):
                    report("ready", area=window.current_area())
                    state["phase"] = "tour"
                    state["areas"] = [area for area in window.pages if area != window.current_area()]
                return
            now = time.perf_counter()
            if state["area"]:
                waited = now - state["area_started"]
                if not page_ready(window.pages[state["area"]]) and waited < AREA_TIMEOUT_S:
                    return
                report("area", area=state["area"], loaded_after_s=round(waited, 3))
            if state["areas"]:
                state["area"] = state["areas"].pop(0)
                state["area_started"] = time.perf_counter()
                window.show_area(state["area"])
                return
            timer.stop()
            report("done")
            self.app.quit()

        timer.timeout.connect(tick)
        timer.start()

    app_module.Controller.__init__ = measured_init


if os.environ.get("RANGTANG_MEASURE_READY"):
    install()
