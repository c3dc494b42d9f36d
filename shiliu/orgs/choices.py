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


# The seven entries (七进) and newer types, as the 0002 data migration seeds them. Names are data in the
# platform's working language (users rename or add types); codes are stable identifiers.
DEFAULT_UNIT_TYPES = [
    # code, name, has a credit code, order
    ("agency", "机关", True, 10),
    ("enterprise", "企业", True, 20),
    ("community", "社区", True, 30),
    ("township", "乡镇", True, 40),
    ("school", "学校", True, 50),
    ("military", "连队", False, 60),
    ("religious", "宗教活动场所", True, 70),
    ("new_org", "新经济组织和新社会组织", True, 80),
    ("window", "窗口单位", True, 90),
    ("education_base", "教育基地", False, 100),
    ("other", "其他", False, 110),
]
