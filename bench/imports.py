"""Import of a generated 100,000-row xlsx, end to end, through the pipeline the pages, the task
and the CLI use: hostile-file checks, read (python-calamine), column mapping, validation with
E.164 phones, duplicates against the register in the importer's scope and within the file,
commit in chunk transactions (people, contacts, import rows). The end-to-end figure stops
there: the import is done and the people list shows the new people. The search index of the
new people is built after the commit by a follow-up background task (`people.tasks
.index_import`; the import's report says when search finds them): its time is printed as
"search index ready", and the second figure counts it in.

The sheet looks like a federation's real lists: Chinese names with census surname
frequencies, a mix of mainland and diaspora phones (Italy, Spain, France, USA, UK …) typed
in several ways, birth dates, categories, countries, some emails and ID numbers, ~1% rows
repeating people already in the register (found as duplicates and skipped) and ~2% bad rows
(invalid phones, impossible dates) that come back as problems.

Baseline, in the same run: the naive row-by-row import a django-import-export admin flow does
— read the sheet with openpyxl and call the model-level create (`people.services
.person_create`: full_clean, one INSERT per person and per contact, audit row, search index)
once per row, on a 5,000-row sheet of the same kind.

The imported people stay in the (throw-away) benchmark database; run it last. Each run
generates a new sheet, since the same sheet again would be recognised and create nothing.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROWS = 100_000
BASELINE_ROWS = 5_000
TARGET = 20_000  # rows/s, from the issue
HEADER = ["姓名", "性别", "出生日期", "类别", "国籍", "居住国家", "城市", "手机", "邮箱",
          "证件号码", "职业", "备注"]  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤欧阳"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力鹏飞宇浩然思雨欣怡梓涵子轩"
    "志永海波春燕晓东林佳俊峰成斌凯琳慧颖嘉琪晨阳雪梅丹凤振亮宏鑫瑞博睿婷倩雅"
)
CATEGORIES = ["华侨", "外籍华人", "归侨", "侨眷", "侨属", "留学人员", "海归"]
# (country, share, city, Chinese country name)
COUNTRIES = [
    ("CN", 35, "宁波", "中国"),
    ("IT", 20, "Milano", "意大利"),
    ("ES", 10, "Madrid", "西班牙"),
    ("FR", 8, "Paris", "法国"),
    ("US", 8, "New York", "美国"),
    ("GB", 5, "London", "英国"),
    ("DE", 4, "Berlin", "德国"),
    ("NL", 3, "Amsterdam", "荷兰"),
    ("AU", 3, "Sydney", "澳大利亚"),
    ("JP", 2, "東京", "日本"),
    ("CA", 2, "Toronto", "加拿大"),
]
OCCUPATIONS = ["餐饮", "贸易", "服装", "皮具", "教师", "学生", "医生", "律师", "工程师", "退休", ""]
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _mobile_template(region: str) -> tuple[int, str]:
    import phonenumbers

    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    return example.country_code, phonenumbers.national_significant_number(example)


def _phone(rng: random.Random, region: str, templates: dict) -> str:
    code, nsn = templates[region]
    keep = max(len(nsn) - 6, 2)
    number = nsn[:keep] + "".join(rng.choice("0123456789") for _ in range(len(nsn) - keep))
    if region == "CN":
        style = rng.random()
        if style < 0.6:
            return number
        if style < 0.85:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        return f"+86 {number}"
    if rng.random() < 0.7:
        return f"+{code} {number[:3]} {number[3:]}"
    return f"+{code}-{number}"


def _id_number(rng: random.Random, birth: date) -> str:
    body = f"330203{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def generate_rows(n: int, *, seed: int, existing_phones: list[str]) -> list[list]:
    rng = random.Random(seed)
    import phonenumbers  # noqa: F401 - the templates below need its metadata

    templates = {country: _mobile_template(country) for country, *_rest in COUNTRIES}
    weights = [share for _c, share, _city, _name in COUNTRIES]
    rows = []
    for index in range(n):
        country, _share, city, country_name = rng.choices(COUNTRIES, weights)[0]
        surname = "欧阳" if rng.random() < 0.003 else rng.choice(SURNAMES[:-2])
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
        birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 65 * 365))
        phone = _phone(rng, country, templates)
        roll = rng.random()
        if roll < 0.01 and existing_phones:
            phone = rng.choice(existing_phones)  # someone already in the register
        elif roll < 0.025:
            phone = str(rng.randint(10000, 99999))  # a bad number
        birth_text = birth.isoformat()
        if rng.random() < 0.005:
            birth_text = f"{birth.year}-13-{birth.day:02d}"  # an impossible date
        rows.append(
            [
                surname + given,
                rng.choice("男女"),
                birth_text,
                rng.choice(CATEGORIES),
                "中国" if country == "CN" or rng.random() < 0.5 else country_name,
                country_name,
                city,
                phone,
                f"user{seed}_{index}@example.com" if rng.random() < 0.3 else "",
                _id_number(rng, birth) if rng.random() < 0.15 else "",
                rng.choice(OCCUPATIONS),
                "侨团骨干" if rng.random() < 0.05 else "",
            ]
        )
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("人员")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _baseline(actor, unit, path: Path) -> float:
    """Rows/s of the naive flow: openpyxl read + person_create per row."""
    from django.core.exceptions import ValidationError
    from openpyxl import load_workbook

    from qiaolian.people.imports.validation import category_lookup, fold
    from qiaolian.people.names import split_full_name
    from qiaolian.people.services import person_create

    categories = category_lookup()
    countries = {name: code for code, _s, _c, name in COUNTRIES}
    start = time.perf_counter()
    workbook = load_workbook(path, read_only=True)
    count = failed = 0
    for row in workbook.active.iter_rows(min_row=2, values_only=True):
        (
            name,
            gender,
            birth,
            category,
            nationality,
            country,
            city,
            phone,
            email,
            id_no,
            job,
            note,
        ) = ("" if cell is None else str(cell) for cell in row)
        surname, given = split_full_name(name)
        try:
            person_create(
                actor=actor,
                unit=unit,
                surname=surname,
                given_name=given,
                phones=[phone],
                emails=[email] if email else [],
                id_number=id_no,
                source="import",
                gender="m" if gender == "男" else "f",
                birth_date=date.fromisoformat(birth),
                category=categories.get(fold(category), ""),
                nationality=countries.get(nationality, ""),
                country=countries.get(country, ""),
                city=city,
                occupation=job,
                notes=note,
            )
        except (ValidationError, ValueError):
            failed += 1  # a bad row: the admin flow reports it and goes on
        count += 1
    elapsed = time.perf_counter() - start
    return count / elapsed


def run() -> list[dict]:
    from django.conf import settings
    from django.db import connection
    from django.utils import translation

    from qiaolian.core.models import Unit, User
    from qiaolian.people.imports import services
    from qiaolian.people.models import ImportBatch, Person, PersonContact

    rows_n = int(os.environ.get("BENCH_IMPORT_ROWS", ROWS))
    baseline_n = int(os.environ.get("BENCH_IMPORT_BASELINE_ROWS", BASELINE_ROWS))
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="qiaolian-bench-media-")
    # No query log: DEBUG's cursor wrapper would tax the baseline's many small queries most.
    settings.DEBUG = False
    actor = User.objects.get(username="haishu_manager")
    unit = Unit.objects.get(code="330203")
    existing = list(
        PersonContact.objects.restrict(actor)
        .filter(kind="phone")
        .values_list("value", flat=True)[:2000]
    )
    folder = Path(tempfile.gettempdir())
    path = folder / f"qiaolian-bench-import-{rows_n}.xlsx"
    started = time.perf_counter()
    # A new sheet each run: the same sheet twice would be recognised and create nothing.
    seed = int(os.environ.get("BENCH_IMPORT_SEED", time.time_ns() % 1_000_000))
    write_xlsx(path, generate_rows(rows_n, seed=seed, existing_phones=existing))
    baseline_path = folder / f"qiaolian-bench-import-baseline-{baseline_n}.xlsx"
    write_xlsx(baseline_path, generate_rows(baseline_n, seed=seed + 1, existing_phones=[]))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # planner statistics after the bulk seed
            cursor.execute("ANALYZE people_person, people_personcontact, people_importrow")
    print(
        f"import bench: {rows_n:,}-row xlsx ({path.stat().st_size / 1e6:.1f} MB) generated in "
        f"{time.perf_counter() - started:.0f} s; register has {Person.objects.count():,} people"
    )
    data = path.read_bytes()
    before = Person.objects.count()

    with translation.override("zh-hans"):
        phases = {}
        start = time.perf_counter()
        batch = services.import_upload(
            actor=actor, unit=unit, file_name=path.name, data=data, keep_table=True
        )
        phases["check and read"] = time.perf_counter() - start
        batch.on_duplicate = "skip"
        batch.status = ImportBatch.Status.COMMITTING
        batch.committed_by = actor
        batch.save(update_fields=["on_duplicate", "status", "committed_by"])
        result = services.run_commit(actor=actor, batch=batch, timings=phases)
        elapsed = time.perf_counter() - start
        index_start = time.perf_counter()
        indexed = services.index_batch(batch)
        index_seconds = time.perf_counter() - index_start

        created = Person.objects.count() - before
        assert created == result["created"] == indexed, (created, result)
        baseline = _baseline(actor, unit, baseline_path)

    rate = rows_n / elapsed
    with_index = rows_n / (elapsed + index_seconds)
    detail = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
    print(
        f"import bench ({connection.vendor}): {rows_n:,} rows in {elapsed:.2f} s ({detail}); "
        f"{result['created']:,} created, {result['skipped']:,} skipped, "
        f"{result['failed']:,} with problems, {result['duplicates']:,} duplicates; "
        f"search index {index_seconds:.2f} s; "
        f"baseline {baseline:,.0f} rows/s on {baseline_n:,} rows"
    )
    print(
        f"import bench ({connection.vendor}): end to end {rate:,.0f} rows/s (target {TARGET:,}); "
        f"search index ready {elapsed + index_seconds:.1f} s after the upload (the follow-up "
        f"background task, {index_seconds:.1f} s of it)"
    )
    common = {"unit": "rows/s", "baseline": round(baseline, 1), "target": TARGET,
              "database": connection.vendor}  # fmt: skip
    return [
        {
            "name": f"import {rows_n:,}-row xlsx end to end (read, validate, phones, "
            "duplicates, commit)",
            "value": round(rate, 1),
            "ratio": round(rate / baseline, 2),
            **common,
        },
        {
            "name": f"import {rows_n:,}-row xlsx end to end + search index of the new people",
            "value": round(with_index, 1),
            "ratio": round(with_index / baseline, 2),
            **common,
        },
    ]
