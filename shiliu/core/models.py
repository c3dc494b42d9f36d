from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scope import ScopedManager


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ScopedModel(TimeStampedModel):
    """A record that lies in the org tree. Subclasses set ``scope_path_field`` (and ``scope_unit_field``)."""

    scope_path_field: str = "area_path"
    scope_unit_field: str | tuple[str, ...] | None = None
    scope_write_roles: frozenset = frozenset()
    scope_reveal_roles: frozenset = frozenset()
    # field name -> masker key in core.privacy.MASKERS
    personal_fields: dict[str, str] = {}

    objects = ScopedManager()

    class Meta:
        abstract = True


class PersonalDataAccess(models.Model):
    """One reveal of a personal-data field in clear: who, what, when, from where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    field = models.CharField(_("field"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.user} {self.content_type.model}#{self.object_id}.{self.field} {self.accessed_at:%Y-%m-%d %H:%M}"


from .attachments import Attachment  # noqa: E402  (registers the model with the core app)

__all__ = ["Attachment", "PersonalDataAccess", "ScopedModel", "TimeStampedModel"]
