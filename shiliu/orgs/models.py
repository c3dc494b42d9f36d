from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.crypto import EncryptedCharField
from shiliu.core.models import ScopedModel, TimeStampedModel
from shiliu.core.roles import Role

from .choices import AreaLevel, UnitStatus


class Area(ScopedModel):
    """An administrative division (行政区划) or a grid. ``path`` is the materialised path used for subtrees."""

    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # The significant digits of the code, e.g. "6501" for a city: a subtree is one prefix filter.
    path = models.CharField(_("path"), max_length=15, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["path", "updated_at"])

    scope_path_field = "path"
    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="area_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "path"], name="area_level_path"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=6), name="area_level_range"),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.level

    def ancestor_paths(self) -> list[str]:
        from .services import ancestor_paths

        return ancestor_paths(self.path)


class AreaStatistics(ScopedModel):
    """Aggregate figures of an area for a year. Aggregates only: no person is ever recorded by ethnicity."""

    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="statistics", verbose_name=_("area")
    )
    area_path = models.CharField(max_length=15, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    households = models.PositiveIntegerField(_("households"))
    population = models.PositiveIntegerField(_("population"))
    minority_population = models.PositiveIntegerField(_("minority population"))
    ethnic_groups = models.PositiveSmallIntegerField(_("ethnic groups present"))

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_write_roles = frozenset({Role.OFFICE})

    class Meta:
        verbose_name = _("area statistics")
        verbose_name_plural = _("area statistics")
        ordering = ["area_path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="area_statistics_unique_year"),
            models.CheckConstraint(
                condition=Q(minority_population__lte=models.F("population")),
                name="minority_not_above_population",
            ),
            models.CheckConstraint(condition=Q(ethnic_groups__lte=56), name="ethnic_groups_at_most_56"),
        ]


class UnitType(TimeStampedModel):
    """A configurable kind of creating unit; seeded with the seven entries (七进) and newer types."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    requires_credit_code = models.BooleanField(_("requires a credit code"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit type")
        verbose_name_plural = _("unit types")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class Unit(ScopedModel):
    """A unit taking part in creation (创建单位)."""

    name = models.CharField(_("name"), max_length=120)
    unit_type = models.ForeignKey(
        UnitType, on_delete=models.PROTECT, related_name="units", verbose_name=_("type")
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="units", verbose_name=_("area"))
    # Copy of area.path so that subtree lists need no join; kept in step by the services.
    area_path = models.CharField(max_length=15, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = EncryptedCharField(_("contact person"), blank=True)
    contact_phone = EncryptedCharField(_("contact phone"), blank=True)
    is_member_department = models.BooleanField(_("member department of the leading group"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=UnitStatus.choices, default=UnitStatus.ACTIVE
    )

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "pk"
    scope_write_roles = frozenset({Role.OFFICE, Role.UNIT, Role.DEPARTMENT})
    scope_reveal_roles = frozenset({Role.OFFICE, Role.UNIT, Role.DEPARTMENT})
    personal_fields = {"contact_name": "name", "contact_phone": "phone"}

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"], name="unit_path_id", opclasses=["varchar_pattern_ops", "int8_ops"]
            ),
            models.Index(fields=["name", "id"], name="unit_name_id"),
            models.Index(fields=["unit_type", "id"], name="unit_type_id"),
            models.Index(fields=["status", "id"], name="unit_status_id"),
            # The department filter and dispatch choices of service requests: member departments by area path
            # (prefix and IN) in (area_path, name) order.
            models.Index(
                fields=["area_path", "name"],
                condition=Q(is_member_department=True),
                name="unit_member_path_name",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="unit_credit_code_unique"
            ),
            models.UniqueConstraint(fields=["area", "name"], name="unit_name_unique_in_area"),
        ]

    def __str__(self):
        return self.name
