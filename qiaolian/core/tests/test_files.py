"""The file kit: a file is what its bytes say, each use accepts its own kinds and sizes, files
live in a private root and leave only through scoped views, and go with their owner."""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from qiaolian.core import files
from qiaolian.hotline.models import Attachment
from qiaolian.hotline.services import cases as case_services
from qiaolian.hotline.services import tomb as tomb_services
from qiaolian.hotline.tests.factories import CaseFactory, TombOrderFactory
from qiaolian.people.imports.hostile import inspect_file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48

PHOTOS = files.register_use("tests.photos", ("jpeg", "png"), {"*": 1024})


def _xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["姓名", "手机"])
    workbook.active.append(["陈华", "+39 333 123 4567"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def english():
    # The messages are read in English here; their Chinese is in the catalogue.
    with translation.override("en"):
        yield


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"


# --- what a file is ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "png"),
        (JPEG, "jpeg"),
        (b"%PDF-1.7\n", "pdf"),
        (b"GIF89a" + b"\x00" * 8, "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00", "mp4"),
        (b"\x00\x00\x00\x18ftypqt  \x00\x00", "quicktime"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00", "m4a"),
        (b"ID3\x04\x00\x00" + b"\x00" * 8, "mp3"),
        (EXE, "exe"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "ole"),
        (b"<!DOCTYPE html><html>", "html"),
        ("姓名,手机\n陈华,123\n".encode(), "text"),
        ("姓名,手机\n陈华,123\n".encode("gbk"), "text"),
        (b"\x01\x02\x03\x04\x80\x81\x00", "binary"),
    ],
)
def test_it_tells_the_kind_by_the_bytes(data, kind):
    assert files.sniff(SimpleUploadedFile("whatever.txt", data)).name == kind
    assert files.sniff(data).name == kind  # bytes work as well as uploads


def test_a_line_of_text_that_starts_like_an_executable_is_still_text():
    # "MZ" and "ID3" are short: a CSV column may start with them. Without NUL bytes it is text.
    assert files.sniff(b"MZ code,name\n1,2\n").name == "text"
    assert files.sniff(b"ID3 number,name\n1,2\n").name == "text"


def test_it_tells_a_workbook_from_a_document_inside_the_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert files.sniff(buffer.getvalue()).name == "docx"
    assert files.sniff(_xlsx()).name == "xlsx"


# --- what a use accepts --------------------------------------------------------------------


def test_a_renamed_exe_posing_as_a_jpg_is_refused_naming_what_it_is():
    upload = SimpleUploadedFile("holiday.jpg", EXE, content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        files.check_upload(upload, PHOTOS)
    message = caught.value.messages[0]
    # The file's name, what it really is, what is allowed, and the limit: all in one message.
    assert "holiday.jpg" in message and "EXE" in message
    assert "JPEG, PNG" in message and "1.0\xa0KB" in message
    assert caught.value.code == "file_type"


def test_an_oversized_upload_is_refused_naming_the_limit():
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * 2000)
    with pytest.raises(ValidationError) as caught:
        files.check_upload(upload, PHOTOS)
    message = caught.value.messages[0]
    assert "big.png" in message and "1.0\xa0KB" in message and "PNG" in message
    assert caught.value.code == "file_size"


def test_the_limit_comes_from_settings_when_given(settings):
    settings.FILE_LIMITS = {"tests.photos": {"png": 10 * 1024}}
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * 2000)
    assert files.check_upload(upload, "tests.photos").name == "png"
    # Only PNG got a larger limit; a JPEG of the same size keeps the default.
    with pytest.raises(ValidationError, match=r"JPEG file may be at most 1\.0"):
        files.check_upload(SimpleUploadedFile("a.jpg", JPEG + b"\x00" * 2000), PHOTOS)


def test_an_empty_file_is_refused_by_name():
    with pytest.raises(ValidationError, match=r"“nothing\.png” is empty"):
        files.check_upload(SimpleUploadedFile("nothing.png", b""), PHOTOS)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("utf8.csv", "姓名,手机\n陈华,+39 333 123 4567\n".encode(), "csv"),
        ("gbk.csv", "姓名,手机\n陈华,+39 333 123 4567\n".encode("gbk"), "csv"),
        ("sheet.xlsx", _xlsx(), "xlsx"),
    ],
)
def test_imports_accept_a_gbk_and_a_utf8_csv_and_an_openpyxl_workbook(name, data, kind):
    upload = SimpleUploadedFile(name, data)
    assert files.check_upload(upload, "people.import").name in ("text", "xlsx")
    assert inspect_file(name, data) == kind


