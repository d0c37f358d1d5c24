"""Countries and regions: one list for the whole project, by ISO 3166-1 alpha-2 code, with the
English and Chinese name of each.

The Chinese names follow the Ministry of Foreign Affairs' list of countries and regions (国家和地区,
short names as it writes them: 阿联酋, 波黑, 刚果（金）); territories it does not list carry the
names of GB/T 2659. Taiwan, Hong Kong and Macao are regions of China, never countries beside it:
中国台湾 / "Taiwan, China", 中国香港 / "Hong Kong SAR, China", 中国澳门 / "Macao SAR, China";
the field that holds a code is labelled 国家（地区） / "Country (region)".

django-countries reads this list (`settings.COUNTRIES_ONLY = countries.for_django_countries()`),
so every `CountryField`, its form field and every use of `django_countries.countries` offer
exactly these names. What is stored is the code, which did not change, so stored data needs no
migration when a name is corrected here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from django.utils.functional import lazy
from django.utils.translation import get_language


class Region(NamedTuple):
    code: str  # ISO 3166-1 alpha-2
    en: str
    zh: str


# Drawn inside China on the map: their people count with China's feature.
CHINA_REGIONS = ("TW", "HK", "MO")

REGIONS: tuple[Region, ...] = (
    Region("AD", "Andorra", "安道尔"),
    Region("AE", "United Arab Emirates", "阿联酋"),
    Region("AF", "Afghanistan", "阿富汗"),
    Region("AG", "Antigua and Barbuda", "安提瓜和巴布达"),
    Region("AI", "Anguilla", "安圭拉"),
    Region("AL", "Albania", "阿尔巴尼亚"),
    Region("AM", "Armenia", "亚美尼亚"),
    Region("AO", "Angola", "安哥拉"),
    Region("AQ", "Antarctica", "南极洲"),
    Region("AR", "Argentina", "阿根廷"),
    Region("AS", "American Samoa", "美属萨摩亚"),
    Region("AT", "Austria", "奥地利"),
    Region("AU", "Australia", "澳大利亚"),
    Region("AW", "Aruba", "阿鲁巴"),
    Region("AX", "Åland Islands", "奥兰群岛"),
    Region("AZ", "Azerbaijan", "阿塞拜疆"),
    Region("BA", "Bosnia and Herzegovina", "波黑"),
    Region("BB", "Barbados", "巴巴多斯"),
    Region("BD", "Bangladesh", "孟加拉国"),
    Region("BE", "Belgium", "比利时"),
    Region("BF", "Burkina Faso", "布基纳法索"),
    Region("BG", "Bulgaria", "保加利亚"),
    Region("BH", "Bahrain", "巴林"),
    Region("BI", "Burundi", "布隆迪"),
    Region("BJ", "Benin", "贝宁"),
    Region("BL", "Saint Barthélemy", "圣巴泰勒米"),
    Region("BM", "Bermuda", "百慕大"),
    Region("BN", "Brunei", "文莱"),
    Region("BO", "Bolivia", "玻利维亚"),
    Region("BQ", "Bonaire, Sint Eustatius and Saba", "荷兰加勒比区"),
    Region("BR", "Brazil", "巴西"),
    Region("BS", "Bahamas", "巴哈马"),
    Region("BT", "Bhutan", "不丹"),
    Region("BV", "Bouvet Island", "布韦岛"),
    Region("BW", "Botswana", "博茨瓦纳"),
    Region("BY", "Belarus", "白俄罗斯"),
    Region("BZ", "Belize", "伯利兹"),
    Region("CA", "Canada", "加拿大"),
    Region("CC", "Cocos (Keeling) Islands", "科科斯（基林）群岛"),
    Region("CD", "Democratic Republic of the Congo", "刚果（金）"),
    Region("CF", "Central African Republic", "中非"),
    Region("CG", "Republic of the Congo", "刚果（布）"),
    Region("CH", "Switzerland", "瑞士"),
    Region("CI", "Côte d'Ivoire", "科特迪瓦"),
    Region("CK", "Cook Islands", "库克群岛"),
    Region("CL", "Chile", "智利"),
    Region("CM", "Cameroon", "喀麦隆"),
    Region("CN", "China", "中国"),
    Region("CO", "Colombia", "哥伦比亚"),
    Region("CR", "Costa Rica", "哥斯达黎加"),
    Region("CU", "Cuba", "古巴"),
    Region("CV", "Cabo Verde", "佛得角"),
    Region("CW", "Curaçao", "库拉索"),
    Region("CX", "Christmas Island", "圣诞岛"),
    Region("CY", "Cyprus", "塞浦路斯"),
    Region("CZ", "Czechia", "捷克"),
    Region("DE", "Germany", "德国"),
    Region("DJ", "Djibouti", "吉布提"),
    Region("DK", "Denmark", "丹麦"),
    Region("DM", "Dominica", "多米尼克"),
    Region("DO", "Dominican Republic", "多米尼加"),
    Region("DZ", "Algeria", "阿尔及利亚"),
    Region("EC", "Ecuador", "厄瓜多尔"),
    Region("EE", "Estonia", "爱沙尼亚"),
    Region("EG", "Egypt", "埃及"),
    Region("EH", "Western Sahara", "西撒哈拉"),
    Region("ER", "Eritrea", "厄立特里亚"),
    Region("ES", "Spain", "西班牙"),
    Region("ET", "Ethiopia", "埃塞俄比亚"),
    Region("FI", "Finland", "芬兰"),
    Region("FJ", "Fiji", "斐济"),
    Region("FK", "Falkland Islands (Malvinas)", "马尔维纳斯群岛（福克兰）"),
    Region("FM", "Micronesia", "密克罗尼西亚联邦"),
    Region("FO", "Faroe Islands", "法罗群岛"),
    Region("FR", "France", "法国"),
    Region("GA", "Gabon", "加蓬"),
    Region("GB", "United Kingdom", "英国"),
    Region("GD", "Grenada", "格林纳达"),
    Region("GE", "Georgia", "格鲁吉亚"),
    Region("GF", "French Guiana", "法属圭亚那"),
    Region("GG", "Guernsey", "根西"),
    Region("GH", "Ghana", "加纳"),
    Region("GI", "Gibraltar", "直布罗陀"),
    Region("GL", "Greenland", "格陵兰"),
    Region("GM", "Gambia", "冈比亚"),
    Region("GN", "Guinea", "几内亚"),
    Region("GP", "Guadeloupe", "瓜德罗普"),
    Region("GQ", "Equatorial Guinea", "赤道几内亚"),
    Region("GR", "Greece", "希腊"),
    Region("GS", "South Georgia and the South Sandwich Islands", "南乔治亚和南桑威奇群岛"),
    Region("GT", "Guatemala", "危地马拉"),
    Region("GU", "Guam", "关岛"),
    Region("GW", "Guinea-Bissau", "几内亚比绍"),
    Region("GY", "Guyana", "圭亚那"),
    Region("HK", "Hong Kong SAR, China", "中国香港"),
    Region("HM", "Heard Island and McDonald Islands", "赫德岛和麦克唐纳群岛"),
    Region("HN", "Honduras", "洪都拉斯"),
    Region("HR", "Croatia", "克罗地亚"),
    Region("HT", "Haiti", "海地"),
    Region("HU", "Hungary", "匈牙利"),
    Region("ID", "Indonesia", "印度尼西亚"),
    Region("IE", "Ireland", "爱尔兰"),
    Region("IL", "Israel", "以色列"),
    Region("IM", "Isle of Man", "马恩岛"),
    Region("IN", "India", "印度"),
    Region("IO", "British Indian Ocean Territory", "英属印度洋领地"),
    Region("IQ", "Iraq", "伊拉克"),
    Region("IR", "Iran", "伊朗"),
    Region("IS", "Iceland", "冰岛"),
    Region("IT", "Italy", "意大利"),
    Region("JE", "Jersey", "泽西"),
    Region("JM", "Jamaica", "牙买加"),
    Region("JO", "Jordan", "约旦"),
    Region("JP", "Japan", "日本"),
    Region("KE", "Kenya", "肯尼亚"),
    Region("KG", "Kyrgyzstan", "吉尔吉斯斯坦"),
    Region("KH", "Cambodia", "柬埔寨"),
    Region("KI", "Kiribati", "基里巴斯"),
    Region("KM", "Comoros", "科摩罗"),
    Region("KN", "Saint Kitts and Nevis", "圣基茨和尼维斯"),
    Region("KP", "North Korea", "朝鲜"),
    Region("KR", "South Korea", "韩国"),
    Region("KW", "Kuwait", "科威特"),
    Region("KY", "Cayman Islands", "开曼群岛"),
    Region("KZ", "Kazakhstan", "哈萨克斯坦"),
    Region("LA", "Laos", "老挝"),
    Region("LB", "Lebanon", "黎巴嫩"),
    Region("LC", "Saint Lucia", "圣卢西亚"),
    Region("LI", "Liechtenstein", "列支敦士登"),
    Region("LK", "Sri Lanka", "斯里兰卡"),
    Region("LR", "Liberia", "利比里亚"),
    Region("LS", "Lesotho", "莱索托"),
    Region("LT", "Lithuania", "立陶宛"),
    Region("LU", "Luxembourg", "卢森堡"),
    Region("LV", "Latvia", "拉脱维亚"),
    Region("LY", "Libya", "利比亚"),
    Region("MA", "Morocco", "摩洛哥"),
    Region("MC", "Monaco", "摩纳哥"),
    Region("MD", "Moldova", "摩尔多瓦"),
    Region("ME", "Montenegro", "黑山"),
    Region("MF", "Saint Martin (French part)", "法属圣马丁"),
    Region("MG", "Madagascar", "马达加斯加"),
    Region("MH", "Marshall Islands", "马绍尔群岛"),
    Region("MK", "North Macedonia", "北马其顿"),
    Region("ML", "Mali", "马里"),
    Region("MM", "Myanmar", "缅甸"),
    Region("MN", "Mongolia", "蒙古"),
    Region("MO", "Macao SAR, China", "中国澳门"),
    Region("MP", "Northern Mariana Islands", "北马里亚纳群岛"),
    Region("MQ", "Martinique", "马提尼克"),
    Region("MR", "Mauritania", "毛里塔尼亚"),
    Region("MS", "Montserrat", "蒙特塞拉特"),
    Region("MT", "Malta", "马耳他"),
    Region("MU", "Mauritius", "毛里求斯"),
    Region("MV", "Maldives", "马尔代夫"),
    Region("MW", "Malawi", "马拉维"),
    Region("MX", "Mexico", "墨西哥"),
    Region("MY", "Malaysia", "马来西亚"),
    Region("MZ", "Mozambique", "莫桑比克"),
    Region("NA", "Namibia", "纳米比亚"),
    Region("NC", "New Caledonia", "新喀里多尼亚"),
    Region("NE", "Niger", "尼日尔"),
    Region("NF", "Norfolk Island", "诺福克岛"),
    Region("NG", "Nigeria", "尼日利亚"),
    Region("NI", "Nicaragua", "尼加拉瓜"),
    Region("NL", "Netherlands", "荷兰"),
    Region("NO", "Norway", "挪威"),
    Region("NP", "Nepal", "尼泊尔"),
    Region("NR", "Nauru", "瑙鲁"),
    Region("NU", "Niue", "纽埃"),
    Region("NZ", "New Zealand", "新西兰"),
    Region("OM", "Oman", "阿曼"),
    Region("PA", "Panama", "巴拿马"),
    Region("PE", "Peru", "秘鲁"),
    Region("PF", "French Polynesia", "法属波利尼西亚"),
    Region("PG", "Papua New Guinea", "巴布亚新几内亚"),
    Region("PH", "Philippines", "菲律宾"),
    Region("PK", "Pakistan", "巴基斯坦"),
    Region("PL", "Poland", "波兰"),
    Region("PM", "Saint Pierre and Miquelon", "圣皮埃尔和密克隆"),
    Region("PN", "Pitcairn Islands", "皮特凯恩群岛"),
    Region("PR", "Puerto Rico", "波多黎各"),
    Region("PS", "Palestine", "巴勒斯坦"),
    Region("PT", "Portugal", "葡萄牙"),
    Region("PW", "Palau", "帕劳"),
    Region("PY", "Paraguay", "巴拉圭"),
    Region("QA", "Qatar", "卡塔尔"),
    Region("RE", "Réunion", "留尼汪"),
    Region("RO", "Romania", "罗马尼亚"),
    Region("RS", "Serbia", "塞尔维亚"),
    Region("RU", "Russia", "俄罗斯"),
    Region("RW", "Rwanda", "卢旺达"),
    Region("SA", "Saudi Arabia", "沙特阿拉伯"),
    Region("SB", "Solomon Islands", "所罗门群岛"),
    Region("SC", "Seychelles", "塞舌尔"),
    Region("SD", "Sudan", "苏丹"),
    Region("SE", "Sweden", "瑞典"),
    Region("SG", "Singapore", "新加坡"),
    Region(
        "SH", "Saint Helena, Ascension and Tristan da Cunha", "圣赫勒拿、阿森松和特里斯坦-达库尼亚"
    ),
    Region("SI", "Slovenia", "斯洛文尼亚"),
    Region("SJ", "Svalbard and Jan Mayen", "斯瓦尔巴和扬马延"),
    Region("SK", "Slovakia", "斯洛伐克"),
    Region("SL", "Sierra Leone", "塞拉利昂"),
    Region("SM", "San Marino", "圣马力诺"),
    Region("SN", "Senegal", "塞内加尔"),
    Region("SO", "Somalia", "索马里"),
    Region("SR", "Suriname", "苏里南"),
    Region("SS", "South Sudan", "南苏丹"),
    Region("ST", "São Tomé and Príncipe", "圣多美和普林西比"),
    Region("SV", "El Salvador", "萨尔瓦多"),
    Region("SX", "Sint Maarten (Dutch part)", "荷属圣马丁"),
    Region("SY", "Syria", "叙利亚"),
    Region("SZ", "Eswatini", "斯威士兰"),
    Region("TC", "Turks and Caicos Islands", "特克斯和凯科斯群岛"),
    Region("TD", "Chad", "乍得"),
    Region("TF", "French Southern Territories", "法属南部和南极领地"),
    Region("TG", "Togo", "多哥"),
    Region("TH", "Thailand", "泰国"),
    Region("TJ", "Tajikistan", "塔吉克斯坦"),
    Region("TK", "Tokelau", "托克劳"),
    Region("TL", "Timor-Leste", "东帝汶"),
    Region("TM", "Turkmenistan", "土库曼斯坦"),
    Region("TN", "Tunisia", "突尼斯"),
    Region("TO", "Tonga", "汤加"),
    Region("TR", "Türkiye", "土耳其"),
    Region("TT", "Trinidad and Tobago", "特立尼达和多巴哥"),
    Region("TV", "Tuvalu", "图瓦卢"),
    Region("TW", "Taiwan, China", "中国台湾"),
    Region("TZ", "Tanzania", "坦桑尼亚"),
    Region("UA", "Ukraine", "乌克兰"),
    Region("UG", "Uganda", "乌干达"),
    Region("UM", "United States Minor Outlying Islands", "美国本土外小岛屿"),
    Region("US", "United States", "美国"),
    Region("UY", "Uruguay", "乌拉圭"),
    Region("UZ", "Uzbekistan", "乌兹别克斯坦"),
    Region("VA", "Vatican City", "梵蒂冈"),
    Region("VC", "Saint Vincent and the Grenadines", "圣文森特和格林纳丁斯"),
    Region("VE", "Venezuela", "委内瑞拉"),
    Region("VG", "British Virgin Islands", "英属维尔京群岛"),
    Region("VI", "United States Virgin Islands", "美属维尔京群岛"),
    Region("VN", "Vietnam", "越南"),
    Region("VU", "Vanuatu", "瓦努阿图"),
    Region("WF", "Wallis and Futuna", "瓦利斯和富图纳群岛"),
    Region("WS", "Samoa", "萨摩亚"),
    Region("YE", "Yemen", "也门"),
    Region("YT", "Mayotte", "马约特"),
    Region("ZA", "South Africa", "南非"),
    Region("ZM", "Zambia", "赞比亚"),
    Region("ZW", "Zimbabwe", "津巴布韦"),
)

# Full names (from the map data's `full_name`), read by the import as other ways to write a name.
FULL_NAMES = {
    "AD": "安道尔公国",
    "AE": "阿拉伯联合酋长国",
    "AL": "阿尔巴尼亚共和国",
    "AM": "亚美尼亚共和国",
    "AO": "安哥拉共和国",
    "AR": "阿根廷共和国",
    "AT": "奥地利共和国",
    "AU": "澳大利亚联邦",
    "AW": "阿鲁巴（荷兰）",
    "AX": "奥兰群岛（芬兰）",
    "AZ": "阿塞拜疆共和国",
    "BA": "波斯尼亚和黑塞哥维那",
    "BD": "孟加拉人民共和国",
    "BE": "比利时王国",
    "BG": "保加利亚共和国",
    "BH": "巴林王国",
    "BI": "布隆迪共和国",
    "BJ": "贝宁共和国",
    "BL": "圣巴泰勒米（法国）",
    "BN": "文莱达鲁萨兰国",
    "BO": "多民族玻利维亚国",
    "BR": "巴西联邦共和国",
    "BS": "巴哈马国",
    "BT": "不丹王国",
    "BW": "博茨瓦纳共和国",
    "BY": "白俄罗斯共和国",
    "CD": "刚果民主共和国",
    "CF": "中非共和国",
    "CG": "刚果共和国",
    "CH": "瑞士联邦",
    "CI": "科特迪瓦共和国",
    "CL": "智利共和国",
    "CM": "喀麦隆共和国",
    "CN": "中华人民共和国",
    "CO": "哥伦比亚共和国",
    "CR": "哥斯达黎加共和国",
    "CU": "古巴共和国",
    "CV": "佛得角共和国",
    "CW": "库拉索岛（荷兰）",
    "CX": "圣诞岛（澳大利亚）",
    "CY": "塞浦路斯共和国",
    "CZ": "捷克共和国",
    "DE": "德意志联邦共和国",
    "DJ": "吉布提共和国",
    "DK": "丹麦王国",
    "DM": "多米尼克国",
    "DO": "多米尼加共和国",
    "DZ": "阿尔及利亚民主人民共和国",
    "EC": "厄瓜多尔共和国",
    "EE": "爱沙尼亚共和国",
    "EG": "阿拉伯埃及共和国",
    "ER": "厄立特里亚国",
    "ES": "西班牙王国",
    "ET": "埃塞俄比亚联邦民主共和国",
    "FI": "芬兰共和国",
    "FJ": "斐济共和国",
    "FO": "法罗群岛（丹麦）",
    "FR": "法兰西共和国",
    "GA": "加蓬共和国",
    "GB": "大不列颠及北爱尔兰联合王国",
    "GG": "根西岛",
    "GH": "加纳共和国",
    "GM": "冈比亚共和国",
    "GN": "几内亚共和国",
    "GQ": "赤道几内亚共和国",
    "GR": "希腊共和国",
    "GS": "南乔治亚和南桑威奇群岛（英国）",
    "GT": "危地马拉共和国",
    "GW": "几内亚比绍共和国",
    "GY": "圭亚那合作共和国",
    "HN": "洪都拉斯共和国",
    "HR": "克罗地亚共和国",
    "HT": "海地共和国",
    "ID": "印度尼西亚共和国",
    "IL": "以色列国",
    "IN": "印度共和国",
    "IQ": "伊拉克共和国",
    "IR": "伊朗伊斯兰共和国",
    "IS": "冰岛共和国",
    "IT": "意大利共和国",
    "JE": "泽西岛",
    "JO": "约旦哈希姆王国",
    "JP": "日本国",
    "KE": "肯尼亚共和国",
    "KG": "吉尔吉斯共和国",
    "KH": "柬埔寨王国",
    "KI": "基里巴斯共和国",
    "KM": "科摩罗联盟",
    "KN": "圣基茨和尼维斯联邦",
    "KP": "朝鲜民主主义人民共和国",
    "KR": "大韩民国",
    "KW": "科威特国",
    "KZ": "哈萨克斯坦共和国",
    "LA": "老挝人民民主共和国",
    "LB": "黎巴嫩共和国",
    "LI": "列支敦士登公国",
    "LK": "斯里兰卡民主社会主义共和国",
    "LR": "利比里亚共和国",
    "LS": "莱索托王国",
    "LT": "立陶宛共和国",
    "LU": "卢森堡大公国",
    "LV": "拉脱维亚共和国",
    "LY": "利比亚国",
    "MA": "摩洛哥王国",
    "MC": "摩纳哥公国",
    "MD": "摩尔多瓦共和国",
    "MF": "法属圣马丁岛",
    "MG": "马达加斯加共和国",
    "MH": "马绍尔群岛共和国",
    "MK": "北马其顿共和国",
    "ML": "马里共和国",
    "MM": "缅甸联邦共和国",
    "MN": "蒙古国",
    "MP": "北马里亚纳群岛联邦（美国）",
    "MR": "毛里塔尼亚伊斯兰共和国",
    "MT": "马耳他共和国",
    "MU": "毛里求斯共和国",
    "MV": "马尔代夫共和国",
    "MW": "马拉维共和国",
    "MX": "墨西哥合众国",
    "MZ": "莫桑比克共和国",
    "NA": "纳米比亚共和国",
    "NE": "尼日尔共和国",
    "NF": "诺福克岛（澳大利亚）",
    "NG": "尼日利亚联邦共和国",
    "NI": "尼加拉瓜共和国",
    "NL": "荷兰王国",
    "NO": "挪威王国",
    "NR": "瑙鲁共和国",
    "OM": "阿曼苏丹国",
    "PA": "巴拿马共和国",
    "PE": "秘鲁共和国",
    "PG": "巴布亚新几内亚独立国",
    "PH": "菲律宾共和国",
    "PK": "巴基斯坦伊斯兰共和国",
    "PL": "波兰共和国",
    "PM": "圣皮埃尔和密克隆群岛（法国）",
    "PN": "皮特凯恩群岛（英国）",
    "PR": "波多黎各自由邦",
    "PS": "巴勒斯坦国",
    "PT": "葡萄牙共和国",
    "PW": "帕劳共和国",
    "PY": "巴拉圭共和国",
    "QA": "卡塔尔国",
    "RS": "塞尔维亚共和国",
    "RU": "俄罗斯联邦",
    "RW": "卢旺达共和国",
    "SA": "沙特阿拉伯王国",
    "SC": "塞舌尔共和国",
    "SD": "苏丹共和国",
    "SG": "新加坡共和国",
    "SH": "圣赫勒拿岛（英国）",
    "SI": "斯洛文尼亚共和国",
    "SK": "斯洛伐克共和国",
    "SL": "塞拉利昂共和国",
    "SM": "圣马力诺共和国",
    "SN": "塞内加尔共和国",
    "SO": "索马里联邦共和国",
    "SR": "苏里南共和国",
    "SS": "南苏丹共和国",
    "ST": "圣多美和普林西比民主共和国",
    "SV": "萨尔瓦多共和国",
    "SX": "荷属圣马丁岛",
    "SY": "阿拉伯叙利亚共和国",
    "SZ": "斯威士兰王国",
    "TD": "乍得共和国",
    "TG": "多哥共和国",
    "TH": "泰王国",
    "TJ": "塔吉克斯坦共和国",
    "TL": "东帝汶民主共和国",
    "TN": "突尼斯共和国",
    "TO": "汤加王国",
    "TR": "土耳其共和国",
    "TT": "特立尼达和多巴哥共和国",
    "TZ": "坦桑尼亚联合共和国",
    "UG": "乌干达共和国",
    "US": "美利坚合众国",
    "UY": "乌拉圭东岸共和国",
    "UZ": "乌兹别克斯坦共和国",
    "VA": "梵蒂冈城国",
    "VE": "委内瑞拉玻利瓦尔共和国",
    "VN": "越南社会主义共和国",
    "VU": "瓦努阿图共和国",
    "WS": "萨摩亚独立国",
    "YE": "也门共和国",
    "ZA": "南非共和国",
    "ZM": "赞比亚共和国",
    "ZW": "津巴布韦共和国",
}

# Other ways people write a country or region: old spellings, common short forms, the names
# of earlier lists. An import reads them; no list offers them.
OTHER_NAMES = {
    "中国大陆": "CN", "大陆": "CN", "内地": "CN", "中国内地": "CN", "台湾": "TW",
    "台湾地区": "TW", "中国台湾省": "TW", "香港": "HK", "香港特别行政区": "HK",
    "中国香港特别行政区": "HK", "澳门": "MO", "澳门特别行政区": "MO", "中国澳门特别行政区": "MO",
    "Taiwan": "TW", "Taiwan Province of China": "TW", "Hong Kong": "HK", "Macao": "MO",
    "Macau": "MO", "美国": "US", "美利坚合众国": "US", "美": "US", "USA": "US",
    "United States of America": "US", "America": "US", "UK": "GB", "England": "GB",
    "Britain": "GB", "Great Britain": "GB", "英格兰": "GB", "大不列颠": "GB", "南韩": "KR",
    "韩": "KR", "South Korea": "KR", "Korea": "KR", "俄国": "RU", "Russian Federation": "RU",
    "澳洲": "AU", "纽西兰": "NZ", "印尼": "ID", "UAE": "AE", "阿拉伯联合酋长国": "AE",
    "Holland": "NL", "西德": "DE", "德意志": "DE", "法兰西": "FR", "Italia": "IT",
    "España": "ES", "Espana": "ES", "Deutschland": "DE", "Nippon": "JP", "Viet Nam": "VN",
    "缅甸联邦": "MM", "Lao PDR": "LA", "捷克共和国": "CZ", "Czech Republic": "CZ",
    "Turkey": "TR", "Swaziland": "SZ", "埃斯瓦蒂尼": "SZ", "Macedonia": "MK", "马其顿": "MK",
    "波斯尼亚和黑塞哥维那": "BA", "刚果民主共和国": "CD", "刚果共和国": "CG",
    "多米尼加共和国": "DO",
    "吉尔吉斯": "KG", "密克罗尼西亚": "FM", "Cape Verde": "CV", "Ivory Coast": "CI",
    "Burma": "MM", "East Timor": "TL", "Holy See": "VA", "教廷": "VA", "Naoero": "NR",
    "Bahamas (The)": "BS", "马尔维纳斯群岛": "FK", "福克兰群岛": "FK", "Falkland Islands": "FK",
}  # fmt: skip

_BY_CODE = {region.code: region for region in REGIONS}


def _chinese(language: str | None = None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


def name(code: str | None, language: str | None = None) -> str:
    """The name of `code` in `language` (default: the active one); "" for an unknown code."""
    region = _BY_CODE.get(str(code or "").upper())
    if region is None:
        return ""
    return region.zh if _chinese(language) else region.en


def codes() -> tuple[str, ...]:
    return tuple(_BY_CODE)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


@functools.cache
def _zh_sort_keys() -> dict[str, str]:
    from pypinyin import lazy_pinyin

    return {r.code: " ".join(lazy_pinyin(r.zh)) for r in REGIONS}


@functools.cache
def _sorted(chinese: bool) -> tuple[tuple[str, str], ...]:
    if chinese:
        keys = _zh_sort_keys()
        return tuple((r.code, r.zh) for r in sorted(REGIONS, key=lambda r: keys[r.code]))
    return tuple((r.code, r.en) for r in sorted(REGIONS, key=lambda r: _ascii(r.en)))


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every country and region, in the reader's order: by pinyin in
    Chinese, alphabetically in English."""
    return list(_sorted(_chinese(language)))


