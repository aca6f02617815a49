"""Sample documents for the text-engine tests: the visual regression page and a 2-page visit sheet."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from rangtang_desktop.reports import fonts
from rangtang_desktop.reports.text import Text, TextStyle, draw_text

HARD_WORDS = ("བསྒྲུབས", "རྒྱལ", "ཁབ", "སྐྱོང", "ཨོཾ", "སྒྲོལ་མ", "བཀྲ་ཤིས", "ཧཱུྃ", "ཀློག", "ཕྱུག")
HARD_LINE = " ".join(word + "་" for word in HARD_WORDS[:-1]) + " " + HARD_WORDS[-1]
MIXED = "卓玛སྒྲོལ་མ་ 次仁ཚེ་རིང་拉毛ལྷ་མོ 5月20日"
TIBETAN_DIGITS = "༠༡༢༣༤༥༦༧༨༩"
TIBETAN_PARAGRAPH = (
    "ཁྱིམ་ཚང་འདིའི་ཕ་མ་གཉིས་ཀ་ཕྱི་ལུང་དུ་ལས་ཀ་བྱེད་པར་སོང་ཡོད། བྱིས་པ་གཉིས་ཨ་ཕྱི་དང་མཉམ་དུ་སྡོད་ཀྱི་ཡོད། "
    "ཨ་ཕྱིའི་ལུས་པོ་བདེ་ཐང་མིན་པས་ཉིན་རེར་ཟས་གཡོས་དཀའ་ངལ་ཆེ། གྲོང་ཚོའི་ཞབས་ཞུ་བས་ཟླ་བ་རེར་ཐེངས་གཉིས་"
    "ཞིབ་བཤེར་བྱེད་རྒྱུ་དང་སློབ་གྲྭའི་དགེ་རྒན་ལ་བརྡ་ཁྱབ་གཏོང་རྒྱུ་ཡིན། སྒྲོལ་མ་ལ་ཁྱད་པར་དོ་སྣང་བྱེད་དགོས།"
)
CHINESE_PARAGRAPH = (
    "监护人外出务工，儿童由祖父母照看；祖母腿脚不便，做饭有困难。家中房屋（土木结构）有安全隐患，"
    "已告知村委会和乡镇民政办。下次寻访时核实：是否按时上学？是否已办理医疗保险？“一户一档”资料已更新。"
)
ID_AND_HASH = "身份证号：51323020150520412X 哈希：9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _page_furniture(canvas, doc) -> None:
    """Header and footer drawn with draw_text on every page."""
    width, height = A4
    draw_text(canvas, 20 * mm, height - 14 * mm, "壤塘县 འཛམ་ཐང་རྫོང་ 未成年人保护", 9, bold=True)
    draw_text(canvas, width - 20 * mm, height - 14 * mm, "巡查寻访记录表 ཞིབ་བཤེར་ཐོ་འགོད།", 9, align="right")
    draw_text(canvas, width / 2, 10 * mm, f"第 {doc.page} 页 ཤོག་ངོས། {doc.page}", 8, align="center", color="#444444")


def visual_story() -> list:
    """Page 1: hard stacks, mixed words, long paragraphs, digits, IDs; page 2: a form-like table."""
    story: list = [
        Text(HARD_LINE, TextStyle(size=26)),
        Spacer(1, 3 * mm),
        Text(MIXED, TextStyle(size=18)),
        Text(TIBETAN_DIGITS + " 2025 " + TIBETAN_DIGITS[::-1], TextStyle(size=18)),
        Spacer(1, 3 * mm),
        Text(TIBETAN_PARAGRAPH, TextStyle(size=12)),
        Spacer(1, 3 * mm),
        Text(CHINESE_PARAGRAPH, TextStyle(size=12)),
        Spacer(1, 3 * mm),
        Text(ID_AND_HASH, TextStyle(size=12)),
        Spacer(1, 3 * mm),
        Text("粗体 Bold བཀྲ་ཤིས་བདེ་ལེགས། 次仁拉姆", TextStyle(size=14, bold=True)),
        Text("居中 center ཚེ་རིང་", TextStyle(size=12, align="center")),
        Text("右对齐 right ལྷ་མོ་", TextStyle(size=12, align="right", color="#204080")),
        Text("第一行\n  第二行 ཀློག་\n\n空行之后 after an empty line", TextStyle(size=11)),
        PageBreak(),
    ]
    label = TextStyle(size=10, bold=True)
    value = TextStyle(size=10)
    rows = [
        ("姓名 མིང་།", "卓玛 སྒྲོལ་མ།"),
        ("监护人 འགན་འཁུར་བ།", "次仁ཚེ་རིང་（祖父 མེས་པོ）"),
        ("住址 གནས་ཡུལ།", "壤塘县南木达镇 གནམ་མདའ་གྲོང་ཚོ 3组"),
        ("寻访日期 ཞིབ་བཤེར་ཚེས་གྲངས།", "2025年5月20日 ༢༠༢༥ ཟླ་ ༥ ཚེས་ ༢༠"),
        ("情况 གནས་ཚུལ།", TIBETAN_PARAGRAPH),
        ("备注", CHINESE_PARAGRAPH),
        ("内容哈希 SHA-256", "visit 01a2274b-50d9-7302-9b35-d49efc849679 v3 " + ID_AND_HASH.split("：")[-1] * 2),
    ]
    data = [[Text(a, label), Text(b, value)] for a, b in rows]
    table = Table(data, colWidths=[45 * mm, 125 * mm])
    table.setStyle(
        TableStyle(
            [
                fonts.TABLE_FONT,
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
            ]
        )
    )
    story.append(table)
    return story


def build_visual_sample(path) -> None:
    """The 2-page sample compared with the reference images."""
    fonts.register_fonts()
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        **fonts.doc_options(),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        invariant=1,
    )
    doc.build(visual_story(), onFirstPage=_page_furniture, onLaterPages=_page_furniture)


def visit_sheet_story(note_repeats: int = 6) -> list:
    """A visit sheet like the printed one: ~40 text cells and a note long enough for a second page."""
    label = TextStyle(size=9, bold=True)
    value = TextStyle(size=9)
    story: list = [Text("巡查寻访记录表 ཞིབ་བཤེར་ཐོ་འགོད་རེའུ་མིག", TextStyle(size=16, bold=True, align="center"))]
    fields = [
        ("户主 ཁྱིམ་བདག", "次仁ཚེ་རིང་"),
        ("住址 གནས་ཡུལ།", "南木达镇 གནམ་མདའ་ 3组"),
        ("儿童 བྱིས་པ།", "卓玛སྒྲོལ་མ་ 11岁"),
        ("身份证号", "51323020150520412X"),
        ("儿童 བྱིས་པ།", "拉毛ལྷ་མོ 7岁"),
        ("身份证号", "513230201805204127"),
        ("监护人 འགན་འཁུར་བ།", "祖母 ཨ་ཕྱི། 68岁"),
        ("监护类型", "隔代监护 མི་རབས་བརྒལ་བའི་འགན་འཁུར།"),
        ("寻访人 ཞིབ་བཤེར་བ།", "扎西བཀྲ་ཤིས་"),
        ("日期 ཚེས་གྲངས།", "2025年5月20日"),
    ]
    checklist = [
        ("儿童是否按时上学？", "是 ཡིན།"),
        ("是否有人照料饮食？", "部分 ཆ་ཤས།"),
        ("住房是否安全？", "否 མིན། 土木结构，屋顶漏雨"),
        ("是否参加医保？", "是 ཡིན།"),
        ("是否有残疾或重病？", "否 མིན།"),
        ("近一月是否受到伤害？", "否 མིན།"),
        ("是否有辍学风险？", "有 ཡོད། 需家访"),
        ("监护人是否知晓政策？", "是 ཡིན།"),
        ("评定 བསྡུར་ཚད།", "重点关注 དོ་སྣང་གལ་ཆེན།"),
        ("措施 ཐབས་ལམ།", "转介乡镇民政办"),
    ]
    rows = [[Text(a, label), Text(b, value)] for a, b in fields + checklist]
    rows.append([Text("备注 མཆན།", label), Text((TIBETAN_PARAGRAPH + CHINESE_PARAGRAPH) * note_repeats, value)])
    table = Table(rows, colWidths=[45 * mm, 125 * mm], splitInRow=1)
    table.setStyle(
        TableStyle(
            [fonts.TABLE_FONT, ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    story.append(table)
    story.append(Text("寻访人签名 ཞིབ་བཤེར་བའི་མིང་རྟགས།　　　　监护人签名 འགན་འཁུར་བའི་མིང་རྟགས།", TextStyle(size=10)))
    return story


def build_visit_sheet(out) -> None:
    """Build the 2-page visit sheet into ``out`` (a path or a binary file object)."""
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        **fonts.doc_options(),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
    )
    doc.build(visit_sheet_story(), onFirstPage=_page_furniture, onLaterPages=_page_furniture)
