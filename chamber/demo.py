"""Demo data for `manage.py seed_demo`, drawn from the seed reports (/work/shared/seeds).

Four chambers:

- 苏州市光电产业商会 (seed 000): an industry chamber founded in 2011 with four branches
  (光电线缆, 光电通信, 光电器件, 光电显示), three terms of officers, a rotating chair and
  liaison assignments;
- 郯城县工商业联合会 (seed 003): a county federation whose branches are its industry
  chambers, township chambers and its five out-of-town chambers (上海, 深圳, 青岛, 苏州,
  海宁); it rotates the chair every two months and has friendship federations;
- 上海郯城商会 (seed 003): an out-of-town chamber of its own, supervised by the federation;
- 浙江省四川商会 (seed 002): an out-of-town chamber with direct and group members
  ("直属会员+团体会员"), three professional committees and three secretariat departments.

Enterprise and person names are invented (the seed's real officers are not used, so no
real person is given a made-up ID number). Identifiers are computed so that they pass
the validators: USCCs (GB 32100, with a GB 11714 organisation code inside), ID numbers
(GB 11643), mobiles, GB/T 2260 division codes and GB/T 4754-2017 industry codes.
Every value is derived from the record's name, never from its position in a table or
from randomness, so a run finds the rows of the previous run by their natural keys
and creates nothing twice.
"""
import datetime
import zlib
from decimal import Decimal

from chamber.validators import id_check_character, uscc_check_character

# --- Identifiers --------------------------------------------------------------------------

ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# USCC registration authority + organisation type (GB 32100-2015, table 1).
USCC_ENTERPRISE = "91"   # market regulation: company
USCC_COOPERATIVE = "93"  # market regulation: farmers' specialised cooperative
USCC_SOCIAL = "51"       # civil affairs: social organisation (a chamber)
USCC_LAW_FIRM = "31"     # justice: law firm


def stable_hash(*parts):
    """A 32-bit number that depends only on `parts` (unlike `hash()`, stable across runs)."""
    return zlib.crc32("|".join(str(p) for p in parts).encode("utf-8"))


def org_code(body8):
    """A 9-character organisation code (GB 11714): 8 characters and their check character."""
    total = sum(ORG_ALPHABET.index(ch) * w for ch, w in zip(body8, ORG_WEIGHTS))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(division, serial, prefix=USCC_ENTERPRISE):
    """A valid 18-character USCC: prefix, division, organisation code, check character."""
    body = f"{prefix}{division}{org_code(f'{serial % 10**8:08d}')}"
    return body + uscc_check_character(body)


def make_id_number(region, born, seq):
    """A valid 18-digit ID number; `seq` is 0–999, odd for men and even for women."""
    body = f"{region}{born:%Y%m%d}{seq % 1000:03d}"
    return body + id_check_character(body)


MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "158", "159", "186", "188", "189", "133", "153", "177", "180")


def make_mobile(*key):
    h = stable_hash("mobile", *key)
    h2 = stable_hash("mobile2", *key)
    return MOBILE_PREFIXES[h % len(MOBILE_PREFIXES)] + f"{h2 % 10**8:08d}"


# --- Names ----------------------------------------------------------------------------------

MALE_GIVEN = (
    "建国", "国强", "卫东", "志明", "永刚", "海峰", "建平", "晓东", "振宇", "伟", "建新", "小兵", "文斌",
    "国良", "海涛", "立新", "明华", "学军", "伟民", "志刚", "勇", "斌", "军", "宏", "德明", "建华", "永明",
    "荣", "春雷", "宏伟", "家俊", "浩然", "俊杰", "世杰", "长江", "金龙", "云飞", "传华", "庆丰", "兆林",
)
FEMALE_GIVEN = (
    "丽萍", "海燕", "晓梅", "红英", "秀英", "雪芳", "静", "慧敏", "玉兰", "丽华", "婷", "晓燕", "文静",
    "美玲", "桂芳", "雅琴", "晓雯", "佳怡",
)


