"""Veto events (一票否决事项): entered by an office and linked to the record behind them; once confirmed they
veto that unit's (or area's) assessments of the year and flag its standing titles for review."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable, get_visible_or_404
from shiliu.orgs.models import Area, Unit

from ..choices import (
    TITLE_TRANSITIONS,
    VETO_TRANSITIONS,
    TitleStatus,
    VetoEventStatus,
    VetoKind,
    VetoStatus,
)
from ..models import Title, TitleEvent, VetoEvent
from .common import check_transition, date_value, ensure_office, reason_value, save, text_value


def veto_events_for(*, unit: Unit | None, area: Area | None, year: int | None = None):
    """Veto events that bear on a unit (its own) or an area (anywhere in its subtree), optionally of one year."""
    if unit is not None:
        qs = VetoEvent.objects.filter(unit=unit)
    elif area is not None:
        qs = VetoEvent.objects.filter(area_path__startswith=area.path)
    else:
        return VetoEvent.objects.none()
    if year is not None:
        qs = qs.filter(occurred_on__year=year)
    return qs


def veto_status_for(*, unit: Unit | None, area: Area | None, year: int | None) -> str:
    statuses = set(
        veto_events_for(unit=unit, area=area, year=year)
        .exclude(status=VetoEventStatus.DISMISSED)
        .values_list("status", flat=True)
    )
    if VetoEventStatus.CONFIRMED in statuses:
        return VetoStatus.TRIGGERED
    if VetoEventStatus.ENTERED in statuses:
        return VetoStatus.PENDING
    return VetoStatus.CLEAR


def _record(actor, content_type: str | None, object_id):
    if not content_type:
        return None, None
    try:
        model = apps.get_model(content_type)
    except (LookupError, ValueError):
        raise ApplicationError(_("Choose a known kind of record."), field="content_type") from None
    if not hasattr(model, "scope_path_field"):
        raise ApplicationError(_("Choose a known kind of record."), field="content_type")
    record = get_visible_or_404(model._default_manager.all(), actor, pk=object_id)
    return ContentType.objects.get_for_model(model), record.pk


@transaction.atomic
def veto_event_create(
    *, actor, area: Area | None = None, kind: str, occurred_on, description: str, unit: Unit | None = None,
    content_type: str | None = None, object_id=None,
) -> VetoEvent:  # fmt: skip
    ensure_office(actor)
    if unit is not None:
        area = unit.area
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the area or the unit concerned."), field="area")
    ensure_writable(actor, VetoEvent, area_path=area.path, unit_id=unit.pk if unit else 0)
    if kind not in VetoKind.values:
        raise ApplicationError(_("Choose the veto ground."), field="kind")
    occurred_on = date_value(occurred_on, "occurred_on")
    if occurred_on > timezone.localdate():
        raise ApplicationError(_("The date cannot lie in the future."), field="occurred_on")
    description = text_value(
        description, "description", max_length=10000, required=True, label=_("The description")
    )
    ct, oid = _record(actor, content_type, object_id)
    event = VetoEvent(
        area=area, area_path=area.path, unit=unit, kind=kind, occurred_on=occurred_on, description=description,
        content_type=ct, object_id=oid, entered_by=actor,
    )  # fmt: skip
    return save(actor, event)


def _decide(actor, event: VetoEvent, target: str, reason: str) -> VetoEvent:
    ensure_office(actor)
    ensure_writable(actor, VetoEvent, area_path=event.area_path, unit_id=event.unit_id or 0)
    event = VetoEvent.objects.select_for_update().get(pk=event.pk)
    check_transition(VETO_TRANSITIONS, event.status, target, field="status", label=event.get_status_display())
    event.status = target
    event.decided_by = actor
    event.decided_at = timezone.now()
    event.decision_reason = reason_value(reason, required=True)
    return save(actor, event, ["status", "decided_by", "decided_at", "decision_reason"])


def titles_touched_by(event: VetoEvent):
    """Standing titles a confirmed event flags: the unit's own, or for an area event the titles held by that area
    and by the areas above it (a veto ground in a village weighs on its township's and county's titles)."""
    qs = Title.objects.filter(status__in=[TitleStatus.ACTIVE, TitleStatus.REVERIFIED, TitleStatus.WARNED])
    if event.unit_id:
        return qs.filter(unit_id=event.unit_id)
    ancestors = [event.area_path[:n] for n in range(1, len(event.area_path) + 1)]
    return qs.filter(unit__isnull=True, area__path__in=ancestors)


@transaction.atomic
def veto_event_confirm(*, actor, event: VetoEvent, reason: str) -> VetoEvent:
    event = _decide(actor, event, VetoEventStatus.CONFIRMED, reason)
    message = _("Veto event confirmed: {kind}, {date}").format(
        kind=event.get_kind_display(), date=event.occurred_on.isoformat()
    )
    for title in titles_touched_by(event).select_for_update(of=("self",)):
        title_set_status(actor=actor, title=title, target=TitleStatus.UNDER_REVIEW, reason=message)
    return event


@transaction.atomic
def veto_event_dismiss(*, actor, event: VetoEvent, reason: str) -> VetoEvent:
    return _decide(actor, event, VetoEventStatus.DISMISSED, reason)


def title_set_status(*, actor, title: Title, target: str, reason: str = "") -> Title:
    """The one place a title's status changes (callers check who may act); records a TitleEvent."""
    check_transition(
        TITLE_TRANSITIONS, title.status, target, field="status", label=title.get_status_display()
    )
    source = title.status
    title.status = target
    title.status_changed_at = timezone.now()
    title.status_reason = reason
    save(actor, title, ["status", "status_changed_at", "status_reason"], check_scope=False)
    TitleEvent.objects.create(
        title=title,
        from_status=source,
        to_status=target,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    return title


def ensure_title_office(actor, title: Title) -> None:
    ensure_office(actor)
    ensure_writable(actor, Title, area_path=title.area_path, unit_id=title.unit_id or 0)
