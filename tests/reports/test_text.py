"""The Text flowable, text_width and draw_text: heights, splitting across pages, tables, speed."""

from __future__ import annotations

import io
import time

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table

from rangtang_desktop.reports import fonts
from rangtang_desktop.reports.shaping import shape
from rangtang_desktop.reports.text import (
    CHINESE_LEADING,
    TIBETAN_LEADING,
    Text,
    TextStyle,
    draw_text,
    layout,
    normalize,
    text_width,
)

from .pdfops import drawn_glyphs
from .sample import CHINESE_PARAGRAPH, TIBETAN_PARAGRAPH, build_visit_sheet, visit_sheet_story

NOTE = (TIBETAN_PARAGRAPH + "\n" + CHINESE_PARAGRAPH + " ID 51323020150520412X\n") * 12


@pytest.fixture(scope="module", autouse=True)
def registered():
    """The fonts are registered for every test here."""
    fonts.register_fonts()


def texts_drawn(story) -> list[str]:
    """Build ``story`` and return the text of every Text flowable drawn, in order."""
    drawn = []
    original = Text.draw

    def record(self):
        drawn.append(self.text)
        original(self)

    Text.draw = record
    try:
        SimpleDocTemplate(io.BytesIO(), pagesize=A4, **fonts.doc_options()).build(story)
    finally:
        Text.draw = original
    return drawn


def test_one_line_heights():
    """A Chinese line is CHINESE_LEADING × size high, a line holding Tibetan TIBETAN_LEADING × size; wrap returns the width given."""
    assert Text("监护人 Li 5", TextStyle(size=10)).wrap(200, 100) == (200, pytest.approx(10 * CHINESE_LEADING))
    assert Text("卓玛སྒྲོལ་མ", TextStyle(size=10)).wrap(200, 100) == (200, pytest.approx(10 * TIBETAN_LEADING))
    assert Text("卓玛", TextStyle(size=10, leading=20)).wrap(200, 100)[1] == 20


def test_height_is_the_sum_of_its_lines():
    """A wrapped paragraph is as high as its lines, and narrower means more lines."""
    text = Text(TIBETAN_PARAGRAPH + CHINESE_PARAGRAPH, TextStyle(size=10))
    wide = text.wrap(400, 1000)[1]
    lines = text.lines(400)
    assert len(lines) > 2
    assert wide == pytest.approx(sum(line.height for line in lines))
    assert text.wrap(150, 1000)[1] > wide
    assert all(line.width <= 150 + 1e-6 for line in text.lines(150))


def test_lines_end_at_tsheg_shad_or_between_ideographs():
    """In a real layout every wrapped line ends after a tsheg or shad, or between ideographs; no line starts with closing punctuation."""
    for line_text in [NOTE[line.start : line.end] for line in layout(NOTE, TextStyle(size=10), 180)]:
        assert line_text[0] not in "、，。：；？！）》」་།"
        ending = line_text.rstrip(" \n")[-1]
        assert ending in "་།" or "\u3000" <= ending <= "\u9fff" or "\uff00" <= ending <= "\uffef" or ending in "X”"


def test_empty_text_has_no_height():
    """An empty Text takes no room; a lone newline is one empty line."""
    assert Text("").wrap(100, 100)[1] == 0
    assert Text("\n", TextStyle(size=10)).wrap(100, 100)[1] == pytest.approx(10 * CHINESE_LEADING)


def test_split_keeps_every_character_once():
    """Splitting a long note repeatedly at a page height loses and repeats nothing."""
    rest = Text(NOTE, TextStyle(size=10))
    parts = []
    while True:
        pieces = rest.split(300, 120)
        assert pieces, "a page holds at least one line"
        parts.append(pieces[0])
        if len(pieces) == 1:
            break
        assert pieces[0].wrap(300, 120)[1] <= 120
        rest = pieces[1]
    assert len(parts) > 5
    assert "".join(part.text for part in parts) == normalize(NOTE)


def test_split_refuses_when_no_line_fits():
    """No room for one line: split returns nothing, so platypus moves the text on."""
    assert Text("监护人", TextStyle(size=10)).split(100, 5) == []


