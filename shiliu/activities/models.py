from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import ScopedModel, TimeStampedModel
from shiliu.core.roles import Role

from .choices import PublicityKind

LEDGER_WRITE_ROLES = frozenset({Role.OFFICE, Role.UNIT, Role.DEPARTMENT})


class ActivityType(TimeStampedModel):
    """A configurable kind of activity (活动类型)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Campaign(TimeStampedModel):
    """A named period such as the publicity month (民族团结进步宣传月); records count in it by date overlap."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="campaign_period_order"),
        ]

    def __str__(self):
        return self.name


class Activity(ScopedModel):
    """One activity of a unit or of an area office (活动台账)."""

    title = models.CharField(_("title"), max_length=200)
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("type")
    )
    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="activities", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("unit"),
    )
    # The unit's type when the activity was recorded (the "entry" of the seven entries); empty for offices.
    entry_type = models.ForeignKey(
        "orgs.UnitType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entry type"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("venue"),
    )
    organisers = models.CharField(_("organisers"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    audience = models.CharField(_("audience groups"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "unit"
    scope_write_roles = LEDGER_WRITE_ROLES
    has_attachments = True

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="activity_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["start_date", "id"], name="activity_start_id"),
            # Lets activity_figures count a subtree over a period from the index alone (PostgreSQL).
            models.Index(
                fields=["area_path", "start_date"],
                include=["end_date", "activity_type", "entry_type", "participants", "id"],
                opclasses=["varchar_pattern_ops", "date_ops"],
                name="activity_path_start_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="activity_period_order"),
            models.CheckConstraint(condition=Q(participants__gte=0), name="activity_participants_nonneg"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:activity_detail", args=[self.pk])


class PublicityItem(ScopedModel):
    """One piece of publicity (宣传): a banner, board, LED screen slot, media report or online post."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=PublicityKind.choices)
    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="publicity_items", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publicity_items",
        verbose_name=_("unit"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    reach = models.PositiveIntegerField(_("reach (views or copies)"), default=0)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "unit"
    scope_write_roles = LEDGER_WRITE_ROLES
    has_attachments = True

    class Meta:
        verbose_name = _("publicity item")
        verbose_name_plural = _("publicity items")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="publicity_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="publicity_period_order"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:publicity_detail", args=[self.pk])
