"""Indicator systems (测评指标体系): versioned trees of categories, items and sub-items with scoring rules,
veto items (一票否决) and the mapping of items between a system and its clone for a later year."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import TimeStampedModel

from ..choices import (
    AssessmentMethod,
    IndicatorLevel,
    RecordSource,
    RuleKind,
    SystemStatus,
    TargetKind,
    VetoKind,
)

POINTS = {"max_digits": 7, "decimal_places": 2}


class IndicatorSystem(TimeStampedModel):
    """A versioned indicator system for one target kind (a city, county or township, or one unit type).

    Systems are configuration shared by every area (like unit types): anyone signed in reads them, offices edit.
    ``is_demo`` marks the shipped demo systems whose weights are ours, not official.
    """

    name = models.CharField(_("name"), max_length=150)
    target_kind = models.CharField(_("target kind"), max_length=10, choices=TargetKind.choices)
    unit_type = models.ForeignKey(
        "orgs.UnitType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_systems",
        verbose_name=_("unit type"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    total_points = models.DecimalField(_("total points"), **POINTS, default=100)
    pass_line = models.DecimalField(_("pass line"), **POINTS, default=90)
    bonus_cap = models.DecimalField(_("bonus cap"), **POINTS, default=5)
    status = models.CharField(
        _("status"), max_length=10, choices=SystemStatus.choices, default=SystemStatus.DRAFT
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    note = models.TextField(_("note"), blank=True)
    cloned_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clones",
        verbose_name=_("cloned from"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The office that issued the system: it applies to that area's subtree and only that office (or one above)
    # edits it. Empty for platform-wide systems, which only administrators edit.
    area = models.ForeignKey(
        "orgs.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_systems",
        verbose_name=_("issued by"),
    )
    area_path = models.CharField(max_length=15, blank=True, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        ordering = ["-year", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year", "version"], name="system_name_year_version"),
            models.CheckConstraint(
                condition=(Q(target_kind=TargetKind.UNIT) & Q(unit_type__isnull=False))
                | (~Q(target_kind=TargetKind.UNIT) & Q(unit_type__isnull=True)),
                name="system_unit_type_iff_unit",
            ),
            models.CheckConstraint(
                condition=Q(pass_line__gte=0) & Q(pass_line__lte=F("total_points")),
                name="system_pass_line_within_total",
            ),
            models.CheckConstraint(condition=Q(bonus_cap__gte=0), name="system_bonus_cap_not_negative"),
            models.CheckConstraint(condition=Q(status__in=SystemStatus.values), name="system_status_known"),
        ]
        indexes = [models.Index(fields=["target_kind", "unit_type", "status", "year"], name="system_target")]

    def __str__(self):
        return f"{self.name} ({self.year} v{self.version})"

    def get_absolute_url(self):
        return reverse("creation:system_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == SystemStatus.DRAFT


class Indicator(TimeStampedModel):
    """One node of a system's tree: a category, an item or a sub-item.

    Points of a category are the sum of its items'; a scored leaf carries the rule (``rule_kind`` +
    ``rule_params``, validated by rules.py) and optionally a record ``source`` that a suggested score is computed
    from. Bonus items (加分项) score separately from the total, capped by the system's ``bonus_cap``.
    """

    system = models.ForeignKey(
        IndicatorSystem, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("system")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.CharField(_("level"), max_length=10, choices=IndicatorLevel.choices)
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    points = models.DecimalField(_("points"), **POINTS)
    rule_kind = models.CharField(
        _("scoring rule"), max_length=20, choices=RuleKind.choices, default=RuleKind.MANUAL
    )
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    evidence_kinds = models.JSONField(_("evidence expected"), default=list, blank=True)
    method = models.CharField(
        _("assessment method"),
        max_length=12,
        choices=AssessmentMethod.choices,
        default=AssessmentMethod.MATERIALS,
    )
    source = models.CharField(_("record source"), max_length=24, choices=RecordSource.choices, blank=True)
    source_params = models.JSONField(_("record source parameters"), default=dict, blank=True)
    evidence_hint = models.TextField(_("evidence that earns the points"), blank=True)
    is_bonus = models.BooleanField(_("bonus item"), default=False)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["system", "sort", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicator_code_unique_in_system"),
            models.CheckConstraint(condition=Q(points__gte=0), name="indicator_points_not_negative"),
            models.CheckConstraint(
                condition=Q(level=IndicatorLevel.CATEGORY) | Q(parent__isnull=False),
                name="indicator_item_has_parent",
            ),
            models.CheckConstraint(condition=Q(rule_kind__in=RuleKind.values), name="indicator_rule_known"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def is_category(self) -> bool:
        return self.level == IndicatorLevel.CATEGORY


class VetoItem(TimeStampedModel):
    """A veto check of a system (一票否决项): triggered, it fails the candidate whatever the points."""

    system = models.ForeignKey(
        IndicatorSystem, on_delete=models.CASCADE, related_name="veto_items", verbose_name=_("system")
    )
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("ground"), max_length=20, choices=VetoKind.choices)
    title = models.CharField(_("title"), max_length=200)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("veto item")
        verbose_name_plural = _("veto items")
        ordering = ["system", "sort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="veto_item_code_unique_in_system"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class IndicatorMapping(models.Model):
    """Old item → new item between a system and its clone, so that scores compare across years."""

    old_indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="mapped_to", verbose_name=_("old item")
    )
    new_indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="mapped_from", verbose_name=_("new item")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("item mapping")
        verbose_name_plural = _("item mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["old_indicator", "new_indicator"], name="indicator_mapping_unique"
            ),
        ]

    def __str__(self):
        return f"{self.old_indicator_id} → {self.new_indicator_id}"
