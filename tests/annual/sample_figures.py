"""A complete figures dict as `chamber.annual.figures.annual_report_figures` returns it (see
the contract in that function's docstring), with realistic Chinese content, for the tests of
the printed report and its workbook. No database: the document code reads nothing else.

Figures the data cannot answer are None (the report prints them as 「未记录」); the ones
that are None here are listed in NONE_FIGURES so the tests can check each of them.
"""
import datetime
from decimal import Decimal

__all__ = ["sample_figures", "NONE_FIGURES", "FORMULA_TITLE", "TYPICAL_CASE_TITLES", "TOP_DONOR_NAMES"]

# (indicator key, figure key) of every figure that is None in the sample.
NONE_FIGURES = (
    ("organisations", "above_size_members"),
    ("organisations", "coverage"),
    ("manager_training", "people"),
    ("markets", "abroad_deals"),
    ("markets", "abroad_amount"),
    ("investment", "projects"),
    ("investment", "projects_amount"),
    ("analysis", "count"),
)
# A user-entered name a spreadsheet would run as a formula.
FORMULA_TITLE = "=1+1 助学行动"
TYPICAL_CASE_TITLES = (
    "协调解决华光电子厂房扩建用地审批",
    "帮助三家会员企业获得“苏科贷”授信",
    "调解光缆分会两家会员货款纠纷",
)
TOP_DONOR_NAMES = ("南通华光电子科技有限公司", "江苏通光信息有限公司", "陈立新", "南通瑞晶光电材料有限公司",
                   "海门市星辰照明电器厂")


def _figure(key, label, value, unit):
    return {"key": key, "label": label, "value": value, "unit": unit}


def _indicator(number, key, title, figures, items=(), source=""):
    return {"number": number, "key": key, "title": title, "figures": list(figures), "items": list(items),
            "source": source}


