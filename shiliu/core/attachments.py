"""Attachments (附件): photos and documents of any scoped record, stored privately and served through scope.

An attachment names its owner generically (content type + id) and copies the owner's area path. Files are
checked by their first bytes, not by their name or the browser's claim: only JPEG, PNG, WebP and PDF are kept.
They live under ``MEDIA_ROOT/attachments/`` (never served as static files); the download view fetches the owner
through ``get_visible_or_404`` so a foreign or missing attachment gives the same 404. Uploads and removals
are recorded in the attachment's history with the acting user.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .errors import ApplicationError
from .scope import CHANGE, ensure_writable, reread_or_rollback, visible_to

ATTACHMENT_DIR = "attachments"

# content type -> (file extension, leading bytes test)
KINDS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


def sniff_content_type(head: bytes) -> str | None:
    """The content type told by the file's first bytes, or None when it is none of the accepted kinds."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def max_per_owner() -> int:
    return getattr(settings, "ATTACHMENT_MAX_PER_OWNER", 20)


class Attachment(models.Model):
    """One file attached to a scoped record (its owner)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    # Copy of the owner's area path: lets reports count attachments by area without joining every owner.
    area_path = models.CharField(max_length=15, editable=False, db_index=True)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    size = models.PositiveBigIntegerField(gettext_lazy("size"))
    mime_type = models.CharField(gettext_lazy("content type"), max_length=40)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )
    created_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        app_label = "core"
        verbose_name = gettext_lazy("attachment")
        verbose_name_plural = gettext_lazy("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner")]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    @property
    def path(self) -> Path:
        return attachment_path(self.stored_name)


def attachment_path(stored_name: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / ATTACHMENT_DIR / stored_name).resolve()
    if root not in path.parents:
        raise ValueError("path outside MEDIA_ROOT")
    return path


def _lookup(obj, lookup: str):
    value = obj
    for part in lookup.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def owner_scope(owner: models.Model) -> tuple[str, int | None]:
    """The owner's area path and unit id, read the way the scope engine reads them."""
    model = type(owner)
    path = _lookup(owner, model.scope_path_field)
    unit_field = getattr(model, "scope_unit_field", None)
    if not unit_field:
        return path, None
    if unit_field == "pk":
        return path, owner.pk
    if isinstance(unit_field, tuple):
        # Several units reach the owner (OR'ed): no single unit to compare; reread_or_rollback checks the filter.
        return path, None
    unit_id = (
        getattr(owner, f"{unit_field}_id", None) if "__" not in unit_field else _lookup(owner, unit_field)
    )
    unit_id = getattr(unit_id, "pk", unit_id)  # a lookup may end on the unit itself
    # An area-level record (no unit) is never a unit liaison's: 0 stands for "no unit".
    return path, unit_id if unit_id is not None else 0


def _check_owner_model(owner) -> None:
    if not getattr(type(owner), "has_attachments", False) or owner.pk is None:
        raise ApplicationError(_("This record does not take attachments."))


