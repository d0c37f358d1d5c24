"""Reference data for the liaison grid's demo seed: where Ningbo's overseas Chinese live, their
names and their associations. Only read by `network.seed`."""

# (code, Chinese name, weight, [(city, Chinese city name)], local language)
COUNTRIES = [
    (
        "IT",
        "意大利",
        16,
        [
            ("Milano", "米兰"),
            ("Roma", "罗马"),
            ("Prato", "普拉托"),
            ("Firenze", "佛罗伦萨"),
            ("Torino", "都灵"),
        ],
        "Italiano",
    ),
    (
        "ES",
        "西班牙",
        12,
        [("Madrid", "马德里"), ("Barcelona", "巴塞罗那"), ("Valencia", "瓦伦西亚")],
        "Español",
    ),
    ("FR", "法国", 10, [("Paris", "巴黎"), ("Lyon", "里昂"), ("Marseille", "马赛")], "Français"),
    (
        "US",
        "美国",
        10,
        [
            ("New York", "纽约"),
            ("Los Angeles", "洛杉矶"),
            ("San Francisco", "旧金山"),
            ("Houston", "休斯敦"),
        ],
        "English",
    ),
    ("JP", "日本", 6, [("Tokyo", "东京"), ("Osaka", "大阪"), ("Yokohama", "横滨")], "日本語"),
    ("AU", "澳大利亚", 5, [("Sydney", "悉尼"), ("Melbourne", "墨尔本")], "English"),
    ("GB", "英国", 5, [("London", "伦敦"), ("Manchester", "曼彻斯特")], "English"),
    (
        "DE",
        "德国",
        5,
        [("Frankfurt am Main", "法兰克福"), ("Berlin", "柏林"), ("Hamburg", "汉堡")],
        "Deutsch",
    ),
    ("NL", "荷兰", 4, [("Amsterdam", "阿姆斯特丹"), ("Rotterdam", "鹿特丹")], "Nederlands"),
    ("CA", "加拿大", 4, [("Toronto", "多伦多"), ("Vancouver", "温哥华")], "English"),
    ("BR", "巴西", 3, [("São Paulo", "圣保罗"), ("Rio de Janeiro", "里约热内卢")], "Português"),
    ("AR", "阿根廷", 3, [("Buenos Aires", "布宜诺斯艾利斯")], "Español"),
    ("ZA", "南非", 2, [("Johannesburg", "约翰内斯堡"), ("Cape Town", "开普敦")], "English"),
    ("HU", "匈牙利", 2, [("Budapest", "布达佩斯")], "Magyar"),
    ("PT", "葡萄牙", 2, [("Lisboa", "里斯本"), ("Porto", "波尔图")], "Português"),
    ("MY", "马来西亚", 2, [("Kuala Lumpur", "吉隆坡")], "Bahasa Melayu"),
    ("SG", "新加坡", 2, [("Singapore", "新加坡")], "English"),
    ("TH", "泰国", 2, [("Bangkok", "曼谷")], "ภาษาไทย"),
    ("AE", "阿联酋", 2, [("Dubai", "迪拜")], "English"),
    ("RU", "俄罗斯", 2, [("Moscow", "莫斯科")], "Русский"),
    ("NZ", "新西兰", 1, [("Auckland", "奥克兰")], "English"),
    ("AT", "奥地利", 1, [("Wien", "维也纳")], "Deutsch"),
    ("BE", "比利时", 1, [("Bruxelles", "布鲁塞尔")], "Français"),
    ("CZ", "捷克", 1, [("Praha", "布拉格")], "Čeština"),
    ("KR", "韩国", 1, [("Seoul", "首尔")], "한국어"),
]

# Common surnames, roughly by frequency (repeats weight them), with a few whose surname reading
# differs from the everyday one (单 Shan, 曾 Zeng, 区 Ou, 仇 Qiu, 解 Xie) and compound ones.
SURNAMES = (
    "王王王李李李张张张刘刘陈陈陈杨杨黄黄赵吴吴周周徐徐孙马朱胡胡郭何林林罗高郑郑梁谢宋唐"
    "许韩冯邓曹彭曾曾肖田董袁潘蒋蔡余杜叶叶程苏魏吕丁任沈沈姚卢姜崔钟谭陆陆汪范金石廖贾夏"
    "韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾顾毛郝龚邵万钱钱严武戴孔汤应应竺单区仇解俞俞"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官"]

MALE_CHARS = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳晨建国志成海峰"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲桂英萍红琳雪梅莉婷倩颖慧佳欣怡璐瑶晶丹蕾琴云露"
NEUTRAL_CHARS = "文新立安德永春小晓亚一嘉子思天乐家正"

# Passport spellings (Cantonese, Hokkien, Wade-Giles …) of some surnames.
SURNAME_SPELLINGS = {
    "王": ["Wong", "Wang"],
    "吴": ["Ng", "Wu", "Goh"],
    "陈": ["Chan", "Tan", "Chen"],
    "林": ["Lim", "Lam", "Lin"],
    "张": ["Cheung", "Chang", "Teo"],
    "黄": ["Wong", "Ng", "Huang"],
    "李": ["Lee", "Li"],
    "刘": ["Lau", "Liu"],
    "郑": ["Cheng", "Tay"],
    "周": ["Chow", "Chou"],
    "徐": ["Tsui", "Hsu"],
    "何": ["Ho"],
    "胡": ["Wu", "Hu"],
    "郭": ["Kwok", "Kuo"],
    "梁": ["Leung", "Liang"],
    "谢": ["Tse", "Hsieh"],
    "叶": ["Yip", "Yeh"],
    "杨": ["Yeung", "Yang"],
    "曾": ["Tsang", "Tseng"],
    "邓": ["Tang", "Teng"],
}

# Homophones for near-duplicates typed with a different character (伟/炜, 芳/方 …).
HOMOPHONES = {
    "伟": "炜",
    "芳": "方",
    "静": "晶",
    "丽": "莉",
    "强": "墙",
    "军": "君",
    "洋": "阳",
    "杰": "洁",
    "涛": "韬",
    "明": "铭",
    "华": "桦",
    "飞": "菲",
    "波": "博",
    "斌": "彬",
    "宇": "雨",
    "浩": "昊",
    "凯": "恺",
    "健": "建",
    "俊": "骏",
    "婷": "亭",
    "颖": "莹",
    "慧": "惠",
    "佳": "嘉",
    "欣": "鑫",
    "怡": "宜",
    "瑶": "遥",
    "丹": "单",
    "云": "芸",
}

# Association name patterns: {country}, {city}, {district} are filled in.
ASSOCIATION_PATTERNS = [
    ("{country}宁波同乡会", "Ningbo Association of {country_en}"),
    ("{city}华侨华人联合会", "Federation of Chinese in {city_en}"),
    ("{country}浙江商会", "Zhejiang Chamber of Commerce in {country_en}"),
    ("{city}宁波商会", "Ningbo Chamber of Commerce of {city_en}"),
    ("{country}华人青年联合会", "Chinese Youth Federation of {country_en}"),
    ("{city}华人妇女联合会", "Chinese Women's Federation of {city_en}"),
    ("{country}{district}联谊会", "{district_en} Friendship Society of {country_en}"),
    ("{city}华侨华人餐饮协会", "Chinese Restaurant Association of {city_en}"),
]

GROUP_PATTERNS = [
    "{district}旅{country}侨胞群",
    "甬{city}侨胞之家",
    "{city}宁波乡亲群",
    "{district}{country}侨界联络群",
    "{association}联络群",
]

LAW_FIRMS = ["律师事务所", "法律服务中心"]
