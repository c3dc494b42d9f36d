"""Intake and every transition of a request. Each service is atomic, checks the actor's capacity and the
request's status against ``TRANSITIONS``, records a ``RequestEvent`` and re-reads the request through scope."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.roles import Role
from shiliu.core.scope import VIEW, ensure_writable, get_visible_or_404, visible_to
from shiliu.orgs.choices import UnitStatus
from shiliu.orgs.models import Area, Unit
from shiliu.orgs.services import ancestor_paths

from ..calendar import WorkCalendar
from ..choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    Channel,
    DeadlineStep,
    ExtensionStatus,
    Priority,
    Rating,
    RequestAction,
    RequestStatus,
    Result,
)
from ..deadlines import RuleBook, refresh_clock, shift_dues, step_due
from ..models import (
    GridVisit,
    RequestAssist,
    RequestCategory,
    RequestExtension,
    RoutingRule,
    ServiceRequest,
)
from ..tickets import new_rating_code, new_ticket, normalize_ticket, rating_code_hash, rating_code_matches
from .common import check, check_state, event, is_office, lock, now, phone, save, system_user, text

A, S = RequestAction, RequestStatus
PUBLIC_CHANNELS = frozenset({Channel.WEB, Channel.OPEN311})
OFFICE_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN, Channel.WEB, Channel.GRID})
MAX_RATING_ATTEMPTS = 10
RESIDENT, SYSTEM, OPEN311 = "resident", "system", "open311"


def _clock(request, fields, cal=None, rules=None, at=None) -> list[str]:
    return [
        *fields,
        *refresh_clock(request, cal=cal or WorkCalendar(), rules=rules or RuleBook(), now=at or now()),
    ]


def _unpause(request, cal: WorkCalendar, at) -> list[str]:
    """Restart a paused clock (a step that moves the request on ends the wait for the resident)."""
    if request.paused_at is None:
        return []
    seconds = cal.working_seconds_between(request.paused_at, at)
    fields = shift_dues(request, seconds, cal)
    request.paused_seconds += seconds
    request.paused_at, request.pause_reason = None, ""
    return [*fields, "paused_seconds", "paused_at", "pause_reason"]


def _move(actor, request, action, fields, *, note="", department=None, cal=None, at=None):
    """Apply the table's target status, restart a paused clock, refresh the clock, save, record the event."""
    cal, at = cal or WorkCalendar(), at or now()
    source = request.status
    target = TRANSITIONS[action].target
    if target is not None:
        request.status = target
        fields = [*fields, "status"]
        fields += _unpause(request, cal, at)
    fields = _clock(request, fields, cal=cal, at=at)
    save(actor, request, fields)
    event(request, action, actor=actor, label=SYSTEM, from_status=source, to_status=request.status, note=note,
          department=department)  # fmt: skip
    return request


# ---------------------------------------------------------------- intake


def _category(value) -> RequestCategory:
    if isinstance(value, str):
        value = RequestCategory.objects.filter(code=value).first()
    if not isinstance(value, RequestCategory) or not value.is_active:
        raise ApplicationError(_("Choose a category."), field="category")
    return value


def _coordinate(value, field, bound):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(_("Enter a number of degrees."), field=field) from None
    if not -bound <= number <= bound:
        raise ApplicationError(_("The coordinate is out of range."), field=field)
    return number


