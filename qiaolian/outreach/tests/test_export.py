"""A letter's deliveries as a spreadsheet: only that letter's, only what the reader may see;
above EXPORT_BACKGROUND_ROWS the kit hands it to a background job."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from qiaolian.core.export_jobs import ExportJob, export_job_run
from qiaolian.core.models import AuditEvent
from qiaolian.outreach.models import Delivery, Letter
from qiaolian.outreach.tests.support import person

pytestmark = pytest.mark.django_db


def _letter(unit, subject, names):
    letter = Letter.objects.create(
        unit=unit, kind="condolence", subject_zh=subject, body_zh="<p>信</p>", channels=["h5"]
    )
    for i, name in enumerate(names):
        Delivery.objects.create(
            letter=letter,
            person=person(unit, surname=name[0], given_name=name[1:]),
            channel="h5",
            status="sent",
            idempotency_key=f"{subject}:{i}",
        )
    return letter


def test_a_letters_deliveries_export_to_excel(cast, client):
    mine = _letter(cast.township_a1, "春节慰问信", ["陈静", "王明"])
    _letter(cast.township_a1, "中秋家书", ["李华"])  # another letter: not in this file
    client.force_login(cast.district_manager)
    page = client.get(reverse("outreach:letter_detail", args=[mine.public_id])).content
    assert b'id="letter-export"' in page
    url = reverse("outreach:delivery_list")
    answer = client.get(url, {"letter": str(mine.public_id), "export": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {"陈静", "王明"}
    assert all(r[0] == "春节慰问信" for r in rows[1:])
    assert AuditEvent.objects.filter(action="export.letter_deliveries").count() == 1
    listing = client.get(url, {"letter": str(mine.public_id)}).content.decode()
    assert "陈静" in listing and "李华" not in listing


@override_settings(EXPORT_BACKGROUND_ROWS=1)
def test_a_large_export_goes_to_the_background(cast, client):
    mine = _letter(cast.township_a1, "春节慰问信", ["陈静", "王明"])
    client.force_login(cast.district_manager)
    answer = client.get(
        reverse("outreach:delivery_list"), {"letter": str(mine.public_id), "export": "xlsx"}
    )
    assert answer.status_code == 302
    job = ExportJob.objects.get()
    assert job.name == "letter_deliveries" and f"letter={mine.public_id}" in job.params
    _letter(cast.township_a1, "中秋家书", ["李华"])
    done = export_job_run(job)
    assert done.status == "done" and done.rows_done == 2
