"""Translations: gettext catalogs managed with babel, for the window, the PDFs and the CLI.

Use ``from rangtang_desktop.i18n import _, N_``: ``_`` translates now in the current language,
``N_`` marks a constant for translation at display time. Source strings are English; users see
Simplified Chinese (``zh``, catalog ``zh_Hans_CN``) or Tibetan (``bo``). A Tibetan string not yet
translated falls back to Chinese, never to English. ``translator(lang)`` gives a translate function
for a fixed language (a PDF can print in Tibetan while the window is in Chinese).
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from ..core.msg import N_, Message
from ..resources import data_dir

LANGUAGES = {"zh": "zh_Hans_CN", "bo": "bo"}
LANGUAGE_NAMES = {"zh": "中文", "bo": "བོད་ཡིག"}
DEFAULT_LANGUAGE = "zh"
DOMAIN = "messages"

_state = {"lang": DEFAULT_LANGUAGE}


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    return data_dir("translations") / LANGUAGES[lang] / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _compile_in_memory(po_path: Path) -> gettext.GNUTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def _load(lang: str) -> gettext.NullTranslations:
    """The catalog of one language: the compiled ``.mo``, or the ``.po`` compiled in memory when
    the ``.mo`` is missing or older (a source checkout where a translator just edited it)."""
    po, mo = catalog_path(lang), catalog_path(lang, ".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as handle:
            translations: gettext.NullTranslations = gettext.GNUTranslations(handle)
    elif po.exists():
        translations = _compile_in_memory(po)
    else:
        translations = gettext.NullTranslations()
    if lang != DEFAULT_LANGUAGE:
        translations.add_fallback(_load(DEFAULT_LANGUAGE))
    return translations


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _state["lang"] = lang


def current_language() -> str:
    return _state["lang"]


def translator(lang: str | None = None):
    """A function translating message ids into ``lang`` (the current language by default)."""
    catalog = _load(lang or current_language())
    return catalog.gettext


def _(message: str) -> str:
    """Translate a message id into the current language."""
    return _load(_state["lang"]).gettext(message) if message else ""


def render(message: Message, lang: str | None = None) -> str:
    """Translate a core ``Message`` with its parameters."""
    return message.render(translator(lang))


def reload_catalogs() -> None:
    """Forget loaded catalogs (after the catalogs were recompiled)."""
    _load.cache_clear()


__all__ = ["N_", "_", "LANGUAGES", "LANGUAGE_NAMES", "current_language", "render", "set_language", "translator"]
