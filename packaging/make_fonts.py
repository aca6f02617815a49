"""Rebuild the fonts in ``resources/fonts/`` from Debian's packages (run on Debian or Ubuntu).

    python packaging/make_fonts.py

* Chinese: ``wqy-microhei.ttc`` (fonts-wqy-microhei, Apache-2.0) face 0, subset with fontTools to
  Latin, punctuation, CJK symbols and the CJK ideographs (all of them, with Extension A: GB2312-only
  subsets miss name characters such as 堃 玥 喆 昇 瑄), all layout features kept.
* Tibetan: ``NotoSerifTibetan-{Regular,Bold}.ttf`` (fonts-noto-core, OFL-1.1, no reserved font name)
  with tighter vertical metrics, renamed "Rangtang Tibetan" so a system copy of Noto cannot stand in
  for it. Noto Serif Tibetan declares 1.466 em above and 1.349 em below the baseline (2.8 em a line,
  2.4 times the Chinese font), which doubles the height of every text box and table row. The ink of
  every Tibetan word in our catalogs, name tables and demo data, shaped with HarfBuzz, reaches
  1.165 em above (ཨོཾ) and 0.694 em below (བསྒྲུབས); the new metrics, 1.2 em and 0.75 em, cover it.
  Glyphs and shaping are untouched.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "resources" / "fonts"
CJK_RANGES = (
    "U+0000-00FF,U+2000-206F,U+2100-214F,U+2190-21FF,U+2460-24FF,U+2500-257F,U+25A0-25FF,U+2600-26FF,"
    "U+3000-303F,U+3400-4DBF,U+4E00-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"
)
TIBETAN_FAMILY = "Rangtang Tibetan"
ASCENT, DESCENT = 1200, 750  # units of the 1000-unit em


def fetch(package: str, work: Path) -> Path:
    subprocess.run(["apt-get", "download", package], check=True, cwd=work)
    deb = next(work.glob(f"{package}_*.deb"))
    target = work / package
    subprocess.run(["dpkg", "-x", str(deb), str(target)], check=True)
    return target


def chinese(source: Path) -> None:
    options = subset.Options()
    options.font_number = 0
    options.layout_features = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(CJK_RANGES))
    subsetter.subset(font)
    subset.save_font(font, str(FONTS / "WenQuanYiMicroHei-Subset.ttf"), options)


def tibetan(source: Path, style: str) -> None:
    font = TTFont(source)
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = ASCENT, -DESCENT, 0
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ASCENT, -DESCENT, 0
    os2.usWinAscent, os2.usWinDescent = ASCENT, DESCENT
    names = font["name"]
    full = f"{TIBETAN_FAMILY} {style}" if style != "Regular" else TIBETAN_FAMILY
    postscript = f"RangtangTibetan-{style}"
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = TIBETAN_FAMILY
        elif record.nameID == 4:
            record.string = full
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID == 3:
            record.string = f"{postscript}; modified from Noto Serif Tibetan"
    font.save(FONTS / f"RangtangTibetan-{style}.ttf")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wqy = fetch("fonts-wqy-microhei", work)
        noto = fetch("fonts-noto-core", work)
        chinese(next(wqy.rglob("wqy-microhei.ttc")))
        for style in ("Regular", "Bold"):
            tibetan(next(noto.rglob(f"NotoSerifTibetan-{style}.ttf")), style)


if __name__ == "__main__":
    main()
