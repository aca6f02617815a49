"""Replaces PyInstaller's hook of this PySide6 module (a hook in the spec's ``hookspath`` takes
priority): the same collection, less the Qt plugins and translations the program does not use, so
that their libraries (GTK for the GTK theme, Wayland, EGLFS) are not analysed and bundled either.
The lists are in ``packaging/bundle_contents.py``."""

import sys
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
try:
    from bundle_contents import keep_qt_hook_files
finally:
    sys.path.pop(0)

hiddenimports, binaries, datas = keep_qt_hook_files(*add_qt6_dependencies(__file__))
