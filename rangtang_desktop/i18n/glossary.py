"""The terminology glossary (``translations/glossary.csv``): one Chinese and one Tibetan rendering for
each domain term and UI word, where the Tibetan comes from, and whether a public source gives it.

Columns: ``zh``, ``bo``, ``en``, ``source``, ``status`` (``sourced`` or ``unverified``) and an optional
``bo_also``: other accepted forms of the Tibetan separated by ``|``, kept for real grammatical variants
(a verb stem inside a phrase where the label has a nominaliser, an imperative stem). Tibetan is
compared with tsheg and shad stripped at the ends, so case particles fused or added after a term
(``ལྟ་སྐྱོང་བས``, ``དུད་ཚང་གི``) still match it. ``tests/test_glossary.py`` holds both catalogs to it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..resources import data_dir

STATUSES = ("sourced", "unverified")
# tsheg, non-breaking tsheg, shad, double shad, gter tsheg and spaces
TIBETAN_MARKS = "\u0f0b\u0f0c\u0f0d\u0f0e\u0f14 "


def strip_marks(text: str) -> str:
    """Tibetan text without tsheg, shad or spaces at either end."""
    return text.strip(TIBETAN_MARKS)


@dataclass(frozen=True)
class Term:
    """One glossary row."""

    zh: str
    bo: str
    en: str
    source: str
    status: str
    bo_also: tuple[str, ...] = ()

    @property
    def bo_forms(self) -> tuple[str, ...]:
        """The Tibetan term and its accepted other forms, ends stripped, without repeats."""
        forms = (strip_marks(form) for form in (self.bo, *self.bo_also))
        return tuple(dict.fromkeys(form for form in forms if form))

    def in_tibetan(self, text: str) -> bool:
        """Whether a Tibetan string uses the term (or one of its accepted forms)."""
        return any(form in text for form in self.bo_forms)

    def in_chinese(self, text: str, glossary: Iterable[Term] = ()) -> bool:
        """Whether a Chinese string uses the term itself, not only inside a longer glossary term
        (户 in 户口, 文件 in 文件夹, 村 in 农村): longer terms are taken out first."""
        for longer in sorted((t.zh for t in glossary if self.zh in t.zh and t.zh != self.zh), key=len, reverse=True):
            text = text.replace(longer, "\0")
        return self.zh in text


def glossary_path() -> Path:
    return data_dir("translations") / "glossary.csv"


def load_glossary(path: Path | None = None) -> list[Term]:
    """The glossary's rows in file order."""
    with open(path or glossary_path(), encoding="utf-8", newline="") as handle:
        return [
            Term(
                zh=row["zh"].strip(),
                bo=row["bo"].strip(),
                en=row["en"].strip(),
                source=row["source"].strip(),
                status=row["status"].strip(),
                bo_also=tuple(form.strip() for form in (row.get("bo_also") or "").split("|") if form.strip()),
            )
            for row in csv.DictReader(handle)
        ]
