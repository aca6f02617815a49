"""Set up everything Rangtang Desktop needs, then open it on demo data or run the tests.

Uses only the Python standard library, so it runs on a fresh machine with Python 3.11 or newer:

    python3 packaging/setup_and_run.py demo    # Windows: py packaging\\setup_and_run.py demo
    python3 packaging/setup_and_run.py test    # Windows: py packaging\\setup_and_run.py test

It makes a virtual environment in ``.venv``, installs the program and its libraries from PyPI,
installs the few system libraries Qt needs on Debian/Ubuntu when they are missing (with apt-get,
as root or through sudo), then either builds a village-scale demo database in ``demo/`` (encrypted,
password ``demo``, which the window asks for) and opens the window on it, or runs the whole test suite with Qt offscreen. Extra arguments after ``test``
go to pytest.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
DEMO_DB = ROOT / "demo" / "rangtang-demo.sqlite3"

# Debian packages Qt needs, by the library that must be findable.
QT_OFFSCREEN = {
    "glib-2.0": "libglib2.0-0",
    "GL": "libgl1",
    "EGL": "libegl1",
    "xkbcommon": "libxkbcommon0",
    "fontconfig": "libfontconfig1",
    "freetype": "libfreetype6",
    "dbus-1": "libdbus-1-3",
}
QT_WINDOW = {
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-shape": "libxcb-shape0",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-xinerama": "libxcb-xinerama0",
    "xcb-image": "libxcb-image0",
}
# Command-line tools the tests use (PDF rendering checks), by command name.
TEST_TOOLS = {"pdftoppm": "poppler-utils", "pdffonts": "poppler-utils", "pdftotext": "poppler-utils", "zbarimg": "zbar-tools"}


def say(text: str) -> None:
    print(f"[rangtang] {text}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> Path:
    python = venv_python()
    if not python.exists():
        say(f"creating the virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    return python


def install_package(python: Path, extras: str) -> None:
    say("installing Rangtang Desktop and its libraries (this takes a few minutes the first time)")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    target = f".{extras}" if extras else "."
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)


def missing_debian_packages(with_window: bool, with_test_tools: bool) -> list[str]:
    wanted = dict(QT_OFFSCREEN)
    if with_window:
        wanted.update(QT_WINDOW)
    packages = {package for lib, package in wanted.items() if ctypes.util.find_library(lib) is None}
    if with_test_tools:
        packages |= {package for tool, package in TEST_TOOLS.items() if shutil.which(tool) is None}
    return sorted(packages)


def ensure_system_libraries(*, with_window: bool, with_test_tools: bool) -> None:
    if not sys.platform.startswith("linux"):
        return
    packages = missing_debian_packages(with_window, with_test_tools)
    if not packages:
        return
    if shutil.which("apt-get") is None:
        say("these system libraries are missing; install them with your package manager: " + " ".join(packages))
        return
    prefix = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if prefix is None:
        say("run as root to install: apt-get install " + " ".join(packages))
        return
    say("installing system libraries: " + " ".join(packages))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True, env=env)


def demo() -> int:
    python = ensure_venv()
    install_package(python, "")
    ensure_system_libraries(with_window=True, with_test_tools=False)
    if not DEMO_DB.exists():
        DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
        say(f"building the demo database {DEMO_DB}")
        subprocess.run([str(python), "-m", "rangtang_desktop", "demo", "--db", str(DEMO_DB), "--scale", "village"], check=True)
    say("opening Rangtang Desktop on the demo database; it is encrypted, and its password is: demo")
    return subprocess.run([str(python), "-m", "rangtang_desktop", "--db", str(DEMO_DB)]).returncode


def test(pytest_args: list[str]) -> int:
    python = ensure_venv()
    install_package(python, "[test]")
    ensure_system_libraries(with_window=False, with_test_tools=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    say("running the test suite")
    return subprocess.run([str(python), "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs under any python3 to say so
        say("Python 3.11 or newer is needed; this is " + sys.version.split()[0])
        return 2
    return demo() if argv[0] == "demo" else test(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
