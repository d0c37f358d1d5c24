"""A large export in a real Chromium: the list's export link becomes a background job whose
page shows the progress bar (polled by HTMX) and then the download link, in Chinese and
English."""

import pytest
from playwright.sync_api import expect

from qiaolian.core.models import ExportJob
from qiaolian.core.testing.cast import Cast
from qiaolian.core.testing.workers import run_queued_tasks
from qiaolian.people.tests.factories import PersonFactory

from .screens import shoot
from .test_flows import log_in, switch

pytestmark = pytest.mark.browser


@pytest.fixture
def cast(transactional_db, fast_passwords) -> Cast:
    return Cast.build()


def test_a_large_export_shows_its_progress_then_the_download(page, cast, settings, tmp_path):
    settings.EXPORT_BACKGROUND_ROWS = 3
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    for _ in range(8):
        PersonFactory(unit=cast.district_a)
    log_in(page, "district_manager")
    for lang in ("zh", "en"):
        if lang == "en":
            switch(page, "#language-switch", "en")
        page.goto("/people/?export=xlsx")
        expect(page.locator("#export-state")).to_have_attribute("data-status", "queued")
        job = ExportJob.objects.order_by("-pk").first()
        # Halfway, as the worker reports it: the bar follows without a reload.
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.RUNNING, progress=50, rows_done=4, rows_total=8
        )
        expect(page.locator("#export-state")).to_have_attribute("data-status", "running")
        shoot(page, "export-progress", lang)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.QUEUED, progress=0)
        run_queued_tasks()
        expect(page.locator("#export-download")).to_be_visible(timeout=10_000)
        shoot(page, "export-ready", lang)
        with page.expect_download() as download:
            page.click("#export-download")
        assert download.value.suggested_filename.startswith("people-")
