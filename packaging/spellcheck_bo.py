"""Check the spelling of the Tibetan catalog, and list the strings a native reviewer should read first.

    python packaging/spellcheck_bo.py                        # print the figures
    python packaging/spellcheck_bo.py --json figures.json    # also write them as JSON
    python packaging/spellcheck_bo.py --write-review translations/native-review.md

The dictionary is Debian's hunspell-bo (``apt-get install hunspell-bo``: /usr/share/hunspell/bo.dic and
.aff), read with spylls, a pure-Python hunspell (in the ``test`` extra). Its unit is the syllable: it
describes how a Classical Tibetan syllable is built (prefix, root stack, vowel, suffix, second suffix,
fused particles such as འི and ས) and accepts every syllable built that way; a run of syllables joined by
tsheg is never in it. So the text is cut into syllables at every character that is not a Tibetan letter
or vowel sign (tsheg, shad, spaces, digits, Latin, placeholders), and each syllable is looked up.

Three rules the dictionary cannot see are checked as well: a doubled tsheg, a tsheg before a shad after
anything but ང, and a genitive or instrumental particle (གི ཀྱི གྱི, གིས ཀྱིས གྱིས) that does not match
the last letter of the syllable before it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "bo" / "LC_MESSAGES" / "messages.po"
DICTIONARY_DIRS = ("/usr/share/hunspell", "/usr/local/share/hunspell", "/usr/share/myspell")

PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)[sdr]|%[sd]")
# Letters, subjoined letters and vowel signs (U+0F40–0FBC), and the marks hunspell-bo ignores inside a
# syllable; everything else (tsheg U+0F0B, shad U+0F0D, digits U+0F20–0F33, Latin, spaces) separates.
LETTERS = "\u0f35\u0f37\u0f39\u0f40-\u0f84\u0f86-\u0fbc\u0fc6"
SYLLABLE = re.compile(f"[{LETTERS}]+")
TSHEG, SHAD = "\u0f0b", "\u0f0d"
CASE_PARTICLE = re.compile(f"([{LETTERS}]+)({TSHEG}+)(ཀྱིས|གྱིས|གིས|ཀྱི|གྱི|གི)(?![{LETTERS}])")
PARTICLE_AFTER = {**dict.fromkeys("གང", "གི"), **dict.fromkeys("དབས", "ཀྱི"), **dict.fromkeys("ནམརལ", "གྱི")}


def tibetan_syllables(text: str) -> list[str]:
    """The Tibetan syllables of a translation, without placeholders, punctuation, digits or Latin."""
    return SYLLABLE.findall(PLACEHOLDER.sub(" ", text))


def rule_problems(text: str) -> list[str]:
    """What in ``text`` breaks a spelling rule the dictionary cannot see, described for a reviewer."""
    problems = []
    if TSHEG * 2 in text:
        problems.append("doubled tsheg (་་)")
    for syllable in re.findall(f"([{LETTERS}]+){TSHEG}{SHAD}", text):
        if not syllable.endswith("ང"):
            problems.append(f"tsheg before shad ({syllable}་།): only a syllable ending in ང keeps it")
    for before, _tsheg, particle in CASE_PARTICLE.findall(text):
        expected = PARTICLE_AFTER.get(before[-1])
        if expected is None:
            problems.append(f"{before}་{particle}: after a vowel or འ the particle joins the syllable (འི, ས)")
        elif not particle.startswith(expected):
            right = expected + "ས" * particle.endswith("ས")
            problems.append(f"{before}་{particle}: after {before[-1]} the particle is {right}")
    return problems


def find_dictionary() -> Path | None:
    """The bo dictionary's path without extension, from DICPATH or the usual folders, or None."""
    folders = [*os.environ.get("DICPATH", "").split(os.pathsep), *DICTIONARY_DIRS]
    for folder in filter(None, folders):
        if (Path(folder) / "bo.dic").exists() and (Path(folder) / "bo.aff").exists():
            return Path(folder) / "bo"
    return None


def load_dictionary(path: Path) -> Callable[[str], bool]:
    """A function telling whether the hunspell dictionary at ``path`` (no extension) accepts a syllable."""
    from spylls.hunspell import Dictionary

    return Dictionary.from_files(str(path)).lookup


def read_translations(po: Path = CATALOG) -> dict[str, str]:
    """msgid → translation for every translated string (plural forms joined by a newline)."""
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        catalog = read_po(handle)
    translations = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else "\n".join(message.string)
        translations[msgid] = string
    return translations


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 100.0


@dataclass
class SpellReport:
    """What the check found in one catalog."""

    translations: dict[str, str]
    tokens: Counter = field(default_factory=Counter)  # syllable → occurrences
    rejected: set[str] = field(default_factory=set)
    rejected_in: dict[str, list[str]] = field(default_factory=dict)  # msgid → its rejected syllables
    rules_broken: dict[str, list[str]] = field(default_factory=dict)  # msgid → rule problems

    def figures(self, top: int = 20) -> dict:
        total, distinct = sum(self.tokens.values()), len(self.tokens)
        rejected_tokens = sum(self.tokens[word] for word in self.rejected)
        frequent = sorted(self.rejected, key=lambda word: (-self.tokens[word], word))[:top]
        return {
            "strings": len(self.translations),
            "tokens": total,
            "tokens_accepted": total - rejected_tokens,
            "token_acceptance_percent": _percent(total - rejected_tokens, total),
            "distinct": distinct,
            "distinct_accepted": distinct - len(self.rejected),
            "distinct_acceptance_percent": _percent(distinct - len(self.rejected), distinct),
            "strings_with_rejected_words": len(self.rejected_in),
            "strings_breaking_rules": len(self.rules_broken),
            "most_frequent_rejected": [
                {"word": word, "count": self.tokens[word],
                 "msgids": sorted(msgid for msgid, words in self.rejected_in.items() if word in words)}
                for word in frequent
            ],
        }


