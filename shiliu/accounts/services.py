"""Writes for users. A user can only be given an area (and unit) inside the creator's own scope."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.roles import Role
from shiliu.core.scope import path_in_scope, role_may

from .models import User

UNIT_ROLES = frozenset({Role.UNIT, Role.DEPARTMENT})


def _check_assignment(*, actor, role, area, unit) -> None:
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."), field="role")
    if role == Role.ADMIN and not getattr(actor, "is_system_admin", False):
        raise ApplicationError(_("Only a system administrator can create administrators."), field="role")
    if role != Role.ADMIN and area is None:
        raise ApplicationError(_("Every user except administrators needs an area."), field="area")
    if role in UNIT_ROLES and unit is None:
        raise ApplicationError(_("A unit liaison needs a unit."), field="unit")
    if unit is not None and not unit.area_path.startswith(area.path):
        raise ApplicationError(_("The unit must lie inside the user's area."), field="unit")
    if area is not None and not path_in_scope(actor, area.path):
        raise ApplicationError(_("You can only assign areas inside your own scope."), field="area")


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, role: str, area=None, unit=None, full_name: str = ""
) -> User:
    if not role_may(actor, User, "change") and not getattr(actor, "is_system_admin", False):
        raise ApplicationError(_("You are not allowed to manage users."))
    _check_assignment(actor=actor, role=role, area=area, unit=unit)
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("The username {name} is taken.").format(name=username), field="username")
    # The creator chose the first password; the user replaces it at first sign-in.
    user = User(
        username=username, role=role, area=area, unit=unit, full_name=full_name, must_change_password=True
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    user._history_user = actor
    user.save()
    return user
