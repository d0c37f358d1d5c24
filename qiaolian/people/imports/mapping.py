"""Which column of the file is which field: guessed from the headers, overridable by hand.

Headers are compared after folding case, spaces, punctuation, "*" marks and bracketed notes,
so `手机号码（必填）`, `Mobile *` and `e-mail` are recognised. Phones and emails may come from
several columns (手机 and 电话 both go to the person's phones); every other field takes one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    key: str
    header: str  # the Chinese header of the template
    label: str | Promise
    synonyms: tuple[str, ...]
    multiple: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "full_name",
        "姓名",
        _("Full name"),
        (
            "姓名",
            "名字",
            "中文名",
            "中文姓名",
            "侨胞姓名",
            "人员姓名",
            "name",
            "fullname",
            "chinesename",
        ),
    ),
    Field("surname", "姓", _("Surname"), ("姓", "姓氏", "surname", "lastname", "familyname")),
    Field("given_name", "名", _("Given name"), ("名", "givenname", "firstname")),
    Field(
        "romanized_names",
        "英文名",
        _("Other spellings"),
        (
            "英文名",
            "英文姓名",
            "外文名",
            "外文姓名",
            "护照姓名",
            "护照拼写",
            "englishname",
            "passportname",
            "romanizedname",
            "spelling",
            "otherspellings",
        ),
    ),
    Field("gender", "性别", _("Gender"), ("性别", "gender", "sex")),
    Field(
        "birth_date",
        "出生日期",
        _("Birth date"),
        (
            "出生日期",
            "出生年月",
            "出生年月日",
            "生日",
            "birthdate",
            "dateofbirth",
            "dob",
            "birthday",
            "born",
        ),
    ),
    Field(
        "category",
        "类别",
        _("Category"),
        ("类别", "人员类别", "侨胞类别", "身份类别", "身份", "类型", "category", "type"),
    ),
    Field("nationality", "国籍", _("Nationality"), ("国籍", "nationality", "citizenship")),
    Field(
        "country",
        "居住国家（地区）",
        _("Country (region) of residence"),
        (
            "居住国家",
            "居住国",
            "国家",
            "所在国",
            "所在国家",
            "侨居国",
            "居住国家地区",
            "国家地区",
            "country",
            "countryofresidence",
            "residencecountry",
            "residence",
        ),
    ),
    Field("city", "城市", _("City"), ("城市", "居住城市", "所在城市", "city", "town")),
    Field(
        "hometown",
        "籍贯",
        _("Hometown (籍贯)"),
        ("籍贯", "祖籍", "原籍", "家乡", "hometown", "nativeplace", "ancestralhome"),
    ),
    Field(
        "phone",
        "手机",
        _("Phone"),
        (
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "联系电话",
            "电话号码",
            "移动电话",
            "座机",
            "固定电话",
            "联系方式",
            "phone",
            "mobile",
            "mobilephone",
            "telephone",
            "tel",
            "cell",
            "cellphone",
            "phonenumber",
            "whatsapp",
        ),
        multiple=True,
    ),
    Field(
        "email",
        "邮箱",
        _("Email"),
        ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "mail", "emailaddress"),
        multiple=True,
    ),
    Field("wechat_id", "微信", _("WeChat ID"), ("微信", "微信号", "wechat", "weixin", "wechatid")),
    Field(
        "address",
        "地址",
        _("Address"),
        ("地址", "住址", "居住地址", "通讯地址", "家庭住址", "联系地址", "address"),
    ),
    Field(
        "occupation",
        "职业",
        _("Occupation"),
        ("职业", "职务", "occupation", "profession", "job", "jobtitle"),
    ),
    Field(
        "employer",
        "工作单位",
        _("Employer"),
        (
            "工作单位",
            "单位",
            "公司",
            "就职单位",
            "工作单位学校",
            "employer",
            "company",
            "organisation",
            "organization",
            "workplace",
        ),
    ),
    Field(
        "languages", "语言", _("Languages"), ("语言", "掌握语言", "外语", "languages", "language")
    ),
    Field("tags", "标签", _("Tags"), ("标签", "tags", "tag")),
    Field(
        "notes",
        "备注",
        _("Notes"),
        ("备注", "说明", "notes", "note", "remarks", "remark", "comment", "comments"),
    ),
    Field(
        "id_number",
        "证件号码",
        _("ID card number"),
        (
            "证件号码",
            "证件号",
            "身份证号",
            "身份证",
            "身份证号码",
            "公民身份号码",
            "idnumber",
            "idcard",
            "idcardnumber",
            "nationalid",
        ),
    ),
    Field(
        "passport_number",
        "护照号",
        _("Passport number"),
        ("护照号", "护照号码", "护照", "passport", "passportnumber", "passportno"),
    ),
)
BY_KEY = {field.key: field for field in FIELDS}
NAME_FIELDS = ("full_name", "surname")

_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NOISE = re.compile(r"[\s*＊:：_\-./／、·]+")


def fold(header: str) -> str:
    """`手机号码（必填）` → `手机号码`; `E-mail *` → `email`."""
    return _NOISE.sub("", _BRACKETS.sub("", header or "")).lower()


_SYNONYMS = {fold(synonym): field.key for field in FIELDS for synonym in field.synonyms}


def field_for(header: str) -> str:
    return _SYNONYMS.get(fold(header), "")


def is_header(text: str) -> bool:
    return bool(field_for(text))


def auto_map(headers: list[str]) -> list[str]:
    """The field key of each column ("" = ignored). A single-valued field goes to the first
    column that names it; phones and emails take every column that names them."""
    taken: set[str] = set()
    mapping = []
    for header in headers:
        key = field_for(header)
        if key and key in taken and not BY_KEY[key].multiple:
            key = ""
        if key:
            taken.add(key)
        mapping.append(key)
    return mapping


def mapping_problems(mapping: list[str], headers: list[str]) -> list[str]:
    """What is wrong with a mapping, as sentences (empty when it can be used)."""
    problems = []
    if not any(key in NAME_FIELDS for key in mapping):
        problems.append(
            gettext("No column is mapped to the name: map a column to “Full name” or “Surname”.")
        )
    seen: dict[str, list[str]] = {}
    for key, header in zip(mapping, headers, strict=False):
        if key:
            seen.setdefault(key, []).append(header)
    for key, columns in seen.items():
        if key not in BY_KEY:
            problems.append(gettext("Unknown field “%(key)s”.") % {"key": key})
        elif len(columns) > 1 and not BY_KEY[key].multiple:
            problems.append(
                gettext("Columns %(columns)s are all mapped to “%(field)s”; choose one.")
                % {"columns": "、".join(columns), "field": BY_KEY[key].label}
            )
    return problems


def normalise_mapping(raw, width: int) -> list[str]:
    """A stored mapping (list, or dict of column index → key) as a list of `width` keys."""
    if isinstance(raw, dict):
        raw = [raw.get(str(i), raw.get(i, "")) for i in range(width)]
    keys = [key if key in BY_KEY else "" for key in list(raw or [])[:width]]
    return keys + [""] * (width - len(keys))
