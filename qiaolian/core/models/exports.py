import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qiaolian.core.files import private_storage


class ExportJob(models.Model):
    """A large export run by a worker (core/exports.py): what was asked, how far it is, and the
    file it wrote, which only its owner downloads, until it expires.

    No `unit`: an export belongs to the user who asked for it, and every read goes through
    `owner=request.user`. `source` names the list view that builds the rows again in the
    worker, with the owner's rights at that moment; `params` are that page's filters.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    within_unit = models.ForeignKey(
        "core.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=60)
    title = models.CharField(max_length=100)
    source = models.CharField(max_length=200)
    params = models.TextField(blank=True)
    fmt = models.CharField(max_length=4)
    language = models.CharField(max_length=10, default="zh-hans")
    time_zone = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, storage=private_storage)
    file_name = models.CharField(max_length=150, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name or self.title

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