def attachments_of(owner: models.Model) -> models.QuerySet[Attachment]:
    """The attachments of an owner the caller already fetched through scope."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(owner)), object_id=owner.pk
    ).select_related("uploaded_by")


def attachments_by_owner(owners) -> dict[int, list[Attachment]]:
    """The attachments of several owners of one model (already fetched through scope), by owner id, in one query."""
    owners = list(owners)
    if not owners:
        return {}
    by_owner: dict[int, list[Attachment]] = {owner.pk: [] for owner in owners}
    rows = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(owners[0])), object_id__in=list(by_owner)
    ).select_related("uploaded_by")
    for attachment in rows.order_by("id"):
        by_owner[attachment.object_id].append(attachment)
    return by_owner


def _clean_name(name: str) -> str:
    name = os.path.basename(str(name or "").replace("\\", "/")).strip().replace("\x00", "")
    return (name or "file")[-200:]


@transaction.atomic
def attachment_add(*, actor, owner: models.Model, uploaded) -> Attachment:
    """Check the owner's scope, the file's size and kind (by its first bytes) and the per-record limit; store."""
    _check_owner_model(owner)
    path, unit_id = owner_scope(owner)
    ensure_writable(actor, type(owner), area_path=path, unit_id=unit_id)
    reread_or_rollback(actor, owner)
    return attachment_store(owner=owner, uploaded=uploaded, uploaded_by=actor)


@transaction.atomic
def attachment_store(*, owner: models.Model, uploaded, uploaded_by) -> Attachment:
    """Check the file (size, kind by its first bytes, per-record limit) and store it, WITHOUT a scope check: only
    for callers that authorised the write themselves (``attachment_add``; public intake of a resident's photos,
    recorded under a system account)."""
    _check_owner_model(owner)
    path, _unit_id = owner_scope(owner)
    actor = uploaded_by
    name = _clean_name(getattr(uploaded, "name", ""))
    size = uploaded.size
    limit = max_bytes()
    if not size:
        raise ApplicationError(_("The file {name} is empty.").format(name=name), field="file")
    if size > limit:
        raise ApplicationError(
            _("The file {name} is {size} MB; files may be at most {max} MB.").format(
                name=name, size=round(size / 1024 / 1024, 1), max=round(limit / 1024 / 1024, 1)
            ),
            field="file",
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    mime = sniff_content_type(head)
    if mime is None:
        raise ApplicationError(
            _(
                "The file {name} is not a JPEG, PNG or WebP photo or a PDF document; other kinds of files "
                "are not accepted, whatever their name says."
            ).format(name=name),
            field="file",
        )
    # Lock the owner row so that two uploads at once cannot both pass the per-record limit.
    list(type(owner)._default_manager.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True))
    if attachments_of(owner).count() >= max_per_owner():
        raise ApplicationError(
            _("A record can have at most {n} attachments; remove one before adding another.").format(
                n=max_per_owner()
            ),
            field="file",
        )
    stored = f"{uuid.uuid4().hex}{KINDS[mime]}"
    target = attachment_path(stored)
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    try:
        with target.open("xb") as fh:
            for chunk in uploaded.chunks():
                written += len(chunk)
                if written > limit:
                    raise ApplicationError(_("The file is larger than allowed."), field="file")
                digest.update(chunk)
                fh.write(chunk)
        attachment = Attachment(
            content_type=ContentType.objects.get_for_model(type(owner)),
            object_id=owner.pk,
            area_path=path,
            original_name=name,
            stored_name=stored,
            size=written,
            mime_type=mime,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        attachment._history_user = actor
        attachment.save()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return attachment


def attachment_owner(attachment: Attachment, user, action: str = CHANGE):
    """The attachment's owner if ``user`` may reach it for ``action``, else None."""
    model = attachment.content_type.model_class()
    if model is None or not getattr(model, "has_attachments", False):
        return None
    return visible_to(model._default_manager.filter(pk=attachment.object_id), user, action).first()


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    """Delete the attachment (its history keeps who removed it and when); the file goes after the commit."""
    owner = attachment_owner(attachment, actor, CHANGE)
    if owner is None:
        from .errors import NotVisible

        raise NotVisible()
    path, unit_id = owner_scope(owner)
    ensure_writable(actor, type(owner), area_path=path, unit_id=unit_id)
    stored = attachment.path
    attachment._history_user = actor
    attachment.delete()
    transaction.on_commit(lambda: stored.unlink(missing_ok=True))


def attachments_remove_all(*, actor, owner: models.Model) -> None:
    """Remove every attachment of an owner being deleted (called by the owner's delete service)."""
    for attachment in attachments_of(owner):
        paths = attachment.path
        attachment._history_user = actor
        attachment.delete()
        transaction.on_commit(lambda p=paths: p.unlink(missing_ok=True))