def _localized(code: str) -> str:
    return name(code)


_lazy_name = lazy(_localized, str)


def for_django_countries() -> dict[str, object]:
    """`COUNTRIES_ONLY` for django-countries: every code with a name that follows the active
    language, in pinyin order (django-countries sorts Chinese names by their ASCII letters,
    which are none, so it keeps this order; English it sorts itself)."""
    return {code: _lazy_name(code) for code, _name in _sorted(True)}


def fold(text: str) -> str:
    """A name as the import compares it: no spaces, dashes, dots, brackets; lower case."""
    return re.sub(r"[\s\-_.·'’,()（）]+", "", text).lower()


@functools.cache
def _names() -> dict[str, str]:
    from django_countries.data import ALT_CODES

    found: dict[str, str] = {}
    for region in REGIONS:
        for text in (region.zh, region.en, region.code):
            found.setdefault(fold(text), region.code)
        alpha3 = ALT_CODES.get(region.code, ("", None))[0]
        if alpha3:
            found.setdefault(fold(alpha3), region.code)
    for code, text in FULL_NAMES.items():
        found.setdefault(fold(text), code)
    for text, code in OTHER_NAMES.items():
        found.setdefault(fold(text), code)
    return found


def code_for(text: str | None) -> str | None:
    """The code of a country or region written as its Chinese or English name, a full or
    older name, or an alpha-2 or alpha-3 code; None when nothing matches."""
    folded = fold(str(text or ""))
    if not folded:
        return None
    names = _names()
    code = names.get(folded)
    if code is None and folded.endswith("国") and len(folded) > 2:
        code = names.get(folded[:-1])
    return code