@transaction.atomic
def request_submit(
    *,
    actor,
    channel,
    category,
    area: Area,
    description,
    priority=Priority.NORMAL,
    requester_name="",
    requester_phone="",
    unit: Unit | None = None,
    venue=None,
    visit: GridVisit | None = None,
    location: dict | None = None,
    address="",
    latitude=None,
    longitude=None,
    media_url="",
    open311_client=None,
    external_ref="",
    photos=(),
    submitted_at: datetime.datetime | None = None,
) -> ServiceRequest:
    """Record a new request; ``actor`` None for the public web form and Open311. The returned request carries the
    resident's rating code once, in ``rating_code_plain`` (only its HMAC is stored)."""
    if actor is None:
        if channel not in PUBLIC_CHANNELS:
            raise ApplicationError(_("Choose a channel."), field="channel")
    else:
        role = getattr(actor, "role", None)
        if role == Role.GRID:
            channel = Channel.GRID
        elif not is_office(actor):
            raise ApplicationError(
                _("Only the area office or a grid worker can record a request."), code="forbidden"
            )
        if channel not in OFFICE_CHANNELS and not (channel == Channel.IMPORT and is_office(actor)):
            raise ApplicationError(_("Choose a channel."), field="channel")
    if not isinstance(area, Area) or not area.is_active:
        raise ApplicationError(_("Choose the grid or area."), field="area")
    if actor is not None:
        ensure_writable(actor, ServiceRequest, area_path=area.path)
    elif open311_client is not None and not area.path.startswith(open311_client.area.path):
        raise ApplicationError(_("This client may not submit requests in this area."), field="area")
    category = _category(category)
    if priority not in Priority.values:
        raise ApplicationError(_("Choose a priority."), field="priority")
    description = text(description, "description", label=_("Description"), required=True, max_length=4000)
    requester_name = text(requester_name, "requester_name", label=_("Name"), required=False, max_length=50)
    requester_phone = phone(requester_phone)
    if channel == Channel.WEB and actor is None and not requester_phone:
        raise ApplicationError(
            _("Enter a phone number so that we can call you back."), field="requester_phone"
        )
    if unit is not None and (not isinstance(unit, Unit) or unit.status != UnitStatus.ACTIVE):
        raise ApplicationError(_("Choose an active unit."), field="unit")
    if venue is not None and getattr(venue, "status", "active") != "active":
        raise ApplicationError(_("Choose an open venue."), field="venue")
    if visit is not None:
        if (
            actor is None
            or visit.area_path != area.path
            or visit.worker_id != actor.pk
            and not is_office(actor)
        ):
            raise ApplicationError(_("The visit must be in the same grid."), field="visit")
    location = location or {}
    address = text(
        location.get("address", address), "address", label=_("Address"), required=False, max_length=200
    )
    latitude = _coordinate(location.get("latitude", latitude), "latitude", 90)
    longitude = _coordinate(location.get("longitude", longitude), "longitude", 180)
    at = now()
    submitted_at = submitted_at or at
    if submitted_at > at + datetime.timedelta(minutes=5):
        raise ApplicationError(_("The date cannot be in the future."), field="submitted_at")
    code = new_rating_code()
    request = ServiceRequest(
        channel=channel, category=category, priority=priority, area=area, area_path=area.path, unit=unit,
        venue=venue, visit=visit, description=description, address=address, latitude=latitude,
        longitude=longitude, requester_name=requester_name, requester_phone=requester_phone,
        media_url=str(media_url or "")[:500], open311_client=open311_client, external_ref=str(external_ref or "")[:64],
        created_by=actor, status=S.SUBMITTED, submitted_at=submitted_at,
    )  # fmt: skip
    cal, rules = WorkCalendar(), RuleBook()
    request.accept_due = step_due(request, DeadlineStep.ACCEPT, submitted_at, cal, rules)
    refresh_clock(request, cal=cal, rules=rules, now=at)
    for _attempt in range(5):
        request.ticket = new_ticket()
        request.rating_code_hash = rating_code_hash(request.ticket, code)
        try:
            with transaction.atomic():
                request.save()
            break
        except IntegrityError:
            if ServiceRequest.objects.filter(ticket=request.ticket).exists():
                continue  # a ticket collision (about one in 10^14): draw again
            raise
    label = OPEN311 if channel == Channel.OPEN311 else RESIDENT
    event(request, A.SUBMIT, actor=actor, label=label, to_status=S.SUBMITTED)
    if photos:
        request_attach(actor=actor, request=request, files=photos)
    request.rating_code_plain = request.rating_code = code  # shown to the resident once; never stored
    return request


@transaction.atomic
def request_attach(*, actor, request: ServiceRequest, files) -> list:
    """Attach photos to a request: through scope for a user, under the system account for public intake (the
    caller has just created the request)."""
    from shiliu.core.attachments import attachment_add, attachment_store

    stored = []
    for uploaded in files:
        if actor is None:
            stored.append(attachment_store(owner=request, uploaded=uploaded, uploaded_by=system_user()))
        else:
            stored.append(attachment_add(actor=actor, owner=request, uploaded=uploaded))
    return stored


