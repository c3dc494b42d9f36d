"""Imports and exports: dry runs, all-or-nothing commits, background jobs and the sweeper of dead jobs."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError

from .engine import ImportRefused, ParsedSheet, Report, Sheet, read_workbook
from .models import FINISHED, ExchangeJob, JobKind, JobStatus
from .registry import get_sheet
from .safety import check_upload_size, check_xlsx, unpacked_data_size
from .xlsx import write_export

logger = logging.getLogger(__name__)

TOKEN_SALT = "shiliu.exchange.import"
UPLOAD_DIR = "exchange/uploads"
EXPORT_DIR = "exchange/exports"


def export_sync_max_rows() -> int:
    return getattr(settings, "EXPORT_SYNC_MAX_ROWS", 5000)


def import_token_max_age() -> int:
    return getattr(settings, "IMPORT_TOKEN_MAX_AGE", 3600)


def _sheet(sheet: Sheet | str) -> Sheet:
    return sheet if isinstance(sheet, Sheet) else get_sheet(sheet)


def private_path(relative: str) -> Path:
    """Absolute path of a file stored under MEDIA_ROOT (never served directly)."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError("path outside MEDIA_ROOT")
    return path


class _Rollback(Exception):
    """Raised inside the commit's transaction when the dry run found problems."""


class JobSuperseded(Exception):
    """This run no longer owns its job (the sweeper re-queued or failed it); stop without writing."""


# ---------------------------------------------------------------- imports


