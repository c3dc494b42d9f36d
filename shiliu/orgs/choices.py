from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County / district")
    TOWNSHIP = 4, _("Township / street")
    VILLAGE = 5, _("Village / community")
    GRID = 6, _("Grid")


# Digits of the national statistical division code that are significant at each level; the rest are zeros.
# Grids get three digits under their village's 12-digit code.
SIGNIFICANT_DIGITS = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
    AreaLevel.GRID: 15,
}
CODE_LENGTH = {level: (15 if level == AreaLevel.GRID else 12) for level in AreaLevel}


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


# The seven entries (七进) and newer types; seeded into UnitType, which users may extend.
DEFAULT_UNIT_TYPES = [
    # code, name, has credit code, order
    ("agency", _("Agency"), True, 10),
    ("enterprise", _("Enterprise"), True, 20),
    ("community", _("Community"), True, 30),
    ("township", _("Township"), True, 40),
    ("school", _("School"), True, 50),
    ("military", _("Military company"), False, 60),
    ("religious", _("Religious venue"), True, 70),
    ("new_org", _("New economic or social organisation"), True, 80),
    ("window", _("Window unit"), True, 90),
    ("education_base", _("Education base"), False, 100),
    ("other", _("Other"), False, 110),
]