def _indicators():
    return [
        _indicator(1, "honours", "获省级以上荣誉", [_figure("count", "荣誉数", 2, "项")], [
            {"title": "江苏省“四好”商会", "detail": "省级 · 2025年6月18日"},
            {"title": "全国“四好”商会", "detail": "全国 · 2025年11月2日"},
        ], "工作记录中本年度省级及以上的荣誉。"),
        _indicator(2, "members", "会员发展", [
            _figure("new", "新发展会员", 35, "家"),
            _figure("total", "会员总数", 286, "家"),
            _figure("left", "退会会员", 6, "家"),
        ], source="会员名册：本年度入会、退会及年末在册会员。"),
        _indicator(3, "organisations", "行业组织与覆盖面", [
            _figure("industry", "行业商协会", 3, "个"),
            _figure("out_of_town", "异地商会", 0, "个"),
            _figure("trades", "覆盖行业", 12, "个"),
            _figure("above_size_members", "规上企业会员", None, "家"),
            _figure("coverage", "规上企业覆盖率", None, "%"),
        ], source="分会与所属商会；会员企业的行业代码与年度经营数据。"),
        _indicator(4, "party", "党建工作", [
            _figure("party_organisations", "党组织", 1, "个"),
            _figure("party_members", "党员", 23, "人"),
        ], source="党组织类分会；会员、联系人与班子成员登记的政治面貌。"),
        _indicator(5, "manager_training", "企业家高级管理人员培训", [
            _figure("classes", "培训班", 2, "期"),
            _figure("people", "培训人数", None, "人次"),
        ], source="本年度已举办的高管培训班及登记的培训人数。"),
        _indicator(6, "training", "民营企业培训", [
            _figure("classes", "培训班", 9, "期"),
            _figure("people", "培训人数", 612, "人次"),
        ], source="本年度已举办的培训与研讨会。"),
        _indicator(7, "representatives", "代表人士", [
            _figure("people", "代表人士", 14, "人"),
            _figure("npc_city", "市人大代表", 3, "人"),
            _figure("cppcc_province", "省政协委员", 1, "人"),
            _figure("cppcc_city", "市政协委员", 6, "人"),
            _figure("cppcc_county", "县（区）政协委员", 4, "人"),
        ], source="本年度在任的人大代表、政协委员、党代表。"),
        _indicator(8, "representative_honours", "代表人士获得荣誉", [_figure("count", "荣誉数", 3, "项")], [
            {"title": "张建国 · 江苏省优秀中国特色社会主义事业建设者", "detail": "省级"},
            {"title": "李晓梅 · 南通市三八红旗手", "detail": "市级"},
            {"title": "王志远 · 南通市劳动模范", "detail": "市级"},
        ], "代表人士的荣誉记录。"),
        _indicator(9, "dialogues", "政企沟通", [
            _figure("events", "活动", 4, "场"),
            _figure("participants", "参加人数", 236, "人次"),
        ], [
            {"title": "政企面对面：优化营商环境座谈会", "detail": "收集意见 18 条，已答复 15 条"},
            {"title": "光电产业链专题协商会", "detail": ""},
        ], "本年度已举办的政企沟通活动及其成效。"),
        _indicator(10, "requests", "为企业解决问题", [
            _figure("resolved", "已解决", 41, "件"),
            _figure("raised", "受理诉求", 47, "件"),
        ], [{"title": title, "detail": detail} for title, detail in zip(TYPICAL_CASE_TITLES, (
            "用地用房 · 2025年4月30日", "融资信贷 · 2025年7月12日", "法律纠纷 · 2025年10月8日"))],
            "会员诉求登记；典型案例由秘书处选定。"),
        _indicator(11, "markets", "开拓市场与经贸交流", [
            _figure("domestic_events", "国内活动", 5, "场"),
            _figure("domestic_deals", "国内签约项目", 12, "个"),
            _figure("domestic_amount", "国内签约金额", Decimal("86500000.00"), "元"),
            _figure("abroad_events", "境外活动", 1, "场"),
            _figure("abroad_deals", "境外签约项目", None, "个"),
            _figure("abroad_amount", "境外签约金额", None, "元"),
        ], source="经贸活动登记的成效（国内、境外）。"),
        _indicator(12, "investment", "招商引资", [
            _figure("events", "招商活动", 3, "场"),
            _figure("deals", "签约项目", 7, "个"),
            _figure("amount", "签约金额", Decimal("320000000.00"), "元"),
            _figure("projects", "引进项目", None, "个"),
            _figure("projects_amount", "引进项目金额", None, "元"),
        ], source="招商推介活动的成效；工作记录中的引进项目。"),
        _indicator(13, "charity", "光彩事业", [
            _figure("programmes", "光彩项目", 3, "个"),
            _figure("activities", "公益活动", 6, "场"),
            _figure("amount_money", "捐款", Decimal("1285600.00"), "元"),
            _figure("amount_goods", "捐物折价", Decimal("356000.50"), "元"),
        ], source="慈善项目、公益活动与捐赠登记。"),
        _indicator(14, "research", "调研报告", [
            _figure("count", "调研报告", 4, "篇"),
            _figure("achieved", "获批示或采纳", 2, "篇"),
        ], [
            {"title": "南通市光电产业链发展现状与对策", "detail": "获市领导批示"},
            {"title": "中小光电企业融资难问题调研", "detail": "被市发改委采纳"},
            {"title": "光伏组件出口形势分析", "detail": ""},
            {"title": "会员企业用工情况调查", "detail": ""},
        ], "工作记录中的调研报告。"),
        _indicator(15, "proposals", "议案提案", [
            _figure("count", "议案提案", 5, "件"),
            _figure("achieved", "立案或采纳", 3, "件"),
            _figure("npc", "人大议案", 2, "件"),
            _figure("cppcc", "政协提案", 3, "件"),
        ], [
            {"title": "关于支持光电产业集群发展的建议", "detail": "政协提案 · 已立案"},
            {"title": "关于加大民营企业首贷支持力度的议案", "detail": "人大议案"},
        ], "工作记录中的议案、提案。"),
        _indicator(16, "analysis", "经济分析报告", [_figure("count", "分析报告", None, "篇")],
                   source="工作记录中的民营经济与行业分析报告。"),
        _indicator(17, "publicity", "宣传报道", [
            _figure("count", "报道", 18, "篇"),
            _figure("tv", "电视", 2, "篇"),
            _figure("radio", "广播", 1, "篇"),
            _figure("newspaper", "报纸", 9, "篇"),
            _figure("magazine", "杂志", 1, "篇"),
            _figure("online", "网络媒体", 5, "篇"),
        ], [
            {"title": "《南通日报》：光电商会架起政企连心桥", "detail": "报纸 · 2025年5月20日"},
            {"title": "南通电视台《经济观察》专题报道", "detail": "电视 · 2025年9月3日"},
        ], "工作记录中的宣传报道。"),
    ]


