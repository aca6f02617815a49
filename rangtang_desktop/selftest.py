"""``rangtang-desktop --selftest``: prove that this installation works, without touching the user's
data — for the smoke test of a build and for a township technician checking a village laptop.

In a temporary folder (removed afterwards) it creates a database, registers a household with a
child, signs a visit with a drawn signature, draws the main window offscreen (Qt, fonts, the
Tibetan shaping of the labels) and prints the visit sheet (reportlab, HarfBuzz, the embedded
fonts). Each step prints one line: ``ok <step> <detail>`` or ``FAILED <step> <error type>``. The
exit status is 0 when every step passed, 1 otherwise. No name, path of user data or network is
involved; the records are invented. The step lines are diagnostics for a technician; the verdict
at the end is in the user's language.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

STEPS: list[tuple[str, Callable[[dict], str]]] = []


def step(name: str):
    def register(function: Callable[[dict], str]) -> Callable[[dict], str]:
        STEPS.append((name, function))
        return function

    return register


@step("database")
def _database(state: dict) -> str:
    from .core import records
    from .services import register
    from .services.workspace import open_workspace
    from .storage.database import write_transaction
    from .storage.reference import Unit, store_units

    ws = open_workspace(state["folder"] / "selftest.sqlite3", create=True)
    state["ws"] = ws
    village = "513230101999"
    with write_transaction(ws.db):
        store_units(ws.db, [Unit(village, "village", village[:9], "自检村（示例）", "བརྟག་དཔྱད་གྲོང་ཚོ།", is_demo=True)])
    home = register.save(ws, records.Household(village_code=village, house_name_zh="自检", house_name_bo="བརྟག་དཔྱད")).record
    child = register.save(
        ws, records.Person(household_id=home.id, name_zh="测试", name_bo="ཚོད་ལྟ", sex="female", birth_date="2018-05-01")
    ).record
    state["household"], state["child"] = home, child
    return f"schema and one household in {ws.path}"


@step("visit")
def _visit(state: dict) -> str:
    from .services import visits
    from .services.demo_signatures import signature_png

    ws = state["ws"]
    draft = visits.start_visit(ws, state["household"].id)
    signature = visits.store_signature(ws, signature_png(random.Random(1)))
    signed = visits.sign(ws, dataclasses.replace(
        draft, visitor_name="自检", rating="good", visitor_signature=signature, guardian_no_signature_reason="absent",
    ))
    state["visit"] = signed
    return f"signed, fingerprint {signed.content_hash[:16]}…"


@step("window")
def _window(state: dict) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .i18n import current_language
    from .ui.app import Controller, prepare_application

    app = prepare_application(current_language())  # the language of the command (--lang), not the saved one
    controller = Controller(app, state["ws"], synchronous=True)
    window = controller.window
    window.resize(1366, 768)
    window.show()
    for area in list(window.pages):
        window.show_area(area)
        app.processEvents()
    image = window.grab().toImage()
    shown = image.width() * image.height()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    window.close()
    if shown == 0 or len(colours) < 3:
        raise RuntimeError("the window was drawn empty")
    return f"{len(window.pages)} pages drawn at {image.width()}×{image.height()}"


@step("visit sheet")
def _sheet(state: dict) -> str:
    from .services import printing

    path = printing.visit_sheet(state["ws"], state["visit"].id, state["folder"] / "sheet.pdf", "both")
    data = path.read_bytes()
    if not data.startswith(b"%PDF") or len(data) < 10_000:
        raise RuntimeError("the visit sheet is not a complete PDF")
    return f"{len(data) // 1024} KB, Chinese and Tibetan"


def run_selftest(out=None) -> int:
    """Run every step; print a line each; 0 when all passed. Settings and logs of the run go to the
    temporary folder too (``RANGTANG_HOME``), so the user's are not touched."""
    from .i18n import _

    out = out or sys.stdout
    failed = 0
    with tempfile.TemporaryDirectory(prefix="rangtang-selftest-") as folder:
        previous_home = os.environ.get("RANGTANG_HOME")
        os.environ["RANGTANG_HOME"] = folder
        state: dict = {"folder": Path(folder)}
        for name, function in STEPS:
            start = time.perf_counter()
            try:
                detail = function(state)
            except Exception as error:  # noqa: BLE001 - a self-test reports every failure and goes on
                failed += 1
                print(f"FAILED {name}: {type(error).__name__}: {error}", file=out)
                if name == "database":
                    break
            else:
                print(f"ok {name} ({time.perf_counter() - start:.2f} s): {detail}", file=out)
        if "ws" in state:
            state["ws"].close()
        if previous_home is None:
            os.environ.pop("RANGTANG_HOME", None)
        else:
            os.environ["RANGTANG_HOME"] = previous_home
    if failed:
        print(_("Self-test failed: {count} steps did not work. Show this output to the township.").format(count=failed), file=out)
    else:
        print(_("Self-test passed: this installation works."), file=out)
    return 0 if not failed else 1
