from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueLevel(models.TextChoices):
    """The level that named the venue (命名级别)."""

    COUNTY = "county", _("County")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


class VenueStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")


# Seeded by the 0002 data migration and by tests; names are data (users rename or add types).
DEFAULT_VENUE_TYPES = [
    # code, name, order
    ("education_base", "教育基地", 10),
    ("theme_park", "主题公园", 20),
    ("square", "广场", 30),
    ("street", "街区", 40),
    ("exhibition_hall", "展馆", 50),
    ("cultural_station", "文化站", 60),
    ("other", "其他", 100),
]