# ---------------------------------------------------------------- office: accept, reject, dispatch, transfer


@transaction.atomic
def request_accept(*, actor, request: ServiceRequest, note="") -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.ACCEPT)
    request.accepted_at = now()
    note = text(note, "note", label=_("Note"), required=False)
    return _move(actor, request, A.ACCEPT, ["accepted_at"], note=note)


@transaction.atomic
def request_reject(
    *, actor, request: ServiceRequest, reason, duplicate_of: ServiceRequest | None = None
) -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.REJECT)
    reason = text(reason, "reason", label=_("Reason"), required=True)
    fields = ["reject_reason"]
    if duplicate_of is not None:
        original = get_visible_or_404(ServiceRequest.objects.all(), actor, VIEW, pk=duplicate_of.pk)
        while original.duplicate_of_id and original.duplicate_of_id != request.pk:
            original = original.duplicate_of  # link to the first request, not to another duplicate
        if original.pk == request.pk:
            raise ApplicationError(_("A request cannot duplicate itself."), field="duplicate_of")
        request.duplicate_of = original
        fields.append("duplicate_of")
    request.reject_reason = reason
    return _move(actor, request, A.REJECT, fields, note=reason)


def department_covers(department: Unit, request: ServiceRequest) -> bool:
    """A department can take a request in its own area or below (its liaisons then see the request)."""
    return request.area_path.startswith(department.area_path)


def _department(value, request, field) -> Unit:
    if not isinstance(value, Unit) or value.status != UnitStatus.ACTIVE or not value.is_member_department:
        raise ApplicationError(_("Choose a member department."), field=field)
    if not department_covers(value, request):
        raise ApplicationError(
            _("{department} does not cover the area of this request.").format(department=value.name),
            field=field,
        )
    return value


def _set_assisting(request, assisting, lead) -> list[Unit]:
    units = []
    for unit in assisting or ():
        unit = _department(unit, request, "assisting")
        if unit.pk == lead.pk:
            raise ApplicationError(_("The lead department cannot also assist."), field="assisting")
        if unit.pk not in {u.pk for u in units}:
            units.append(unit)
    RequestAssist.objects.filter(request=request).exclude(department__in=units).delete()
    existing = set(RequestAssist.objects.filter(request=request).values_list("department_id", flat=True))
    RequestAssist.objects.bulk_create(
        [RequestAssist(request=request, department=u) for u in units if u.pk not in existing]
    )
    return units


def _hand_to(request, department, cal, rules, at) -> list[str]:
    """Give the order to ``department`` with fresh sign and reply deadlines."""
    request.lead_department = department
    request.dispatched_at = at
    request.signed_at = request.started_at = None
    request.signed_on_time = None
    request.sign_due = step_due(request, DeadlineStep.SIGN, at, cal, rules)
    request.reply_due = step_due(request, DeadlineStep.REPLY, at, cal, rules)
    return [
        "lead_department",
        "dispatched_at",
        "signed_at",
        "started_at",
        "signed_on_time",
        "sign_due",
        "reply_due",
    ]


@transaction.atomic
def request_dispatch(
    *, actor, request: ServiceRequest, department: Unit, assisting=(), note=""
) -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.DISPATCH)
    department = _department(department, request, "department")
    note = text(note, "note", label=_("Note"), required=False)
    cal, rules, at = WorkCalendar(), RuleBook(), now()
    fields = _hand_to(request, department, cal, rules, at)
    units = _set_assisting(request, assisting, department)
    if units:
        names = "、".join(u.name for u in units)
        note = (note + "\n" if note else "") + _("Assisting: {names}").format(names=names)
    return _move(actor, request, A.DISPATCH, fields, note=note, department=department, cal=cal, at=at)


