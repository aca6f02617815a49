"""Name keys for searching and matching people.

Tibetan names have many Chinese spellings (次仁 / 才让 / 泽仁); the county keeps a table of variant
groups as data. ``VariantTable.normalize`` rewrites every known variant to its group's first
spelling, so two spellings of one name get the same key. Search text also holds full pinyin and
pinyin initials (via pypinyin), the Tibetan-script name with tsheg normalised, the ID number and
the house name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

TSHEG = "\u0f0b"
NON_BREAKING_TSHEG = "\u0f0c"
SHADS = "\u0f0d\u0f0e\u0f11\u0f14"
KEY_VERSION = 3  # raise when keys or search text are made differently (2: key spellings match themselves; 3: initials of the key spelling)
SEPARATOR = "\u001f"  # keeps fields apart so a query cannot match across two of them
_SPACES = re.compile(r"[\s\u00b7\u2022\u30fb.·・]+")


def normalize_tibetan(text: str) -> str:
    """NFC, one kind of tsheg, no spaces, no trailing tsheg or shad."""
    text = unicodedata.normalize("NFC", text or "").replace(NON_BREAKING_TSHEG, TSHEG)
    text = _SPACES.sub("", text)
    return text.rstrip(TSHEG + SHADS)


def normalize_chinese(text: str) -> str:
    """NFKC (full-width letters and digits to normal ones), no spaces or middle dots, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).lower()


@lru_cache(maxsize=65_536)  # names repeat a lot in a county register; pypinyin costs ~60 µs a call
def pinyin_full(text: str) -> str:
    """Toneless pinyin of the Chinese characters, run together: 卓玛 → zhuoma."""
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore")).lower()


@lru_cache(maxsize=65_536)
def pinyin_initials(text: str) -> str:
    """The first letter of each syllable: 卓玛 → zm."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


def has_tibetan(text: str) -> bool:
    return any("\u0f00" <= ch <= "\u0fff" for ch in text)


@dataclass(frozen=True)
class VariantTable:
    """Groups of spellings of one name part; the first spelling of each group is its key."""

    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> VariantTable:
        cleaned = []
        for group in groups:
            spellings = tuple(dict.fromkeys(s.strip() for s in group if s and s.strip()))
            if len(spellings) > 1:
                cleaned.append(spellings)
        return cls(tuple(cleaned))

    def __post_init__(self) -> None:
        mapping: dict[str, str] = {}
        for group in self.groups:
            # the key spelling maps to itself, so that a variant cannot match across its boundary
            # (次旺久美 must read 次旺|久美, not 次|旺久|美)
            for spelling in group:
                mapping.setdefault(normalize_chinese(spelling), normalize_chinese(group[0]))
        object.__setattr__(self, "_mapping", mapping)
        pattern = "|".join(re.escape(s) for s in sorted(mapping, key=len, reverse=True))
        object.__setattr__(self, "_pattern", re.compile(pattern) if pattern else None)

    def normalize(self, name: str) -> str:
        """The name with every known variant spelling replaced by its group's key spelling."""
        name = normalize_chinese(name)
        if self._pattern is None:
            return name
        return self._pattern.sub(lambda m: self._mapping[m.group(0)], name)

    def digest(self) -> str:
        """Changes whenever the table (or the way keys are made from it) changes, so stored keys
        can be rebuilt."""
        text = f"keys v{KEY_VERSION}\n" + "\n".join("|".join(group) for group in self.groups)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


EMPTY_VARIANTS = VariantTable(())


def name_key(name_zh: str, variants: VariantTable) -> str:
    """The key two spellings of one Chinese name share."""
    return variants.normalize(name_zh)


def search_text(
    *,
    name_zh: str = "",
    name_bo: str = "",
    aliases: Iterable[str] = (),
    id_number: str = "",
    house_names: Iterable[str] = (),
    household_number: str = "",
    variants: VariantTable = EMPTY_VARIANTS,
) -> str:
    """Everything a person can be found by, as one lower-case string of separated fields."""
    parts: list[str] = []
    for name in (name_zh, *aliases, *house_names):
        if not name:
            continue
        if has_tibetan(name):
            parts.append(normalize_tibetan(name))
            continue
        plain = normalize_chinese(name)
        keyed = variants.normalize(name)
        parts.extend(dict.fromkeys((plain, keyed, pinyin_full(plain), pinyin_initials(plain))))
        if keyed != plain:
            parts.extend((pinyin_full(keyed), pinyin_initials(keyed)))
    if name_bo:
        parts.append(normalize_tibetan(name_bo))
    if id_number:
        parts.append(id_number.lower())
    if household_number:
        parts.append(household_number.lower())
    return SEPARATOR + SEPARATOR.join(p for p in parts if p) + SEPARATOR


def search_terms(query: str, variants: VariantTable = EMPTY_VARIANTS) -> list[list[str]]:
    """The forms of a query to look for in ``search_text``; a person matches if any is found.

    Several words must all match (``AND``); each word is tried as written and with its variant
    spellings replaced.
    """
    words = [w for w in re.split(r"\s+", (query or "").strip()) if w]
    return [_word_forms(w, variants) for w in words]


def _word_forms(word: str, variants: VariantTable) -> list[str]:
    if has_tibetan(word):
        return [normalize_tibetan(word)]
    plain = normalize_chinese(word)
    return list(dict.fromkeys((plain, variants.normalize(word))))
