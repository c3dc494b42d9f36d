"""Imports and exports: upload checks, dry runs, all-or-nothing commits, exports, and starting their jobs."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError

from .engine import ImportRefused, ParsedSheet, Report, Sheet, read_workbook
from .models import ExchangeJob, JobKind, JobStatus
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
                jobs.job_lock_owned(job)
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
    jobs.job_enqueue(job)
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
    jobs.job_enqueue(job)
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
    jobs.job_enqueue(job)
    job.refresh_from_db()
    return job


def export_filename(sheet: Sheet) -> str:
    return f"{sheet.title}_{timezone.localtime():%Y%m%d_%H%M}.xlsx"


# Imported last: jobs imports this module's functions; services only calls into jobs at run time.
from . import jobs  # noqa: E402
