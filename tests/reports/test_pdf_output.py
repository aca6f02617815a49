"""The PDFs the engine writes: fonts embedded as subsets, Chinese extractable, no file when a font is missing."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics

from rangtang_desktop.core.msg import Message
from rangtang_desktop.reports import fonts
from rangtang_desktop.reports.text import Text, text_width

from .poppler import font_rows, needs_poppler, pdf_text, squeeze
from .sample import CHINESE_PARAGRAPH, ID_AND_HASH, build_visit_sheet, build_visual_sample


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    """The visual sample (both pages), built once."""
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    build_visual_sample(path)
    return path


@needs_poppler
def test_every_font_is_embedded_as_a_subset(sample_pdf):
    """pdffonts lists the Tibetan (regular and bold) and Chinese fonts, each embedded and subset, and nothing else."""
    rows = font_rows(sample_pdf)
    names = sorted(row[0].split("+", 1)[1] for row in rows)
    assert names == ["RangtangTibetan-Bold", "RangtangTibetan-Regular", "WenQuanYiMicroHei"]
    for row in rows:
        assert row[0].split("+", 1)[0].isalpha() and len(row[0].split("+", 1)[0]) == 6  # subset tag
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # emb, sub, uni


@needs_poppler
def test_chinese_text_extracts_as_written(sample_pdf):
    """pdftotext gives back the Chinese paragraphs, names and ID exactly (Tibetan extracts as private-use characters)."""
    found = squeeze(pdf_text(sample_pdf))
    assert squeeze(CHINESE_PARAGRAPH) in found
    assert squeeze(ID_AND_HASH) in found
    assert "卓玛" in found and "次仁" in found and "5月20日" in found
    assert "监护人外出务工" in found  # also inside the table on page 2


def test_missing_font_raises_before_any_file_is_written(tmp_path, monkeypatch):
    """With a font file missing, FontMissing names it and no PDF is left behind."""
    empty = tmp_path / "resources"
    monkeypatch.setattr(fonts, "resource", lambda *parts: empty.joinpath(*parts))
    monkeypatch.setitem(fonts._state, "registered", False)
    out = tmp_path / "sheet.pdf"
    with pytest.raises(fonts.FontMissing) as caught:
        build_visit_sheet(out)
    assert not out.exists()
    assert caught.value.params["name"] == "WenQuanYiMicroHei-Subset.ttf"
    headline = caught.value.headline_message().render(lambda s: s)
    assert "WenQuanYiMicroHei-Subset.ttf" in headline
    assert isinstance(caught.value.advice_message(), Message)


def test_damaged_font_is_reported_as_missing(tmp_path, monkeypatch):
    """A font file that is not a TrueType font gives FontMissing too, and nothing is registered."""
    folder = tmp_path / "resources" / "fonts"
    folder.mkdir(parents=True)
    for name in fonts.FONT_FILES.values():
        (folder / name).write_bytes(b"not a font")
    monkeypatch.setattr(fonts, "resource", lambda *parts: (tmp_path / "resources").joinpath(*parts))
    monkeypatch.setitem(fonts._state, "registered", False)
    registered_before = pdfmetrics.getRegisteredFontNames()
    with pytest.raises(fonts.FontMissing):
        Text("次仁")
    with pytest.raises(fonts.FontMissing):
        text_width("次仁", 10)
    assert pdfmetrics.getRegisteredFontNames() == registered_before


def test_registration_happens_once():
    """register_fonts is idempotent: the registered font objects stay the same (shaping caches rely on it)."""
    fonts.register_fonts()
    before = [fonts.get_font(name) for name in fonts.FONT_FILES]
    fonts.register_fonts()
    assert all(fonts.get_font(name) is font for name, font in zip(fonts.FONT_FILES, before, strict=True))
