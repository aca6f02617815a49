"""Finding English left in text meant for a Chinese or Tibetan reader — the screens, the command
line's help and messages, the printed documents. Numbers, codes, key fingerprints and a few
acronyms that are the same in every language are not English."""

from __future__ import annotations

import re

TOKEN = re.compile(r"[A-Za-z0-9]+")
HEX_GROUP = re.compile(r"[0-9A-F]{4}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # a record's id
MARKUP = re.compile(r"<[^>]+>")  # a rich-text label's tags
ALLOWED = {"CSV", "USB", "JSON", "UTF", "csv", "PDF", "pdf", "SHA", "QR", "zip", "rtb", "xlsx"}


def is_english(token: str) -> bool:
    """Three or more letters and no digits, and not a group of a key fingerprint."""
    letters = sum(ch.isalpha() for ch in token)
    return letters >= 3 and letters == len(token) and not HEX_GROUP.fullmatch(token)


def english_in(texts: list[str], allowed: set[str] = frozenset()) -> list[str]:
    """Each text with English words in it (besides ``ALLOWED`` and ``allowed``), with those words."""
    found = []
    for text in texts:
        plain = UUID.sub(" ", MARKUP.sub(" ", text or ""))
        words = [w for w in TOKEN.findall(plain) if is_english(w) and w not in ALLOWED and w not in allowed]
        if words:
            found.append(f"{words}: {text}")
    return found
