"""Script runs and shaping: the glyphs and offsets drawn in the PDF are exactly HarfBuzz's."""

from __future__ import annotations

import io

import pytest
import uharfbuzz as hb
from reportlab.pdfgen.canvas import Canvas

from rangtang_desktop.reports import fonts
from rangtang_desktop.reports.shaping import Run, script_runs, shape, shaped_str
from rangtang_desktop.reports.text import Text, TextStyle

from .pdfops import drawn_glyphs
from .sample import HARD_WORDS

SIZE = 100.0


@pytest.fixture(scope="module", autouse=True)
def registered():
    """The fonts are registered for every test here."""
    fonts.register_fonts()


def harfbuzz(text: str, font: str, pen: float = 0.0):
    """(gid, x, y) of each glyph, in points at SIZE, straight from uharfbuzz and the font file."""
    face = hb.Face(hb.Blob.from_file_path(str(fonts.font_path(font))))
    hb_font = hb.Font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(hb_font, buf, {"kern": True, "liga": True})
    scale = SIZE / face.upem
    result = []
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        result.append((info.codepoint, pen + pos.x_offset * scale, pos.y_offset * scale))
        pen += pos.x_advance * scale
    return result, pen


def drawn(text: str, bold: bool = False):
    """(font, gid, x, y) of each glyph a Text draws, relative to the start of its first line."""
    canvas = Canvas(io.BytesIO(), initialFontName=fonts.ZH)
    flowable = Text(text, TextStyle(size=SIZE, bold=bold))
    flowable.wrapOn(canvas, 10_000, 10_000)
    flowable.drawOn(canvas, 0, 0)
    glyphs = drawn_glyphs(canvas)
    x0, y0 = glyphs[0].x, glyphs[0].y
    first = harfbuzz(text, glyphs[0].font)[0][0]  # the first glyph may itself be offset
    return [(g.font, g.gid, g.x - x0 + first[1], g.y - y0 + first[2]) for g in glyphs]


def assert_same(actual, expected):
    assert [(f, gid) for f, gid, _, _ in actual] == [(f, gid) for f, gid, _, _ in expected]
    for (_, gid, x, y), (_, _, ex, ey) in zip(actual, expected, strict=True):
        assert x == pytest.approx(ex, abs=0.02), gid
        assert y == pytest.approx(ey, abs=0.02), gid


@pytest.mark.parametrize("word", HARD_WORDS + ("ཨོཾ་མ་ཎི་པདྨེ་ཧཱུྃ", "༠༡༢༣༤༥༦༧༨༩"))
def test_tibetan_glyphs_drawn_as_harfbuzz_shapes_them(word):
    """Glyph ids, x offsets and y offsets in the PDF equal uharfbuzz's shaping of the word in the Tibetan font."""
    expected = [(fonts.BO, gid, x, y) for gid, x, y in harfbuzz(word, fonts.BO)[0]]
    assert_same(drawn(word), expected)


def test_bold_tibetan_uses_the_bold_font():
    """Bold Tibetan is drawn with the glyphs of the bold font, shaped by HarfBuzz."""
    word = "བསྒྲུབས་"
    expected = [(fonts.BO_BOLD, gid, x, y) for gid, x, y in harfbuzz(word, fonts.BO_BOLD)[0]]
    assert_same(drawn(word, bold=True), expected)


@pytest.mark.parametrize(
    "runs",
    [
        [
            ("卓玛", fonts.ZH),
            ("སྒྲོལ་མ་ ", fonts.BO),
            ("次仁", fonts.ZH),
            ("ཚེ་རིང་", fonts.BO),
            ("拉毛", fonts.ZH),
            ("ལྷ་མོ", fonts.BO),
        ],
        [("2025年5月20日 ", fonts.ZH), ("ཟླ་", fonts.BO), ("5", fonts.ZH)],
    ],
)
def test_mixed_words_shape_each_run_in_its_own_font(runs):
    """A zh/bo word without spaces: each single-font run is shaped on its own and drawn after the previous one."""
    expected = []
    pen = 0.0
    for text, font in runs:
        glyphs, pen = harfbuzz(text, font, pen)
        expected += [(font, gid, x, y) for gid, x, y in glyphs]
    assert_same(drawn("".join(text for text, _ in runs)), expected)


def test_script_runs():
    """Tibetan goes to the Tibetan font, the rest to the Chinese one; neutral characters follow the run before them if its font has them."""
    text = "卓玛སྒྲོལ་མ་ 12次仁，ཚེ་རིང་。\n  ཀ"
    runs = [(text[r.start : r.end], r.font) for r in script_runs(text)]
    assert runs == [
        ("卓玛", fonts.ZH),
        ("སྒྲོལ་མ་ ", fonts.BO),  # the space stays with Tibetan ...
        ("12次仁，", fonts.ZH),  # ... but the Tibetan font has no digits
        ("ཚེ་རིང་", fonts.BO),
        ("。", fonts.ZH),
        ("  ཀ", fonts.BO),  # leading spaces take the font of the run after them
    ]
    assert script_runs("ཀ", bold=True) == [Run(0, 1, fonts.BO_BOLD)]


def test_no_discretionary_ligatures():
    """5月20日 keeps one glyph per character (dlig is off): the cmap glyphs of the Chinese font."""
    text = "5月20日"
    face = fonts.get_font(fonts.ZH).face
    assert shape(text, fonts.ZH).glyphs == tuple(face.charToGlyph[ord(ch)] for ch in text)


def test_shaped_string_keeps_chinese_characters():
    """The string handed to reportlab holds the Chinese characters themselves, so the PDF's text extracts as Chinese."""
    assert str(shaped_str("监护人外出务工，5月", fonts.ZH)) == "监护人外出务工，5月"


def test_shaping_is_cached():
    """Shaping the same string in the same font twice returns the cached result."""
    assert shape("བཀྲ་ཤིས་", fonts.BO) is shape("བཀྲ་ཤིས་", fonts.BO)
    assert shaped_str("次仁", fonts.ZH) is shaped_str("次仁", fonts.ZH)