def check_catalog(translations: dict[str, str], accepts: Callable[[str], bool]) -> SpellReport:
    """Look every Tibetan syllable of ``translations`` up with ``accepts`` and check the spelling rules."""
    report = SpellReport(translations)
    for msgid, string in translations.items():
        report.tokens.update(tibetan_syllables(string))
        if problems := rule_problems(string):
            report.rules_broken[msgid] = problems
    report.rejected = {word for word in report.tokens if not accepts(word)}
    for msgid, string in translations.items():
        if words := [word for word in dict.fromkeys(tibetan_syllables(string)) if word in report.rejected]:
            report.rejected_in[msgid] = words
    return report


def _code(text: str) -> str:
    text = text.replace("\n", "\\n")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


REVIEW_HEADER = """\
# Tibetan strings for a native reviewer

Written by `python packaging/spellcheck_bo.py --write-review translations/native-review.md`; run it again
after editing `translations/bo/LC_MESSAGES/messages.po` rather than editing this file.

**Every Tibetan string still needs a native reviewer** (`shared/domain/tibetan-terms.md`), ideally a
speaker from Rangtang who knows the county's own Tibetan office names. This list is not that review: it
says which strings to read first, because a machine check found something in them.

What the check knows. The dictionary is Debian's hunspell-bo, a Classical Tibetan *syllable* checker: it
knows how a syllable is built (prefix, root stack, vowel, suffix, second suffix, fused particles) and
accepts every syllable built that way. It catches most missing tshegs (two syllables fused into one), a stray or
wrong letter that makes a syllable impossible, and composed vowel signs. It knows no words: a
well-formed syllable that is the wrong word (ཙེས for ཚེས), wrong vocabulary, grammar or meaning all
pass, and so do modern and transliterated words that happen to be well-formed (ཤང 乡, ཅུས 局,
ཀྲུའུ་རེན 主任). It rejects, without their being wrong, Sanskrit-style long vowels (ཙཱ in ལོ་ཙཱ་བ) and
transliterations that no Classical syllable has (ཧུའེ 回). Latin (USB, .rtb), digits and placeholders
are not checked. Three rules are checked without the dictionary: a doubled tsheg, a tsheg before shad
after anything but ང, and a genitive or instrumental particle that does not match the syllable before it.

Today: {strings} strings, {tokens} Tibetan syllables ({distinct} distinct); the dictionary accepts
{token_acceptance_percent}% of syllables and {distinct_acceptance_percent}% of distinct syllables.
{strings_with_rejected_words} strings have a rejected syllable and {strings_breaking_rules} break a rule.
"""


def review_markdown(report: SpellReport) -> str:
    """The reviewer's list: strings with rejected syllables (most first), then strings breaking a rule."""
    lines = [REVIEW_HEADER.format(**report.figures())]
    for count in sorted({len(words) for words in report.rejected_in.values()}, reverse=True):
        lines.append(f"## Strings with {count} rejected syllable{'s' if count > 1 else ''}\n")
        for msgid in sorted(m for m, words in report.rejected_in.items() if len(words) == count):
            words = ", ".join(report.rejected_in[msgid])
            lines.append(f"- {_code(msgid)} → {report.translations[msgid]} — rejected: {words}")
        lines.append("")
    if report.rules_broken:
        lines.append("## Strings that break a spelling rule\n")
        for msgid in sorted(report.rules_broken):
            problems = "; ".join(report.rules_broken[msgid])
            lines.append(f"- {_code(msgid)} → {report.translations[msgid]} — {problems}")
        lines.append("")
    return "\n".join(lines)


def print_figures(figures: dict, out=sys.stdout) -> None:
    print(f"bo catalog: {figures['strings']} strings, {figures['tokens']} Tibetan syllables "
          f"({figures['distinct']} distinct)", file=out)
    print(f"accepted by hunspell-bo: {figures['token_acceptance_percent']}% of syllables "
          f"({figures['tokens_accepted']}), {figures['distinct_acceptance_percent']}% of distinct syllables "
          f"({figures['distinct_accepted']})", file=out)
    print(f"strings with a rejected syllable: {figures['strings_with_rejected_words']}; "
          f"strings breaking a spelling rule: {figures['strings_breaking_rules']}", file=out)
    for entry in figures["most_frequent_rejected"]:
        print(f"  {entry['count']:4}  {entry['word']}  in: {'; '.join(entry['msgids'])}", file=out)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="the bo .po file")
    parser.add_argument("--dictionary", type=Path, help="hunspell dictionary path without .dic/.aff")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--write-review", type=Path, metavar="FILE", help="write the reviewer's list (Markdown)")
    parser.add_argument("--top", type=int, default=20, help="how many rejected syllables to show")
    args = parser.parse_args(None if argv is None else list(argv))

    dictionary = args.dictionary or find_dictionary()
    if dictionary is None:
        print("hunspell-bo is not installed: apt-get install hunspell-bo (or pass --dictionary)", file=sys.stderr)
        return 2
    report = check_catalog(read_translations(args.catalog), load_dictionary(dictionary))
    figures = report.figures(args.top)
    print_figures(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.write_review:
        args.write_review.write_text(review_markdown(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
