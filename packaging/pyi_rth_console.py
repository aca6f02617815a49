"""PyInstaller run-time hook: let the windowed Windows executable print when it is run from a
console, so ``rangtang-desktop.exe --selftest`` and the commands work from cmd or PowerShell.

A windowed (``console=False``) program gets no standard output, and Python sets ``sys.stdout`` and
``sys.stderr`` to None. When the program was started from a console, attach to that console and
write to it; started from the Start menu there is none, and nothing changes. Output redirected to a
file (``> out.json``) already has a handle and is left alone. cmd.exe does not wait for a windowed
program typed at its prompt (its prompt comes back before the output); a batch file, ``start /wait``
and PowerShell's ``Start-Process -Wait`` do wait — see ``rangtang-cli.cmd``.
"""

import sys

if sys.platform == "win32" and (sys.stdout is None or sys.stderr is None):
    import ctypes

    ATTACH_PARENT_PROCESS = -1
    if ctypes.windll.kernel32.AttachConsole(ATTACH_PARENT_PROCESS):
        # "CONOUT$" opens as a console stream (WriteConsoleW), so Chinese and Tibetan are written
        # as text whatever the console's code page.
        if sys.stdout is None:
            sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")
        if sys.stderr is None:
            sys.stderr = open("CONOUT$", "w", encoding="utf-8", errors="replace")
