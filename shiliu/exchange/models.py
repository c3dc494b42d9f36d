import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ExchangeJob(models.Model):
    """A background import commit or export (导入导出任务). Only its owner may see it or download its file.

    ``attempts`` and ``heartbeat_at`` let the sweeper tell a dead worker from a slow one; an import's writes
    and the flip to ``succeeded`` happen in one transaction, so a job is never applied twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=JobKind.choices)
    sheet = models.CharField(_("sheet"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exchange_jobs",
        verbose_name=_("user"),
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    # Export: the list's query string; import: nothing needed beyond the source file.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    # Paths relative to MEDIA_ROOT (private; served only by exchange:job_download).
    source_file = models.CharField(_("source file"), max_length=200, blank=True)
    result_file = models.CharField(_("result file"), max_length=200, blank=True)
    # The dry run's upload this import commits; unique so a double click cannot start two commits.
    upload_id = models.CharField(max_length=40, null=True, blank=True, unique=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import or export job")
        verbose_name_plural = _("import and export jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="exchange_job_status_beat")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.sheet} {self.id}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))
