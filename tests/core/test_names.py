"""Name keys and search text: variant spellings, pinyin, Tibetan script normalisation."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rangtang_desktop.core.names import (
    SEPARATOR,
    VariantTable,
    name_key,
    normalize_chinese,
    normalize_tibetan,
    pinyin_full,
    pinyin_initials,
    search_terms,
    search_text,
)
from rangtang_desktop.storage.reference import name_variants

VARIANTS = VariantTable.from_groups([["次仁", "才让", "泽仁"], ["卓玛", "卓马"], ["拉姆", "拉毛"], ["单独"]])


@pytest.mark.parametrize("spelling", ["次仁", "才让", "泽仁"])
def test_variant_spellings_share_the_first_spelling_as_key(spelling):
    """才让 and 泽仁 are rewritten to 次仁, the first spelling of their group."""
    assert VARIANTS.normalize(spelling) == "次仁"


def test_variants_are_replaced_inside_longer_names():
    """Each name part is rewritten: 才让卓马 and 泽仁卓玛 get the key 次仁卓玛."""
    assert name_key("才让卓马", VARIANTS) == "次仁卓玛"
    assert name_key("泽仁卓玛", VARIANTS) == "次仁卓玛"
    assert name_key("王芳", VARIANTS) == "王芳"


def test_variant_table_drops_groups_of_one_and_changes_digest():
    """A group with one spelling is no group; adding a group changes the digest."""
    assert ("单独",) not in VARIANTS.groups
    larger = VariantTable.from_groups([*VARIANTS.groups, ["多吉", "多杰"]])
    assert larger.digest() != VARIANTS.digest()
    assert VariantTable.from_groups(VARIANTS.groups).digest() == VARIANTS.digest()


def test_shipped_table_knows_cairang():
    """The shipped variant table maps 才让 to 次仁 and 拉毛 to 拉姆."""
    table = name_variants()
    assert table.normalize("才让拉毛") == "次仁拉姆"


def test_normalize_chinese_folds_width_spaces_and_case():
    """Full-width letters and digits, spaces and middle dots are folded away."""
    assert normalize_chinese(" 扎西·Ｄｏｒｊｅ １２ ") == "扎西dorje12"


def test_pinyin_full_and_initials():
    """卓玛 is zhuoma in full and zm in initials, without tones."""
    assert pinyin_full("卓玛") == "zhuoma"
    assert pinyin_initials("卓玛") == "zm"
    assert pinyin_initials("次仁卓玛") == "crzm"


@pytest.mark.parametrize(
    "written",
    ["ཚེ་རིང", "ཚེ་རིང་", "ཚེ་རིང།", "ཚེ་རིང་།", "ཚེ་རིང་། ", " ཚེ་ རིང", "ཚེ\u0f0cརིང"],
)
def test_tibetan_normalisation_of_tsheg_and_shad(written):
    """Trailing tsheg and shad, spaces and the non-breaking tsheg do not change the name."""
    assert normalize_tibetan(written) == "ཚེ་རིང"


def test_tibetan_normalisation_composes_unicode():
    """Decomposed and precomposed forms of the same letters give the same text (NFC)."""
    decomposed = "\u0f40\u0f71\u0f72"  # KA + AA + I
    assert normalize_tibetan(decomposed) == normalize_tibetan("\u0f40\u0f73")


def test_search_text_holds_every_form_between_separators():
    """Search text holds the name as written, its key, full pinyin, initials, Tibetan, ID and house name."""
    text = search_text(
        name_zh="才让卓玛",
        name_bo="ཚེ་རིང་སྒྲོལ་མ་།",
        aliases=["小卓玛"],
        id_number="51323020150307002X",
        house_names=["阿坝仓"],
        household_number="513230101203-0001",
        variants=VARIANTS,
    )
    fields = text.strip(SEPARATOR).split(SEPARATOR)
    assert text.startswith(SEPARATOR) and text.endswith(SEPARATOR)
    for expected in (
        "才让卓玛", "次仁卓玛", "cairangzhuoma", "crzm", "cirenzhuoma", "小卓玛", "xiaozhuoma",
        "ཚེ་རིང་སྒྲོལ་མ", "51323020150307002x", "阿坝仓", "abacang", "513230101203-0001",
    ):
        assert expected in fields


def test_search_text_puts_tibetan_aliases_in_tibetan_form():
    """An alias written in Tibetan script is stored normalised, without pinyin."""
    text = search_text(name_zh="卓玛", aliases=["སྒྲོལ་མ་།"], variants=VARIANTS)
    assert f"{SEPARATOR}སྒྲོལ་མ{SEPARATOR}" in text


def test_search_terms_split_words_and_add_variant_forms():
    """Each word is a term of its own; a variant spelling is also looked for as its key."""
    assert search_terms("才让  ZM", VARIANTS) == [["才让", "次仁"], ["zm"]]
    assert search_terms("ཚེ་རིང་།", VARIANTS) == [["ཚེ་རིང"]]
    assert search_terms("   ", VARIANTS) == []


def test_a_variant_query_finds_the_other_spelling():
    """Any form of the query 泽仁 is contained in the search text of 才让卓玛."""
    text = search_text(name_zh="才让卓玛", variants=VARIANTS)
    [forms] = search_terms("泽仁", VARIANTS)
    assert any(form in text for form in forms)


SHIPPED = name_variants()


def test_a_key_spelling_is_not_split_by_a_variant_across_its_boundary():
    """次旺久美 is 次旺 + 久美 (→ 晋美), not 次 + 旺久 (a variant of 旺秋) + 美."""
    assert SHIPPED.normalize("次旺久美") == SHIPPED.normalize("才旺久美") == "次旺晋美"
    assert SHIPPED.normalize("格桑吉美") == SHIPPED.normalize("尕藏吉美")


def test_every_pair_of_shipped_name_parts_gets_one_key_however_spelt():
    """For any two shipped name parts, every combination of their spellings gets the same key."""
    for first, second in itertools.product(SHIPPED.groups, repeat=2):
        keys = {SHIPPED.normalize(a + b) for a in first for b in second}
        assert len(keys) == 1, (first[0], second[0], keys)


spelt_parts = st.lists(
    st.tuples(st.integers(0, len(SHIPPED.groups) - 1), st.integers(0, 10), st.integers(0, 10)),
    min_size=1,
    max_size=4,
)


@given(spelt_parts)
def test_any_spellings_of_the_same_name_parts_share_a_key(parts):
    """Two names built from the same shipped name parts, each part spelt either way, get one key."""
    first = "".join(SHIPPED.groups[g][a % len(SHIPPED.groups[g])] for g, a, _ in parts)
    second = "".join(SHIPPED.groups[g][b % len(SHIPPED.groups[g])] for g, _, b in parts)
    assert SHIPPED.normalize(first) == SHIPPED.normalize(second)
