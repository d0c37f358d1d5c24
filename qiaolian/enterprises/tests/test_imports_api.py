"""Excel import (all rows valid or nothing written) and the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from qiaolian.core.services import api_token_create
from qiaolian.enterprises.models import Appeal, Enterprise

pytestmark = pytest.mark.django_db
HEADER = [
    "企业名称",
    "统一社会信用代码",
    "行业",
    "规模",
    "区县",
    "地址",
    "成立年份",
    "留学回国创办人",
    "重点企业",
]


def _workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(
        "企业.xlsx",
        data.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


GOOD = [
    "宁波甲企业有限公司",
    "91350100M000100Y43",
    "制造业",
    "中型",
    "海曙区",
    "中山路1号",
    2001,
    "张三",
    "是",
]


def test_a_valid_sheet_is_imported(client, cast):
    client.force_login(cast.district_manager)
    upload = _workbook(
        [
            GOOD,
            [
                "宁波乙企业有限公司",
                "91110000600037341L",
                "I",
                "small",
                "Jiangbei District",
                "",
                "",
                "",
                "否",
            ],
        ]
    )
    response = client.post(
        reverse("enterprises:enterprise_import"), {"unit": cast.district_a.pk, "file": upload}
    )
    assert response.status_code == 302
    first = Enterprise.objects.get(credit_code="91350100M000100Y43")
    assert (first.industry, first.size, first.district, first.is_key) == (
        "C",
        "medium",
        "330203",
        True,
    )
    assert Enterprise.objects.get(credit_code="91110000600037341L").district == "330205"


def test_one_bad_row_writes_nothing_and_names_the_row(client, cast):
    client.force_login(cast.district_manager)
    bad = ["宁波丙企业有限公司", "91110000600037341X", "制造业", "", "海曙区"]
    response = client.post(
        reverse("enterprises:enterprise_import"),
        {"unit": cast.district_a.pk, "file": _workbook([GOOD, bad])},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 3" in page and "91110000600037341X" in page
    assert not Enterprise.objects.exists()


def test_the_api_lists_an_officers_enterprises_and_takes_an_appeal(client, officer, firms):
    mine, other, _sibling = firms
    _token, secret = api_token_create(actor=officer, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listed = client.get(reverse("api:enterprise_list"), **auth).json()
    assert [row["name"] for row in listed["items"]] == [mine.name]
    url = reverse("api:appeal_raise", args=[mine.public_id])
    body = {"category": "logistics", "title": "港口滞留", "description": "原料滞港"}
    response = client.post(url, body, content_type="application/json", **auth)
    assert response.status_code == 201 and response.json()["number"].startswith("SQ")
    assert Appeal.objects.get().raised_by == officer
    url = reverse("api:appeal_raise", args=[other.public_id])
    assert client.post(url, body, content_type="application/json", **auth).status_code == 404
