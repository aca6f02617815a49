"""Word lists and weights for the demonstration data: name parts, house names, place words, Han
names, places where parents work, illnesses, schools and documents, how often each family situation
occurs, plus the small functions that compose names.

Every name here is invented from common parts; none belongs to a known person. Tibetan name parts
take their Chinese spellings from the shipped variant table (``name_variants.csv``) where it knows
them, so one Tibetan name is spelled differently in different records, as it is in real registers;
the spelling listed first here is the one usual in Aba and is chosen most often. Tibetan strings put
a tsheg between syllables and none at the end.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache

from ..resources import resource

TSHEG = "\u0f0b"

# -- Tibetan given names ---------------------------------------------------------------------------
# (Tibetan, the Chinese spelling usual in Aba). More spellings come from name_variants.csv.

MALE_FIRST = (
    ("ཚེ་རིང", "才让"), ("བཀྲ་ཤིས", "扎西"), ("རྡོ་རྗེ", "多杰"), ("བསྟན་འཛིན", "丹增"),
    ("བསོད་ནམས", "索南"), ("ཡེ་ཤེས", "益西"), ("པདྨ", "白玛"), ("རིན་ཆེན", "仁青"),
    ("བྱམས་པ", "降巴"), ("ཚེ་དབང", "泽旺"), ("ཉི་མ", "尼玛"), ("སྐལ་བཟང", "尕藏"),
    ("དཀོན་མཆོག", "贡却"), ("འཇིགས་མེད", "久美"), ("ཀུན་དགའ", "贡嘎"), ("བློ་བཟང", "洛桑"),
    ("སངས་རྒྱས", "桑杰"), ("དགེ་འདུན", "更登"), ("མགོན་པོ", "公保"), ("ཚེ་བརྟན", "才旦"),
    ("འཇམ་དབྱངས", "降央"), ("ངག་དབང", "阿旺"), ("དཔལ་ལྡན", "华旦"), ("ཟླ་བ", "达瓦"),
    ("བྱང་ཆུབ", "降秋"), ("རྣམ་རྒྱལ", "南加"), ("རབ་བརྟན", "绕旦"),
)
MALE_SECOND = (
    ("རྡོ་རྗེ", "多杰"), ("ཚེ་རིང", "才让"), ("བཀྲ་ཤིས", "扎西"), ("རྒྱ་མཚོ", "加措"),
    ("དོན་འགྲུབ", "东周"), ("དབང་ཕྱུག", "旺秋"), ("ཕུན་ཚོགས", "彭措"), ("སངས་རྒྱས", "桑杰"),
    ("རྒྱལ་མཚན", "坚赞"), ("མགོན་པོ", "贡布"), ("ཉི་མ", "尼玛"), ("བློ་ལྡན", "洛丹"),
    ("ཚེ་བརྟན", "才旦"), ("རིན་ཆེན", "仁青"), ("ལྷུན་འགྲུབ", "伦珠"), ("བསམ་གྲུབ", "桑珠"),
    ("ནོར་བུ", "诺布"), ("གྲགས་པ", "扎巴"), ("བསྟན་འཛིན", "丹增"), ("རྣམ་རྒྱལ", "南加"),
    ("རབ་བརྟན", "绕旦"), ("ཆོས་འཕེལ", "群培"), ("སྐྱབས", "加"), ("འབུམ", "本"),
    ("ཡེ་ཤེས", "益西"), ("ཚེ་དབང", "泽旺"), ("བསམ་གཏན", "桑旦"),
)
MALE_SINGLE = (
    ("ཚེ་རིང", "才让"), ("བཀྲ་ཤིས", "扎西"), ("རྡོ་རྗེ", "多杰"), ("ཉི་མ", "尼玛"),
    ("སངས་རྒྱས", "桑杰"), ("བློ་བཟང", "洛桑"), ("དགེ་འདུན", "更登"), ("ནོར་བུ", "诺布"),
    ("རྒྱ་མཚོ", "加措"), ("ཟླ་བ", "达瓦"), ("བསོད་ནམས", "索南"), ("ཚེ་དབང", "泽旺"),
    ("སྐལ་བཟང", "尕藏"), ("ཀུན་དགའ", "贡嘎"), ("བསྟན་འཛིན", "丹增"), ("འཇིགས་མེད", "久美"),
    ("ཕུན་ཚོགས", "彭措"), ("ངག་དབང", "阿旺"), ("དཀོན་མཆོག", "贡却"), ("ཡེ་ཤེས", "益西"),
    ("དཔལ་ལྡན", "华旦"), ("ཚེ་བརྟན", "才旦"), ("རྣམ་རྒྱལ", "南加"), ("ཀླུ་འབུམ", "鲁本"),
)
FEMALE_FIRST = (
    ("ཚེ་རིང", "才让"), ("བཀྲ་ཤིས", "扎西"), ("ཡེ་ཤེས", "益西"), ("བསོད་ནམས", "索南"),
    ("པདྨ", "白玛"), ("བདེ་ཆེན", "德庆"), ("ཉི་མ", "尼玛"), ("སྐལ་བཟང", "尕藏"),
    ("དབྱངས་ཅན", "央金"), ("ཟླ་བ", "达瓦"), ("འཇམ་དབྱངས", "降央"), ("ཀུན་དགའ", "贡嘎"),
    ("ལྷ་མོ", "拉毛"), ("སྒྲོལ་མ", "卓玛"), ("ཚེ་དབང", "泽旺"), ("རིན་ཆེན", "仁青"),
    ("སངས་རྒྱས", "桑杰"), ("བློ་བཟང", "洛桑"), ("ཕུན་ཚོགས", "彭措"), ("ཀུན་བཟང", "贡桑"),
    ("བདེ་སྐྱིད", "德吉"),
)
FEMALE_SECOND = (
    ("ལྷ་མོ", "拉毛"), ("སྒྲོལ་མ", "卓玛"), ("མཚོ", "措"), ("སྐྱིད", "吉"),
    ("སྒྲོལ་དཀར", "卓嘎"), ("བཟང་མོ", "桑毛"), ("དབང་མོ", "旺毛"), ("དཔལ་མོ", "华毛"),
    ("མཚོ་མོ", "措毛"),
)
FEMALE_SINGLE = (
    ("སྒྲོལ་མ", "卓玛"), ("ལྷ་མོ", "拉毛"), ("དབྱངས་ཅན", "央金"), ("བདེ་སྐྱིད", "德吉"),
    ("འབྲུག་མོ", "周毛"), ("མཚོ་མོ", "措毛"), ("སྙིང་སྐྱིད", "娘吉"), ("གཡང་སྐྱིད", "央吉"),
    ("ལྷ་མཚོ", "拉措"), ("བཟང་མོ", "桑毛"), ("སྒྲོལ་དཀར", "卓嘎"), ("བདེ་ཆེན", "德庆"),
    ("དབང་མོ", "旺毛"), ("ཆོས་སྒྲོན", "曲珍"), ("གཡང་འཛོམས", "央宗"), ("ལྷ་སྒྲོན", "拉珍"),
)

# Amdo spellings the variant table lists that should win more often than its first spelling.
AMDO_PREFERRED = {"མཚོ": ("措", "草")}

# Whole names (Tibetan script) of well-known people that the combinations could produce: never used.
EXCLUDED_TIBETAN = frozenset({
    "བསྟན་འཛིན་རྒྱ་མཚོ", "སྐལ་བཟང་རྒྱ་མཚོ", "བློ་བཟང་རྒྱ་མཚོ", "དགེ་འདུན་རྒྱ་མཚོ",
    "བསོད་ནམས་རྒྱ་མཚོ", "རྒྱལ་མཚན་ནོར་བུ", "འཇིགས་མེད་ཕུན་ཚོགས", "ཚེ་བརྟན་སྒྲོལ་མ",
    "རྡོ་རྗེ་ཚེ་རིང", "ངག་དབང་འཇིགས་མེད", "བྱམས་པ་ཕུན་ཚོགས", "ཀུན་དགའ་རྒྱལ་མཚན",
    "བློ་བཟང་གྲགས་པ", "པདྨ་རྒྱ་མཚོ", "འཇམ་དབྱངས་རྒྱ་མཚོ", "པདྨ་ཚེ་བརྟན", "བྱམས་པ་ཆོས་འཕེལ",
})

# -- Han names ---------------------------------------------------------------------------------------

HAN_SURNAMES = tuple("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢唐韩冯邓曹彭曾")
HAN_GIVEN_MALE = (
    "海波", "建军", "德明", "文斌", "晓东", "俊杰", "宇航", "子豪", "浩宇", "天佑",
    "家乐", "明轩", "雨泽", "梓睿", "鹏飞", "成林", "春生", "永福", "金山", "锦程",
)
HAN_GIVEN_FEMALE = (
    "秀兰", "玉梅", "桂芳", "春燕", "丽娟", "晓燕", "红梅", "雪梅", "婷婷", "欣怡",
    "雨涵", "梓萱", "诗琪", "佳怡", "思雨", "可馨", "海霞", "小琴", "文静", "丽萍",
)
EXCLUDED_HAN = frozenset({"王海波", "张建军", "刘建军", "王晓东", "李宇航"})

# -- House names (房名): stem + ཚང / 仓 ----------------------------------------------------------

HOUSE_STEMS = (
    ("ཨ་ནེ", "阿尼"), ("ཨ་ཁུ", "阿库"), ("ཨ་མྱེས", "阿美"), ("ཁང་གསར", "康萨"),
    ("ཁང་རྙིང", "康宁"), ("སྟག", "达"), ("སྨན་པ", "曼巴"), ("མགར་བ", "尕哇"),
    ("བཟོ་བ", "索哇"), ("དཔོན་པོ", "本布"), ("ཞང་པོ", "尚波"), ("ལྷ་རྗེ", "拉杰"),
    ("སྒང་ཁ", "岗卡"), ("ཆུ་ཁ", "曲卡"), ("གསེར", "色"), ("རྒྱ", "嘉"),
    ("ལྷ་ཁང", "拉康"), ("རྫོང", "宗"), ("བྲག་ཁ", "扎卡"), ("ཀླུ", "鲁"),
    ("གཡག", "亚"), ("ལུང་པ", "隆巴"), ("སྟེང", "登"), ("ནགས་ཁ", "纳卡"),
)
HOUSE_SUFFIX_BO, HOUSE_SUFFIX_ZH = "ཚང", "仓"

# -- Villages and groups -------------------------------------------------------------------------

VILLAGE_STEMS = (
    ("བདེ་སྐྱིད", "德吉"), ("བཀྲ་ཤིས་ཐང", "扎西塘"), ("གསེར་ཐང", "色尔塘"), ("ནོར་བུ་སྒང", "诺布岗"),
    ("ཆུ་མདོ", "曲多"), ("བྲག་དཀར", "扎嘎"), ("བྲག་དམར", "扎玛"), ("གཡུ་ཐང", "玉塘"),
    ("སྤང་ཆེན", "邦钦"), ("མེ་ཏོག་ཐང", "美朵塘"), ("ལུང་དཀར", "隆嘎"), ("སྒང་དམར", "岗玛"),
    ("ཉི་མ་ཐང", "尼玛塘"), ("ཟླ་བ་ཐང", "达瓦塘"), ("ཆུ་སྔོན", "曲温"), ("དགེ་ལེགས", "格勒"),
    ("བསམ་གྲུབ", "桑珠"), ("ཤིང་ཁ", "香卡"), ("རྩྭ་ཐང", "擦塘"), ("ནགས་ཁ", "纳卡"),
    ("ཡུལ་གསར", "玉萨"), ("ཐང་དཀར", "塘嘎"), ("ཆུ་ཁ", "曲卡"), ("རི་སྒང", "日岗"),
    ("ལྷ་ཐང", "拉塘"), ("འབྲོག་ཐང", "卓塘"), ("མཚོ་ཁ", "措卡"), ("སྨན་ཐང", "曼塘"),
    ("འོད་གསལ", "沃色"), ("བསོད་ནམས་ཐང", "索南塘"), ("ཕུན་ཚོགས་སྒང", "彭措岗"), ("རིན་ཆེན་སྒང", "仁青岗"),
    ("གསེར་ཁ", "色卡"), ("དར་རྒྱས", "达杰"), ("ཆུ་བཟང", "曲桑"), ("སྤང་ལུང", "邦隆"),
    ("རྟ་ཐང", "达塘"), ("ལྕང་ཐང", "江塘"), ("ལྕང་ལུང", "江隆"), ("ནོར་གླིང", "诺林"),
    ("བདེ་གླིང", "德林"),
)
# Upper / lower parts of a place: 上X村 / X་སྟོད, 下X村 / X་སྨད.
VILLAGE_PARTS = (("", ""), ("上", "སྟོད"), ("下", "སྨད"))
DEMO_ZH, DEMO_BO = "（示例）", "（དཔེ་མཚོན）"
VILLAGE_BO, VILLAGE_ZH = "གྲོང་ཚོ", "村"

GROUP_ZH = ("一", "二", "三", "四", "五", "六", "七", "八")
GROUP_BO = ("དང་པོ", "གཉིས་པ", "གསུམ་པ", "བཞི་པ", "ལྔ་པ", "དྲུག་པ", "བདུན་པ", "བརྒྱད་པ")

# -- Where people are registered and where parents work -----------------------------------------

# (ID area code, hukou place, weight)
ID_AREAS = (
    ("513230", "四川省阿坝州壤塘县", 92),
    ("513231", "四川省阿坝州阿坝县", 3),
    ("513201", "四川省阿坝州马尔康市", 2),
    ("510107", "四川省成都市武侯区", 1.5),
    ("632122", "青海省海东市民和县", 1.5),
)
# (province, city or county, outside Rangtang County, weight)
WORK_PLACES = (
    ("四川省", "成都市", True, 30), ("四川省", "马尔康市", True, 15), ("四川省", "阿坝县", True, 8),
    ("四川省", "壤塘县", False, 10), ("四川省", "色达县", True, 4), ("四川省", "金川县", True, 4),
    ("青海省", "西宁市", True, 10), ("青海省", "班玛县", True, 3), ("西藏自治区", "拉萨市", True, 6),
    ("广东省", "广州市", True, 4), ("广东省", "深圳市", True, 2), ("浙江省", "义乌市", True, 2),
    ("江苏省", "苏州市", True, 2),
)
WORK_NOTES = ("在建筑工地打工", "在餐馆打工", "跑运输", "做藏餐生意", "在工厂打工", "做保安", "")

# -- Health ----------------------------------------------------------------------------------------

# (illness, on the county's serious-illness list, weight)
CHILD_ILLNESSES = (
    ("大骨节病", True, 4), ("先天性心脏病", True, 3), ("包虫病", True, 3), ("白血病", True, 1),
    ("肺结核", False, 2), ("癫痫", False, 2), ("肾病综合征", True, 1), ("1型糖尿病", False, 1),
)
CHILD_BEHAVIOURS = ("truancy", "internet", "runs_away", "smoking_drinking", "bullied", "bullying")
ADULT_ILLNESSES = ("肝包虫病", "肺结核", "尿毒症", "脑梗后遗症", "大骨节病（重度）", "乙肝肝硬化", "胃癌")
DISABILITY_CATEGORIES = (
    ("visual", 1, 2), ("hearing", 2, 2), ("speech", 3, 1), ("physical", 4, 4),
    ("intellectual", 5, 3), ("mental", 6, 1), ("multiple", 7, 1),
)


# -- Composing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamePart:
    """One part of a Tibetan name: its Tibetan script and its Chinese spellings, usual first."""

    bo: str
    spellings: tuple[str, ...]

    def spell(self, rng: random.Random) -> str:
        """A Chinese spelling: the usual one most of the time, the second one often, others rarely."""
        draw = rng.random()
        if len(self.spellings) == 1 or draw < 0.6:
            return self.spellings[0]
        if len(self.spellings) == 2 or draw < 0.85:
            return self.spellings[1]
        return rng.choice(self.spellings[2:])


@dataclass(frozen=True)
class TibetanName:
    parts: tuple[NamePart, ...]
    spellings: tuple[str, ...]  # the Chinese spelling chosen for each part

    @property
    def zh(self) -> str:
        return "".join(self.spellings)

    @property
    def bo(self) -> str:
        return TSHEG.join(part.bo for part in self.parts)

    @property
    def has_variants(self) -> bool:
        """Whether some part has more than one Chinese spelling."""
        return any(len(part.spellings) > 1 for part in self.parts)

    def respelled(self, rng: random.Random) -> TibetanName | None:
        """The same name with one part spelled differently in Chinese; ``None`` if none can be."""
        choices = [i for i, part in enumerate(self.parts) if len(part.spellings) > 1]
        if not choices:
            return None
        index = rng.choice(choices)
        others = [s for s in self.parts[index].spellings if s != self.spellings[index]]
        spellings = list(self.spellings)
        spellings[index] = rng.choice(others)
        return TibetanName(self.parts, tuple(spellings))


@lru_cache(maxsize=1)
def _variant_spellings() -> dict[str, tuple[str, ...]]:
    """Tibetan name part → its Chinese spellings, from the shipped variant table."""
    path = resource("reference", "name_variants.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["tibetan"].strip(): tuple(s for s in row["spellings"].split("|") if s)
            for row in csv.DictReader(handle)
            if row.get("tibetan") and row.get("spellings")
        }


def _part(bo: str, usual: str) -> NamePart:
    known = _variant_spellings().get(bo, ())
    preferred = AMDO_PREFERRED.get(bo, (usual,))
    spellings = tuple(dict.fromkeys((*preferred, *known))) or (usual,)
    return NamePart(bo, spellings)


@lru_cache(maxsize=1)
def name_parts() -> dict[str, tuple[NamePart, ...]]:
    """The name-part lists with their spellings, by list name."""
    lists = {
        "male_first": MALE_FIRST, "male_second": MALE_SECOND, "male_single": MALE_SINGLE,
        "female_first": FEMALE_FIRST, "female_second": FEMALE_SECOND, "female_single": FEMALE_SINGLE,
    }
    return {key: tuple(_part(bo, zh) for bo, zh in items) for key, items in lists.items()}


def tibetan_name(rng: random.Random, sex: str) -> TibetanName:
    """A Tibetan given name: one part (a quarter of people) or two parts, never a known person's."""
    parts = name_parts()
    prefix = "male" if sex == "male" else "female"
    while True:
        if rng.random() < 0.25:
            chosen: tuple[NamePart, ...] = (rng.choice(parts[f"{prefix}_single"]),)
        else:
            first = rng.choice(parts[f"{prefix}_first"])
            second = rng.choice(parts[f"{prefix}_second"])
            if first.bo == second.bo:
                continue
            chosen = (first, second)
        name = TibetanName(chosen, tuple(part.spell(rng) for part in chosen))
        if name.bo not in EXCLUDED_TIBETAN:
            return name


