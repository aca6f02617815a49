"""Build Rangtang Desktop as one folder that runs without Python, and check that the built program works.

Uses only the Python standard library, like ``setup_and_run.py``:

    python3 packaging/build.py               # Windows: py packaging\\build.py
    python3 packaging/build.py --portable    # also the portable zip (portable.txt inside)
    py packaging\\build.py --installer         # Windows: also the installer (Inno Setup 6.3+ or 7)
    python3 packaging/build.py --python /path/to/venv/bin/python   # an environment that has the program

Steps: install the program with its ``build`` extra (PyInstaller) in ``.venv`` (or only the
``build`` extra into the environment given with ``--python``); run PyInstaller on
``packaging/rangtang.spec``, which compiles the catalogs into the build and writes
``dist/rangtang-desktop/``; start ``dist/rangtang-desktop/rangtang-desktop --selftest`` with Qt
offscreen; print the folder's size and the self-test's time. The exit status is not 0 when the
build or the self-test failed. Build on the system you ship for: a Windows build on Windows, where
``--installer`` then runs Inno Setup's compiler on ``packaging/windows/rangtang.iss``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import bundle_contents as contents  # noqa: E402
import setup_and_run  # noqa: E402

DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / contents.APP_NAME
EXECUTABLE = BUNDLE / (contents.APP_NAME + (".exe" if os.name == "nt" else ""))
PORTABLE_NOTE = HERE / "portable.txt"


def say(text: str) -> None:
    print(f"[build] {text}", flush=True)


def program_version() -> str:
    text = (ROOT / "rangtang_desktop" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def build_requirements() -> list[str]:
    """The ``build`` extra of pyproject.toml (PyInstaller, pinned to a range known to work)."""
    import tomllib  # Python 3.11+, checked by setup_and_run

    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["optional-dependencies"]["build"]


def prepare(python: Path | None, install: bool) -> Path:
    """The Python that runs PyInstaller, with everything installed."""
    if python is None:
        python = setup_and_run.ensure_venv()
        if install:
            setup_and_run.install_package(python, "[build]")
    elif install:
        say("installing " + " ".join(build_requirements()))
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *build_requirements()], check=True)
    probe = subprocess.run([str(python), "-c", "import rangtang_desktop, PyInstaller"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SystemExit(f"{python} cannot import the program and PyInstaller:\n{probe.stderr}")
    return python


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def run_pyinstaller(python: Path, clean: bool) -> float:
    say("building with PyInstaller (a few minutes)")
    command = [
        str(python), "-m", "PyInstaller", str(HERE / "rangtang.spec"),
        "--distpath", str(DIST), "--workpath", str(WORK), "--noconfirm", "--log-level", "WARN",
    ]
    if clean:
        command.append("--clean")
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    if os.name == "nt":  # cmd.exe waits for the windowed program when it runs from a batch file
        shutil.copy2(HERE / "windows" / "rangtang-cli.cmd", BUNDLE / "rangtang-cli.cmd")
    return time.perf_counter() - start


def check_catalogs() -> list[Path]:
    """The compiled catalogs are in the bundle (and no .po: they are not read there)."""
    found = sorted(BUNDLE.rglob("translations/*/LC_MESSAGES/messages.mo"))
    expected = len(contents.catalog_sources())
    if len(found) != expected:
        raise SystemExit(f"the bundle holds {len(found)} compiled catalogs, expected {expected}")
    return found


def selftest() -> tuple[int, float, str]:
    """Start the built program's self-test offscreen, with its own temporary home."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("RANGTANG_HOME", None)
    start = time.perf_counter()
    result = subprocess.run(
        [str(EXECUTABLE), "--selftest"], env=env, capture_output=True, text=True, encoding="utf-8", errors="replace",
        timeout=300,
    )
    return result.returncode, time.perf_counter() - start, result.stdout + result.stderr


def portable_zip() -> Path:
    """``dist/rangtang-desktop-<version>-<platform>-portable.zip``: the folder with portable.txt in
    it, so the program keeps data/, config/ and logs/ beside itself."""
    platform = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    target = DIST / f"{contents.APP_NAME}-{program_version()}-{platform}-portable.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(BUNDLE.rglob("*")):
            if path.is_file():
                archive.write(path, Path(contents.APP_NAME) / path.relative_to(BUNDLE))
        archive.write(PORTABLE_NOTE, Path(contents.APP_NAME) / "portable.txt")
    return target


def inno_compiler() -> Path | None:
    """ISCC.exe of Inno Setup: on the PATH or in its usual folders."""
    found = shutil.which("iscc")
    if found:
        return Path(found)
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"), os.environ.get("LOCALAPPDATA")):
        for folder in ("Inno Setup 7", "Inno Setup 6", "Programs/Inno Setup 7", "Programs/Inno Setup 6"):
            if base and (Path(base) / folder / "ISCC.exe").exists():
                return Path(base) / folder / "ISCC.exe"
    return None


def installer() -> Path:
    """Run Inno Setup's compiler on packaging/windows/rangtang.iss (Windows only)."""
    iscc = inno_compiler()
    if os.name != "nt" or iscc is None:
        raise SystemExit("the installer is made on Windows with Inno Setup 6.3 or newer (ISCC.exe not found)")
    version = program_version()
    subprocess.run([str(iscc), f"/DAppVersion={version}", str(HERE / "windows" / "rangtang.iss")], check=True)
    return DIST / f"{contents.APP_NAME}-{version}-setup.exe"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", type=Path, help="a Python whose environment has the program installed (default: .venv)")
    parser.add_argument("--no-install", action="store_true", help="install nothing; the environment is ready")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--portable", action="store_true", help="also write the portable zip")
    parser.add_argument("--installer", action="store_true", help="also make the Windows installer (Inno Setup)")
    parser.add_argument("--skip-build", action="store_true", help="only run the self-test of dist/ again")
    args = parser.parse_args(argv)

    if not args.skip_build:
        python = prepare(args.python, not args.no_install)
        seconds = run_pyinstaller(python, args.clean)
        say(f"built {BUNDLE.relative_to(ROOT)} in {seconds:.0f} s")
    if not EXECUTABLE.exists():
        say(f"{EXECUTABLE} is missing")
        return 1
    catalogs = check_catalogs()
    say("compiled catalogs: " + ", ".join(path.parent.parent.name for path in catalogs))
    say(f"bundle size: {folder_size(BUNDLE) / 1e6:.0f} MB ({BUNDLE.relative_to(ROOT)})")
    code, seconds, output = selftest()
    for line in output.splitlines():
        print("    " + line, flush=True)
    if code != 0:
        say(f"SELF-TEST FAILED (exit status {code}, {seconds:.1f} s)")
        return 1
    say(f"self-test passed in {seconds:.1f} s")
    if args.portable:
        archive = portable_zip()
        say(f"portable zip: {archive.relative_to(ROOT)} ({archive.stat().st_size / 1e6:.0f} MB)")
    if args.installer:
        setup = installer()
        say(f"installer: {setup.relative_to(ROOT)} ({setup.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
