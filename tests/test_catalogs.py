"""The gettext catalogs are complete and consistent: every string in the source is in both catalogs,
translated, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh_Hans_CN", "bo")
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sdr]|%[sd]|%\d")  # Python's and Qt's (%1)


def catalog(locale: str):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "packaging/babel.cfg", "-k", "_", "-k", "N_",
         "--no-location", "-o", str(pot), "rangtang_desktop"],
        check=True, cwd=ROOT, capture_output=True,
    )
    with open(pot, "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_string_is_translated(source_ids, locale):
    """Each string marked in the code has a non-empty, non-fuzzy translation."""
    translated = {m.id: m for m in catalog(locale) if m.id}
    missing = sorted(i for i in source_ids if i not in translated or not translated[i].string or translated[i].fuzzy)
    assert missing == []


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match(locale):
    """A translation has exactly the placeholders of its source string."""
    wrong = [
        m.id for m in catalog(locale)
        if m.id and m.string and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_tibetan_strings_are_tibetan():
    """Tibetan translations are written in Tibetan script, not left in Chinese or English."""
    suspicious = []
    for message in catalog("bo"):
        if not message.id or not message.string:
            continue
        text = PLACEHOLDER.sub("", message.string)
        if not any(ch.isalpha() for ch in text):
            continue  # only placeholders and punctuation, e.g. "{relation}: {situation}"
        if re.search(r"[\u4e00-\u9fff]", text) or not re.search(r"[\u0f00-\u0fff]", text):
            suspicious.append(message.id)
    assert suspicious == []
