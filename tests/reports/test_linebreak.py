"""Line breaking on given widths (no fonts): Tibetan, Chinese, kinsoku, long Latin runs, newlines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rangtang_desktop.reports.linebreak import (
    break_lines,
    break_opportunities,
    grapheme_starts,
    is_mark,
    widest_unit,
)


def unit_widths(text: str) -> list[float]:
    """Every character 1 wide, combining marks 0 (they sit on the letter before them)."""
    return [0.0 if is_mark(ch) else 1.0 for ch in text]


def lines_of(text: str, max_width: float, widths=None) -> list[str]:
    """The lines as strings, hanging spaces and newlines included."""
    lines = break_lines(text, widths or unit_widths(text), max_width)
    return [text[line.start : line.end] for line in lines]


def test_tibetan_breaks_only_after_tsheg_and_shad():
    """A Tibetan line may end only after a tsheg or shad, never inside a syllable or its stack."""
    text = "བསྒྲུབས་རྒྱལ་ཁབ་སྐྱོང་། ཨོཾ་"
    allowed = break_opportunities(text)
    positions = [i for i, ok in enumerate(allowed) if ok]
    assert positions
    for i in positions:
        assert text[i - 1] in "་། "
    assert not any(allowed[i] for i, ch in enumerate(text) if is_mark(ch))


def test_tibetan_lines_end_at_syllables():
    """Wrapped Tibetan lines each end with a tsheg or shad and keep whole syllables."""
    syllables = ["བསྒྲུབས་", "རྒྱལ་", "ཁབ་", "སྐྱོང་", "སྒྲོལ་", "མ་", "བཀྲ་", "ཤིས་", "ཧཱུྃ་", "ཀློག་"]
    text = "".join(syllables * 3) + "།"
    lines = lines_of(text, 9)
    assert len(lines) > 2
    assert "".join(lines) == text
    for line in lines[:-1]:
        assert line.endswith("་")
        assert sum(unit_widths(line)) <= 9
    assert lines[-1].endswith("།")


def test_shad_never_starts_a_line():
    """A shad stays on the line of the syllable it closes, even when it would overflow."""
    text = "ཀ་ཁ་ག་ང། ཅ་"
    widths = unit_widths(text)
    lines = lines_of(text, 7, widths)
    assert all(not line.startswith("།") for line in lines)
    assert lines[0] == "ཀ་ཁ་ག་"


def test_chinese_breaks_between_ideographs():
    """Chinese text breaks between any two ideographs."""
    text = "监护人外出务工儿童由祖父母照看"
    assert lines_of(text, 4) == ["监护人外", "出务工儿", "童由祖父", "母照看"]


def test_closing_punctuation_never_starts_a_line():
    """Kinsoku: 、，。：；？！）》」 never start a line; the character before them moves down with them."""
    for mark in "、，。：；？！）》」":
        text = "一二三四" + mark + "五六"
        lines = lines_of(text, 4)
        assert lines[0] == "一二三", mark
        assert lines[1].startswith("四" + mark), mark


def test_opening_punctuation_never_ends_a_line():
    """Kinsoku: （《「 never end a line; they move down with the character after them."""
    for mark in "（《「":
        text = "一二三" + mark + "四五六"
        lines = lines_of(text, 4)
        assert lines[0] == "一二三", mark
        assert lines[1].startswith(mark + "四"), mark


def test_latin_words_break_at_spaces():
    """Latin words are never cut while a space offers a break; the space hangs at the line end."""
    assert lines_of("grid worker visit", 12) == ["grid worker ", "visit"]


def test_long_latin_run_is_cut_anywhere():
    """An ID or hash wider than the line is cut at the last character that fits."""
    digest = "9f86d081884c7d659a2feaa0c55ad015"
    lines = lines_of("哈希：" + digest, 10)
    assert lines[0] == "哈希："
    assert lines[1:] == [digest[0:10], digest[10:20], digest[20:30], digest[30:]]


def test_emergency_cut_keeps_marks_with_their_letter():
    """Even an emergency cut never separates a Tibetan letter from its vowel sign or subjoined letters."""
    text = "ཀཱིཁཱིགཱིངཱི"  # four clusters without any tsheg
    lines = lines_of(text, 1)
    assert lines == ["ཀཱི", "ཁཱི", "གཱི", "ངཱི"]
    assert grapheme_starts(text) == [True, False, False, True, False, False, True, False, False, True, False, False]


def test_newlines_always_break():
    """A newline ends its line (it belongs to that line); an empty line stays a line."""
    assert lines_of("第一行\n第二行\n\n第四行", 100) == ["第一行\n", "第二行\n", "\n", "第四行"]


def test_mixed_chinese_tibetan_without_spaces():
    """Between a Chinese and a Tibetan word without space a line may break; inside the Tibetan word only after tsheg."""
    text = "卓玛སྒྲོལ་མ་次仁ཚེ་རིང་"
    allowed = break_opportunities(text)
    breaks = [text[:i] for i, ok in enumerate(allowed) if ok]
    assert breaks == ["卓", "卓玛", "卓玛སྒྲོལ་", "卓玛སྒྲོལ་མ་", "卓玛སྒྲོལ་མ་次", "卓玛སྒྲོལ་མ་次仁", "卓玛སྒྲོལ་མ་次仁ཚེ་"]


def test_zero_width_space_is_a_break_opportunity():
    """A zero-width space lets a line break after it, like a space that takes no room."""
    assert lines_of("abc\u200bdef", 4) == ["abc\u200b", "def"]


def test_line_widths_exclude_hanging_spaces():
    """A line's width is that of its visible characters."""
    lines = break_lines("ab  cd", [1, 1, 1, 1, 1, 1], 3)
    assert [(line.start, line.end, line.visible_end, line.width) for line in lines] == [(0, 4, 2, 2.0), (4, 6, 6, 2.0)]


def test_widest_unit():
    """The widest unbreakable stretch: a whole Latin word, a single ideograph, a Tibetan syllable."""
    assert widest_unit("ID 51323020150520412X", unit_widths("ID 51323020150520412X")) == 18
    assert widest_unit("监护人", unit_widths("监护人")) == 1
    assert widest_unit("བཀྲ་ཤིས་", unit_widths("བཀྲ་ཤིས་")) == 3


TEXT = st.text(alphabet="ཀཁགང་།ིུྒྱ 监护人，。（）abc12\n", max_size=80)


@given(TEXT, st.floats(min_value=0.5, max_value=30))
def test_lines_cover_the_text_exactly_once(text, max_width):
    """Whatever the text and width, the lines cover every character once, in order, and no line is empty."""
    lines = break_lines(text, unit_widths(text), max_width)
    assert "".join(text[line.start : line.end] for line in lines) == text
    assert all(line.end > line.start for line in lines)


@given(TEXT, st.integers(min_value=1, max_value=30))
def test_lines_fit_unless_a_single_cluster_is_wider(text, max_width):
    """Every line fits the width, except one holding a single cluster (nothing can be cut there)."""
    for line in break_lines(text, unit_widths(text), max_width):
        visible = text[line.start : line.visible_end]
        clusters = sum(grapheme_starts(visible))
        assert line.width <= max_width or clusters <= 1
