"""Platform roles. The scope engine reads them; accounts stores them on users."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    OFFICE = "office", _("Area office")
    DEPARTMENT = "department", _("Member department liaison")
    UNIT = "unit", _("Unit liaison")
    GRID = "grid", _("Grid worker")
    LEADER = "leader", _("Leader (read-only)")


# Roles that may write area-level configuration such as the administrative tree.
OFFICE_ROLES = frozenset({Role.ADMIN, Role.OFFICE})
# Roles that never write anything.
READ_ONLY_ROLES = frozenset({Role.LEADER})