@transaction.atomic
def request_transfer(*, actor, request: ServiceRequest, department: Unit, note) -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.TRANSFER)
    department = _department(department, request, "department")
    if department.pk == request.lead_department_id:
        raise ApplicationError(_("The request is already with this department."), field="department")
    note = text(note, "note", label=_("Reason for the transfer"), required=True)
    cal, rules, at = WorkCalendar(), RuleBook(), now()
    fields = _hand_to(request, department, cal, rules, at)
    RequestAssist.objects.filter(request=request, department=department).delete()
    request.transfer_count += 1
    fields.append("transfer_count")
    return _move(actor, request, A.TRANSFER, fields, note=note, department=department, cal=cal, at=at)


# ---------------------------------------------------------------- lead department


@transaction.atomic
def request_sign(*, actor, request: ServiceRequest, note="") -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.SIGN)
    at = now()
    request.signed_at = at
    request.signed_on_time = request.sign_due is None or at <= request.sign_due
    note = text(note, "note", label=_("Note"), required=False)
    return _move(actor, request, A.SIGN, ["signed_at", "signed_on_time"], note=note,
                 department=request.lead_department, at=at)  # fmt: skip


@transaction.atomic
def request_return(*, actor, request: ServiceRequest, reason) -> ServiceRequest:
    """A mis-routed order goes back to the office (退单), which dispatches it again (a fresh acceptance clock)."""
    request = lock(actor, request)
    check(actor, request, A.RETURN)
    reason = text(reason, "reason", label=_("Grounds for returning"), required=True)
    department = request.lead_department
    cal, rules, at = WorkCalendar(), RuleBook(), now()
    request.lead_department = None
    request.dispatched_at = request.signed_at = request.sign_due = request.reply_due = None
    request.signed_on_time = None
    request.return_count += 1
    request.accept_due = step_due(request, DeadlineStep.ACCEPT, at, cal, rules)
    RequestAssist.objects.filter(request=request).delete()
    fields = ["lead_department", "dispatched_at", "signed_at", "sign_due", "reply_due", "signed_on_time",
              "return_count", "accept_due"]  # fmt: skip
    # The department loses sight of the order once returned: record, then save without the re-read.
    source = request.status
    request.status = S.RETURNED
    fields += ["status", *_unpause(request, cal, at)]
    fields = _clock(request, fields, cal=cal, rules=rules, at=at)
    save(None, request, fields)
    event(request, A.RETURN, actor=actor, from_status=source, to_status=S.RETURNED, note=reason,
          department=department)  # fmt: skip
    return request


@transaction.atomic
def request_start(*, actor, request: ServiceRequest, note="") -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.START)
    request.started_at = now()
    note = text(note, "note", label=_("Note"), required=False)
    return _move(actor, request, A.START, ["started_at"], note=note, department=request.lead_department)


def _until(value, cal: WorkCalendar) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return cal.end_of_working_day(value)
    raise ApplicationError(_("Enter the new deadline."), field="until")


@transaction.atomic
def request_extension_request(*, actor, request: ServiceRequest, until, reason) -> RequestExtension:
    request = lock(actor, request)
    check(actor, request, A.EXTENSION_REQUEST)
    cal = WorkCalendar()
    until = _until(until, cal)
    reason = text(reason, "reason", label=_("Reason"), required=True)
    current = request.reply_due
    if current is not None and until <= current:
        raise ApplicationError(_("The new deadline must be later than the current one."), field="until")
    if until <= now():
        raise ApplicationError(_("The new deadline must be in the future."), field="until")
    if until > now() + datetime.timedelta(days=92):
        raise ApplicationError(_("An extension can be at most three months."), field="until")
    if request.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ApplicationError(_("An extension request is already waiting for a decision."), field="until")
    extension = RequestExtension.objects.create(
        request=request, department=request.lead_department, step=DeadlineStep.REPLY, previous_due=current,
        requested_until=until, reason=reason, requested_by=actor,
    )  # fmt: skip
    save(actor, request, [])
    event(request, A.EXTENSION_REQUEST, actor=actor, from_status=request.status, to_status=request.status,
          note=reason, department=request.lead_department)  # fmt: skip
    return extension