def _members():
    joined = [3, 2, 6, 4, 2, 3, 1, 2, 5, 3, 2, 2]
    left = [0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 2]
    return {
        "total": 286, "new": 35, "left": 6,
        "by_kind": [{"label": "企业会员", "count": 251}, {"label": "团体会员", "count": 12},
                    {"label": "个人会员", "count": 23}],
        "by_rank": [{"label": "会长单位", "count": 1}, {"label": "副会长单位", "count": 9},
                    {"label": "理事单位", "count": 38}, {"label": "会员单位", "count": 238}],
        "by_branch": [{"label": "光缆分会", "count": 64}, {"label": "光纤预制棒专委会", "count": 21},
                      {"label": "显示分会", "count": 47}, {"label": "青年企业家分会", "count": 30}],
        "by_industry": [{"label": "制造业", "count": 198}, {"label": "批发和零售业", "count": 31},
                        {"label": "信息传输、软件和信息技术服务业", "count": 22},
                        {"label": "科学研究和技术服务业", "count": 12}],
        "by_division": [{"label": "39 计算机、通信和其他电子设备制造业", "count": 96},
                        {"label": "38 电气机械和器材制造业", "count": 54},
                        {"label": "29 橡胶和塑料制品业", "count": 17},
                        {"label": "51 批发业", "count": 31}],
        "monthly": [{"month": month, "joined": j, "left": l} for month, (j, l) in enumerate(zip(joined, left), 1)],
    }


