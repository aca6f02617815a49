"""Finding people: Chinese, variant spellings, pinyin, Tibetan script, ID numbers and house names."""

from __future__ import annotations

import dataclasses

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.core.ids import new_id
from rangtang_desktop.core.names import VariantTable
from rangtang_desktop.storage import search
from rangtang_desktop.storage.database import write_transaction

VARIANTS = VariantTable.from_groups([["次仁", "才让", "泽仁"], ["卓玛", "卓马"], ["多吉", "多杰"]])
ID_NUMBER = "51323020150307008X"  # valid; a girl born 2015-03-07


def store(ws, record, old=None):
    """Write a record through the change log and refresh the search keys, as the services do."""
    with write_transaction(ws.db):
        ws.changelog().write(record, old)
        if isinstance(record, records.Person):
            search.refresh_people(ws.db, [record.id], VARIANTS)
        elif old is not None:
            search.refresh_household(ws.db, record.id, VARIANTS)
    return record


@pytest.fixture
def people(workspace):
    """A household 阿坝仓 with 才让卓玛 (Tibetan name, ID number) and 多吉; a second household with 王芳."""
    home = store(workspace, records.Household(
        id=new_id(), village_code="513230101203", household_number="513230101203-0007",
        house_name_zh="阿坝仓", house_name_bo="ཨ་པ་ཚང",
    ))
    other = store(workspace, records.Household(id=new_id(), village_code="513230101203", house_name_zh="东边"))
    made = {
        "zhuoma": records.Person(
            id=new_id(), household_id=home.id, name_zh="才让卓玛", name_bo="ཚེ་རིང་སྒྲོལ་མ།",
            aliases=["小卓玛"], sex="female", birth_date="2015-03-07", id_number=ID_NUMBER,
        ),
        "dorje": records.Person(id=new_id(), household_id=home.id, name_zh="多吉", sex="male"),
        "wang": records.Person(id=new_id(), household_id=other.id, name_zh="王芳", sex="female"),
    }
    for person in made.values():
        store(workspace, person)
    return {"home": home, **made}


def found(ws, query):
    return search.search_people(ws.db, query, VARIANTS)


@pytest.mark.parametrize(
    "query",
    [
        "才让卓玛",  # Chinese as written
        "卓玛",  # part of the name
        "泽仁卓玛",  # a variant spelling of the whole name
        "次仁",  # the key spelling of a variant
        "卓马",  # a variant of the second part
        "crzm",  # pinyin initials
        "CairangZhuoma",  # full pinyin, any case
        "zhuoma",  # part of the full pinyin
        "ཚེ་རིང་སྒྲོལ་མ",  # Tibetan script
        "སྒྲོལ་མ་།",  # Tibetan with trailing tsheg and shad
        "20150307",  # ID number fragment
        "008x",  # end of the ID number with a lower-case x
        "小卓玛",  # an alias
        "阿坝仓",  # house name
        "ཨ་པ་ཚང",  # house name in Tibetan
        "-0007",  # household number
        "阿坝 卓玛",  # two words, both must match
    ],
)
def test_finds_zhuoma_by(workspace, people, query):
    """才让卓玛 is found by each form of her name, her ID number and her house."""
    assert people["zhuoma"].id in found(workspace, query)


def test_unrelated_people_are_not_found(workspace, people):
    """A query finds only the people it names."""
    assert found(workspace, "王芳") == [people["wang"].id]
    assert people["wang"].id not in found(workspace, "卓玛")
    assert found(workspace, "卓玛 王") == []
    assert found(workspace, "不存在") == []
    assert found(workspace, "  ") == []


def test_house_name_finds_every_member(workspace, people):
    """A house name finds everyone in the household."""
    assert set(found(workspace, "阿坝仓")) == {people["zhuoma"].id, people["dorje"].id}


def test_query_does_not_match_across_fields(workspace, people):
    """A query spanning the end of one field and the start of the next finds nothing."""
    assert found(workspace, "卓玛阿坝") == []


def test_whole_name_ranks_before_part(workspace, people):
    """A person whose name is the whole query comes before one whose name merely contains it."""
    extra = store(workspace, records.Person(id=new_id(), household_id=people["home"].id, name_zh="卓玛", sex="female"))
    assert found(workspace, "卓玛")[0] == extra.id


def test_whole_name_is_not_cut_off_by_the_limit(workspace, people):
    """With more partial matches than the limit, the person named exactly by the query still comes first."""
    for name in ("卓玛拉姆", "卓玛吉", "桑吉卓玛", "卓玛央金"):
        store(workspace, records.Person(id=new_id(), household_id=people["home"].id, name_zh=name))
    exact = store(workspace, records.Person(id=new_id(), household_id=people["home"].id, name_zh="卓玛"))
    assert search.search_people(workspace.db, "卓玛", VARIANTS, limit=2)[0] == exact.id


def test_renamed_house_is_found_by_its_new_name(workspace, people):
    """Changing the house name updates the search text of the household's members."""
    renamed = dataclasses.replace(people["home"], house_name_zh="雪木达仓")
    store(workspace, renamed, people["home"])
    assert people["zhuoma"].id in found(workspace, "雪木达仓")
    assert found(workspace, "阿坝仓") == []


def test_deleted_people_are_not_found(workspace, people):
    """A person marked deleted disappears from search, though the row stays."""
    zhuoma = people["zhuoma"]
    store(workspace, dataclasses.replace(zhuoma, deleted=True), zhuoma)
    assert found(workspace, "卓玛") == []
    assert found(workspace, ID_NUMBER) == []
    assert workspace.db.execute("SELECT count(*) FROM person WHERE id = ?", [zhuoma.id]).fetchone()[0] == 1


def test_merged_people_are_not_found(workspace, people):
    """A person merged into another record is no longer found under their own record."""
    dorje = people["dorje"]
    store(workspace, dataclasses.replace(dorje, merged_into=people["zhuoma"].id), dorje)
    assert found(workspace, "多吉") == []


def test_derived_columns_are_kept(workspace, people):
    """Search refresh stores the ID check status, the variant key, the Tibetan key and the pinyin sort key."""
    row = next(workspace.db.query("SELECT * FROM person WHERE id = ?", [people["zhuoma"].id]))
    assert (row["id_check"], row["name_key"], row["name_bo_key"], row["sort_key"]) == (
        "valid", "次仁卓玛", "ཚེ་རིང་སྒྲོལ་མ", "cairangzhuoma",
    )


def test_changed_variant_table_rebuilds_every_key(workspace, people):
    """When the variant table changes, every person's keys are rebuilt once."""
    table = VariantTable.from_groups([*VARIANTS.groups, ["王芳", "汪芳"]])
    with write_transaction(workspace.db):
        assert search.refresh_all_if_needed(workspace.db, table)
        assert not search.refresh_all_if_needed(workspace.db, table)
    assert search.search_people(workspace.db, "汪芳", table) == [people["wang"].id]