@transaction.atomic
def request_extension_decide(
    *, actor, extension: RequestExtension, approve: bool, note=""
) -> RequestExtension:
    request = lock(actor, extension.request_id)
    check(actor, request, A.EXTENSION_DECIDE)
    extension = RequestExtension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ApplicationError(
            _("This extension request has already been decided."), code="invalid_transition"
        )
    note = text(note, "note", label=_("Note"), required=not approve)
    at = now()
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, at, note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    fields = []
    if approve:
        request.reply_due = extension.requested_until
        fields = _clock(request, ["reply_due"], at=at)
    save(actor, request, fields)
    event(request, A.EXTENSION_DECIDE, actor=actor, from_status=request.status, to_status=request.status,
          note=(_("Approved until {until}.") if approve else _("Refused.")).format(
              until=f"{extension.requested_until:%Y-%m-%d %H:%M}") + (f"\n{note}" if note else ""),
          department=extension.department)  # fmt: skip
    return extension


@transaction.atomic
def request_reply(*, actor, request: ServiceRequest, result, note, reason="") -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.REPLY)
    if result not in Result.values:
        raise ApplicationError(_("Choose the result."), field="result")
    note = text(note, "note", label=_("Reply"), required=True, max_length=4000)
    reason = text(reason, "reason", label=_("Reason"), required=result != Result.RESOLVED)
    cal, rules, at = WorkCalendar(), RuleBook(), now()
    fields = _unpause(request, cal, at)
    request.result, request.result_reason, request.reply_note = result, reason, note
    request.replied_at = at
    request.replied_on_time = request.reply_due is None or at <= request.reply_due
    request.verify_due = step_due(request, DeadlineStep.VERIFY, at, cal, rules)
    fields += ["result", "result_reason", "reply_note", "replied_at", "replied_on_time", "verify_due"]
    return _move(
        actor, request, A.REPLY, fields, note=note, department=request.lead_department, cal=cal, at=at
    )


# ---------------------------------------------------------------- office: verify, send back, close


@transaction.atomic
def request_verify(*, actor, request: ServiceRequest, note="") -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.VERIFY)
    request.verified_at = now()
    note = text(note, "note", label=_("Note"), required=False)
    return _move(actor, request, A.VERIFY, ["verified_at"], note=note)


@transaction.atomic
def request_send_back(*, actor, request: ServiceRequest, note) -> ServiceRequest:
    """The reply does not hold up: back to the lead department for rework, against the original deadline."""
    request = lock(actor, request)
    check(actor, request, A.SEND_BACK)
    note = text(note, "note", label=_("What needs rework"), required=True)
    request.replied_at = request.replied_on_time = request.verify_due = None
    request.result, request.result_reason = "", ""
    fields = ["replied_at", "replied_on_time", "verify_due", "result", "result_reason"]
    return _move(actor, request, A.SEND_BACK, fields, note=note, department=request.lead_department)


@transaction.atomic
def request_close(*, actor, request: ServiceRequest, note="") -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.CLOSE)
    request.closed_at = now()
    note = text(note, "note", label=_("Note"), required=False)
    return _move(actor, request, A.CLOSE, ["closed_at"], note=note)


# ---------------------------------------------------------------- rating