def upload_store(*, actor, sheet: Sheet | str, uploaded) -> str:
    """Save an uploaded file privately after the size and structure checks; returns its upload id."""
    sheet = _sheet(sheet)
    check_upload_size(uploaded.size)
    upload_id = uuid.uuid4().hex
    path = private_path(f"{UPLOAD_DIR}/{upload_id}.xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    try:
        check_xlsx(path)
    except ImportRefused:
        path.unlink(missing_ok=True)
        raise
    return upload_id


def upload_path(upload_id: str) -> Path:
    if not upload_id.isalnum():
        raise ValueError("bad upload id")
    return private_path(f"{UPLOAD_DIR}/{upload_id}.xlsx")


def import_dry_run(*, actor, sheet: Sheet | str, path, progress=None) -> Report:
    """Read and validate a file without writing anything; every problem is in ``report.errors``.

    Raises ImportRefused for files refused as a whole (not an xlsx, too big, zip bomb, wrong sheet, empty).
    """
    sheet = _sheet(sheet)
    check_xlsx(path)
    report = Report()
    parsed = read_workbook(sheet, path, report)
    sheet.plan(actor=actor, rows=parsed.rows, report=report, progress=progress)
    report.sort()
    return report


def import_commit(
    *, actor, sheet: Sheet | str, path, job: ExchangeJob | None = None, parsed: ParsedSheet | None = None
) -> Report:
    """Validate again and write in one transaction; with any problem nothing is written.

    With ``job``, the job's flip to succeeded is part of the same transaction, so a crash leaves neither the
    rows nor a finished job behind, and a second run of a finished job finds it succeeded and does nothing.
    ``parsed`` lets a caller that has just read the file (without cell errors) skip reading it again.
    """
    sheet = _sheet(sheet)
    report = Report()
    if parsed is None:
        check_xlsx(path)
        parsed = read_workbook(sheet, path, report)
    else:
        report.sheet, report.rows = parsed.worksheet, len(parsed.rows)
    try:
        with transaction.atomic():
            if job is not None:
                _job_lock_owned(job)
            plan = sheet.plan(actor=actor, rows=parsed.rows, report=report)
            if report.errors:
                raise _Rollback()
            try:
                sheet.apply(actor=actor, plan=plan)
            except ApplicationError as exc:
                report.add(None, "", exc.message)
                raise _Rollback() from exc
            if job is not None:
                job.status = JobStatus.SUCCEEDED
                job.progress_done = job.progress_total = report.rows
                job.summary = _summary(report)
                job.errors = []
                job.message = ""
                job.finished_at = job.heartbeat_at = timezone.now()
                job.save()
    except _Rollback:
        report.sort()
    return report


def import_file(*, actor, sheet: Sheet | str, path) -> Report:
    """Dry run and commit in one call (for scripts and the benchmark): writes everything or nothing.

    Returns the report; ``report.ok`` tells whether rows were written, ``report.errors`` lists the problems
    (sheet, row, column, message). Raises ImportRefused when the file is refused as a whole.
    """
    return import_commit(actor=actor, sheet=sheet, path=path)


def import_dry_run_in_background(path) -> bool:
    """Whether a dry run is long enough to run as a background job instead of inside the request."""
    return unpacked_data_size(path) > getattr(settings, "IMPORT_SYNC_DRY_RUN_BYTES", 3 * 1024 * 1024)


def import_dry_run_start(*, actor, sheet: Sheet | str, upload_id: str, filename: str = "") -> ExchangeJob:
    """Dry-run a large upload in the background; its job page then shows the problems or the commit button."""
    sheet = _sheet(sheet)
    job = ExchangeJob.objects.create(
        kind=JobKind.IMPORT,
        sheet=sheet.name,
        user=actor,
        params={"dry_run": True, "upload_id": upload_id, "filename": filename[:200]},
        source_file=f"{UPLOAD_DIR}/{upload_id}.xlsx",
    )
    job_enqueue(job)
    job.refresh_from_db()
    return job


def import_token(*, actor, sheet: Sheet | str, upload_id: str) -> str:
    """A signed ticket naming the dry-run file; the commit accepts only the user and sheet it was made for."""
    return signing.dumps(
        {"u": actor.pk, "s": _sheet(sheet).name, "f": upload_id}, salt=TOKEN_SALT, compress=True
    )


def import_token_check(*, actor, sheet: Sheet | str, token: str) -> str:
    """The upload id of a valid token, or ApplicationError for forged, foreign or expired tokens."""
    sheet = _sheet(sheet)
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=import_token_max_age())
    except signing.SignatureExpired:
        raise ApplicationError(
            _("This dry run has expired; upload the file again."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ApplicationError(
            _("This confirmation is not valid; upload the file again."), code="forged"
        ) from None
    upload_id = str(data.get("f", ""))
    if data.get("u") != actor.pk or data.get("s") != sheet.name or not upload_id.isalnum():
        raise ApplicationError(_("This confirmation is not valid; upload the file again."), code="forged")
    if not upload_path(upload_id).exists() and not ExchangeJob.objects.filter(upload_id=upload_id).exists():
        raise ApplicationError(_("This dry run has expired; upload the file again."), code="expired")
    return upload_id


def import_start(*, actor, sheet: Sheet | str, token: str) -> ExchangeJob:
    """Start the commit of a dry-run file as a background job (once per upload: a resubmit returns the job)."""
    sheet = _sheet(sheet)
    upload_id = import_token_check(actor=actor, sheet=sheet, token=token)
    existing = ExchangeJob.objects.filter(upload_id=upload_id, user=actor).first()
    if existing is not None:
        return existing
    job = ExchangeJob.objects.create(
        kind=JobKind.IMPORT,
        sheet=sheet.name,
        user=actor,
        upload_id=upload_id,
        source_file=f"{UPLOAD_DIR}/{upload_id}.xlsx",
    )
    job_enqueue(job)
    job.refresh_from_db()
    return job


def _summary(report: Report) -> dict:
    return {
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "changes": report.changes,
    }


# ---------------------------------------------------------------- exports


def export_count(*, actor, sheet: Sheet | str, filters: Mapping) -> int:
    return _sheet(sheet).export_queryset(user=actor, filters=filters).count()


def export_to_path(*, actor, sheet: Sheet | str, filters: Mapping, path, progress=None) -> int:
    """Write the list's rows (the list's own selector, so the same scope and filters) to ``path``."""
    sheet = _sheet(sheet)
    rows = sheet.export_queryset(user=actor, filters=filters).iterator(chunk_size=2000)
    return write_export(sheet, rows, path, progress=progress)


def export_start(*, actor, sheet: Sheet | str, filters: Mapping) -> ExchangeJob:
    """Run a large export in the background; the job page offers the file when it is ready."""
    sheet = _sheet(sheet)
    params = {key: filters.get(key) for key in filters}  # a QueryDict gives the last value per key
    job = ExchangeJob.objects.create(kind=JobKind.EXPORT, sheet=sheet.name, user=actor, params=params)
    job_enqueue(job)
    job.refresh_from_db()
    return job


def export_filename(sheet: Sheet) -> str:
    return f"{sheet.title}_{timezone.localtime():%Y%m%d_%H%M}.xlsx"


# ---------------------------------------------------------------- jobs


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


def _job_lock_owned(job: ExchangeJob) -> None:
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
            exception_class_path="shiliu.exchange.services.WorkerLost",
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
