"""Thin views: parse the request, call one service, render. Files are served only to their owner."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from shiliu.core.errors import ApplicationError, NotVisible

from . import services
from .engine import ImportRefused
from .forms import ImportCommitForm, ImportUploadForm
from .models import JobKind, JobStatus
from .registry import get_sheet
from .selectors import job_get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 1000


def sheet_list_url(sheet) -> str | None:
    try:
        return reverse(sheet.list_url_name) if sheet.list_url_name else None
    except NoReverseMatch:
        return None


def sheet_breadcrumbs(sheet, *tail) -> list[tuple]:
    return [(sheet.verbose_name, sheet_list_url(sheet)), *tail]


class SheetMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        self.sheet = get_sheet(kwargs["sheet"])
        return super().dispatch(request, *args, **kwargs)


class ImportSheetMixin(SheetMixin):
    def dispatch(self, request, *args, **kwargs):
        self.sheet = get_sheet(kwargs["sheet"])
        if request.user.is_authenticated and not self.sheet.can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, request, *, form=None, error: str = "", status: int = 200):
        return render(
            request,
            "exchange/import.html",
            {
                "sheet": self.sheet,
                "form": form or ImportUploadForm(),
                "error": error,
                "columns": self.sheet.import_columns,
                "breadcrumbs": sheet_breadcrumbs(self.sheet, (_("Import"), None)),
                "max_mb": round(settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024),
            },
            status=status,
        )


class ImportView(ImportSheetMixin, View):
    """GET: the steps and the upload form. POST: store the upload, dry-run it, show every problem or a summary."""

    def get(self, request, sheet):
        return self.render_form(request)

    def post(self, request, sheet):
        # Refuse oversized bodies before Django spools them to disk.
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.IMPORT_MAX_UPLOAD_BYTES + 64 * 1024:
            return self.render_form(request, error=_too_big_message(), status=413)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(request, form=form, status=400)
        uploaded = form.cleaned_data["file"]
        try:
            upload_id = services.upload_store(actor=request.user, sheet=self.sheet, uploaded=uploaded)
            path = services.upload_path(upload_id)
            if services.import_dry_run_in_background(path):
                job = services.import_dry_run_start(
                    actor=request.user, sheet=self.sheet, upload_id=upload_id, filename=uploaded.name
                )
                return HttpResponseRedirect(reverse("exchange:job_detail", args=[job.pk]))
            report = services.import_dry_run(actor=request.user, sheet=self.sheet, path=path)
        except ImportRefused as exc:
            return self.render_form(request, form=form, error=exc.message, status=400)
        if not report.ok:
            services.upload_path(upload_id).unlink(missing_ok=True)
        token = (
            services.import_token(actor=request.user, sheet=self.sheet, upload_id=upload_id)
            if report.ok
            else ""
        )
        return render(
            request,
            "exchange/dry_run.html",
            {
                "sheet": self.sheet,
                "report": report,
                "errors": report.errors[:ERRORS_SHOWN],
                "errors_hidden": max(0, len(report.errors) - ERRORS_SHOWN),
                "commit_form": ImportCommitForm(initial={"token": token}),
                "filename": form.cleaned_data["file"].name,
                "breadcrumbs": sheet_breadcrumbs(
                    self.sheet,
                    (_("Import"), reverse("exchange:import", args=[self.sheet.name])),
                    (_("Dry run"), None),
                ),
            },
        )


def _too_big_message() -> str:
    return _("The file is too large; files up to {limit} MB can be imported.").format(
        limit=round(settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024)
    )


class ImportCommitView(ImportSheetMixin, View):
    """POST the dry run's token: the commit runs as a background job (all or nothing)."""

    http_method_names = ["post"]

    def post(self, request, sheet):
        form = ImportCommitForm(request.POST)
        token = form.data.get("token", "")
        try:
            job = services.import_start(actor=request.user, sheet=self.sheet, token=token)
        except ApplicationError as exc:
            return self.render_form(request, error=str(exc.message), status=400)
        return HttpResponseRedirect(reverse("exchange:job_detail", args=[job.pk]))


class ExportView(SheetMixin, View):
    """The list's rows with the list's query string: small results at once, large ones as a background job."""

    def get(self, request, sheet):
        filters = request.GET
        count = services.export_count(actor=request.user, sheet=self.sheet, filters=filters)
        if count > services.export_sync_max_rows():
            job = services.export_start(actor=request.user, sheet=self.sheet, filters=filters)
            return HttpResponseRedirect(reverse("exchange:job_detail", args=[job.pk]))
        fd, tmp = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            services.export_to_path(actor=request.user, sheet=self.sheet, filters=filters, path=tmp)
            handle = open(tmp, "rb")  # FileResponse closes it
        finally:
            os.unlink(tmp)  # the open handle keeps the data until the response is sent
        return FileResponse(
            handle, as_attachment=True, filename=services.export_filename(self.sheet), content_type=XLSX
        )


class TemplateDownloadView(SheetMixin, View):
    def get(self, request, sheet):
        fd, tmp = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            from .xlsx import write_template

            write_template(self.sheet, tmp)
            handle = open(tmp, "rb")  # FileResponse closes it
        finally:
            os.unlink(tmp)
        filename = _("{title} import template.xlsx").format(title=self.sheet.title)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


class JobMixin(LoginRequiredMixin):
    def get_job(self):
        job = job_get(user=self.request.user, pk=self.kwargs["uuid"])
        return job

    def context(self, job) -> dict:
        sheet = get_sheet(job.sheet)
        is_dry_run = bool(job.params.get("dry_run")) and job.kind == JobKind.IMPORT
        context = {
            "job": job,
            "sheet": sheet,
            "list_url": sheet_list_url(sheet),
            "errors": job.errors[:ERRORS_SHOWN],
            "errors_hidden": max(0, len(job.errors) - ERRORS_SHOWN),
            "is_import": job.kind == JobKind.IMPORT,
            "is_dry_run": is_dry_run,
        }
        if is_dry_run and job.status == JobStatus.SUCCEEDED:
            upload_id = job.params.get("upload_id", "")
            token = services.import_token(actor=self.request.user, sheet=sheet, upload_id=upload_id)
            context["report"] = job.summary
            context["commit_form"] = ImportCommitForm(initial={"token": token})
        return context


class JobDetailView(JobMixin, View):
    def get(self, request, uuid):
        job = self.get_job()
        context = self.context(job)
        context["breadcrumbs"] = sheet_breadcrumbs(context["sheet"], (job.get_kind_display(), None))
        return render(request, "exchange/job_detail.html", context)


class JobProgressView(JobMixin, View):
    """HTMX fragment polled every second until the job is finished (the finished fragment stops polling)."""

    def get(self, request, uuid):
        return render(request, "exchange/_job_progress.html", self.context(self.get_job()))


class JobDownloadView(JobMixin, View):
    def get(self, request, uuid):
        job = self.get_job()
        if job.kind != JobKind.EXPORT or job.status != JobStatus.SUCCEEDED or not job.result_file:
            raise NotVisible()
        path = services.private_path(job.result_file)
        if not Path(path).exists():
            raise NotVisible()
        sheet = get_sheet(job.sheet)
        return FileResponse(
            open(path, "rb"),  # FileResponse closes it
            as_attachment=True,
            filename=f"{sheet.title}_{job.created_at:%Y%m%d_%H%M}.xlsx",
            content_type=XLSX,
        )