def _apply_rating(request, rating, comment, *, actor, label, at) -> ServiceRequest:
    check_state(request, A.RATE)
    if request.rating:
        raise ApplicationError(_("This request has already been rated."), code="invalid_transition")
    if rating not in Rating.values:
        raise ApplicationError(_("Choose a rating."), field="rating")
    comment = text(comment, "comment", label=_("Comment"), required=False)
    event(request, A.RATE, actor=actor, label=label, from_status=request.status, to_status=request.status,
          note=f"{Rating(rating).label}" + (f"\n{comment}" if comment else ""))  # fmt: skip
    if rating == Rating.DISSATISFIED and request.reopened_count == 0:
        # Reopened once, with escalation: the lead department redoes it (重办) under supervision.
        cal, rules = WorkCalendar(), RuleBook()
        request.reopened_count = 1
        request.is_supervised, request.supervised_at = True, at
        request.rating_comment = comment
        request.replied_at = request.replied_on_time = request.verified_at = request.closed_at = None
        request.verify_due = None
        request.result, request.result_reason = "", ""
        request.reply_due = step_due(request, DeadlineStep.REPLY, at, cal, rules)
        fields = ["reopened_count", "is_supervised", "supervised_at", "rating_comment", "replied_at",
                  "replied_on_time", "verified_at", "closed_at", "verify_due", "result", "result_reason",
                  "reply_due", "rating_attempts"]  # fmt: skip
        request.rating_attempts = 0
        source = request.status
        request.status = TRANSITIONS[A.REOPEN].target
        fields = _clock(request, [*fields, "status"], cal=cal, rules=rules, at=at)
        save(None, request, fields)
        event(request, A.REOPEN, label=SYSTEM, from_status=source, to_status=request.status,
              note=_("Dissatisfied: reopened once and put under supervision."),
              department=request.lead_department)  # fmt: skip
        return request
    request.rating, request.rating_comment, request.rated_at = rating, comment, at
    request.rating_attempts = 0
    save(None, request, ["rating", "rating_comment", "rated_at", "rating_attempts"])
    return request


def request_rate(*, ticket, rating_code, rating, comment="") -> ServiceRequest:
    """The resident rates a closed request with the ticket and the secret rating code (no login). A dissatisfied
    rating reopens the request once under supervision; a second dissatisfied rating stands and the request stays
    closed. Wrong codes are counted (outside the rating's transaction) and lock rating after
    ``MAX_RATING_ATTEMPTS``; a wrong ticket and a wrong code give the same answer."""
    refused = ApplicationError(_("The ticket or the rating code is wrong."), field="rating_code")
    normalized = normalize_ticket(ticket)
    found = ServiceRequest.objects.filter(ticket=normalized).only("pk", "ticket", "rating_code_hash",
                                                                  "rating_attempts").first() if normalized else None  # fmt: skip
    if found is None:
        raise refused
    if found.rating_attempts >= MAX_RATING_ATTEMPTS:
        raise ApplicationError(
            _("Too many wrong codes: please call the office to give your rating."), field="rating_code"
        )
    if not rating_code_matches(found.ticket, rating_code, found.rating_code_hash):
        ServiceRequest.objects.filter(pk=found.pk).update(rating_attempts=F("rating_attempts") + 1)
        raise refused
    with transaction.atomic():
        request = (
            ServiceRequest.objects.select_for_update(of=("self",))
            .select_related("category", "lead_department")
            .get(pk=found.pk)
        )
        return _apply_rating(request, rating, comment, actor=None, label=RESIDENT, at=now())


@transaction.atomic
def request_rate_callback(*, actor, request: ServiceRequest, rating, comment="") -> ServiceRequest:
    """The office records the rating the resident gave on a callback (回访)."""
    request = lock(actor, request)
    if not is_office(actor):
        raise ApplicationError(_("Only the area office can do this."), code="forbidden")
    request = _apply_rating(request, rating, comment, actor=actor, label="", at=now())
    return request


# ---------------------------------------------------------------- clock, supervision, flags, notes


@transaction.atomic
def request_pause(*, actor, request: ServiceRequest, reason) -> ServiceRequest:
    """Stop the clock while waiting on the resident (e.g. for documents)."""
    request = lock(actor, request)
    check(actor, request, A.PAUSE)
    if request.paused_at is not None:
        raise ApplicationError(_("The clock is already paused."), code="invalid_transition")
    reason = text(reason, "reason", label=_("Reason"), required=True, max_length=300)
    request.paused_at, request.pause_reason = now(), reason
    return _move(actor, request, A.PAUSE, ["paused_at", "pause_reason"], note=reason,
                 department=request.lead_department)  # fmt: skip