def test_an_attachment_is_refused_whatever_its_claimed_type(cast, private_root):
    case = CaseFactory(unit=cast.district_a)
    upload = SimpleUploadedFile("photo.jpg", EXE, content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        case_services.attachment_add(actor=cast.district_manager, case=case, upload=upload)
    message = caught.value.message_dict["file"][0]
    assert "photo.jpg" in message and "EXE" in message and "10 MB" in message
    assert not Attachment.objects.filter(case=case).exists()


# --- private storage and the scoped download -----------------------------------------------


def test_files_are_kept_in_the_private_root_with_a_random_name(cast, private_root):
    case = CaseFactory(unit=cast.district_a)
    attachment = case_services.attachment_add(
        actor=cast.district_manager, case=case, upload=SimpleUploadedFile("病历.png", PNG)
    )
    path = private_root / attachment.file.name
    assert path.is_file() and path.read_bytes() == PNG
    assert "病历" not in attachment.file.name  # the uploaded name is for display only
    # Not under MEDIA_ROOT or STATIC_ROOT, and the storage gives no address to serve it from.
    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not str(path.resolve()).startswith(str(Path(served).resolve()) + os.sep)
    with pytest.raises(ValueError, match="no URL"):
        attachment.file.url  # noqa: B018 - the property itself must refuse


def test_the_download_streams_the_file_with_safe_headers(cast, private_root):
    case = CaseFactory(unit=cast.district_a)
    attachment = case_services.attachment_add(
        actor=cast.district_manager,
        case=case,
        upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n%%EOF\n"),
    )
    client = Client()
    client.force_login(cast.district_manager)
    response = client.get(reverse("hotline:attachment_download", args=[attachment.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n%%EOF\n"


def test_a_file_of_another_units_record_is_a_404(cast, private_root):
    case = CaseFactory(unit=cast.district_b)
    attachment = case_services.attachment_add(
        actor=cast.sibling_manager, case=case, upload=SimpleUploadedFile("b.png", PNG)
    )
    client = Client()
    client.force_login(cast.district_manager)
    url = reverse("hotline:attachment_download", args=[attachment.public_id])
    assert client.get(url).status_code == 404


def test_a_file_missing_on_disk_is_a_404_not_an_error(cast, private_root):
    case = CaseFactory(unit=cast.district_a)
    attachment = case_services.attachment_add(
        actor=cast.district_manager, case=case, upload=SimpleUploadedFile("a.png", PNG)
    )
    (private_root / attachment.file.name).unlink()
    client = Client()
    client.force_login(cast.district_manager)
    url = reverse("hotline:attachment_download", args=[attachment.public_id])
    assert client.get(url).status_code == 404


# --- removed with the owner ----------------------------------------------------------------


def test_deleting_the_owner_removes_the_file_from_disk(
    cast, private_root, django_capture_on_commit_callbacks
):
    order = TombOrderFactory(case=CaseFactory(unit=cast.district_a, category="tomb_sweeping"))
    [proof] = tomb_services.order_fulfil(
        actor=cast.district_manager, order=order, files=[SimpleUploadedFile("grave.png", PNG)]
    )
    path = private_root / proof.file.name
    assert path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        tomb_services.proof_remove(actor=cast.district_manager, proof=proof)
    assert not path.exists()


def test_a_rolled_back_delete_keeps_the_file(cast, private_root):
    case = CaseFactory(unit=cast.district_a)
    attachment = case_services.attachment_add(
        actor=cast.district_manager, case=case, upload=SimpleUploadedFile("a.png", PNG)
    )
    # Outside a captured commit the on_commit callback never runs (the test's transaction
    # rolls back): the file stays, as it must if the row stays.
    files.delete_file(attachment.file)
    assert (private_root / attachment.file.name).is_file()


def test_the_cleanup_removes_only_old_files_no_row_names(cast, private_root):
    case = CaseFactory(unit=cast.district_a)
    attachment = case_services.attachment_add(
        actor=cast.district_manager, case=case, upload=SimpleUploadedFile("kept.png", PNG)
    )
    orphan = private_root / "cases" / "orphan.png"
    fresh = private_root / "cases" / "in-flight.png"
    orphan.write_bytes(PNG)
    fresh.write_bytes(PNG)
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    os.utime(private_root / attachment.file.name, (old, old))
    assert files.orphan_files(older_than=timedelta(hours=1)) == ["cases/orphan.png"]
    assert files.delete_orphans() == ["cases/orphan.png"]
    assert not orphan.exists() and fresh.exists()
    assert (private_root / attachment.file.name).exists()


def test_the_kit_knows_which_fields_use_the_private_storage():
    found = {(model.__name__, name) for model, name in files.private_file_fields()}
    assert {("Attachment", "file"), ("TombProof", "file"), ("ImportBatch", "file")} <= found
