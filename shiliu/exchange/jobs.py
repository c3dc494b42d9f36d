"""Background jobs: running an import commit or an export, heartbeats, and the sweeper of dead jobs.

A job is claimed (attempts + 1, heartbeat) before it runs; progress updates double as heartbeats and stop the run
if the job was taken away from it. An import's writes and its flip to succeeded share one transaction
(services.import_commit), so a crash leaves nothing written and the sweeper can run the job again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .engine import ImportRefused, Report, read_workbook
from .models import FINISHED, ExchangeJob, JobKind, JobStatus
from .registry import get_sheet
from .services import (
    EXPORT_DIR,
    UPLOAD_DIR,
    _summary,
    export_to_path,
    import_commit,
    import_token_max_age,
    private_path,
)

logger = logging.getLogger(__name__)


class JobSuperseded(Exception):
    """This run no longer owns its job (the sweeper re-queued or failed it); stop without writing."""


def job_enqueue(job: ExchangeJob) -> None:
    from .tasks import run_exchange_job

    run_exchange_job.enqueue(str(job.pk))


def _job_claim(job_id, task_result_id: str = "") -> ExchangeJob | None:
    """Mark the job running for this attempt, or None when there is nothing to do."""
    now = timezone.now()
    with transaction.atomic():
        job = ExchangeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in FINISHED:
            return None
        stale_before = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
        if job.status == JobStatus.RUNNING and job.heartbeat_at and job.heartbeat_at >= stale_before:
            return None  # alive in another worker
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            _job_give_up(job, now)
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.heartbeat_at = now
        job.started_at = job.started_at or now
        job.task_result_id = str(task_result_id or "")[:64]
        job.progress_done = 0
        job.save()
    return job


def job_lock_owned(job: ExchangeJob) -> None:
    """Inside a transaction: lock the job row and make sure this run still owns it."""
    current = ExchangeJob.objects.select_for_update().get(pk=job.pk)
    if current.status != JobStatus.RUNNING or current.attempts != job.attempts:
        raise JobSuperseded()


def _job_beat(job: ExchangeJob, done: int | None = None, total: int | None = None) -> None:
    """Record progress and prove this run is alive; stop if the job was taken away from it."""
    values = {"heartbeat_at": timezone.now()}
    if done is not None:
        values["progress_done"] = job.progress_done = done
    if total is not None:
        values["progress_total"] = job.progress_total = total
    updated = ExchangeJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
        **values
    )
    if not updated:
        raise JobSuperseded()


def _job_finish(job: ExchangeJob, *, status: str, message: str = "", errors=None, **fields) -> bool:
    """Finish this run's job unless it was taken away from it; returns whether it did."""
    now = timezone.now()
    values = {"status": status, "message": message, "finished_at": now, "heartbeat_at": now, **fields}
    if errors is not None:
        values["errors"] = errors
    return bool(
        ExchangeJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
            **values
        )
    )


def _job_give_up(job: ExchangeJob, now) -> None:
    job.status = JobStatus.FAILED
    job.finished_at = now
    job.message = _(
        "The job was interrupted {n} times and has been stopped. Nothing of an interrupted import was "
        "written; please start it again."
    ).format(n=job.attempts)
    job.save()


def job_run(*, job_id, task_result_id: str = "") -> str:
    """Body of the background task: sweep dead jobs, claim this one and run it. Safe to run twice."""
    jobs_sweep()
    job = _job_claim(job_id, task_result_id)
    if job is None:
        return "skipped"
    try:
        if job.kind == JobKind.IMPORT:
            return _run_import(job)
        return _run_export(job)
    except JobSuperseded:
        return "superseded"
    except Exception:
        logger.exception("exchange job %s failed", job.pk)
        _job_finish(
            job, status=JobStatus.FAILED, message=_("The job stopped because of an unexpected error.")
        )
        raise


