"""The import from file to register: checks, duplicates, re-imports, undo, scoping, the task."""

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.utils import translation

from qiaolian.core.models import AuditEvent
from qiaolian.core.phones import normalize_phone
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.people import services as people_services
from qiaolian.people.imports import committing, services
from qiaolian.people.imports.committing import UndoRefused
from qiaolian.people.imports.phones import to_e164
from qiaolian.people.models import ImportBatch, ImportRow, Person, PersonContact
from qiaolian.people.tests.factories import PersonFactory
from qiaolian.people.tests.import_files import (
    HEADER,
    ID_NUMBER,
    csv_bytes,
    rows_people,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run(cast, data, *, name="名单.xlsx", who="district_manager", unit=None, dup="skip"):
    with translation.override("zh-hans"):
        return services.run_cli_import(
            actor=getattr(cast, who),
            unit=unit or cast.district_a,
            file_name=name,
            data=data,
            on_duplicate=dup,
            dry_run=False,
        )


def row(name="周杰", phone="+39 333 765 4321", **extra):
    cells = dict(
        zip(
            HEADER,
            [name, "男", "1985-02-03", "华侨", "意大利", "Milano", phone, "", ""],
            strict=True,
        )
    )
    cells.update(extra)
    return [cells[h] for h in HEADER]


def test_it_creates_people_with_normalised_values_and_audit(cast):
    result = run(cast, xlsx_bytes(rows_people()))

    assert (result["rows"], result["created"], result["errors"]) == (3, 3, [])
    batch = ImportBatch.objects.get(public_id=result["batch"])
    zhang = Person.objects.get(surname="张", given_name="伟")
    assert (zhang.source, zhang.import_batch, zhang.unit) == ("import", batch, cast.district_a)
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhang wei", "zw")
    assert (zhang.country, zhang.category, zhang.gender) == ("IT", "overseas_chinese", "m")
    assert zhang.birth_date == dt.date(1980, 1, 31)
    assert zhang.time_zone == "Europe/Rome"
    assert list(zhang.contacts.values_list("value", "normalized", "is_primary")) == [
        ("+39 333 123 4567", "+393331234567", True)
    ]
    ouyang = Person.objects.get(surname="欧阳")
    # The ID number is encrypted at rest and found through its blind index.
    assert ouyang.id_number == ID_NUMBER
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_person WHERE id = %s", [ouyang.pk])
        assert ID_NUMBER not in cursor.fetchone()[0]
    assert Person.objects.filter(id_number_index=ouyang.id_number_index).count() == 1
    actions = set(
        AuditEvent.objects.filter(object_id=batch.public_id).values_list("action", flat=True)
    )
    assert {"import.upload", "import.commit"} <= actions


def test_every_problem_names_the_excel_row_the_column_the_value_and_the_fix(cast):
    rows = [row(), row(name="李四", phone="12345"), row(name="王五", **{"出生日期": "1985-13-01"})]
    result = run(cast, xlsx_bytes(rows, title="侨胞登记表"))

    assert result["created"] == 1
    by_row = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    # The header is on row 2 under the title, so the data rows are 3, 4 and 5.
    assert by_row[(4, "手机")] == (
        "“12345”: 不是意大利或中国的有效电话号码（未带国家代码的号码按该地解读）；"
        "请加国家区号，如 +39 333 123 4567。"
    )
    assert "年-月-日" in by_row[(5, "出生日期")]
    failed = ImportRow.objects.get(row=4, action=ImportRow.RowAction.FAILED)
    assert failed.problems == [
        {"column": "手机", "value": "12345", "message": by_row[(4, "手机")].split(": ", 1)[1]}
    ]
    assert not Person.objects.filter(surname="李").exists()


def test_the_same_person_twice_in_a_file_is_a_problem_naming_the_first_row(cast):
    result = run(cast, xlsx_bytes([row(), row(name="周杰伦")]))
    assert result["created"] == 1
    [error] = result["errors"]
    assert error["row"] == 3 and "第 2 行" in error["message"]


def _existing(cast, **extra):
    values = {
        "surname": "周",
        "given_name": "杰",
        "phones": ["+39 333 765 4321"],
        "country": "IT",
        "city": "Roma",
        "unit": cast.district_a,
        **extra,
    }
    return PersonFactory(**values)


def test_a_duplicate_is_skipped_when_asked(cast):
    person = _existing(cast)
    result = run(cast, xlsx_bytes([row(**{"邮箱": "zhou@example.com"})]), dup="skip")
    assert (result["created"], result["skipped"], result["duplicates"]) == (0, 1, 1)
    person.refresh_from_db()
    assert (person.city, person.version) == ("Roma", 1)
    record = ImportRow.objects.get(action=ImportRow.RowAction.SKIPPED)
    assert record.match["kind"] == "phone" and record.match["person"]["name"] == "周杰"


def test_update_replaces_values_and_adds_contacts(cast):
    person = _existing(cast)
    result = run(cast, xlsx_bytes([row(**{"邮箱": "zhou@example.com"})]), dup="update")
    assert (result["created"], result["updated"]) == (0, 1)
    person.refresh_from_db()
    assert (person.city, person.category, person.version) == ("Milano", "overseas_chinese", 2)
    assert set(person.contacts.values_list("normalized", flat=True)) == {
        "+393337654321",
        "zhou@example.com",
    }
    assert AuditEvent.objects.filter(action="person.update", object_id=person.public_id).exists()


def test_merge_fills_only_blanks(cast):
    person = _existing(cast, occupation="")
    data = xlsx_bytes([row(**{"邮箱": "zhou@example.com"})], header=HEADER)
    result = run(cast, data, dup="merge")
    assert result["updated"] == 1
    person.refresh_from_db()
    assert person.city == "Roma"  # kept: it was filled
    assert person.birth_date == dt.date(1985, 2, 3)  # filled: it was empty
    assert person.contacts.filter(normalized="zhou@example.com").exists()


@pytest.mark.parametrize("kind", ["id", "name_birth", "probable"])
def test_it_finds_duplicates_by_id_by_name_and_birth_and_probably_by_pinyin(cast, kind):
    if kind == "id":
        _existing(cast, phones=[], id_number=ID_NUMBER)
        # The ID number's own birth date and gender (a mismatch would be a problem).
        cells = row(phone="", **{"证件号码": ID_NUMBER, "出生日期": "", "性别": ""})
    elif kind == "name_birth":
        _existing(cast, phones=[], birth_date=dt.date(1985, 2, 3))
        cells = row(phone="")
    else:  # 周洁 reads zhou jie like 周杰, and both phones end in 7654321
        _existing(cast, given_name="洁", phones=["+8613907654321"])
        cells = row(phone="+39 390 7654 321")
    result = run(cast, xlsx_bytes([cells]))
    assert (result["created"], result["duplicates"]) == (0, 1), result
    assert ImportRow.objects.get().match["kind"] == kind


def test_reimporting_the_same_file_creates_nothing_new(cast):
    data = xlsx_bytes(rows_people())
    run(cast, data)
    again = run(cast, data, dup="update")
    assert (again["created"], again["updated"], again["skipped"]) == (0, 0, 3)
    assert Person.objects.count() == 3
    # The same rows in another file (here a GBK CSV) are recognised too.
    as_csv = run(cast, csv_bytes(rows_people(), encoding="gbk"), name="名单.csv")
    assert (as_csv["created"], as_csv["skipped"]) == (0, 3)


def test_undo_removes_what_it_created_and_restores_what_it_updated(cast):
    person = _existing(cast)
    rows = [row(**{"邮箱": "zhou@example.com"}), *rows_people()]
    result = run(cast, xlsx_bytes(rows), dup="update")
    batch = ImportBatch.objects.get(public_id=result["batch"])
    assert Person.objects.count() == 4

    counts = services.import_undo(actor=cast.district_manager, batch=batch)

    assert (counts["removed"], counts["restored"]) == (3, 1)
    assert list(Person.objects.all()) == [person]
    person.refresh_from_db()
    assert person.city == "Roma"
    assert list(person.contacts.values_list("normalized", flat=True)) == ["+393337654321"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert AuditEvent.objects.filter(action="import.undo", object_id=batch.public_id).exists()


def test_undo_is_refused_naming_the_rows_changed_since(cast):
    result = run(cast, xlsx_bytes(rows_people()))
    batch = ImportBatch.objects.get(public_id=result["batch"])
    li = Person.objects.get(surname="李")
    people_services.person_update(actor=cast.district_manager, person=li, occupation="教师")
    zhang = Person.objects.get(surname="张")
    people_services.relationship_add(
        actor=cast.district_manager,
        person=PersonFactory(unit=cast.district_a),
        relative=zhang,
        kind="spouse",
    )

    with pytest.raises(UndoRefused) as refused:
        services.import_undo(actor=cast.district_manager, batch=batch)

    assert refused.value.rows == [2, 3]
    assert "李娜" in refused.value.messages[0] and "张伟" in refused.value.messages[0]
    assert Person.objects.filter(import_batch=batch).count() == 3  # nothing was removed
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED


def test_duplicates_are_only_looked_for_in_the_users_scope(cast):
    # The sibling district has this person; district A's manager must neither match nor learn
    # of them: a new person is created in A, and no message names the sibling's record.
    _existing(cast, unit=cast.district_b)
    result = run(cast, xlsx_bytes([row()]), dup="merge")
    assert (result["created"], result["duplicates"]) == (1, 0)
    assert "乙区" not in str(ImportRow.objects.values_list("match", "problems"))
    # The city administrator sees both districts: the same row is a duplicate for them.
    city = run(cast, xlsx_bytes([row(**{"城市": "Torino"})]), who="city_admin", dup="skip")
    assert city["duplicates"] == 1


def test_it_refuses_a_unit_the_user_cannot_add_to(cast):
    with pytest.raises(PermissionDenied):
        run(cast, xlsx_bytes(rows_people()), who="district_clerk")
    with pytest.raises(PermissionDenied):
        run(cast, xlsx_bytes(rows_people()), unit=cast.district_b)
    assert not ImportBatch.objects.exists() and not Person.objects.exists()


def test_a_failing_chunk_is_retried_row_by_row_and_no_row_is_half_written(cast, monkeypatch):
    original = committing._Writer._contacts

    def flaky(row, person_id, existing_kinds):
        if row.surname == "李":
            raise DatabaseError("disk full")
        return original(row, person_id, existing_kinds)

    monkeypatch.setattr(committing._Writer, "_contacts", staticmethod(flaky))
    monkeypatch.setattr(committing, "CHUNK_ROWS", 2)
    result = run(cast, xlsx_bytes(rows_people()))

    assert result["created"] == 2
    assert [e["row"] for e in result["errors"]] == [3]
    assert not Person.objects.filter(surname="李").exists()
    assert PersonContact.objects.count() == 2  # the failed row left no contact behind


def test_the_fast_phone_path_agrees_with_normalize_phone():
    import phonenumbers

    rng = random.Random(20261128)
    regions = [
        "CN",
        "IT",
        "ES",
        "US",
        "GB",
        "FR",
        "DE",
        "JP",
        "AU",
        "CA",
        "BR",
        "AR",
        "RU",
        "HK",
        "TW",
        "VA",
        "KZ",
        "SG",
        "NL",
        "MX",
    ]
    kinds = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
    checked = 0
    for _ in range(4000):
        region = rng.choice(regions)
        example = phonenumbers.example_number_for_type(region, rng.choice(kinds))
        if example is None:
            continue
        nsn = phonenumbers.national_significant_number(example)
        tail = rng.randint(0, 4)
        nsn = nsn[: len(nsn) - tail] + "".join(rng.choice("0123456789") for _ in range(tail))
        code = str(example.country_code)
        typed = rng.choice(
            [
                f"+{code} {nsn}",
                nsn,
                f"0{nsn}",
                f"00{code}{nsn}",
                f"{code}{nsn}",
                f"({nsn[:3]}) {nsn[3:]}",
                f"+{code}-{nsn[:3]}-{nsn[3:]}",
            ]
        )
        default = rng.choice([*regions, "CN", "CN"])
        fast = to_e164(typed, default)
        assert (fast[0] if fast else None) == normalize_phone(typed, default), (typed, default)
        checked += 1
    assert checked > 3000


def test_the_preview_and_the_commit_run_as_tasks_on_a_real_worker(
    cast, django_capture_on_commit_callbacks
):
    manager = cast.district_manager
    data = xlsx_bytes([*rows_people(), row(name="李四", phone="12345")])
    with translation.override("zh-hans"):
        batch = services.import_upload(
            actor=manager, unit=cast.district_a, file_name="a.xlsx", data=data
        )
    assert batch.mapping[:2] == ["full_name", "gender"]
    with django_capture_on_commit_callbacks(execute=True):
        services.import_analyse(actor=manager, batch=batch, mapping=batch.mapping)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ANALYSING  # queued, not run in the request

    run_queued_tasks()

    batch.refresh_from_db()
    assert (batch.status, batch.progress) == (ImportBatch.Status.PREVIEWED, 100)
    assert batch.summary["plan"]["create"] == 3 and batch.summary["plan"]["error"] == 1
    assert ImportRow.objects.filter(batch=batch).count() == 4
    assert not Person.objects.exists()  # a preview writes nobody

    with django_capture_on_commit_callbacks(execute=True):
        services.import_commit(actor=manager, batch=batch, on_duplicate="skip")
    run_queued_tasks()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.summary["result"]["created"] == 3
    assert Person.objects.filter(import_batch=batch).count() == 3
    # The follow-up task put the new people in the search index.
    from qiaolian.people.search import search

    assert [hit.name for hit in search(manager, "zw").people][:1] == ["张伟"]


def test_the_memoised_pinyin_is_the_registers_pinyin():
    from qiaolian.people.imports.validation import cached_pinyin
    from qiaolian.people.names import name_pinyin

    for surname, given in [
        ("张", "伟"),
        ("单", "田芳"),
        ("曾", "长江"),
        ("欧阳", "娜娜"),
        ("区", "乐"),
        ("Wong", ""),
        ("李", ""),
    ]:
        assert cached_pinyin(surname, given) == name_pinyin(surname, given)
