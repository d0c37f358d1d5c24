"""Reading the files Chinese Excel and WPS write, and refusing the ones nobody should open."""

import io
import zipfile

import pytest
from django.utils import translation

from qiaolian.people.imports.errors import MAX_ROWS, ImportRefused
from qiaolian.people.imports.hostile import inspect_file
from qiaolian.people.imports.mapping import auto_map, fold, is_header, mapping_problems
from qiaolian.people.imports.reading import column_letter, read_table
from qiaolian.people.imports.sheets import template_workbook
from qiaolian.people.tests.import_files import (
    HEADER,
    csv_bytes,
    lying_zip,
    rezip,
    rows_people,
    xls_fixture,
    xlsx_bytes,
    zip_bomb,
)


def read(name: str, data: bytes):
    return read_table(inspect_file(name, data), data, is_header=is_header)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_it_reads_csv_as_excel_and_wps_save_it(encoding):
    # utf-8-sig is Excel's "CSV UTF-8", gbk its "CSV" on a Chinese Windows, utf-16 "Unicode 文本".
    sep = "\t" if encoding == "utf-16" else ","
    table = read("名单.csv", csv_bytes(rows_people(), encoding=encoding, sep=sep))
    assert table.headers == HEADER
    assert table.rows[0][:2] == ["张伟", "男"]
    assert table.rows[2][0] == "欧阳娜娜"
    assert table.numbers == [2, 3, 4]


def test_it_reads_an_xlsx_made_by_openpyxl_with_dates_and_numbers():
    rows = rows_people()
    rows[1][6] = 13812345678  # a phone typed as a number: Excel stores 13812345678.0
    import datetime as dt

    rows[0][2] = dt.date(1980, 1, 31)
    table = read("名单.xlsx", xlsx_bytes(rows))
    assert table.rows[0][2] == "1980-01-31"
    assert table.rows[1][6] == "13812345678"


def test_it_finds_the_header_below_a_title_row_and_keeps_excel_row_numbers():
    data = xlsx_bytes(rows_people(), title="宁波市海曙区侨联侨胞信息登记表")
    table = read("登记表.xlsx", data)
    assert table.header_row == 2
    assert table.numbers == [3, 4, 5]  # the rows a user sees in Excel


def test_it_skips_empty_rows_but_keeps_the_numbers_of_the_others():
    rows = rows_people()
    rows.insert(1, [None] * len(HEADER))
    table = read("名单.xlsx", xlsx_bytes(rows))
    assert table.numbers == [2, 4, 5]


def test_it_reads_an_xls_written_by_old_excel():
    table = read("people.xls", xls_fixture())
    assert table.headers[:3] == ["姓名", "性别", "出生日期"]
    assert table.rows[0][:3] == ["陈静", "女", "1975-03-08"]
    assert table.rows[1][6] == "13912345678"


@pytest.mark.django_db
def test_the_template_reads_back_with_every_column_recognised():
    with translation.override("zh-hans"):
        data = template_workbook()
    # The hidden sheet of dropdown lists must not be taken for the data sheet.
    table = read_table(inspect_file("template.xlsx", data), data, is_header=is_header)
    assert table.headers[:4] == ["姓名", "姓", "名", "性别"]
    mapping = auto_map(table.headers)
    assert "" not in mapping, dict(zip(table.headers, mapping, strict=True))
    assert mapping.count("phone") == 2  # 手机 and 电话
    assert not mapping_problems(mapping, table.headers)
    workbook = zipfile.ZipFile(io.BytesIO(data))
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "dataValidation" in sheet and "lists!$B$1" in sheet  # the category dropdown


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("姓名", "full_name"),
        ("名字", "full_name"),
        ("Name", "full_name"),
        ("手机号码（必填）", "phone"),
        ("电话", "phone"),
        ("Mobile *", "phone"),
        ("国家", "country"),
        ("居住国", "country"),
        ("Country", "country"),
        ("E-mail", "email"),
        ("身份证号", "id_number"),
        ("出生年月", "birth_date"),
        ("籍贯", "hometown"),
        ("备注", "notes"),
    ],
)
def test_it_maps_common_headers(header, field):
    assert auto_map([header]) == [field]