def sample_figures(**overrides):
    """A fresh figures dict (year 2025, a chamber under a city federation); keyword arguments
    replace top-level keys, e.g. `sample_figures(summary="", officers={"term": None, "rows": []})`."""
    figures = {
        "year": 2025,
        "as_of": datetime.date(2025, 12, 31),
        "chamber": {
            "name": "南通市光电产业商会", "short_name": "光电商会", "kind": "行业商会",
            "uscc": "51320600MJ1234567X", "address": "江苏省南通市崇川区工农路 88 号",
            "founded_on": datetime.date(2012, 5, 18), "federation": "南通市工商业联合会",
        },
        "summary": ("2025年，商会在市工商联的指导下，围绕“服务会员、服务产业”的工作主线，"
                    "新发展会员35家，组织培训与研讨活动11场，协调解决会员诉求41件。\n"
                    "全年开展光彩公益活动6场，捐款捐物合计一百六十余万元。"),
        "indicators": _indicators(),
        "members": _members(),
        "officers": {
            "term": {"name": "第三届理事会", "starts_on": datetime.date(2023, 3, 18),
                     "ends_on": datetime.date(2028, 3, 17)},
            "rows": [
                {"post": "会长", "name": "张建国", "enterprise": "南通华光电子科技有限公司", "branch": ""},
                {"post": "常务副会长", "name": "李晓梅", "enterprise": "江苏通光信息有限公司", "branch": "光缆分会"},
                {"post": "副会长", "name": "王志远", "enterprise": "南通瑞晶光电材料有限公司", "branch": "显示分会"},
                {"post": "副会长", "name": "陈立新", "enterprise": "海门市星辰照明电器厂", "branch": ""},
                {"post": "秘书长", "name": "周敏", "enterprise": "", "branch": ""},
            ],
        },
        "evaluations": {
            "held": [
                {"scheme": "星级基层商会", "grade": "四星级", "awarded_by": "南通市工商业联合会",
                 "awarded_on": datetime.date(2024, 12, 20), "valid_until": datetime.date(2027, 12, 19),
                 "status": "有效"},
                {"scheme": "“四好”商会", "grade": "全国“四好”商会", "awarded_by": "全国工商联",
                 "awarded_on": datetime.date(2025, 11, 2), "valid_until": datetime.date(2028, 11, 1),
                 "status": "有效"},
            ],
            "awarded": [],
        },
        "events": {
            "rows": [
                {"label": "培训", "events": 7, "participants": 480, "people_trained": 455, "deals_signed": None,
                 "deals_amount": None},
                {"label": "研讨会", "events": 2, "participants": 157, "people_trained": 157, "deals_signed": None,
                 "deals_amount": None},
                {"label": "企业家高级管理人员培训班", "events": 2, "participants": None, "people_trained": None,
                 "deals_signed": None, "deals_amount": None},
                {"label": "政企沟通", "events": 4, "participants": 236, "people_trained": None,
                 "deals_signed": None, "deals_amount": None},
                {"label": "经贸交流", "events": 6, "participants": 310, "people_trained": None, "deals_signed": 12,
                 "deals_amount": Decimal("86500000.00")},
                {"label": "招商推介", "events": 3, "participants": 205, "people_trained": None, "deals_signed": 7,
                 "deals_amount": Decimal("320000000.00")},
                {"label": "公益活动", "events": 6, "participants": 188, "people_trained": None,
                 "deals_signed": None, "deals_amount": None},
            ],
            "total": {"events": 30, "participants": 1576, "people_trained": 612, "deals_signed": 19,
                      "deals_amount": Decimal("406500000.00")},
        },
        "requests": {
            "raised": 47, "resolved": 41, "unresolvable": 2, "open": 4, "average_rating": 4.6,
            "by_category": [
                {"label": "融资信贷", "raised": 12, "resolved": 10},
                {"label": "涉企政策", "raised": 11, "resolved": 10},
                {"label": "用工招聘", "raised": 9, "resolved": 9},
                {"label": "法律纠纷", "raised": 8, "resolved": 6},
                {"label": "用地用房", "raised": 7, "resolved": 6},
            ],
            "typical_cases": [
                {"title": TYPICAL_CASE_TITLES[0], "category": "用地用房", "closed_on": datetime.date(2025, 4, 30),
                 "resolution": "商会联合开发区管委会召开现场协调会，明确规划指标与审批时限，"
                               "企业于一个月内取得用地批复，扩建项目如期开工。"},
                {"title": TYPICAL_CASE_TITLES[1], "category": "融资信贷", "closed_on": datetime.date(2025, 7, 12),
                 "resolution": "对接市科技局与合作银行，组织银企对接会，三家企业共获授信2,800万元。"},
                {"title": TYPICAL_CASE_TITLES[2], "category": "法律纠纷", "closed_on": datetime.date(2025, 10, 8),
                 "resolution": "商会人民调解委员会组织双方调解，达成分期付款协议，避免诉讼。"},
            ],
        },
        "charity": {
            "programmes": 3, "activities": 6, "donations": 58,
            "amount_money": Decimal("1285600.00"), "amount_goods": Decimal("356000.50"),
            "by_programme": [
                {"label": "光彩助学", "amount": Decimal("620000.00"), "donations": 25},
                {"label": FORMULA_TITLE, "amount": Decimal("405600.00"), "donations": 21},
                {"label": "乡村振兴结对帮扶", "amount": Decimal("616000.50"), "donations": 12},
            ],
            "top_donors": [
                {"name": TOP_DONOR_NAMES[0], "amount": Decimal("300000.00")},
                {"name": TOP_DONOR_NAMES[1], "amount": Decimal("200000.00")},
                {"name": TOP_DONOR_NAMES[2], "amount": Decimal("120000.00")},
                {"name": TOP_DONOR_NAMES[3], "amount": Decimal("100000.00")},
                {"name": TOP_DONOR_NAMES[4], "amount": Decimal("56000.50")},
            ],
        },
        "dues": {
            "invoiced": Decimal("1432000.00"), "collected": Decimal("1288800.00"),
            "outstanding": Decimal("143200.00"), "rate": Decimal("90.0"), "invoices": 286, "paid_invoices": 259,
        },
    }
    figures.update(overrides)
    return figures