@transaction.atomic
def request_resume(*, actor, request: ServiceRequest, note="") -> ServiceRequest:
    """Restart the clock; every deadline still ahead moves by the working time spent waiting."""
    request = lock(actor, request)
    check(actor, request, A.RESUME)
    if request.paused_at is None:
        raise ApplicationError(_("The clock is not paused."), code="invalid_transition")
    note = text(note, "note", label=_("Note"), required=False)
    cal, at = WorkCalendar(), now()
    seconds = cal.working_seconds_between(request.paused_at, at)
    fields = _unpause(request, cal, at)
    note = (note + "\n" if note else "") + _("Paused for {hours} working hours.").format(
        hours=round(seconds / 3600, 1)
    )
    return _move(
        actor, request, A.RESUME, fields, note=note, department=request.lead_department, cal=cal, at=at
    )


def supervise(request, *, actor, note, at, label=SYSTEM) -> list[str]:
    """Mark the request as supervised (督办) and record it; shared with the overdue sweep."""
    request.is_supervised, request.supervised_at = True, request.supervised_at or at
    event(request, A.SUPERVISE if actor else A.ESCALATE, actor=actor, label=label, from_status=request.status,
          to_status=request.status, note=note, department=request.lead_department)  # fmt: skip
    return ["is_supervised", "supervised_at"]


@transaction.atomic
def request_supervise(*, actor, request: ServiceRequest, note) -> ServiceRequest:
    request = lock(actor, request)
    check(actor, request, A.SUPERVISE)
    note = text(note, "note", label=_("Note"), required=True)
    fields = supervise(request, actor=actor, note=note, at=now())
    return save(actor, request, fields)


@transaction.atomic
def request_flag_ethnic(*, actor, request: ServiceRequest, is_ethnic: bool, reason) -> ServiceRequest:
    """Set or clear "involves ethnic factors" — a property of the case, never of a person — with a reason."""
    request = lock(actor, request)
    check(actor, request, A.FLAG_ETHNIC)
    reason = text(reason, "reason", label=_("Reason"), required=True)
    at = now()
    request.involves_ethnic_factors = bool(is_ethnic)
    request.ethnic_factors_reason = reason
    request.ethnic_factors_set_by, request.ethnic_factors_set_at = actor, at
    save(actor, request, ["involves_ethnic_factors", "ethnic_factors_reason", "ethnic_factors_set_by",
                          "ethnic_factors_set_at"])  # fmt: skip
    label = _("Involves ethnic factors") if is_ethnic else _("Does not involve ethnic factors")
    event(request, A.FLAG_ETHNIC, actor=actor, from_status=request.status, to_status=request.status,
          note=f"{label}: {reason}")  # fmt: skip
    return request


@transaction.atomic
def request_note(*, actor, request: ServiceRequest, note) -> ServiceRequest:
    """A note on the timeline (the office, the lead or an assisting department, the grid worker)."""
    request = lock(actor, request)
    check(actor, request, A.NOTE)
    note = text(note, "note", label=_("Note"), required=True)
    department = actor.unit if getattr(actor, "role", None) == Role.DEPARTMENT else None
    event(request, A.NOTE, actor=actor, from_status=request.status, to_status=request.status, note=note,
          department=department)  # fmt: skip
    return request


# ---------------------------------------------------------------- routing


def routing_suggest(*, category, area: Area) -> Unit | None:
    """The department the routing rules suggest for ``category`` in ``area``: the rule of the nearest area at or
    above it wins, then the nearest category up the tree."""
    if category is None or area is None:
        return None
    if isinstance(category, str):
        category = RequestCategory.objects.filter(code=category).first()
        if category is None:
            return None
    chain = category.ancestor_ids()
    paths = [*ancestor_paths(area.path), area.path]
    rules = RoutingRule.objects.filter(
        is_active=True, category_id__in=chain, area_path__in=paths, department__status=UnitStatus.ACTIVE
    ).select_related("department")
    best = sorted(rules, key=lambda r: (-len(r.area_path), chain.index(r.category_id)))
    return best[0].department if best else None


# ---------------------------------------------------------------- historical import