def test_a_single_valued_field_takes_the_first_column_only():
    assert auto_map(["国家", "居住国", "手机", "电话"]) == ["country", "", "phone", "phone"]
    assert fold("  手机号码 ( 必填 ) ") == "手机号码"


def test_it_says_when_no_column_holds_the_name():
    assert mapping_problems(["phone"], ["手机"])
    assert mapping_problems(["full_name", "gender", "gender"], ["姓名", "性别", "男女"])


def test_column_letters_are_excels():
    assert [column_letter(i) for i in (0, 25, 26, 701)] == ["A", "Z", "AA", "ZZ"]


# --- hostile files: a clear refusal, and nothing opened -----------------------------------


def refused(name: str, data: bytes, code: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        read(name, data)
    assert caught.value.code == code, caught.value.message
    assert caught.value.message
    return caught.value


def test_it_refuses_a_zip_renamed_xls_and_a_workbook_renamed_csv():
    refused("people.xls", xlsx_bytes(rows_people()), "wrong_type")
    refused("people.csv", xlsx_bytes(rows_people()), "wrong_type")
    refused("people.xlsx", xls_fixture(), "wrong_type")
    refused("people.xlsx", b"%PDF-1.7 not a workbook", "wrong_type")
    refused("people.xlsx", csv_bytes(rows_people()), "wrong_type")


def test_it_refuses_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused("people.xlsx", out.getvalue(), "wrong_type")


def test_it_refuses_macros():
    refused("people.xlsm", xlsx_bytes(rows_people()), "macros")
    with_vba = rezip(xlsx_bytes(rows_people()), add={"xl/vbaProject.bin": b"\0" * 64})
    refused("people.xlsx", with_vba, "macros")
    ole_with_vba = xls_fixture() + "_VBA_PROJECT".encode("utf-16-le")
    refused("people.xls", ole_with_vba, "macros")


def test_it_refuses_a_zip_bomb_before_reading_it():
    refused("bomb.xlsx", zip_bomb(xlsx_bytes(rows_people())), "zip_bomb")


def test_it_refuses_a_part_that_lies_about_its_size():
    refused("liar.xlsx", lying_zip(xlsx_bytes(rows_people())), "damaged")


@pytest.mark.parametrize(
    "prolog",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',
        b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd">',
    ],
)
def test_it_refuses_xml_entity_tricks(prolog):
    data = xlsx_bytes(rows_people())
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    tricked = prolog + (sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet)
    refused(
        "people.xlsx", rezip(data, replace={"xl/worksheets/sheet1.xml": tricked}), "xml_entities"
    )


def test_it_refuses_xml_in_utf16_where_a_doctype_could_hide():
    data = xlsx_bytes(rows_people())
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    utf16 = sheet.decode().encode("utf-16")
    refused("people.xlsx", rezip(data, replace={"xl/worksheets/sheet1.xml": utf16}), "xml_entities")


def test_it_refuses_files_over_the_size_and_row_limits(settings):
    refused("big.csv", b"a" * (20 * 1024 * 1024 + 1), "size")
    many = b"\xe5\xa7\x93\xe5\x90\x8d\n" + b"x\n" * (MAX_ROWS + 20)
    error = refused("many.csv", many, "rows")
    assert "200,000" in error.message


def test_it_refuses_empty_and_unknown_files():
    refused("empty.csv", b"", "empty")
    refused("people.txt", b"x", "extension")
    refused("people.numbers", b"x", "extension")


def test_refusals_are_in_the_users_language():
    with translation.override("zh-hans"):
        chinese = refused("people.xlsm", b"x", "macros").message
    with translation.override("en"):
        english = refused("people.xlsm", b"x", "macros").message
    assert "宏" in chinese
    assert "macro" in english


def test_it_refuses_a_csv_in_an_unknown_encoding():
    refused("people.csv", "姓名\n张伟\n".encode() + b"\xff\xfe\xfa", "encoding")
