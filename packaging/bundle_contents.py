"""What the one-folder build of Rangtang Desktop holds and what it leaves out.

Read by the PyInstaller spec (``packaging/rangtang.spec``), by ``packaging/build.py`` and by
``tests/test_build_config.py``, so the lists live in one place. Standard library only (the catalogs
are compiled with babel, which the program depends on anyway).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_NAME = "rangtang-desktop"  # the executable and the folder in dist/
ENTRY_POINT = "rangtang_desktop.cli:main"  # the same as the installed ``rangtang-desktop`` command
ENTRY_SCRIPT = PACKAGING / "entry.py"
RUNTIME_HOOKS = (PACKAGING / "pyi_rth_console.py",)

# Packages whose every module is bundled: the program's own (some are imported inside functions),
# and reportlab's barcodes, which it imports by name when the QR code of a visit sheet is drawn.
HIDDEN_IMPORT_PACKAGES = ("rangtang_desktop", "reportlab.graphics.barcode")

# Files under resources/ the program reads, by their path there; each is bundled at the same path
# under ``resources/`` in the bundle folder (``rangtang_desktop.resources`` finds it via _MEIPASS).
# The font licences travel with the fonts (the OFL asks for it).
RESOURCE_FILES = (
    "fonts/RangtangTibetan-Regular.ttf",
    "fonts/RangtangTibetan-Bold.ttf",
    "fonts/WenQuanYiMicroHei-Subset.ttf",
    "fonts/LICENSE-RangtangTibetan.txt",
    "fonts/LICENSE-WenQuanYiMicroHei.txt",
    "reference/admin_units.csv",
    "reference/name_variants.csv",
)
# Files under resources/ deliberately not bundled, with the reason (the test fails on a file in
# neither list, so a new resource is not forgotten).
RESOURCE_FILES_LEFT_OUT = {
    "reference/README.md": "for maintainers: where the village list comes from and how to update it",
}

# Python packages never needed at run time: the test tools, and big optional parts of libraries.
EXCLUDED_MODULES = (
    "tests",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "spylls",
    "ruff",
    "fontTools",
    "tkinter",
    "_tkinter",
    "turtle",
    "idlelib",
    "pydoc_data",
    "lib2to3",
    "unittest",
    "numpy",
    "IPython",
    "matplotlib",
    "PyInstaller",
    "setuptools",
    "pip",
    # Qt modules the program does not use (it imports QtCore, QtGui and QtWidgets only).
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebChannel",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPrintSupport",
    "PySide6.QtMultimedia",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtUiTools",
    "PySide6.QtDesigner",
)

# Qt plugins kept, by plugin folder and file name stem (``qwindows`` for qwindows.dll and
# libqwindows.so). PNG (the signatures) is built into QtGui, so no image-format plugin is needed
# for it; ``qico`` reads Windows icons. The program draws its own "Fusion" style, so no style
# plugin; it has no network and no SVG, so no tls, networkinformation or iconengines plugin.
QT_PLUGINS = {
    "platforms": {"qwindows", "qoffscreen", "qminimal", "qxcb"},
    "imageformats": {"qico"},
    "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},
    "xcbglintegrations": {"qxcb-glx-integration", "qxcb-egl-integration"},
}
# Qt libraries that only the left-out plugins need (Linux names; Windows plugins link no such
# extra library), matched by the start of the file name.
QT_LIBRARIES_LEFT_OUT = ("libQt6Wayland", "libQt6Svg", "libQt6Pdf", "libQt6Qml", "libQt6Quick", "libQt6OpenGL.so")

# babel's CLDR data is ~30 MB for every locale; the program formats dates and numbers in Chinese
# (zh_Hans_CN) and Tibetan (bo), and babel falls back through the parents to ``root``.
BABEL_LOCALES = ("root", "en", "en_US", "zh", "zh_Hans", "zh_Hans_CN", "bo", "bo_CN")


def _i18n_module():
    """packaging/i18n.py (one list of locales, one compile function)."""
    spec = importlib.util.spec_from_file_location("rangtang_packaging_i18n", PACKAGING / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def catalog_sources() -> list[Path]:
    """The .po file of every locale, in the source translations/ folder."""
    i18n = _i18n_module()
    return [ROOT / "translations" / locale / "LC_MESSAGES" / f"{i18n.DOMAIN}.po" for locale in i18n.LOCALES]


def compile_catalogs_into(folder: Path) -> list[Path]:
    """Copy the .po files into ``folder/translations`` and compile them there, so the build gets
    fresh .mo files and the source tree gets none; returns the .mo files."""
    i18n = _i18n_module()
    staged = folder / "translations"
    if staged.exists():
        shutil.rmtree(staged)
    for po in catalog_sources():
        target = staged / po.relative_to(ROOT / "translations")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(po, target)
    written = i18n.compile_catalogs(staged)
    if len(written) != len(i18n.LOCALES):
        raise RuntimeError(f"compiled {len(written)} catalogs, expected {len(i18n.LOCALES)}")
    return written


def resource_datas() -> list[tuple[str, str]]:
    """PyInstaller ``datas`` entries (source file, folder in the bundle) for the resources."""
    return [(str(ROOT / "resources" / name), str(PurePosixPath("resources", name).parent)) for name in RESOURCE_FILES]


def catalog_datas(mo_files: list[Path], staged: Path) -> list[tuple[str, str]]:
    """``datas`` entries for compiled catalogs staged under ``staged/translations``."""
    return [(str(mo), str(PurePosixPath(mo.relative_to(staged).parent.as_posix()))) for mo in mo_files]


def keep_in_bundle(dest: str) -> bool:
    """Whether a file PyInstaller collected (its path in the bundle) stays: unused Qt plugins, Qt's
    own translations (ours come from our catalogs), unused Qt libraries and babel locales go."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    name = parts[-1]
    if "PySide6" in parts:
        if "translations" in parts and name.endswith(".qm"):
            return False
        if "plugins" in parts:
            folder = parts[parts.index("plugins") + 1] if len(parts) > parts.index("plugins") + 2 else ""
            stem = name.split(".")[0].removeprefix("lib")
            return stem in QT_PLUGINS.get(folder, set())
    if name.startswith(QT_LIBRARIES_LEFT_OUT):
        return False
    if len(parts) >= 2 and parts[0] == "babel" and parts[1] == "locale-data":
        return name.removesuffix(".dat") in BABEL_LOCALES
    return True


def keep_qt_hook_files(hiddenimports: list, binaries: list, datas: list) -> tuple[list, list, list]:
    """Filter what a PySide6 hook collects — (source, folder in the bundle) pairs — before
    PyInstaller analyses the plugins' libraries (see ``packaging/pyinstaller_hooks``)."""

    def kept(entries: list) -> list:
        return [(src, dest) for src, dest in entries if keep_in_bundle(f"{dest}/{Path(src).name}")]

    return hiddenimports, kept(binaries), kept(datas)
