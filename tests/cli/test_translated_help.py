"""The command line speaks the chosen language: every command's help in Chinese and Tibetan has no
English left in it (option names, metavars and choices excepted), and Tibetan lines break after a
tsheg or shad, never inside a syllable."""

from __future__ import annotations

import re

import pytest

from rangtang_desktop.cli import build_parser, main
from rangtang_desktop.i18n import set_language
from tests.untranslated import english_in

TIBETAN_MARK_AT_START = re.compile(r"^\s*[\u0f0b\u0f0d\u0f71-\u0f84\u0f8d-\u0fbc]")


def commands() -> list[str]:
    set_language("zh")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    return ["", *sub.choices]


def help_text(capsys, lang: str, command: str) -> str:
    argv = ["--lang", lang, *([command] if command else []), "--help"]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    return capsys.readouterr().out


def help_prose(text: str, parser_words: set[str]) -> list[str]:
    """The help's sentences: not the usage block, not the option names and metavars."""
    blocks = text.split("\n\n")[1:]  # the first block is the usage line
    prose = []
    for line in "\n".join(blocks).splitlines():
        stripped = line.strip()
        if re.match(r"^  -", line):  # "  --month YYYY-MM   the month…": keep what follows the option
            parts = re.split(r"\s{2,}", stripped, maxsplit=1)
            stripped = parts[1] if len(parts) > 1 else ""
        words = re.sub(r"(?<![\w-])--?[a-z][a-z-]*", " ", stripped).split()  # an option named in a sentence
        prose.append(" ".join(w for w in words if w.strip("{},.:()（）；;") not in parser_words))
    return prose


def parser_words(command: str) -> set[str]:
    """Command names, option names, metavars and choices: the same in every language."""
    set_language("zh")
    parser = build_parser()
    words = set()
    parsers = [parser]
    for action in parser._actions:
        if isinstance(action.choices, dict):
            words.update(action.choices)
            parsers.extend(action.choices.values())
    for p in parsers:
        for action in p._actions:
            words.update(action.option_strings)
            if action.metavar:
                words.add(str(action.metavar))
            if action.dest:
                words.add(action.dest.upper())
            if action.choices and not isinstance(action.choices, dict):
                words.update(str(c) for c in action.choices)
    return words | {w.strip("-") for w in words}


@pytest.mark.parametrize("lang", ["zh", "bo"])
@pytest.mark.parametrize("command", commands())
def test_help_is_translated(capsys, lang, command):
    text = help_text(capsys, lang, command)
    words = parser_words(command)
    untranslated = [
        found for found in english_in(help_prose(text, words), words | {"rangtang", "desktop", "COMMAND", "RANGTANG", "PASSWORD"})
    ]
    assert untranslated == []
    if lang == "bo":
        broken = [line for line in text.splitlines() if TIBETAN_MARK_AT_START.match(line)]
        assert broken == [], "a Tibetan syllable was cut at the end of a line"
