"""Manage the gettext catalogs with babel.

    python packaging/i18n.py extract   # source → translations/messages.pot
    python packaging/i18n.py update    # .pot → both .po files (new strings appear empty)
    python packaging/i18n.py compile   # .po → .mo (the install and build do this too)
    python packaging/i18n.py check     # fail if any string lacks a translation

Locales: zh_Hans_CN (Simplified Chinese) and bo (Tibetan). Source strings are English.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = ("zh_Hans_CN", "bo")
DOMAIN = "messages"
KEYWORDS = ["-k", "_", "-k", "N_"]


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def extract() -> None:
    _babel(
        "extract", "-F", "packaging/babel.cfg", *KEYWORDS, "--no-location", "--sort-output",
        "--project", "rangtang-desktop", "--no-wrap", "-o", str(TRANSLATIONS / f"{DOMAIN}.pot"), "rangtang_desktop",
    )


def update() -> None:
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        verb = "update" if po.exists() else "init"
        extra = ["--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching"] if verb == "update" else ["--no-wrap"]
        _babel(verb, "-i", str(TRANSLATIONS / f"{DOMAIN}.pot"), "-d", str(TRANSLATIONS), "-l", locale, "-D", DOMAIN, *extra)


def compile_catalogs(translations: Path = TRANSLATIONS) -> list[Path]:
    """Compile every .po under ``translations`` to its .mo; returns the written files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with open(po, "rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with open(mo, "wb") as out:
            write_mo(out, catalog)
        written.append(mo)
    return written


def untranslated() -> dict[str, list[str]]:
    from babel.messages.pofile import read_po

    missing = {}
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        with open(po, "rb") as handle:
            catalog = read_po(handle)
        missing[locale] = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    return missing


def check() -> int:
    missing = untranslated()
    for locale, ids in missing.items():
        for msgid in ids:
            print(f"{locale}: untranslated: {msgid}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif command == "compile":
        for path in compile_catalogs():
            print(path.relative_to(ROOT))
    elif command == "check":
        raise SystemExit(check())
    else:
        raise SystemExit(__doc__)
