"""The executable's start in the PyInstaller build: the same as the installed ``rangtang-desktop``
command (``rangtang_desktop.cli:main``), the window without arguments and the commands with them."""

from rangtang_desktop.cli import main

raise SystemExit(main())
