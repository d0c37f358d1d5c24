"""The import pages end to end: upload, mapping, preview, commit with a real worker, error
sheet, undo — and what another unit's users see of it (nothing)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qiaolian.core.scoping import Action
from qiaolian.core.testing.scoped import ScopedViewTests
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.people.models import ImportBatch, ImportRow, Person
from qiaolian.people.tests.factories import PersonFactory
from qiaolian.people.tests.import_files import HEADER, rows_people, xlsx_bytes, zip_bomb
from qiaolian.people.tests.sweep_imports import MARKER


def make_batch(unit, name, status=ImportBatch.Status.PREVIEWED):
    return ImportBatch.objects.create(
        unit=unit, file_name=name, file_sha256="0" * 64, headers=["姓名"], status=status
    )


class ImportListTests(ScopedViewTests.List):
    model = ImportBatch
    thing = "import"
    url_name = "people:import_list"

    @classmethod
    def make_object(cls, unit):
        return make_batch(unit, f"{unit.code}-名单.xlsx")

    def marker(self, obj):
        return obj.file_name


class ImportDetailTests(ScopedViewTests.Detail):
    model = ImportBatch
    thing = "import"
    url_name = "people:import_detail"

    @classmethod
    def make_object(cls, unit):
        return make_batch(unit, f"{unit.code}-详情.xlsx")

    def marker(self, obj):
        return obj.file_name


class ImportMappingTests(ScopedViewTests.Edit):
    model = ImportBatch
    thing = "import"
    url_name = "people:import_mapping"
    action = Action.ADD
    detail_url_name = "people:import_detail"

    @classmethod
    def make_object(cls, unit):
        return make_batch(unit, f"{unit.code}-列.xlsx", status=ImportBatch.Status.UPLOADED)

    def form_data(self, obj):
        return {"col_0": "full_name", "on_duplicate": "merge"}

    def assert_saved(self, obj, before):
        obj.refresh_from_db()
        self.assertEqual((obj.status, obj.on_duplicate), (ImportBatch.Status.ANALYSING, "merge"))


class ImportDiscardTests(ScopedViewTests.Delete):
    model = ImportBatch
    thing = "import"
    url_name = "people:import_discard"
    action = Action.ADD

    @classmethod
    def make_object(cls, unit):
        return make_batch(unit, f"{unit.code}-丢弃.xlsx")

    def assert_done(self, obj):
        obj.refresh_from_db()
        self.assertEqual(obj.status, ImportBatch.Status.DISCARDED)


class ImportUndoTests(ScopedViewTests.Delete):
    model = ImportBatch
    thing = "import"
    url_name = "people:import_undo"
    action = Action.DELETE

    @classmethod
    def make_object(cls, unit):
        return make_batch(unit, f"{unit.code}-撤销.xlsx", status=ImportBatch.Status.COMMITTED)

    def assert_done(self, obj):
        obj.refresh_from_db()
        self.assertEqual(obj.status, ImportBatch.Status.UNDONE)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@override_settings(LANGUAGE_CODE="zh-hans")
class ImportFlowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from qiaolian.core.testing.cast import Cast

        cls.cast = Cast.build()

    def setUp(self):
        self.client.force_login(self.cast.district_manager)
        self.client.cookies["django_language"] = "zh-hans"

    def upload(self, data: bytes, name="名单.xlsx", unit=None):
        file = SimpleUploadedFile(name, data)
        unit = unit or self.cast.district_a
        return self.client.post(reverse("people:import_upload"), {"unit": unit.pk, "file": file})

    def test_it_walks_a_file_with_a_bad_row_and_a_duplicate_from_upload_to_undo(self):
        existing = PersonFactory(
            unit=self.cast.district_a, surname="张", given_name="伟", phones=["+39 333 123 4567"]
        )
        bad = ["周杰", "男", "1985-02-03", "华侨", "意大利", "Milano", "12345", "", ""]
        response = self.upload(xlsx_bytes([*rows_people(), bad]))
        batch = ImportBatch.objects.get()
        self.assertRedirects(response, reverse("people:import_mapping", args=[batch.public_id]))

        # The mapping page offers one select per column, guessed from the headers.
        page = self.client.get(response["Location"])
        self.assertContains(page, "手机")
        self.assertContains(page, '<option value="phone" selected>', html=False)
        form = {f"col_{i}": key for i, key in enumerate(batch.mapping)}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(response["Location"], {**form, "on_duplicate": "skip"})
        detail = reverse("people:import_detail", args=[batch.public_id])
        self.assertRedirects(response, detail)

        # While the worker has not run, the page polls a progress bar.
        page = self.client.get(detail)
        self.assertContains(page, 'id="import-progress"')
        progress = self.client.get(detail, {"progress": "1"}, headers={"HX-Request": "true"})
        self.assertContains(progress, "import-progress")
        run_queued_tasks()
        done = self.client.get(detail, {"progress": "1"}, headers={"HX-Request": "true"})
        self.assertEqual(done["HX-Refresh"], "true")

        # The preview: every row's fate, the problem with its row, column, value and fix.
        page = self.client.get(detail)
        self.assertContains(page, "第 5 行 手机：“12345”")
        self.assertContains(
            page, "（未带国家代码的号码按该地解读）；请加国家区号，如 +39 333 123 4567"
        )
        self.assertContains(page, existing.full_name)
        self.assertContains(page, "电话号码相同")
        self.assertEqual(page.context["plan"]["create"], 2)
        self.assertFalse(Person.objects.filter(import_batch=batch).exists())

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("people:import_commit", args=[batch.public_id]), {"on_duplicate": "skip"}
            )
        self.assertRedirects(response, detail)
        run_queued_tasks()
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.COMMITTED)
        page = self.client.get(detail)
        self.assertEqual(page.context["result"]["created"], 2)
        self.assertEqual(Person.objects.filter(import_batch=batch, source="import").count(), 2)

        # The error sheet gives back the bad row as typed, with what to fix.
        sheet = self.client.get(reverse("people:import_errors", args=[batch.public_id]))
        self.assertEqual(sheet.status_code, 200)
        rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[0], (*HEADER, "错误说明"))
        self.assertEqual(rows[1][:7], (*bad[:6], "12345"))
        self.assertIn("手机：“12345” 不是", rows[1][-1])
        self.assertIn("的有效电话号码", rows[1][-1])

        # Fixed and uploaded again: only the fixed row is new.
        fixed = [*rows_people(), [*bad[:6], "+39 333 765 4321", "", ""]]
        self.upload(xlsx_bytes(fixed), name="名单-改.xlsx")
        again = ImportBatch.objects.exclude(pk=batch.pk).get()
        self.assertEqual(again.summary["earlier"], [])  # another file, not the same bytes

        response = self.client.post(
            reverse("people:import_undo", args=[batch.public_id]), follow=True
        )
        self.assertContains(response, "导入已撤销")
        self.assertFalse(Person.objects.filter(import_batch=batch).exists())
        self.assertTrue(Person.objects.filter(pk=existing.pk).exists())

    def test_the_uploader_is_told_when_the_preview_and_the_import_are_done(self):
        from django.utils import translation

        from qiaolian.core.models import Notification

        response = self.upload(xlsx_bytes(rows_people()))
        batch = ImportBatch.objects.get()
        form = {f"col_{i}": key for i, key in enumerate(batch.mapping)}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(response["Location"], {**form, "on_duplicate": "skip"})
        with self.captureOnCommitCallbacks(execute=True):
            run_queued_tasks()
        [checked] = Notification.objects.filter(recipient=self.cast.district_manager)
        self.assertEqual(checked.kind, "people.import_checked")
        self.assertEqual(checked.url, reverse("people:import_detail", args=[batch.public_id]))
        with translation.override("zh-hans"):
            self.assertEqual(checked.text, "导入文件“名单.xlsx”已检查完毕：已预览。")
        # "My work" lists the previewed upload as waiting for its uploader.
        page = self.client.get(reverse("core:dashboard"))
        panels = {p["key"]: p["work"] for p in page.context["panels"]}
        self.assertEqual(panels["people.imports_waiting"].count, 1)
        waiting = self.client.get(panels["people.imports_waiting"].url)
        self.assertContains(waiting, "名单.xlsx")

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("people:import_commit", args=[batch.public_id]), {"on_duplicate": "skip"}
            )
        with self.captureOnCommitCallbacks(execute=True):
            run_queued_tasks()
        finished = Notification.objects.get(
            recipient=self.cast.district_manager, kind="people.import_finished"
        )
        with translation.override("en"):
            self.assertEqual(finished.text, "The import “名单.xlsx” is finished: Committed.")
        page = self.client.get(reverse("core:dashboard"))
        panels = {p["key"]: p["work"] for p in page.context["panels"]}
        self.assertEqual(panels["people.imports_waiting"].count, 0)

    def test_the_report_says_when_search_finds_the_new_people(self):
        # The search index of imported people is built by a worker after the commit; until it
        # has run the report says so, and search does not find them yet.
        from django.utils import translation

        from qiaolian.people.imports import services
        from qiaolian.people.search import search

        manager = self.cast.district_manager
        with translation.override("zh-hans"):
            batch = services.import_upload(
                actor=manager,
                unit=self.cast.district_a,
                file_name="a.xlsx",
                data=xlsx_bytes(rows_people()),
            )
            batch.status = ImportBatch.Status.COMMITTING
            batch.save(update_fields=["status"])
            services.run_commit(actor=manager, batch=batch)
        detail = reverse("people:import_detail", args=[batch.public_id])
        page = self.client.get(detail)
        self.assertEqual(page.context["result"]["created"], 3)
        self.assertContains(page, "正在加入搜索索引")
        self.assertEqual(search(manager, "欧阳娜娜").people, [])

        run_queued_tasks()

        page = self.client.get(detail)
        self.assertNotContains(page, "正在加入搜索索引")
        self.assertContains(page, "起，搜索可以找到新导入的人员")
        self.assertEqual([hit.name for hit in search(manager, "欧阳娜娜").people], ["欧阳娜娜"])

    def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_kept(self):
        response = self.upload(zip_bomb(xlsx_bytes(rows_people())), name="炸弹.xlsx")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "压缩炸弹", status_code=400)
        self.assertFalse(ImportBatch.objects.exists())

    def test_the_upload_form_offers_only_units_the_user_may_add_to(self):
        page = self.client.get(reverse("people:import_upload"))
        self.assertContains(page, "甲区侨联")
        self.assertNotContains(page, "乙区侨联")
        response = self.upload(xlsx_bytes(rows_people()), unit=self.cast.district_b)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ImportBatch.objects.exists())

    def test_the_template_downloads_with_chinese_headers(self):
        response = self.client.get(reverse("people:import_template"))
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header[:5], ["姓名", "姓", "名", "性别", "出生日期"])
        self.assertIn("证件号码", header)

    def test_a_sibling_units_batch_is_a_404_on_every_page(self):
        batch = make_batch(self.cast.district_b, f"{MARKER}.xlsx")
        ImportRow.objects.create(batch=batch, row=2, action="error", label="x")
        for name, method in (
            ("people:import_detail", "get"),
            ("people:import_mapping", "get"),
            ("people:import_errors", "get"),
            ("people:import_commit", "post"),
            ("people:import_undo", "post"),
            ("people:import_discard", "post"),
        ):
            url = reverse(name, args=[batch.public_id])
            self.assertEqual(getattr(self.client, method)(url).status_code, 404, name)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.PREVIEWED)

    def test_the_read_only_clerk_sees_batches_but_cannot_import(self):
        make_batch(self.cast.district_a, "甲区名单.xlsx")
        self.client.force_login(self.cast.district_clerk)
        self.assertContains(self.client.get(reverse("people:import_list")), "甲区名单.xlsx")
        self.assertEqual(self.client.get(reverse("people:import_upload")).status_code, 403)
        self.assertEqual(self.client.get(reverse("people:import_template")).status_code, 403)

    def test_discard_drops_the_file_and_the_preview(self):
        self.upload(xlsx_bytes(rows_people()))
        batch = ImportBatch.objects.get()
        self.assertTrue(batch.file)
        response = self.client.post(reverse("people:import_discard", args=[batch.public_id]))
        self.assertRedirects(response, reverse("people:import_list"))
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.DISCARDED)
        self.assertFalse(batch.file)

    def test_the_pages_speak_english_too(self):
        self.client.cookies["django_language"] = "en"
        response = self.upload(zip_bomb(xlsx_bytes(rows_people())), name="bomb.xlsx")
        self.assertContains(response, "zip bomb", status_code=400)
        self.assertContains(self.client.get(reverse("people:import_list")), "Imports of people")