def _run_import(job: ExchangeJob) -> str:
    sheet = get_sheet(job.sheet)
    path = private_path(job.source_file)
    actor = job.user
    if not path.exists():
        _job_finish(job, status=JobStatus.FAILED, message=_("The uploaded file is no longer available."))
        return "failed"
    # First pass outside the transaction so that progress is visible; nothing is written here.
    try:
        report = Report()
        parsed = read_workbook(sheet, path, report)
        _job_beat(job, 0, len(parsed.rows))
        sheet.plan(actor=actor, rows=parsed.rows, report=report, progress=lambda done: _job_beat(job, done))
        report.sort()
    except ImportRefused as exc:
        _job_finish(job, status=JobStatus.FAILED, message=exc.message)
        return "failed"
    if report.errors:
        _job_finish(
            job, status=JobStatus.FAILED, message=_("The file has problems; nothing was written."),
            errors=[e.as_dict() for e in report.errors], summary=_summary(report),
        )  # fmt: skip
        path.unlink(missing_ok=True)
        return "failed"
    if job.params.get("dry_run"):
        # The upload stays for the commit, which the owner starts from the job page.
        _job_finish(job, status=JobStatus.SUCCEEDED, summary=_summary(report), progress_done=len(parsed.rows))
        return "succeeded"
    _job_beat(job, len(parsed.rows))
    report = import_commit(actor=actor, sheet=sheet, path=path, job=job, parsed=parsed)
    if report.errors:
        _job_finish(
            job, status=JobStatus.FAILED, message=_("The file has problems; nothing was written."),
            errors=[e.as_dict() for e in report.errors], summary=_summary(report),
        )  # fmt: skip
        return "failed"
    path.unlink(missing_ok=True)
    return "succeeded"


def _run_export(job: ExchangeJob) -> str:
    sheet = get_sheet(job.sheet)
    filters = job.params or {}
    total = sheet.export_queryset(user=job.user, filters=filters).count()
    _job_beat(job, 0, total)
    relative = f"{EXPORT_DIR}/{job.pk}.xlsx"
    count = export_to_path(
        actor=job.user, sheet=sheet, filters=filters, path=private_path(relative),
        progress=lambda done: _job_beat(job, done),
    )  # fmt: skip
    finished = _job_finish(
        job, status=JobStatus.SUCCEEDED, result_file=relative, progress_done=count, progress_total=count,
        summary={"rows": count},
    )  # fmt: skip
    return "succeeded" if finished else "superseded"


def jobs_sweep(*, now=None) -> list[str]:
    """Find jobs whose worker died (heartbeat older than JOB_STALE_SECONDS): queue them again while attempts
    remain, else mark them failed. The matching task rows stuck in RUNNING are marked failed too."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    stale = list(
        ExchangeJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    requeue = []
    for pk in stale:
        with transaction.atomic():
            # A row locked by a live commit transaction belongs to a live worker: skip it.
            job = ExchangeJob.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if (
                job is None
                or job.status != JobStatus.RUNNING
                or not job.heartbeat_at
                or job.heartbeat_at >= cutoff
            ):
                continue
            _task_result_mark_lost(job.task_result_id)
            if job.attempts < settings.JOB_MAX_ATTEMPTS:
                job.status = JobStatus.QUEUED
                job.message = _("The worker running this job stopped; the job was queued again.")
                job.save(update_fields=["status", "message"])
                requeue.append(job)
            else:
                _job_give_up(job, now)
    for job in requeue:
        job_enqueue(job)
    return [str(pk) for pk in stale]


def _task_result_mark_lost(task_result_id: str) -> None:
    """Mark django_tasks_db's row of a dead run failed, so the task list does not show it running forever."""
    if not task_result_id:
        return
    try:
        from django_tasks_db.models import DBTaskResult, TaskResultStatus

        DBTaskResult.objects.filter(pk=uuid.UUID(task_result_id), status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path="shiliu.exchange.jobs.WorkerLost",
            traceback="The worker stopped before the task finished; marked failed by the exchange sweeper.\n",
        )
    except (ImportError, ValueError):
        return


def files_prune(*, now=None) -> int:
    """Delete uploads nobody committed (older than twice a dry run's lifetime) and exports past their keep time."""
    now_ts = (now or timezone.now()).timestamp()
    keep = {
        UPLOAD_DIR: 2 * import_token_max_age(),
        EXPORT_DIR: getattr(settings, "EXPORT_KEEP_SECONDS", 7 * 24 * 3600),
    }
    in_use = set(
        ExchangeJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).values_list(
            "source_file", flat=True
        )
    )
    removed = 0
    for folder, seconds in keep.items():
        directory = private_path(folder)
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if f"{folder}/{path.name}" in in_use or now_ts - path.stat().st_mtime < seconds:
                continue
            path.unlink(missing_ok=True)
            removed += 1
    return removed
