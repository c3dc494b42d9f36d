from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import ScopedModel, TimeStampedModel
from shiliu.core.roles import Role

from .choices import VenueLevel, VenueStatus


class VenueType(TimeStampedModel):
    """A configurable kind of venue (阵地类型)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("venue type")
        verbose_name_plural = _("venue types")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Venue(ScopedModel):
    """A venue of publicity and education (宣传教育阵地): education base, theme park, square, exhibition hall..."""

    name = models.CharField(_("name"), max_length=120)
    venue_type = models.ForeignKey(
        VenueType, on_delete=models.PROTECT, related_name="venues", verbose_name=_("type")
    )
    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="venues", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=VenueLevel.choices, default=VenueLevel.COUNTY)
    opening_info = models.CharField(_("opening information"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VenueStatus.choices, default=VenueStatus.ACTIVE
    )

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = frozenset({Role.OFFICE})
    has_attachments = True

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="venue_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="venue_name_unique_in_area"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="venue_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="venue_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("venues:venue_detail", args=[self.pk])


class VenueVisitCount(ScopedModel):
    """Visitors of a venue over a period (a day, a month...), entered by office staff. Counts only, no people."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="visits", verbose_name=_("venue"))
    area_path = models.CharField(max_length=15, editable=False)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    visitors = models.PositiveIntegerField(_("visitors"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("venue visitor count")
        verbose_name_plural = _("venue visitor counts")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="visit_period_order"),
            models.UniqueConstraint(fields=["venue", "period_start"], name="visit_unique_period_start"),
        ]

    def __str__(self):
        return f"{self.venue} {self.period_start}–{self.period_end}: {self.visitors}"
