"""Pages of attachments: the scoped download, upload and removal. Business rules live in core.attachments."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from .attachments import Attachment, attachment_add, attachment_owner, attachment_remove, attachments_of
from .errors import ApplicationError, NotVisible
from .scope import VIEW, get_visible_or_404
from .views import SignedInMixin, can_change


def attachment_panel(user, owner) -> dict:
    """Context for the ``core/attachments.html`` partial of one owner already fetched through scope."""
    return {
        "owner": owner,
        "items": list(attachments_of(owner)),
        "can_change": can_change(user, owner),
        "next_url": owner.get_absolute_url() if hasattr(owner, "get_absolute_url") else "",
        "upload_url": reverse(
            "core:attachment_upload", args=[owner._meta.app_label, owner._meta.model_name, owner.pk]
        ),
    }


def _fetch(user, pk):
    try:
        attachment = Attachment.objects.select_related("content_type").get(pk=int(pk))
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None
    return attachment


def _back(request, owner):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    if hasattr(owner, "get_absolute_url"):
        return redirect(owner.get_absolute_url())
    return redirect("core:home")


class AttachmentDownloadView(SignedInMixin, View):
    """The file, only when its owner is visible to the user; missing and foreign give the same 404."""

    def get(self, request, pk):
        attachment = _fetch(request.user, pk)
        if attachment_owner(attachment, request.user, VIEW) is None:
            raise NotVisible()
        try:
            handle = attachment.path.open("rb")
        except (OSError, ValueError):
            raise Http404 from None
        response = FileResponse(
            handle,
            content_type=attachment.mime_type,
            # Photos open in the browser; documents are always downloaded, never rendered in our origin.
            as_attachment=request.GET.get("download") == "1" or not attachment.is_image,
            filename=attachment.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=0"
        # Even a file that fooled the checks can run nothing when opened directly.
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
        )
        return response


class AttachmentUploadView(SignedInMixin, View):
    def post(self, request, app_label, model, pk):
        try:
            model_class = apps.get_model(app_label, model)
        except (LookupError, ValueError):
            raise Http404 from None
        if not getattr(model_class, "has_attachments", False):
            raise Http404
        owner = get_visible_or_404(model_class, request.user, VIEW, pk=pk)
        files = request.FILES.getlist("file")
        error = ""
        try:
            for uploaded in files:
                attachment_add(actor=request.user, owner=owner, uploaded=uploaded)
        except ApplicationError as exc:
            error = str(exc.message)
        if getattr(request, "htmx", False):
            panel = attachment_panel(request.user, owner) | {"error": error}
            return render(request, "core/attachments.html", {"panel": panel})
        if error:
            messages.error(request, error)
        return _back(request, owner)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class AttachmentRemoveView(SignedInMixin, View):
    def post(self, request, pk):
        attachment = _fetch(request.user, pk)
        owner = attachment_owner(attachment, request.user, VIEW)
        if owner is None:
            raise NotVisible()
        attachment_remove(actor=request.user, attachment=attachment)
        if getattr(request, "htmx", False):
            return render(request, "core/attachments.html", {"panel": attachment_panel(request.user, owner)})
        return _back(request, owner)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])