@transaction.atomic
def request_import_historical(
    *, actor, channel, category, area, description, priority, requester_name, requester_phone, submitted_at,
    closed_at, department, result, rating=None, unit=None, ticket=None, replied_at=None, result_reason="",
    reply_note="", address="", external_ref="",
) -> ServiceRequest:  # fmt: skip
    """Record a request handled before the platform: closed, with its events at the historical times."""
    if not is_office(actor):
        raise ApplicationError(_("Only the area office can import requests."), code="forbidden")
    for value, field in ((submitted_at, "submitted_at"), (closed_at, "closed_at")):
        if not isinstance(value, datetime.datetime):
            raise ApplicationError(_("Enter a date and time."), field=field)
    if closed_at < submitted_at:
        raise ApplicationError(_("The closing date cannot be before the submission."), field="closed_at")
    if closed_at > now():
        raise ApplicationError(_("The date cannot be in the future."), field="closed_at")
    if result not in Result.values:
        raise ApplicationError(_("Choose the result."), field="result")
    if rating not in (None, "", *Rating.values):
        raise ApplicationError(_("Choose a rating."), field="rating")
    external_ref = str(external_ref or "").strip()[:64]
    if external_ref and visible_to(ServiceRequest.objects.filter(external_ref=external_ref), actor).exists():
        raise ApplicationError(_("This request has already been imported."), field="external_ref")
    if ticket:
        ticket = normalize_ticket(ticket) or str(ticket).strip()[:20]
        if ServiceRequest.objects.filter(ticket=ticket).exists():
            raise ApplicationError(_("A request with this ticket already exists."), field="ticket")
    request = request_submit(
        actor=actor, channel=Channel.PHONE if channel == Channel.IMPORT else channel, category=category,
        area=area, description=description, priority=priority, requester_name=requester_name,
        requester_phone=requester_phone, unit=unit, submitted_at=submitted_at, address=address,
        external_ref=external_ref,
    )  # fmt: skip
    department = _department(department, request, "department")
    request.reply_note = text(reply_note, "reply_note", label=_("Reply"), required=False, max_length=4000)
    replied_at = replied_at or closed_at
    reason = text(result_reason, "result_reason", label=_("Reason"), required=False) or (
        "" if result == Result.RESOLVED else _("Imported without a reason.")
    )
    cal, rules = WorkCalendar(), RuleBook()
    request.channel = Channel.IMPORT if channel == Channel.IMPORT else request.channel
    if ticket:
        request.ticket = ticket
    request.status = S.CLOSED
    request.lead_department = department
    request.accepted_at = request.dispatched_at = request.signed_at = request.started_at = submitted_at
    request.sign_due = step_due(request, DeadlineStep.SIGN, submitted_at, cal, rules)
    request.reply_due = step_due(request, DeadlineStep.REPLY, submitted_at, cal, rules)
    request.signed_on_time = True
    request.replied_at, request.replied_on_time = replied_at, replied_at <= request.reply_due
    request.verified_at = request.closed_at = closed_at
    request.result, request.result_reason = result, reason
    if rating:
        request.rating, request.rated_at = rating, closed_at
    refresh_clock(request, cal=cal, rules=rules, now=now())
    request.save()
    RequestEventLog = request.events.model
    RequestEventLog.objects.filter(request=request).update(created_at=submitted_at)
    for action, at, to in ((A.DISPATCH, submitted_at, S.DISPATCHED), (A.REPLY, replied_at, S.REPLIED),
                           (A.CLOSE, closed_at, S.CLOSED)):  # fmt: skip
        row = event(request, action, actor=actor, to_status=to, note=_("Imported from historical records."),
                    department=department if action != A.CLOSE else None)  # fmt: skip
        RequestEventLog.objects.filter(pk=row.pk).update(created_at=at)
    return request


def open_requests_visible(user):
    return visible_to(ServiceRequest.objects.filter(status__in=OPEN_STATUSES), user)


__all__ = [
    "NotVisible",
    "department_covers",
    "request_accept",
    "request_attach",
    "request_close",
    "request_dispatch",
    "request_extension_decide",
    "request_extension_request",
    "request_flag_ethnic",
    "request_import_historical",
    "request_note",
    "request_pause",
    "request_rate",
    "request_rate_callback",
    "request_reject",
    "request_reply",
    "request_resume",
    "request_return",
    "request_send_back",
    "request_sign",
    "request_start",
    "request_submit",
    "request_supervise",
    "request_transfer",
    "request_verify",
    "routing_suggest",
]