def person_name(surnames, *key, female=None):
    """An invented name; `female` None lets the key decide (about one in five)."""
    h = stable_hash("name", *key)
    if female is None:
        female = h % 5 == 0
    given = FEMALE_GIVEN if female else MALE_GIVEN
    return surnames[h % len(surnames)] + given[(h // 97) % len(given)], female


# --- What industries do, for the enterprise descriptions (GB/T 4754-2017 classes) -----------

INDUSTRY_NOTES = {
    "C3831": "电线、电缆制造", "C3832": "光纤制造", "C3833": "光缆制造", "C3834": "绝缘制品制造",
    "C3839": "其他电工器材制造", "C2651": "初级形态塑料及合成树脂制造", "C3921": "通信系统设备制造",
    "C3922": "通信终端设备制造", "I6531": "信息系统集成服务", "I6532": "物联网技术服务",
    "I6550": "信息处理和存储支持服务", "E4851": "架线及设备工程建筑", "C3976": "光电子器件制造",
    "C3975": "半导体照明器件制造", "C3974": "显示器件制造", "C3985": "电子专用材料制造",
    "C3042": "特种玻璃制造", "C4040": "光学仪器制造", "C3562": "电子和电工机械专用设备制造",
    "M7452": "检测服务", "E4710": "住宅房屋建筑", "E4790": "其他房屋建筑业", "C3021": "水泥制品制造",
    "H6210": "正餐服务", "F5211": "百货零售", "C1771": "床上用品制造", "F5292": "互联网零售",
    "C2021": "胶合板制造", "C2740": "中成药生产", "A0512": "农业机械活动", "C1432": "速冻食品制造",
    "C1711": "棉纺纱加工", "L7224": "供应链管理服务", "C3982": "电子电路制造", "C3484": "机械零部件加工",
    "C1910": "皮革鞣制加工", "Q8411": "综合医院", "G5431": "普通货物道路运输", "F5124": "其他农牧产品批发",
    "N7721": "水污染治理", "F5154": "医疗用品及器材批发", "E5011": "公共建筑装饰和装修", "L7231": "律师及相关法律服务",
    "K7010": "房地产开发经营", "F5165": "建材批发", "R8810": "文艺创作与表演", "C3499": "其他未列明通用设备制造业",
    "C1952": "皮鞋制造", "F5151": "西药批发", "C3825": "光伏设备及元器件制造", "A0141": "蔬菜种植",
    "S9521": "社会团体",
}

DISTRICTS = {
    "320505": "苏州市虎丘区", "320506": "苏州市吴中区", "320507": "苏州市相城区", "320508": "苏州市姑苏区",
    "320509": "苏州市吴江区", "320581": "常熟市", "320582": "张家港市", "320583": "昆山市", "320585": "太仓市",
    "371322": "临沂市郯城县", "310115": "上海市浦东新区", "310112": "上海市闵行区", "310104": "上海市徐汇区",
    "310107": "上海市普陀区", "310113": "上海市宝山区", "440306": "深圳市宝安区", "370211": "青岛市黄岛区",
    "330481": "海宁市", "330106": "杭州市西湖区", "330108": "杭州市滨江区", "330110": "杭州市余杭区",
    "330102": "杭州市上城区", "330105": "杭州市拱墅区", "330203": "宁波市海曙区", "330302": "温州市鹿城区",
    "330402": "嘉兴市南湖区", "330502": "湖州市吴兴区", "330602": "绍兴市越城区", "330702": "金华市婺城区",
    "331002": "台州市椒江区", "330100": "杭州市", "330200": "宁波市", "330300": "温州市", "330400": "嘉兴市",
    "330500": "湖州市", "330600": "绍兴市", "330700": "金华市", "331000": "台州市", "310100": "上海市",
}
STREETS = ("创业路", "科技大道", "工业园路", "新华路", "人民路", "建设路", "长安路", "友谊路", "振兴路", "富民路")


def address_for(division, *key):
    h = stable_hash("address", *key)
    return f"{DISTRICTS.get(division, '')}{STREETS[h % len(STREETS)]}{h % 388 + 1}号"


# --- Annual figures --------------------------------------------------------------------------

# Revenue band (CNY) by rank code: (low, high).
REVENUE_BANDS = {
    "president": (4_000_000_000, 9_000_000_000),
    "executive-president": (2_000_000_000, 5_000_000_000),
    "vice-president": (500_000_000, 2_000_000_000),
    "standing-council": (200_000_000, 800_000_000),
    "council": (50_000_000, 300_000_000),
    "member": (5_000_000, 80_000_000),
}
FIGURE_YEARS = (2024, 2025)


def annual_figures_for(name, rank_code, year):
    """(revenue, tax paid, employees) for one year, growing plausibly from year to year."""
    low, high = REVENUE_BANDS[rank_code]
    h = stable_hash("revenue", name)
    base = low + (h % 1000) * (high - low) // 1000
    growth = 1 + ((stable_hash("growth", name, year) % 25) - 5) / 100  # -5 % … +19 %
    revenue = int(base * (growth ** (year - FIGURE_YEARS[0])))
    revenue = Decimal(revenue // 10_000 * 10_000)
    tax = (revenue * Decimal(30 + stable_hash("tax", name, year) % 30) / Decimal(1000)).quantize(Decimal("0.01"))
    per_head = 700_000 + stable_hash("per-head", name) % 900_000
    employees = max(8, int(revenue) // per_head)
    return revenue, tax, employees


def d(text):
    return datetime.date.fromisoformat(text)


# --- The data ----------------------------------------------------------------------------------
#
# Enterprise rows: (name, industry, division, branch codes, rank code, extra). `extra` may
# hold "status": (status, effective date, reason), "rank_from": (rank code, date, reason)
# for a member promoted after it joined, "joined": date, "prefix" (USCC prefix),
# "kind" ("group" for a member chamber).

OPTICAL = {
    "chamber": {
        "name": "苏州市光电产业商会", "short_name": "光电商会", "slug": "sz-optical", "kind": "industry",
        "division_code": "320500", "registration_authority": "苏州市民政局",
        "registered_on": d("2011-09-28"), "founded_on": d("2011-09-28"),
        "address": "苏州市吴江区科技大道88号光电产业园", "contact_phone": "0512-63000000",
        "contact_email": "sz-optical@example.com",
    },
    "surnames": "沈陈周钱吴朱徐陆顾张王金姚蒋范潘杨褚邱孙李黄郁凌严俞唐许蔡",
    "id_regions": ("320584", "320581", "320582", "320583", "320585", "320502", "320503", "320524"),
    "member_prefix": "GD",
    # Branches: (code, name, kind, parent code, founded on, leader enterprise).
    "branches": [
        ("CABLE", "光电线缆分会", "branch", None, "2019-03-18", "苏州中瀚光纤科技有限公司"),
        ("COMM", "光电通信分会", "branch", None, "2019-03-18", "苏州捷联通信技术有限公司"),
        ("DEVICE", "光电器件分会", "branch", None, "2019-03-18", "苏州光芯微电子有限公司"),
        ("DISPLAY", "光电显示分会", "branch", None, "2019-03-18", "苏州华彩显示科技有限公司"),
        ("PARTY", "商会党支部", "party", None, "2016-07-01", None),
        ("SEC-MEM", "会员发展服务部", "secretariat", None, "2019-03-18", None),
    ],
    "enterprises": [
        # 光电线缆分会
        ("苏州恒锐光缆有限公司", "C3833", "320509", ("CABLE",), "president", {"joined": "2011-09-28"}),
        ("苏州中瀚光纤科技有限公司", "C3832", "320509", ("CABLE",), "executive-president", {"joined": "2011-09-28"}),
        ("吴江永鑫电缆有限公司", "C3831", "320509", ("CABLE",), "vice-president", {"joined": "2011-09-28"}),
        ("苏州天缆通信线缆有限公司", "C3833", "320509", ("CABLE", "COMM"), "standing-council", {}),
        ("苏州通盛电线电缆有限公司", "C3831", "320582", ("CABLE",), "council", {}),
        ("苏州新光预制棒材料有限公司", "C3832", "320509", ("CABLE",), "council", {}),
        ("常熟市华缆电力电缆有限公司", "C3831", "320581", ("CABLE",), "council", {}),
        ("昆山宏亿线缆有限公司", "C3831", "320583", ("CABLE",), "member", {}),
        ("张家港市润达光缆材料有限公司", "C2651", "320582", ("CABLE",), "member", {
            "status": ("left", "2025-06-30", "企业整体迁出苏州，申请退会，经会长办公会同意。")}),
        ("太仓市长江特种电缆有限公司", "C3831", "320585", ("CABLE",), "council", {}),
        ("苏州七都光纤附件有限公司", "C3839", "320509", ("CABLE",), "member", {}),
        ("吴江金桥电缆辅料有限公司", "C3834", "320509", ("CABLE",), "member", {
            "status": ("lapsed", "2026-03-31", "2026年度会费逾期未缴，经两次提醒仍未续会。")}),
        # 光电通信分会
        ("苏州捷联通信技术有限公司", "C3921", "320505", ("COMM",), "vice-president", {"joined": "2012-05-16"}),
        ("苏州云汇光网络科技有限公司", "I6531", "320506", ("COMM",), "council", {}),
        ("苏州博通光通信设备有限公司", "C3921", "320507", ("COMM",), "vice-president", {}),
        ("苏州迅联信息系统集成有限公司", "I6531", "320508", ("COMM",), "council", {}),
        ("昆山锐讯通信器材有限公司", "C3922", "320583", ("COMM",), "council", {}),
        ("苏州科网光纤工程有限公司", "E4851", "320509", ("COMM", "CABLE"), "council", {}),
        ("苏州华信光传输技术有限公司", "C3921", "320505", ("COMM",), "council", {
            "rank_from": ("member", "2021-12-28", "第三届会员大会选举为理事单位。")}),
        ("苏州天瑞物联网科技有限公司", "I6532", "320505", ("COMM",), "member", {}),
        ("张家港市联创通信工程有限公司", "E4851", "320582", ("COMM",), "member", {
            "status": ("suspended", "2026-04-15", "涉嫌违反行业诚信自律公约，暂停会员资格，待诚信评定委员会核查。")}),
        ("苏州众合数据技术有限公司", "I6550", "320505", ("COMM",), "member", {"status": ("applied", None, "")}),
        # 光电器件分会
        ("苏州光芯微电子有限公司", "C3976", "320505", ("DEVICE",), "vice-president", {}),
        ("苏州晶讯光模块科技有限公司", "C3976", "320505", ("DEVICE",), "standing-council", {
            "rank_from": ("council", "2021-12-28", "第三届会员大会选举为常务理事单位。")}),
        ("苏州恒光光电子器件有限公司", "C3976", "320506", ("DEVICE",), "council", {}),
        ("苏州纳光精密光学有限公司", "C4040", "320505", ("DEVICE",), "council", {}),
        ("苏州明德激光器件有限公司", "C3976", "320507", ("DEVICE",), "council", {}),
        ("苏州锦程光无源器件有限公司", "C3976", "320509", ("DEVICE",), "council", {}),
        ("昆山博睿半导体照明有限公司", "C3975", "320583", ("DEVICE",), "council", {}),
        ("苏州精测光电检测技术有限公司", "M7452", "320505", ("DEVICE", "CABLE"), "council", {}),
        ("苏州华拓光电设备有限公司", "C3562", "320507", ("DEVICE",), "member", {}),
        ("苏州诚远光纤连接器有限公司", "C3976", "320509", ("DEVICE",), "council", {}),
        # 光电显示分会
        ("苏州华彩显示科技有限公司", "C3974", "320505", ("DISPLAY",), "vice-president", {}),
        ("昆山晶显光电有限公司", "C3974", "320583", ("DISPLAY",), "council", {}),
        ("苏州明辉液晶模组有限公司", "C3974", "320506", ("DISPLAY",), "council", {}),
        ("苏州光屏触控技术有限公司", "C3974", "320507", ("DISPLAY",), "council", {}),
        ("苏州亮源背光科技有限公司", "C3974", "320509", ("DISPLAY",), "member", {}),
        ("苏州易视智能显示有限公司", "C3974", "320508", ("DISPLAY",), "member", {}),
        ("常熟市新视界偏光材料有限公司", "C3985", "320581", ("DISPLAY",), "council", {}),
        ("苏州高清显示玻璃有限公司", "C3042", "320505", ("DISPLAY",), "member", {"status": ("applied", None, "")}),
    ],
    # Staff who hold posts on behalf of no enterprise: (key, name, female).
    "staff": [("sg", "沈文静", True), ("dsg", "陆振华", False), ("sg-old", "顾建新", False)],
    # Terms: (ordinal, name, starts, ends, elected, line-up). A line-up entry is
    # (post, enterprise name or "staff:<key>"); "ranks" adds the standing council and the
    # council from the members' current ranks.
    "terms": [
        (1, "第一届理事会", "2011-09-28", "2016-09-27", "2011-09-28", [
            ("president", "苏州中瀚光纤科技有限公司"),
            ("vice_president", "苏州恒锐光缆有限公司"),
            ("vice_president", "吴江永鑫电缆有限公司"),
            ("secretary_general", "staff:sg-old"),
            ("council_member", ["苏州天缆通信线缆有限公司", "苏州通盛电线电缆有限公司", "太仓市长江特种电缆有限公司",
                                "苏州七都光纤附件有限公司", "苏州晶讯光模块科技有限公司", "昆山博睿半导体照明有限公司",
                                "苏州纳光精密光学有限公司", "苏州光屏触控技术有限公司"]),
        ]),
        (2, "第二届理事会", "2016-09-28", "2021-12-27", "2016-09-28", [
            ("president", "苏州中瀚光纤科技有限公司"),
            ("executive_president", "苏州恒锐光缆有限公司"),
            ("vice_president", "吴江永鑫电缆有限公司"),
            ("vice_president", "苏州捷联通信技术有限公司"),
            ("vice_president", "苏州天缆通信线缆有限公司"),
            ("secretary_general", "staff:sg"),
            ("council_member", ["苏州通盛电线电缆有限公司", "苏州新光预制棒材料有限公司", "苏州晶讯光模块科技有限公司",
                                "苏州光芯微电子有限公司", "太仓市长江特种电缆有限公司", "苏州七都光纤附件有限公司",
                                "昆山博睿半导体照明有限公司", "苏州纳光精密光学有限公司", "苏州光屏触控技术有限公司",
                                "苏州华彩显示科技有限公司", "苏州迅联信息系统集成有限公司", "苏州科网光纤工程有限公司"]),
        ]),
        (3, "第三届理事会", "2021-12-28", "2026-12-27", "2021-12-28", [
            ("president", "苏州恒锐光缆有限公司"),
            ("executive_president", "苏州中瀚光纤科技有限公司"),
            ("standing_vice_president", "吴江永鑫电缆有限公司"),
            ("vice_president", "苏州捷联通信技术有限公司"),
            ("vice_president", "苏州博通光通信设备有限公司"),
            ("vice_president", "苏州光芯微电子有限公司"),
            ("vice_president", "苏州华彩显示科技有限公司"),
            ("chief_supervisor", "苏州七都光纤附件有限公司"),
            ("secretary_general", "staff:sg"),
            ("deputy_secretary_general", "staff:dsg"),
            "ranks",
        ]),
    ],
    # Rotating chair: (term, first day, periods, officers' enterprises in turn); a period is
    # two months (the last one is cut at the end of the term).
    "rotating_chair": (3, "2025-01-01", 12, [
        "苏州中瀚光纤科技有限公司", "吴江永鑫电缆有限公司", "苏州捷联通信技术有限公司",
        "苏州博通光通信设备有限公司", "苏州光芯微电子有限公司", "苏州华彩显示科技有限公司",
    ]),
    # Officers who keep in touch with the members (会长联系会员制度), in the current term.
    "liaison_officers": (3, [
        "苏州恒锐光缆有限公司", "苏州中瀚光纤科技有限公司", "吴江永鑫电缆有限公司",
        "苏州捷联通信技术有限公司", "苏州光芯微电子有限公司", "苏州华彩显示科技有限公司",
    ]),
    "links": [],
}

TANCHENG = {
    "chamber": {
        "name": "郯城县工商业联合会", "short_name": "郯城县工商联", "slug": "tancheng", "kind": "federation",
        "division_code": "371322", "address": "临沂市郯城县人民路88号", "contact_phone": "0539-6200000",
        "contact_email": "tancheng-fic@example.com",
    },
    "surnames": "王张李刘徐孙杜邵颜马高赵杨胡宋陈郑仇",
    "id_regions": ("371322", "371302", "371321", "371323"),
    "member_prefix": "TC",
    "branches": [
        # Chambers directly under the federation (直属商会).
        ("JZ", "郯城县建筑业商会", "industry", None, "2012-04-20", "郯城县盛远建设集团有限公司"),
        ("CY", "郯城县餐饮商会", "industry", None, "2014-06-18", "郯城县银杏宴餐饮管理有限公司"),
        ("IT", "郯城县IT商会", "industry", None, "2016-09-09", "郯城县智联网络科技有限公司"),
        ("RS", "郯城县儒商商会", "industry", None, "2015-03-12", "郯城县仁德商贸有限公司"),
        ("NQ", "郯城县女企业家商会", "industry", None, "2013-03-08", "郯城县巧手家纺有限公司"),
        ("QN", "郯城县青年创业者商会", "youth", None, "2019-05-04", "郯城县青禾电子商务有限公司"),
        # Township chambers (乡镇商会).
        ("MT", "马头镇商会", "township", None, "2017-08-01", "郯城县马头镇宏利木业有限公司"),
        ("GS", "港上镇商会", "township", None, "2017-08-01", "郯城县港上银杏生物科技有限公司"),
        ("HH", "红花镇商会", "township", None, "2018-01-10", None),
        ("CF", "重坊镇商会", "township", None, "2018-01-10", None),
        ("LZ", "李庄镇商会", "township", None, "2018-01-10", None),
        # Out-of-town Tancheng chambers (异地郯城商会).
        ("SH", "上海郯城商会", "out_of_town", None, "2017-12-16", "上海沂郯建设工程有限公司"),
        ("SZ", "深圳郯城商会", "out_of_town", None, "2018-10-26", None),
        ("QD", "青岛郯城商会", "out_of_town", None, "2016-11-18", None),
        ("SUZ", "苏州郯城商会", "out_of_town", None, "2019-06-22", None),
        ("HN", "海宁郯城商会", "out_of_town", None, "2019-09-15", None),
        # A youth committee inside an out-of-town chamber (在其他商会探索成立青工委).
        ("SH-QGW", "上海郯城商会青工委", "youth", "SH", "2020-05-04", None),
    ],
    "enterprises": [
        ("郯城县盛远建设集团有限公司", "E4790", "371322", ("JZ",), "president", {"joined": "2008-05-10"}),
        ("郯城县鸿达建筑工程有限公司", "E4710", "371322", ("JZ",), "council", {}),
        ("山东郯城华建建材有限公司", "C3021", "371322", ("JZ",), "council", {}),
        ("郯城县银杏宴餐饮管理有限公司", "H6210", "371322", ("CY",), "vice-president", {}),
        ("郯城县老城味道餐饮有限公司", "H6210", "371322", ("CY",), "council", {}),
        ("郯城县智联网络科技有限公司", "I6531", "371322", ("IT", "QN"), "council", {}),
        ("郯城县仁德商贸有限公司", "F5211", "371322", ("RS",), "council", {}),
        ("郯城县巧手家纺有限公司", "C1771", "371322", ("NQ",), "council", {}),
        ("郯城县青禾电子商务有限公司", "F5292", "371322", ("QN",), "council", {}),
        ("郯城县马头镇宏利木业有限公司", "C2021", "371322", ("MT",), "vice-president", {}),
        ("郯城县港上银杏生物科技有限公司", "C2740", "371322", ("GS",), "vice-president", {}),
        ("郯城县红花镇丰收农机专业合作社", "A0512", "371322", ("HH",), "member", {"prefix": USCC_COOPERATIVE}),
        ("郯城县重坊镇福源食品有限公司", "C1432", "371322", ("CF",), "council", {}),
        ("郯城县李庄镇鑫源纺织有限公司", "C1711", "371322", ("LZ",), "member", {
            "status": ("suspended", "2026-05-20", "企业停产整顿，本人申请暂停会员资格一年。")}),
        ("郯城县仁和医院", "Q8411", "371322", (), "vice-president", {}),
        ("郯城县恒远物流有限公司", "G5431", "371322", (), "council", {}),
        ("上海沂郯建设工程有限公司", "E4790", "310115", ("SH",), "council", {}),
        ("上海郯商供应链管理有限公司", "L7224", "310112", ("SH", "SH-QGW"), "member", {}),
        ("深圳市郯鑫电子有限公司", "C3982", "440306", ("SZ",), "council", {}),
        ("青岛郯海食品有限公司", "C1432", "370211", ("QD",), "council", {}),
        ("苏州沂蒙精密机械有限公司", "C3484", "320505", ("SUZ",), "member", {}),
        ("海宁市郯城皮革有限公司", "C1910", "330481", ("HN",), "member", {"status": ("applied", None, "")}),
    ],
    "staff": [("sg", "杜晓燕", True), ("sg-old", "邵立新", False)],
    "terms": [
        (8, "第八届执委会", "2018-03-18", "2023-03-17", "2018-03-18", [
            ("president", "郯城县盛远建设集团有限公司"),
            ("vice_president", "郯城县仁和医院"),
            ("vice_president", "郯城县港上银杏生物科技有限公司"),
            ("vice_president", "郯城县银杏宴餐饮管理有限公司"),
            ("vice_president", "郯城县鸿达建筑工程有限公司"),
            ("secretary_general", "staff:sg-old"),
            ("council_member", ["郯城县仁德商贸有限公司", "郯城县恒远物流有限公司", "山东郯城华建建材有限公司",
                                "郯城县智联网络科技有限公司", "郯城县巧手家纺有限公司", "郯城县重坊镇福源食品有限公司",
                                "上海沂郯建设工程有限公司", "深圳市郯鑫电子有限公司", "青岛郯海食品有限公司",
                                "郯城县老城味道餐饮有限公司", "郯城县马头镇宏利木业有限公司", "郯城县李庄镇鑫源纺织有限公司"]),
        ]),
        (9, "第九届执委会", "2023-03-18", "2028-03-17", "2023-03-18", [
            ("president", "郯城县盛远建设集团有限公司"),
            ("vice_president", "郯城县仁和医院"),
            ("vice_president", "郯城县港上银杏生物科技有限公司"),
            ("vice_president", "郯城县银杏宴餐饮管理有限公司"),
            ("vice_president", "郯城县马头镇宏利木业有限公司"),
            ("secretary_general", "staff:sg"),
            "ranks",
        ]),
    ],
    # 主席（会长）轮值: every two months, from the 2019 start of the scheme.
    "rotating_chair": (8, "2019-03-01", 8, [
        "郯城县仁和医院", "郯城县港上银杏生物科技有限公司", "郯城县银杏宴餐饮管理有限公司",
        "郯城县鸿达建筑工程有限公司",
    ]),
    "rotating_chair_2": (9, "2026-01-01", 6, [
        "郯城县仁和医院", "郯城县港上银杏生物科技有限公司", "郯城县银杏宴餐饮管理有限公司",
        "郯城县马头镇宏利木业有限公司",
    ]),
    "liaison_officers": (9, ["郯城县盛远建设集团有限公司", "郯城县仁和医院", "郯城县马头镇宏利木业有限公司"]),
    # 与海宁市、南京市鼓楼区、龙口市、东海县和尚志市五地工商联结成了友好工商联; and
    # 指导直属商会和乡镇商会结成对子 (pairings, on behalf of a direct chamber).
    "links": [
        ("friendship", "海宁市工商业联合会", "2018-11-08", None, "友好工商联"),
        ("friendship", "南京市鼓楼区工商业联合会", "2019-04-16", None, "友好工商联"),
        ("friendship", "龙口市工商业联合会", "2019-07-02", None, "友好工商联"),
        ("friendship", "东海县工商业联合会", "2019-10-11", None, "友好工商联"),
        ("friendship", "尚志市工商业联合会", "2020-08-25", None, "友好工商联"),
        ("pairing", "马头镇商会", "2020-09-01", "JZ", "基层商会建设提升年：直属商会与乡镇商会结对共建。"),
        ("pairing", "港上镇商会", "2020-09-01", "CY", "基层商会建设提升年：直属商会与乡镇商会结对共建。"),
        ("pairing", "红花镇商会", "2020-09-01", "RS", "基层商会建设提升年：直属商会与乡镇商会结对共建。"),
    ],
}

SH_TANCHENG = {
    "chamber": {
        "name": "上海郯城商会", "short_name": "上海郯城商会", "slug": "sh-tancheng", "kind": "out_of_town",
        "division_code": "310100", "registered_on": d("2017-12-16"), "founded_on": d("2017-12-16"),
        "address": "上海市闵行区友谊路66号", "contact_phone": "021-64000000",
        "contact_email": "sh-tancheng@example.com",
    },
    "supervising_federation": "tancheng",
    "surnames": "王张李刘徐孙杜邵颜马高赵杨",
    "id_regions": ("371322", "371302"),
    "member_prefix": "SHTC",
    "branches": [
        ("QGW", "青工委", "youth", None, "2020-05-04", "上海郯商供应链管理有限公司"),
        ("SEC", "秘书处", "secretariat", None, "2017-12-16", None),
    ],
    "enterprises": [
        ("上海沂郯建设工程有限公司", "E4790", "310115", (), "president", {"joined": "2017-12-16"}),
        ("上海郯商供应链管理有限公司", "L7224", "310112", ("QGW",), "vice-president", {"joined": "2017-12-16"}),
        ("上海银杏源贸易有限公司", "F5124", "310107", (), "council", {}),
        ("上海鲁郯餐饮管理有限公司", "H6210", "310104", (), "council", {}),
        ("上海沂河环保科技有限公司", "N7721", "310113", ("QGW",), "council", {}),
        ("上海郯润装饰工程有限公司", "E5011", "310115", (), "council", {}),
        ("上海郯城人家餐饮有限公司", "H6210", "310107", (), "council", {}),
        ("上海沂蒙电子科技有限公司", "C3982", "310112", ("QGW",), "council", {}),
        ("上海沂郯律师事务所", "L7231", "310104", (), "member", {"prefix": USCC_LAW_FIRM}),
        ("上海银郯物流有限公司", "G5431", "310113", (), "member", {}),
        ("上海郯韵文化传媒有限公司", "R8810", "310104", ("QGW",), "member", {}),
        ("上海鲁苏建材贸易有限公司", "F5165", "310115", (), "member", {}),
        ("上海郯源医疗器械有限公司", "F5154", "310112", (), "member", {"status": ("applied", None, "")}),
    ],
    "staff": [("sg", "颜海燕", True)],
    "terms": [
        (1, "第一届理事会", "2017-12-16", "2022-12-15", "2017-12-16", [
            ("president", "上海沂郯建设工程有限公司"),
            ("vice_president", "上海郯商供应链管理有限公司"),
            ("secretary_general", "staff:sg"),
            ("council_member", ["上海银杏源贸易有限公司", "上海鲁郯餐饮管理有限公司", "上海沂河环保科技有限公司",
                                "上海郯润装饰工程有限公司", "上海沂郯律师事务所", "上海郯城人家餐饮有限公司"]),
        ]),
        (2, "第二届理事会", "2022-12-16", "2027-12-15", "2022-12-16", [
            ("president", "上海沂郯建设工程有限公司"),
            ("vice_president", "上海郯商供应链管理有限公司"),
            ("secretary_general", "staff:sg"),
            "ranks",
        ]),
    ],
    "liaison_officers": (2, ["上海沂郯建设工程有限公司", "上海郯商供应链管理有限公司"]),
    "links": [],
}

ZJ_SICHUAN = {
    "chamber": {
        "name": "浙江省四川商会", "short_name": "浙江川商", "slug": "zj-sichuan", "kind": "out_of_town",
        "division_code": "330100", "registration_authority": "浙江省民政厅",
        "registered_on": d("2008-06-28"), "founded_on": d("2008-06-28"),
        "address": "杭州市滨江区科技大道188号浙江川商总部基地", "contact_phone": "0571-87000000",
        "contact_email": "zj-sichuan@example.com",
    },
    "surnames": "罗何胡刘王李张杨陈黄赵周吴邓曾彭唐蒋谢冯戴",
    "id_regions": ("510104", "510304", "510322", "511011", "511502", "511802", "510681"),
    "member_prefix": "ZJSC",
    # "商会成立了3个专业委员会，即房地产建筑建材、文化餐饮、制造商贸专业委员会"; the
    # secretariat "分为会员发展服务部、会务商务部、文化品牌部三大部门".
    "branches": [
        ("FDC", "房地产与建筑建材专委会", "committee", None, "2016-10-15", "浙江川汇置业有限公司"),
        ("WHCY", "文化与餐饮专委会", "committee", None, "2016-10-15", "杭州蜀香楼餐饮有限公司"),
        ("ZZSM", "制造与商贸专委会", "committee", None, "2016-10-15", "宁波川力机械制造有限公司"),
        ("SEC-MEM", "会员发展服务部", "secretariat", None, "2017-01-01", None),
        ("SEC-AFF", "会务商务部", "secretariat", None, "2017-01-01", None),
        ("SEC-BRAND", "文化品牌部", "secretariat", None, "2017-01-01", None),
    ],
    "enterprises": [
        # Direct enterprise members (直属会员).
        ("浙江川汇置业有限公司", "K7010", "330108", ("FDC",), "president", {"joined": "2008-06-28"}),
        ("杭州蜀达建设工程有限公司", "E4710", "330110", ("FDC",), "executive-president", {"joined": "2008-06-28"}),
        ("浙江巴蜀建材有限公司", "F5165", "330105", ("FDC",), "vice-president", {}),
        ("杭州天府装饰工程有限公司", "E5011", "330106", ("FDC",), "council", {}),
        ("杭州川味坊餐饮管理有限公司", "H6210", "330102", ("WHCY",), "council", {}),
        ("杭州蜀香楼餐饮有限公司", "H6210", "330106", ("WHCY",), "vice-president", {}),
        ("浙江川韵文化传播有限公司", "R8810", "330108", ("WHCY",), "council", {}),
        ("宁波川力机械制造有限公司", "C3499", "330203", ("ZZSM",), "vice-president", {}),
        ("温州蜀锦鞋业有限公司", "C1952", "330302", ("ZZSM",), "council", {}),
        ("嘉兴川渝物流有限公司", "G5431", "330402", ("ZZSM",), "member", {}),
        ("金华蓉城电子商务有限公司", "F5292", "330702", ("ZZSM",), "member", {
            "status": ("left", "2024-12-31", "企业迁回成都经营，申请退会。")}),
        ("杭州天府医药有限公司", "F5151", "330110", (), "council", {}),
        ("湖州川能光伏科技有限公司", "C3825", "330502", ("ZZSM",), "council", {}),
        ("台州川农生态农业有限公司", "A0141", "331002", (), "member", {"status": ("applied", None, "")}),
        # Group members (团体会员): the city-level Sichuan chambers of Zhejiang.
        ("杭州市四川商会", "S9521", "330100", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
        ("宁波市四川商会", "S9521", "330200", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
        ("温州市四川商会", "S9521", "330300", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
        ("嘉兴市四川商会", "S9521", "330400", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
        ("湖州市四川商会", "S9521", "330500", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
        ("绍兴市四川商会", "S9521", "330600", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
        ("金华市四川商会", "S9521", "330700", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
        ("台州市四川商会", "S9521", "331000", (), "council", {"kind": "group", "prefix": USCC_SOCIAL}),
    ],
    # Individual members (个人会员): (name, female, committee codes, joined on).
    "individuals": [
        ("何志明", False, ("WHCY",), "2015-03-20"),
        ("彭晓雯", True, ("WHCY",), "2018-09-12"),
        ("邓云飞", False, ("FDC",), "2019-11-05"),
        ("谢雅琴", True, (), "2022-04-18"),
    ],
    "staff": [("sg", "曾慧敏", True)],
    "terms": [
        (3, "第三届理事会", "2018-06-28", "2023-06-27", "2018-06-28", [
            ("president", "浙江川汇置业有限公司"),
            ("executive_president", "杭州蜀达建设工程有限公司"),
            ("standing_vice_president", "杭州天府医药有限公司"),
            ("vice_president", "浙江巴蜀建材有限公司"),
            ("secretary_general", "staff:sg"),
            ("council_member", ["杭州市四川商会", "宁波市四川商会", "温州市四川商会", "台州市四川商会",
                                "杭州天府装饰工程有限公司", "杭州川味坊餐饮管理有限公司", "杭州蜀香楼餐饮有限公司",
                                "宁波川力机械制造有限公司", "温州蜀锦鞋业有限公司", "嘉兴川渝物流有限公司"]),
        ]),
        (4, "第四届理事会", "2023-06-28", "2028-06-27", "2023-06-28", [
            ("president", "浙江川汇置业有限公司"),
            ("executive_president", "杭州蜀达建设工程有限公司"),
            ("standing_vice_president", "浙江巴蜀建材有限公司"),
            ("vice_president", "杭州蜀香楼餐饮有限公司"),
            ("vice_president", "宁波川力机械制造有限公司"),
            ("chief_supervisor", "嘉兴川渝物流有限公司"),
            ("secretary_general", "staff:sg"),
            ("senior_adviser", "individual:何志明"),
            "ranks",
        ]),
    ],
    "liaison_officers": (4, ["浙江川汇置业有限公司", "杭州蜀达建设工程有限公司", "浙江巴蜀建材有限公司"]),
    # "与四川省浙江商会、杭州市诸暨商会签订友好商会协议".
    "links": [
        ("friendship", "四川省浙江商会", "2017-05-18", None, "签订友好商会协议"),
        ("friendship", "杭州市诸暨商会", "2018-03-22", None, "签订友好商会协议"),
    ],
}

# In creation order: the federation before the chamber it supervises.
CHAMBERS = (OPTICAL, TANCHENG, SH_TANCHENG, ZJ_SICHUAN)

# Demo users: (username, role kind, chamber slug, branch code or None).
# demo-member is granted through member_representative_grant on REPRESENTED_ENTERPRISE.
DEMO_USERS = (
    ("demo-admin", "chamber_admin", "sz-optical", None),
    ("demo-admin", "chamber_admin", "tancheng", None),
    # The affiliated chamber's side of the federation's star rating.
    ("demo-admin", "chamber_admin", "sh-tancheng", None),
    ("demo-admin", "chamber_admin", "zj-sichuan", None),
    ("demo-secretary", "secretariat", "sz-optical", None),
    ("demo-branch", "branch_secretary", "sz-optical", "CABLE"),
    ("demo-treasurer", "treasurer", "sz-optical", None),
    ("demo-reviewer", "reviewer", "tancheng", None),
    ("demo-member", "member_representative", "sz-optical", None),
)
REPRESENTED_ENTERPRISE = ("sz-optical", "苏州新光预制棒材料有限公司")
DEMO_USER_NAMES = {
    "demo-admin": ("演示", "管理员"), "demo-secretary": ("演示", "秘书处"), "demo-branch": ("演示", "分会秘书"),
    "demo-reviewer": ("演示", "评审员"), "demo-member": ("演示", "会员代表"), "demo-treasurer": ("演示", "财务"),
}
API_KEY_CHAMBER = "sz-optical"
API_KEY_NAME = "demo roster client"
DEFAULT_PASSWORD = "demo12345678"
