"""Visual regression: the sample pages, rasterised by poppler, match reviewed reference images.

The sample (``sample.visual_story``) holds the hard Tibetan stacks, mixed zh/bo words without
spaces, a long Tibetan paragraph, Tibetan digits, Chinese with punctuation at line ends, a long ID
and hash, bold, alignment, newlines, and a form table. Pages are rendered with
``pdftoppm -r 100 -gray -png`` and compared with ``tests/reports/reference/sample-<page>.png``.

Comparison: both images are thresholded to ink (grey < 128); a pixel counts as different when one
image has ink there and the other has none within one pixel (so anti-aliasing and one-pixel
rounding differences between poppler builds do not count). The page fails when the different
pixels exceed 0.5 % of the reference's ink, or when any 16 × 16 pixel tile holds 20 or more of them
(one vowel sign moved by 0.15 em in the 26 pt line makes 48; the whole page's ink barely notices).
On failure the rendering and a diff image (red: ink
only in the reference, blue: ink only in the new rendering, grey: shared) are written to the
test's temporary folder, named in the failure message.

Regenerating the references after a reviewed change to the engine or the fonts:

    UPDATE_REFERENCES=1 python -m pytest tests/reports/test_visual.py

then LOOK at every ``tests/reports/reference/sample-*.png`` (the Tibetan stacks against
``hb-view --font-size=48 --output-file=x.png resources/fonts/RangtangTibetan-Regular.ttf "བསྒྲུབས"``)
before committing them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from reportlab.pdfbase.ttfonts import ShapedStr

from rangtang_desktop.reports import text as text_module

from .poppler import needs_poppler, rasterise
from .sample import build_visual_sample

REFERENCE = Path(__file__).resolve().parent / "reference"
UPDATE = os.environ.get("UPDATE_REFERENCES") == "1"
TOLERANCE = 0.005
TILE, TILE_LIMIT = 16, 20
PAGES = (1, 2)

pytestmark = needs_poppler


def ink(image: Image.Image) -> Image.Image:
    """255 where the page has ink (grey below 128), else 0."""
    return image.convert("L").point(lambda v: 255 if v < 128 else 0)


def count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def compare(reference: Image.Image, rendered: Image.Image) -> tuple[float, int, Image.Image]:
    """(different pixels / reference ink pixels, most different pixels in one tile, diff image),
    differences of one pixel forgiven."""
    assert reference.size == rendered.size, (reference.size, rendered.size)
    a, b = ink(reference), ink(rendered)
    grow = ImageFilter.MaxFilter(3)
    only_reference = ImageChops.subtract(a, b.filter(grow))
    only_rendered = ImageChops.subtract(b, a.filter(grow))
    different = count(only_reference) + count(only_rendered)
    either = ImageChops.lighter(only_reference, only_rendered)
    worst_tile = round(either.reduce(TILE).getextrema()[1] * TILE * TILE / 255)
    diff = Image.new("RGB", a.size, "white")
    diff.paste((190, 190, 190), mask=ImageChops.logical_and(a.convert("1"), b.convert("1")))
    diff.paste((220, 0, 0), mask=only_reference.convert("1"))
    diff.paste((0, 0, 220), mask=only_rendered.convert("1"))
    return different / max(count(a), 1), worst_tile, diff


def render(tmp_path: Path) -> list[Path]:
    pdf = tmp_path / "sample.pdf"
    build_visual_sample(pdf)
    pages = rasterise(pdf, tmp_path)
    assert len(pages) == len(PAGES)
    return pages


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[Path]:
    """The sample pages as PNG, written to the reference folder first when UPDATE_REFERENCES=1."""
    pages = render(tmp_path_factory.mktemp("visual"))
    if UPDATE:
        REFERENCE.mkdir(exist_ok=True)
        for number, page in zip(PAGES, pages, strict=True):
            shutil.copyfile(page, REFERENCE / f"sample-{number}.png")
    return pages


@pytest.mark.parametrize("number", PAGES)
def test_page_matches_reference(rendered, number, tmp_path):
    """Each rendered sample page matches its reviewed reference image within the tolerance."""
    reference_path = REFERENCE / f"sample-{number}.png"
    assert reference_path.exists(), f"no reference image: run UPDATE_REFERENCES=1 pytest {__file__} and review it"
    with Image.open(reference_path) as reference, Image.open(rendered[number - 1]) as page:
        ratio, worst_tile, diff = compare(reference, page)
        if ratio >= TOLERANCE or worst_tile >= TILE_LIMIT:
            diff_path = tmp_path / f"diff-{number}.png"
            diff.save(diff_path)
            shutil.copyfile(rendered[number - 1], tmp_path / f"rendered-{number}.png")
            pytest.fail(
                f"page {number} differs from {reference_path.name}: {ratio:.2%} of its ink, up to {worst_tile} "
                f"pixels in one {TILE}x{TILE} tile; diff: {diff_path}"
            )


@pytest.mark.skipif(UPDATE, reason="references are being regenerated")
def test_comparison_catches_unshaped_tibetan(tmp_path, monkeypatch):
    """Drawing the Tibetan unshaped (plain strings instead of HarfBuzz's glyphs) fails the comparison: the test has teeth."""
    monkeypatch.setattr(text_module, "shaped_str", lambda value, font: value)
    pages = render(tmp_path)
    with Image.open(REFERENCE / "sample-1.png") as reference, Image.open(pages[0]) as page:
        ratio, worst_tile, _diff = compare(reference, page)
    assert ratio > 5 * TOLERANCE
    assert worst_tile > TILE_LIMIT


@pytest.mark.skipif(UPDATE, reason="references are being regenerated")
def test_comparison_catches_one_misplaced_vowel_sign(tmp_path, monkeypatch):
    """Moving a single vowel sign (the ོཾ of ཨོཾ) by 0.15 em fails the comparison through the tile limit."""
    original = text_module.shaped_str

    def misplaced(value, font):
        shaped = original(value, font)
        if "ཨོཾ" not in value:
            return shaped
        data = [d._replace(x_offset=d.x_offset + 150) if d.x_offset < -760 else d for d in shaped.__shapeData__]
        return ShapedStr(str(shaped), shapeData=data)

    monkeypatch.setattr(text_module, "shaped_str", misplaced)
    pages = render(tmp_path)
    with Image.open(REFERENCE / "sample-1.png") as reference, Image.open(pages[0]) as page:
        ratio, worst_tile, diff = compare(reference, page)
    diff.save(tmp_path / "diff.png")
    assert ratio < TOLERANCE  # too small to notice on the whole page ...
    assert worst_tile >= TILE_LIMIT  # ... but not in its tile
