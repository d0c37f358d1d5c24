"""The Ningbo federation as the reference text describes it: the city, its ten districts,
counties and county-level cities, their townships and streets, and grassroots units."""

CITY = ("330200", "宁波市侨联", "Ningbo Federation of Returned Overseas Chinese")

# (code, name, English name, [townships / streets])
DISTRICTS = [
    (
        "330203",
        "海曙区侨联",
        "Haishu District",
        ["南门街道", "鼓楼街道", "白云街道", "石碶街道", "集士港镇"],
    ),
    (
        "330205",
        "江北区侨联",
        "Jiangbei District",
        ["中马街道", "白沙街道", "孔浦街道", "慈城镇", "庄桥街道"],
    ),
    (
        "330206",
        "北仑区侨联",
        "Beilun District",
        ["新碶街道", "大碶街道", "小港街道", "春晓街道", "柴桥街道"],
    ),
    (
        "330211",
        "镇海区侨联",
        "Zhenhai District",
        ["招宝山街道", "蛟川街道", "骆驼街道", "庄市街道", "九龙湖镇"],
    ),
    (
        "330212",
        "鄞州区侨联",
        "Yinzhou District",
        ["首南街道", "钟公庙街道", "下应街道", "东柳街道", "姜山镇"],
    ),
    (
        "330213",
        "奉化区侨联",
        "Fenghua District",
        ["锦屏街道", "岳林街道", "溪口镇", "莼湖街道", "萧王庙街道"],
    ),
    (
        "330281",
        "余姚市侨联",
        "Yuyao City",
        ["凤山街道", "阳明街道", "梨洲街道", "泗门镇", "马渚镇"],
    ),
    (
        "330282",
        "慈溪市侨联",
        "Cixi City",
        ["浒山街道", "古塘街道", "白沙路街道", "周巷镇", "观海卫镇"],
    ),
    (
        "330226",
        "宁海县侨联",
        "Ninghai County",
        ["跃龙街道", "桃源街道", "梅林街道", "西店镇", "长街镇"],
    ),
    (
        "330225",
        "象山县侨联",
        "Xiangshan County",
        ["丹东街道", "丹西街道", "爵溪街道", "石浦镇", "西周镇"],
    ),
]

# Grassroots units placed under a district: (district code, name, kind)
INSTITUTIONS = [
    ("330205", "宁波大学侨联", "university"),
    ("330212", "宁波诺丁汉大学侨联", "university"),
    ("330203", "宁波市第二中学侨联", "school"),
    ("330206", "北仑侨资企业联谊会", "enterprise"),
    ("330212", "鄞州侨资企业联谊会", "enterprise"),
    ("330282", "慈溪侨资企业联谊会", "enterprise"),
]

# Overseas liaison offices under the city federation.
OVERSEAS_OFFICES = [
    ("意大利米兰联络处", "Milan liaison office"),
    ("西班牙马德里联络处", "Madrid liaison office"),
    ("法国巴黎联络处", "Paris liaison office"),
    ("美国纽约联络处", "New York liaison office"),
    ("日本东京联络处", "Tokyo liaison office"),
    ("澳大利亚悉尼联络处", "Sydney liaison office"),
]

GRASSROOTS_SUFFIXES = [("社区侨联", "community"), ("村侨联", "village")]

DICTIONARIES = {
    "person_category": (
        "人员类别",
        "Person category",
        [
            ("overseas_chinese", "华侨", "Overseas Chinese"),
            ("foreign_chinese", "外籍华人", "Foreign national of Chinese origin"),
            ("returned", "归侨", "Returned overseas Chinese"),
            ("relative", "侨眷", "Relative of overseas Chinese"),
            ("dependant", "侨属", "Dependant of overseas Chinese"),
            ("student", "留学人员", "Student abroad"),
            ("returnee", "海归", "Returnee"),
        ],
    ),
    "case_category": (
        "工单类别",
        "Case category",
        [
            ("policy", "政策解读", "Policy interpretation"),
            ("epidemic", "疫情防护", "Epidemic protection"),
            ("medicine", "医疗咨询", "Medicine consultation"),
            ("psychology", "心理疏导", "Psychological support"),
            ("legal", "法律维权", "Legal rights"),
            ("supplies", "物资支持", "Supplies"),
            ("tomb_sweeping", "代为祭扫", "Proxy tomb-sweeping"),
            ("enterprise", "企业服务", "Enterprise"),
            ("other", "其他", "Other"),
        ],
    ),
    "group_platform": (
        "群组平台",
        "Group platform",
        [
            ("wechat", "微信", "WeChat"),
            ("whatsapp", "WhatsApp", "WhatsApp"),
            ("line", "Line", "Line"),
            ("telegram", "Telegram", "Telegram"),
            ("dingtalk", "钉钉", "DingTalk"),
            ("other", "其他", "Other"),
        ],
    ),
    "letter_kind": (
        "信函类别",
        "Letter kind",
        [
            ("condolence", "慰问信", "Letter of sympathy"),
            ("family_letter", "家书", "Family letter"),
            ("notice", "告知书", "Notice"),
            ("reminder", "温馨提示", "Warm reminder"),
            ("appeal", "倡议书", "Appeal"),
        ],
    ),
}

DEMO_PASSWORD = "Qiaolian@2026"  # noqa: S105 - printed demo password, demo data only

# (username, display name, home unit code, role, unit code) — the documented demo cast.
DEMO_USERS = [
    ("city_admin", "市侨联管理员", "330200", "unit_admin", "330200"),
    ("haishu_manager", "海曙区侨联主任", "330203", "unit_admin", "330203"),
    ("haishu_clerk", "海曙区侨联文员", "330203", "readonly", "330203"),
    ("nanmen_worker", "南门街道侨务专干", "330203001", "staff", "330203001"),
    ("jiangbei_manager", "江北区侨联主任", "330205", "unit_admin", "330205"),
    ("city_staff", "市侨联工作人员", "330200", "staff", "330200"),
    ("liaison_demo", "海曙区联络员", "330203", "liaison", "330203"),
    ("volunteer_doctor", "驻群医生志愿者", "330203", "volunteer", "330203"),
    ("portal_demo", "海外侨胞（门户）", "330203", "portal", "330203"),
]
