"""Checks shared by the request services: who may do which action, the transition table, the row lock and the
timeline row every step writes."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.errors import ApplicationError
from shiliu.core.roles import Role
from shiliu.core.scope import CHANGE, get_visible_or_404, reread_or_rollback
from shiliu.core.scope import is_office as scope_is_office
from shiliu.core.validators import normalize_text

from ..choices import TRANSITIONS, RequestAction, RequestStatus
from ..models import RequestAssist, RequestEvent, ServiceRequest

A = RequestAction

# Who may take each action (scope is checked separately): "office" = area office staff (and administrators),
# "lead" = a liaison of the lead department, "assisting" = a liaison of an assisting department,
# "grid" = a grid worker whose grid holds the request.
OFFICE, LEAD, ASSISTING, GRID = "office", "lead", "assisting", "grid"
ACTION_ROLES: dict[str, frozenset] = {
    A.ACCEPT: frozenset({OFFICE}),
    A.REJECT: frozenset({OFFICE}),
    A.DISPATCH: frozenset({OFFICE}),
    A.TRANSFER: frozenset({OFFICE}),
    A.SIGN: frozenset({LEAD}),
    A.RETURN: frozenset({LEAD}),
    A.START: frozenset({LEAD}),
    A.EXTENSION_REQUEST: frozenset({LEAD}),
    A.EXTENSION_DECIDE: frozenset({OFFICE}),
    A.REPLY: frozenset({LEAD}),
    A.VERIFY: frozenset({OFFICE}),
    A.SEND_BACK: frozenset({OFFICE}),
    A.CLOSE: frozenset({OFFICE}),
    A.PAUSE: frozenset({OFFICE, LEAD}),
    A.RESUME: frozenset({OFFICE, LEAD}),
    A.SUPERVISE: frozenset({OFFICE}),
    A.FLAG_ETHNIC: frozenset({OFFICE}),
    A.NOTE: frozenset({OFFICE, LEAD, ASSISTING, GRID}),
}
ROLE_REFUSALS = {
    frozenset({OFFICE}): gettext_lazy("Only the area office can do this."),
    frozenset({LEAD}): gettext_lazy("Only the lead department can do this."),
    frozenset({OFFICE, LEAD}): gettext_lazy("Only the area office or the lead department can do this."),
}
PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,19}$")


is_office = scope_is_office  # the one definition lives with the scope engine


def capacities(user, request: ServiceRequest) -> set[str]:
    """The capacities in which ``user`` acts on ``request`` (scope aside)."""
    found = set()
    if user is None:
        return found
    role = getattr(user, "role", None)
    if is_office(user):
        found.add(OFFICE)
    if role == Role.DEPARTMENT and user.unit_id:
        if user.unit_id == request.lead_department_id:
            found.add(LEAD)
        elif RequestAssist.objects.filter(request_id=request.pk, department_id=user.unit_id).exists():
            found.add(ASSISTING)
    if role == Role.GRID:
        found.add(GRID)
    return found


def may(user, request: ServiceRequest, action: str) -> bool:
    """Whether the table and the user's capacity allow ``action`` now (scope is the caller's business)."""
    transition = TRANSITIONS.get(action)
    if transition is None or request.status not in transition.sources:
        return False
    return bool(ACTION_ROLES.get(action, frozenset()) & capacities(user, request))


def now():
    return timezone.now()


def lock(actor, request: ServiceRequest | int) -> ServiceRequest:
    """The request re-read through scope for writing and locked for the rest of the transaction (404 if foreign)."""
    pk = request.pk if isinstance(request, ServiceRequest) else request
    qs = ServiceRequest.objects.select_for_update(of=("self",)).select_related("category", "lead_department")
    return get_visible_or_404(qs, actor, CHANGE, pk=pk)


def check(actor, request: ServiceRequest, action: str) -> None:
    """Refuse the action unless the request's status and the actor's capacity allow it (state first: an illegal
    transition is refused the same way for everyone)."""
    check_state(request, action)
    allowed = ACTION_ROLES[action]
    if not allowed & capacities(actor, request):
        message = ROLE_REFUSALS.get(allowed, gettext_lazy("You cannot do this on this request."))
        raise ApplicationError(message, code="forbidden")


def check_state(request: ServiceRequest, action: str) -> None:
    if request.status not in TRANSITIONS[action].sources:
        raise ApplicationError(
            _("The request is {status}: “{action}” is not possible in this state.").format(
                status=RequestStatus(request.status).label, action=A(action).label
            ),
            code="invalid_transition",
        )


def event(request, action, *, actor=None, label="", from_status="", to_status="", note="", department=None):
    return RequestEvent.objects.create(
        request=request, action=action, actor=actor, actor_label=label if actor is None else "",
        from_status=from_status, to_status=to_status if to_status != from_status else "", note=note,
        department=department,
    )  # fmt: skip


def save(actor, request: ServiceRequest, fields) -> ServiceRequest:
    request.save(update_fields=sorted({*fields, "updated_at"}))
    if actor is not None:
        reread_or_rollback(actor, request)
    return request


def text(value, field: str, *, label, required: bool, max_length: int = 2000) -> str:
    value = normalize_text(value) if max_length <= 500 else str(value or "").strip()
    if required and not value:
        raise ApplicationError(_("{field} is required.").format(field=label), field=field)
    if len(value) > max_length:
        raise ApplicationError(
            _("{field} can have at most {n} characters.").format(field=label, n=max_length), field=field
        )
    return value


def phone(value, field: str = "requester_phone") -> str:
    value = normalize_text(value)
    if value and not PHONE_RE.match(value):
        raise ApplicationError(_("Enter a valid phone number."), field=field)
    return value


def system_user():
    """The account public and Open311 intake records files under (inactive: it can never log in or see data)."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(
        username="system-public-intake",
        defaults={"is_active": False, "role": Role.LEADER, "full_name": "Public intake"},
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
