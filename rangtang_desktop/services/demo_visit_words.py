"""Words for the demonstration visits and family-education sessions: what visitors write in the
notes, actions and next steps (in Chinese, as they do), who they spoke to, the languages of the
townships, and the sessions' topics and providers. Weights are relative, not shares."""

from __future__ import annotations

# Townships where a language other than Amdo is spoken at home in many households (an assumption for
# the demo, after `domain/rangtang.md`, which names the languages but not where each is spoken).
TOWNSHIP_LANGUAGE = {
    "513230206": "zbu", "513230210": "zbu", "513230201": "khroskyabs", "513230202": "khalong", "513230205": "horpa",
}

# Relation kind → what the visitor calls the person spoken to, by sex (male, female).
SPOKEN_TO = {
    "father": ("父亲", "父亲"), "mother": ("母亲", "母亲"), "stepfather": ("继父", "继父"),
    "stepmother": ("继母", "继母"), "adoptive_parent": ("养父", "养母"),
    "paternal_grandparent": ("爷爷", "奶奶"), "maternal_grandparent": ("外公", "外婆"),
    "elder_sibling": ("哥哥", "姐姐"), "other_relative": ("亲戚", "亲戚"), "non_relative": ("照护人", "照护人"),
}

NOTES_GOOD = (
    "孩子在家，爷爷奶奶照顾良好", "孩子精神状态好，家里干净整洁", "孩子上学正常，家长很配合",
    "孩子身体健康，吃穿有保障", "母亲在家照顾孩子，生活正常", "家庭和睦，孩子活泼开朗",
    "孩子按时上学，作业有人督促", "家长关心孩子学习，和老师保持联系", "孩子住校，周末回家，家长按时接送",
    "家里取暖用电安全，孩子衣物充足", "孩子和奶奶在家，生活规律", "父母在家务农，孩子照顾得好",
)
NOTES_FAIR = (
    "家里条件一般，孩子基本生活有保障", "老人年纪大，照顾孩子有些吃力", "孩子作业没人辅导，成绩有所下降",
    "家长外出务工，与孩子联系较少", "孩子性格内向，不太愿意说话", "家里比较乱，孩子衣服不够干净",
    "照护人身体不好，需要多关注", "孩子放学后常一个人在外面玩",
)
NOTES_PHONE = (
    "电话联系家长，了解孩子近况", "电话联系奶奶，孩子在家一切正常", "与在外务工的父亲通话，提醒多关心孩子",
    "电话回访，家长说孩子身体健康", "电话联系，家人在牧场，孩子跟着大人",
)
NOTES_SCHOOL = (
    "到学校看望孩子，班主任反映在校表现良好", "在学校见到孩子，学习生活正常", "与班主任沟通，孩子按时到校",
)
NOTES_AWAY = ("全家在夏季牧场，电话了解情况", "家人上山挖虫草，孩子跟随外出")
NOTES_SEASON = {  # month → a reminder that belongs to the season
    1: "提醒注意取暖用火安全，防一氧化碳中毒", 2: "藏历新年期间走访，提醒注意用火用电安全",
    5: "挖虫草季节，提醒家长不要带孩子上山", 6: "提醒家长看管孩子，防溺水", 7: "暑假期间提醒防溺水、防走失",
    8: "暑假期间提醒防溺水、防走失", 11: "入冬前检查取暖设施", 12: "提醒注意取暖用火安全，防一氧化碳中毒",
}
ACTIONS = (
    "讲解防溺水、防火安全知识", "检查了家中用电和取暖安全", "宣传《家庭教育促进法》",
    "讲解《未成年人保护法》监护职责", "发放儿童安全宣传资料", "了解孩子学习情况",
)
NEXT_STEPS = (
    "继续关注", "下次走访了解孩子学习情况", "提醒家长每周与孩子通话", "联系学校了解孩子在校情况",
    "下月再次走访", "关注孩子身体情况",
)
NEXT_STEP_MIGRANT = "提醒家长每周与孩子通话"

# Facts the register holds about a child → (note, action or next step) the visitor writes.
CHILD_FACT_NOTES = {
    "severe_malnutrition": ("孩子明显偏瘦，营养状况差", "建议到乡卫生院检查，联系申请营养补助"),
    "untreated": ("孩子患病没有规律治疗", "提醒家长带孩子到县医院复查，协助申请医疗救助"),
    "out_of_school": ("孩子未上学，在家放牧或帮忙", "已告知乡中心校和乡政府，开展控辍保学劝返"),
    "employed": ("孩子在外打工", "向家长宣传不得让未满十六周岁的孩子务工，动员返校"),
    "betrothed": ("了解到孩子已订婚", "向家长讲解法定婚龄，不得为未成年人订婚"),
}
HOUSEHOLD_FACT_NOTES = {
    "elderly_carer": "照护的老人年纪大，身体一般，照顾孩子吃力", "lost_contact": "孩子的父亲或母亲长期联系不上",
    "rare_contact": "父母在外务工，很少和孩子联系",
}

# Register situations behind a checklist answer → (note, action, next step).
NOTES_ALONE = (
    "孩子独自在家生活，父母在外务工，没有大人照顾", "已联系父母，要求尽快安排照护人",
    "报告乡政府，每周上门查看",
)
NOTES_CARER_UNABLE = (
    "照护人身体差，已没有能力照顾孩子", "与在外务工的父母沟通更换照护人",
    "报告乡政府，协调亲属照护",
)
NOTES_CARER_UNFIT = (
    "照护人有酗酒等不良习惯，孩子照顾不周", "对照护人进行批评教育，联系父母",
    "报告乡政府和派出所，持续跟踪",
)
NOTES_ABANDONED = (
    "【示例案例】孩子长期独自生活，父母在外很少联系，疑似长期无人照料", "已按强制报告制度报告派出所和乡政府",
    "协调临时照护，申请事实无人抚养认定",
)
CORRECTIONS = {
    "date": "（更正：走访日期录入错误）", "rating": "（更正：监护评价选错）", "seen": "（更正：孩子是否见到录入错误）",
}
CORRECTION_NOTE = "办公室更正录入错误，监护人未在场"
UNABLE_NOTES = ("老人不会写字", "照护人不识字", "")
INTERPRETERS = ("孩子帮忙翻译", "邻居帮忙翻译", "村干部翻译")

# -- family-education sessions ----------------------------------------------------------------------

SESSION_TOPICS = (
    "《家庭教育促进法》宣讲", "留守儿童亲情陪伴与沟通", "儿童安全教育：防溺水、防火、防触电",
    "冬季取暖用火用电安全", "控辍保学与义务教育", "儿童营养与卫生健康", "预防早婚早育",
    "防范网络沉迷", "家庭监护责任与《未成年人保护法》", "孩子心理健康与情绪管理", "如何辅导孩子学习",
    "预防性侵害与自我保护",
)
SESSION_PROVIDERS = (
    ("县妇联", 3), ("乡妇联、儿童之家", 4), ("乡中心校家长学校", 4), ("县民政局儿童福利股", 2),
    ("村儿童主任", 4), ("县关工委", 1), ("县教育局", 1),
)
SESSION_NOTES = ("", "", "", "结合藏历新年返乡开展", "与村民大会一起开展", "发放宣传资料", "播放安全教育视频")
# Months sessions are held in (weights): fewer in the herding and caterpillar-fungus season.
SESSION_MONTH_WEIGHTS = (4, 6, 8, 8, 3, 2, 3, 4, 8, 8, 7, 4)
