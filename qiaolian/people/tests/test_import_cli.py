"""`qiaolian import-people`: one JSON object, exit 0 when processed, non-zero when refused."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qiaolian.cli import command_line
from qiaolian.people.models import ImportBatch, Person
from qiaolian.people.tests.factories import PersonFactory
from qiaolian.people.tests.import_files import csv_bytes, rows_people, xlsx_bytes, zip_bomb

pytestmark = pytest.mark.django_db
KEYS = {"rows", "created", "updated", "skipped", "duplicates", "errors"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cli(*args) -> dict:
    out = io.StringIO()
    call_command("import_people", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def refused(*args) -> tuple[CommandError, dict]:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_people", *args, "--json", stdout=out)
    return caught.value, json.loads(out.getvalue())


def test_it_prints_one_json_object_and_imports(cast, tmp_path):
    path = tmp_path / "people.xlsx"
    bad = ["周杰", "男", "", "", "意大利", "", "12345", "", ""]
    path.write_bytes(xlsx_bytes([*rows_people(), bad]))

    result = cli(str(path), "--unit", "DA", "--as", "district_manager")

    assert set(result) >= KEYS
    assert (result["rows"], result["created"], result["skipped"]) == (4, 3, 0)
    assert result["errors"] == [
        {
            "row": 5,
            "column": "手机",
            "message": "“12345”: 不是意大利或中国的有效电话号码（未带国家代码的号码按该地解读）；"
            "请加国家区号，如 +39 333 123 4567。",
        }
    ]
    assert Person.objects.filter(unit=cast.district_a, source="import").count() == 3


def test_a_dry_run_writes_nothing(cast, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(rows_people(), encoding="gbk"))
    result = cli(str(path), "--unit", "DA", "--as", "district_manager", "--dry-run")
    assert (result["rows"], result["created"]) == (3, 3)
    assert not Person.objects.exists() and not ImportBatch.objects.exists()


def test_it_reports_duplicates_and_merges_them_when_asked(cast, tmp_path):
    PersonFactory(unit=cast.district_a, surname="张", given_name="伟", phones=["+393331234567"])
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(rows_people()))
    result = cli(str(path), "--unit", "DA", "--as", "district_manager", "--on-duplicate", "merge")
    assert (result["created"], result["updated"], result["duplicates"]) == (2, 1, 1)
    again = cli(str(path), "--unit", "DA", "--as", "district_manager")
    assert (again["created"], again["skipped"]) == (0, 3)


def test_it_acts_as_the_root_units_first_administrator_by_default(cast, tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(rows_people()))
    cli(str(path), "--unit", "DB")
    batch = ImportBatch.objects.get()
    assert (batch.created_by, batch.unit) == (cast.city_admin, cast.district_b)


def test_it_exits_non_zero_when_refused(cast, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(zip_bomb(xlsx_bytes(rows_people())))
    error, output = refused(str(bomb), "--unit", "DA", "--as", "district_manager")
    assert error.returncode == 2 and output["refused"] is True
    assert "压缩炸弹" in output["message"]

    good = tmp_path / "people.xlsx"
    good.write_bytes(xlsx_bytes(rows_people()))
    # A user may not import into a unit outside their scope.
    error, output = refused(str(good), "--unit", "DB", "--as", "district_manager")
    assert error.returncode == 2
    error, _output = refused(str(good), "--unit", "NOPE", "--as", "district_manager")
    assert error.returncode == 2
    error, _output = refused(str(tmp_path / "missing.xlsx"), "--unit", "DA")
    assert error.returncode == 2
    no_name = tmp_path / "phones.csv"
    no_name.write_bytes(csv_bytes([["+393331234567"]], header=["手机"]))
    error, output = refused(str(no_name), "--unit", "DA", "--as", "district_manager")
    assert error.returncode == 2 and "姓名" in output["message"]
    assert not Person.objects.exists()


def test_the_console_command_takes_hyphenated_names():
    assert command_line(["qiaolian", "import-people", "a.xlsx", "--dry-run"]) == [
        "qiaolian",
        "import_people",
        "a.xlsx",
        "--dry-run",
    ]
    assert command_line(["qiaolian", "--version"]) == ["qiaolian", "--version"]
    assert command_line(["qiaolian", "runserver"]) == ["qiaolian", "runserver"]