def han_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    """A Han name: surname and a two-character given name."""
    given = HAN_GIVEN_MALE if sex == "male" else HAN_GIVEN_FEMALE
    while True:
        name = (surname or rng.choice(HAN_SURNAMES)) + rng.choice(given)
        if name not in EXCLUDED_HAN:
            return name


def house_name(rng: random.Random) -> tuple[str, str]:
    """A house name (房名) as (Chinese, Tibetan), e.g. 阿尼仓 / ཨ་ནེ་ཚང."""
    bo, zh = rng.choice(HOUSE_STEMS)
    return zh + HOUSE_SUFFIX_ZH, bo + TSHEG + HOUSE_SUFFIX_BO


def village_names(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """``count`` different demo village names as (Chinese, Tibetan, Chinese without the demo mark)."""
    combos = [(stem, part) for stem in VILLAGE_STEMS for part in VILLAGE_PARTS]
    rng.shuffle(combos)
    # plain names first, so small builds get 德吉村 rather than 上德吉村
    combos.sort(key=lambda combo: combo[1] != ("", ""))
    names = []
    for index in range(count):
        (bo, zh), (part_zh, part_bo) = combos[index % len(combos)]
        round_zh = "" if index < len(combos) else str(index // len(combos) + 1)
        plain_zh = f"{part_zh}{zh}{round_zh}{VILLAGE_ZH}"
        place_bo = bo + (TSHEG + part_bo if part_bo else "")
        names.append((plain_zh + DEMO_ZH, f"{place_bo}{TSHEG}{VILLAGE_BO}།{DEMO_BO}", plain_zh))
    return names


def group_name(index: int) -> tuple[str, str]:
    """The name of the ``index``-th (from 0) village group: 一组 / ཚོ་ཆུང་དང་པོ."""
    if index < len(GROUP_ZH):
        return f"{GROUP_ZH[index]}组", f"ཚོ་ཆུང{TSHEG}{GROUP_BO[index]}"
    return f"{index + 1}组", f"ཚོ་ཆུང་{index + 1}"


# -- Families: how often each situation occurs (weights, not shares) ------------------------------

# (father's situation, mother's situation): weight, for households with children. "none": that
# parent is not in the register (unknown father). The spread covers what the flag rules look for.
PARENT_SCENARIOS = {
    ("home", "home"): 500, ("migrant", "home"): 190, ("home", "migrant"): 40,
    ("migrant", "migrant"): 130,
    ("migrant", "serious_illness"): 6, ("serious_illness", "migrant"): 3,
    ("migrant", "severe_disability"): 4, ("severe_disability", "migrant"): 3,
    ("deceased", "home"): 22, ("home", "deceased"): 12, ("deceased", "migrant"): 8,
    ("migrant", "deceased"): 5, ("deceased", "deceased"): 5,
    ("deceased", "lost_contact"): 3, ("lost_contact", "deceased"): 2,
    ("imprisoned", "home"): 10, ("imprisoned", "migrant"): 4, ("imprisoned", "lost_contact"): 2,
    ("imprisoned", "severe_disability"): 1, ("serious_illness", "lost_contact"): 1,
    ("lost_contact", "home"): 8, ("home", "lost_contact"): 5, ("lost_contact", "migrant"): 3,
    ("serious_illness", "home"): 10, ("home", "serious_illness"): 6,
    ("severe_disability", "home"): 8, ("home", "severe_disability"): 5,
    ("detox", "home"): 3, ("detox", "migrant"): 1,
    ("divorced", "home"): 14, ("home", "divorced"): 6, ("divorced", "migrant"): 4,
    ("migrant", "divorced"): 2, ("none", "home"): 12, ("none", "migrant"): 4,
}
# How long (months) a parent has been in a situation: (shortest, longest, weight) ranges.
SITUATION_MONTHS = {
    "migrant": ((1, 2, 8), (3, 12, 40), (13, 60, 52)), "imprisoned": ((6, 60, 90), (2, 5, 10)),
    "lost_contact": ((7, 48, 85), (2, 5, 15)), "detox": ((3, 20, 1),), "serious_illness": ((3, 60, 1),),
    "severe_disability": ((12, 120, 1),), "divorced": ((6, 96, 1),),
}
# Days since the last contact, by how often a parent keeps in touch.
CONTACT_DAYS = {"weekly": (0, 7), "monthly": (8, 35), "rarely": (40, 150), "never": (150, 400)}
# (age below, weights of exact / month / year / estimated birth dates): the old often know only a year
BIRTH_PRECISION_WEIGHTS = ((18, (92, 5, 3, 0)), (30, (85, 8, 5, 2)), (60, (55, 10, 25, 10)), (200, (25, 5, 40, 30)))
HAZARD_ODDS = (("electricity", 0.08), ("fire_gas", 0.1), ("drowning", 0.06), ("geological", 0.05), ("animals", 0.04))
# Classification kind → (share recognised, share pending); the rest are left for the rules to find.
CLASSIFICATION_ODDS = {
    "left_behind_both": (0.65, 0.2), "left_behind_one": (0.6, 0.2), "orphan_scattered": (0.8, 0.05),
    "de_facto_unsupported": (0.55, 0.15), "child_of_prisoner": (0.4, 0.2), "difficulty_poverty": (0.4, 0.1),
    "difficulty_disability": (0.55, 0.15), "difficulty_illness": (0.45, 0.2),
}
CLASSIFICATION_BENEFITS = {
    "orphan_scattered": ("orphan_allowance",), "de_facto_unsupported": ("unsupported_allowance",),
    "difficulty_poverty": ("dibao", "education_aid"), "difficulty_disability": ("disability_subsidy",),
    "difficulty_illness": ("medical_aid",),
}
# The node's own village always has one household of each of these, so that every flag rule has an
# example even in a village-scale demo: (father's situation, mother's situation, children live alone).
SHOWCASE_FAMILIES = (
    ("deceased", "deceased", False), ("imprisoned", "lost_contact", False), ("deceased", "lost_contact", False),
    ("migrant", "severe_disability", False), ("lost_contact", "home", False), ("migrant", "divorced", False),
    ("migrant", "migrant", False), ("migrant", "migrant", False), ("migrant", "migrant", True),
)
# Households without children: (youngest, oldest age of the eldest member, weight).
CHILDLESS_HOUSEHOLDS = {
    "elderly_couple": (60, 85, 40), "single_elder": (60, 90, 25), "young_couple": (20, 30, 20),
    "adult_children": (42, 60, 15),
}
CHILD_COUNT_WEIGHTS = {1: 38, 2: 37, 3: 17, 4: 8}
# Livelihood weights (farming, herding, mixed, other) by kind of village.
VILLAGE_PROFILES = {
    "valley": (50, 5, 43, 2), "pasture": (8, 60, 30, 2), "mixed": (25, 25, 48, 2),
}

# -- Schools ---------------------------------------------------------------------------------------

PRIMARY_SCHOOL = "{township}中心校"
KINDERGARTEN = "{village}幼教点"
SECONDARY_SCHOOL = "壤塘县中学"
VOCATIONAL_SCHOOL = "县职业中学"
# School status weights for ages 12-17 (younger children follow simple rules).
SCHOOL_BY_AGE = {
    12: {"junior": 985, "dropped_out": 15},
    13: {"junior": 970, "dropped_out": 30},
    14: {"junior": 950, "dropped_out": 30, "not_in_school_14_16": 20},
    15: {"junior": 35, "senior": 37, "vocational": 14, "not_in_school_14_16": 8, "dropped_out": 6},
    16: {"senior": 60, "vocational": 20, "not_in_school_14_16": 12, "left_school": 8},
    17: {"senior": 55, "vocational": 20, "left_school": 25},
}

# -- Documents --------------------------------------------------------------------------------------

RECOGNISED_BY = "壤塘县民政局"
# Document numbers, by situation (and for a recognised category).
DOCUMENT_REFS = {
    "imprisoned": "（{year}）川3230刑初{number}号", "detox": "壤公强戒决字〔{year}〕{number}号",
    "lost_contact": "壤公受案〔{year}〕{number}号", "divorced": "（{year}）川3230民初{number}号",
    "recognition": "壤民发〔{year}〕{number}号",
}
HOSPITALS = ("壤塘县人民医院", "阿坝州人民医院", "四川大学华西医院")