def test_long_note_flows_over_pages():
    """A note longer than a page continues on the following pages with every character drawn once."""
    story = [Text(NOTE * 2, TextStyle(size=11))]
    drawn = texts_drawn(story)
    assert len(drawn) > 2
    assert "".join(drawn) == normalize(NOTE * 2)


def test_long_note_flows_inside_a_table_row():
    """With Table(splitInRow=1), a long note in a cell flows onto the next page."""
    table = Table([[Text("备注 མཆན།"), Text(NOTE)]], colWidths=[100, 350], splitInRow=1)
    drawn = texts_drawn([table])
    notes = [text for text in drawn if not text.startswith("备注")]
    assert len(notes) > 1
    assert "".join(notes) == normalize(NOTE)


def test_min_width_is_the_widest_unbreakable_unit():
    """minWidth (used for automatic table columns) is the widest stretch that cannot be broken."""
    assert Text("卓玛 51323020150520412X", TextStyle(size=10)).minWidth() == pytest.approx(
        text_width("51323020150520412X", 10)
    )


def test_text_width_sums_shaped_runs():
    """text_width adds the HarfBuzz advances of each script run; the widest line counts."""
    expected = (shape("卓玛", fonts.ZH).advance + shape("སྒྲོལ་མ", fonts.BO).advance) * 12 / 1000
    assert text_width("卓玛སྒྲོལ་མ", 12) == pytest.approx(expected)
    assert text_width("卓玛\nསྒྲོལ་མ", 12) == pytest.approx(shape("སྒྲོལ་མ", fonts.BO).advance * 12 / 1000)
    assert text_width("次仁", 10, bold=True) == text_width("次仁", 10)  # fake bold keeps the width


@pytest.mark.parametrize(("align", "start"), [("left", 100.0), ("center", 100.0 - 0.5), ("right", 100.0 - 1.0)])
def test_draw_text_alignment(align, start):
    """draw_text starts at x, centres on x or ends at x, and returns the width drawn."""
    canvas = Canvas(io.BytesIO(), **fonts.doc_options())
    width = draw_text(canvas, 100, 50, "次仁ཚེ་རིང་", 10, align=align)
    glyphs = drawn_glyphs(canvas)
    assert width == pytest.approx(text_width("次仁ཚེ་རིང་", 10))
    assert glyphs[0].x == pytest.approx(100 - (100 - start) * width, abs=0.01)
    assert glyphs[0].y == pytest.approx(50)


def test_right_and_centre_alignment_in_a_flowable():
    """A right-aligned Text ends its lines at the right edge; a centred one splits the slack."""
    for align, slack in (("right", 1.0), ("center", 0.5)):
        canvas = Canvas(io.BytesIO(), **fonts.doc_options())
        flowable = Text("次仁", TextStyle(size=10, align=align))
        flowable.wrapOn(canvas, 200, 100)
        flowable.drawOn(canvas, 0, 0)
        assert drawn_glyphs(canvas)[0].x == pytest.approx(slack * (200 - text_width("次仁", 10)), abs=0.01)


def test_normalize():
    """CR LF and CR become newlines, tabs spaces, other control characters go."""
    assert normalize("a\r\nb\rc\td\x00e") == "a\nb\nc de"


def test_characters_no_font_has_show_as_a_box():
    """A character missing from both fonts (an Extension B ideograph, an emoji) prints as □ instead of vanishing; invisible format characters are dropped."""
    assert normalize("王𠀀芳😀\ufeff") == "王□芳□"
    assert normalize("卓玛སྒྲོལ་མ\u200b") == "卓玛སྒྲོལ་མ\u200b"  # both fonts have the zero-width space


def test_style_is_checked():
    """An unknown alignment or a zero size is refused at once."""
    with pytest.raises(ValueError):
        TextStyle(align="justify")
    with pytest.raises(ValueError):
        TextStyle(size=0)


def test_visit_sheet_builds_fast():
    """A 2-page visit sheet with about 40 text cells builds in well under 150 ms once the fonts are registered."""
    build_visit_sheet(io.BytesIO())  # warm-up: the first build also parses the font tables for subsetting
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        out = io.BytesIO()
        build_visit_sheet(out)
        timings.append(time.perf_counter() - start)
    cells = sum(isinstance(f, Text) for row in visit_sheet_story()[1]._cellvalues for f in row)
    assert cells >= 40
    assert min(timings) < 0.15, timings
