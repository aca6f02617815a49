"""The terminology glossary is well-formed, and both catalogs use its terms: wherever a Chinese translation
uses a glossary term, the Tibetan translation of the same string uses the glossary's Tibetan for it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rangtang_desktop.i18n.glossary import STATUSES, Term, load_glossary

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TIBETAN = re.compile(r"[\u0f00-\u0fff]")
# The domain terms the glossary must always carry (issue 9).
REQUIRED = (
    "儿童主任", "网格员", "留守儿童", "困境儿童", "事实无人抚养儿童", "监护缺失", "监护不当", "强制报告", "巡查寻访",
    "家庭教育指导", "监护人", "委托照护", "未成年人", "孤儿", "预警", "转介", "户", "村", "乡镇", "县", "身份证号", "户口",
    "户籍", "出生日期", "签名", "数据包", "U盘", "导入", "导出", "冲突", "回执", "注册", "吊销", "名册", "走访记录表", "台账",
    "确定", "取消", "保存", "文件夹", "刷新",
)
# Other forms (bo_also) are for real grammatical variants only; more than this means the glossary is drifting.
MAX_ROWS_WITH_OTHER_FORMS = 8


@pytest.fixture(scope="module")
def glossary() -> list[Term]:
    return load_glossary(ROOT / "translations" / "glossary.csv")


def translations(locale: str) -> dict[str, str]:
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}


def test_glossary_has_the_domain_terms(glossary):
    """Every domain term the issue lists has a row."""
    assert sorted(set(REQUIRED) - {t.zh for t in glossary}) == []


def test_no_duplicate_chinese_terms(glossary):
    """Each Chinese term has one row, so it has one Tibetan rendering."""
    assert [zh for zh, count in Counter(t.zh for t in glossary).items() if count > 1] == []


def test_every_row_is_complete_and_has_a_known_status(glossary):
    """Every row has a term in each language, a source, and a status of sourced or unverified; an unverified
    row says so in its source."""
    problems = [
        t.zh for t in glossary
        if not (t.zh and t.bo and t.en and t.source) or t.status not in STATUSES
        or (t.status == "unverified") != t.source.startswith("unverified")
    ]
    assert problems == []


def test_tibetan_cells_are_tibetan(glossary):
    """The Tibetan cells are written in Tibetan script with no Han characters; the Chinese cells carry no Tibetan."""
    problems = [
        (t.zh, form) for t in glossary for form in (t.bo, *t.bo_also)
        if not TIBETAN.search(form) or HAN.search(form)
    ]
    problems += [(t.zh, t.zh) for t in glossary if TIBETAN.search(t.zh) or not HAN.search(t.zh)]
    assert problems == []


def test_other_forms_stay_few(glossary):
    """Few rows need other accepted forms, and each one really is another form (not the term itself)."""
    with_forms = [t for t in glossary if t.bo_also]
    assert len(with_forms) <= MAX_ROWS_WITH_OTHER_FORMS, [t.zh for t in with_forms]
    assert [t.zh for t in with_forms if len(t.bo_forms) < 2] == []


def test_catalogs_use_the_glossary_terms(glossary):
    """Wherever the Chinese translation uses a glossary term (not only inside a longer glossary term), the
    Tibetan translation of the same msgid uses the glossary's Tibetan (or one of its accepted forms)."""
    zh, bo = translations("zh_Hans_CN"), translations("bo")
    missing = [
        f"{term.zh} → {term.bo}: {msgid!r} | {zh[msgid]} | {bo[msgid]}"
        for term in glossary
        for msgid in zh
        if msgid in bo and term.in_chinese(zh[msgid], glossary) and not term.in_tibetan(bo[msgid])
    ]
    assert missing == []


def test_chinese_matching_skips_longer_terms():
    """户 is not found inside 户口 or 用户 when those are glossary terms, but is found beside them."""
    terms = [Term("户", "དུད་ཚང", "household", "x", "sourced"), Term("户口", "ཁྱིམ་ཐོ", "hukou", "x", "sourced"),
             Term("用户", "སྤྱོད་མཁན", "user", "x", "sourced")]
    household = terms[0]
    assert not household.in_chinese("户口类型", terms)
    assert not household.in_chinese("用户", terms)
    assert household.in_chinese("户口在本户", terms)
    assert household.in_tibetan("དུད་ཚང་གི་ཁྱིམ་ཐོ།")
    assert Term("x", "ལྟ་སྐྱོང་བ།", "x", "x", "sourced").in_tibetan("ལྟ་སྐྱོང་བས་མིང་རྟགས་བཀོད།")
