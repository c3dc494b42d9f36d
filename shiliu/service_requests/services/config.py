"""The office's configuration: categories, deadline rules, routing rules, calendar corrections, ranking
settings, Open311 clients. Global configuration (categories, deadline rules, the calendar) is written by offices;
routing rules and ranking settings are scoped to the office's area."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.scope import ensure_writable, reread_or_rollback
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area

from ..choices import DeadlineStep, DeadlineUnit, Priority
from ..models import (
    CalendarOverride,
    DeadlineRule,
    Open311Client,
    RankingSettings,
    RequestCategory,
    RoutingRule,
)
from .common import is_office, text
from .requests import _department


def _office(actor) -> None:
    if not is_office(actor) or not getattr(actor, "is_active", False):
        raise ApplicationError(_("Only the area office can do this."), code="forbidden")


def _history_save(actor, obj, fields=None):
    obj._history_user = actor
    obj.save(update_fields=[*fields, "updated_at"] if fields is not None else None)
    return obj


# ---------------------------------------------------------------- categories


def _category_clean(*, code, name, parent, description, sort, category=None) -> dict:
    code = normalize_text(code).lower()
    if not code or not all(c.isalnum() or c in "-_" for c in code) or len(code) > 40:
        raise ApplicationError(_("Enter a code of letters, digits, - and _."), field="code")
    clash = RequestCategory.objects.filter(code=code)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ApplicationError(_("Another category has this code."), field="code")
    node = parent
    while node is not None:
        if category is not None and node.pk == category.pk:
            raise ApplicationError(_("A category cannot be placed under itself."), field="parent")
        node = node.parent
    try:
        sort = int(sort)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a whole number."), field="sort") from None
    return {
        "code": code,
        "name": text(name, "name", label=_("Name"), required=True, max_length=60),
        "parent": parent,
        "description": text(
            description, "description", label=_("Description"), required=False, max_length=300
        ),
        "sort": max(0, min(sort, 32767)),
    }


@transaction.atomic
def category_create(
    *, actor, code, name, parent=None, description="", sort=100, is_active=True
) -> RequestCategory:
    _office(actor)
    cleaned = _category_clean(code=code, name=name, parent=parent, description=description, sort=sort)
    return _history_save(actor, RequestCategory(is_active=bool(is_active), **cleaned))


@transaction.atomic
def category_update(*, actor, category: RequestCategory, code, name, parent=None, description="", sort=100,
                    is_active=True) -> RequestCategory:  # fmt: skip
    _office(actor)
    cleaned = _category_clean(code=code, name=name, parent=parent, description=description, sort=sort,
                              category=category)  # fmt: skip
    cleaned["is_active"] = bool(is_active)
    for key, value in cleaned.items():
        setattr(category, key, value)
    return _history_save(actor, category, list(cleaned))


# ---------------------------------------------------------------- deadline rules


def _rule_clean(*, category, priority, step, amount, unit, remind_before_hours, rule=None) -> dict:
    if priority not in ("", *Priority.values):
        raise ApplicationError(_("Choose a priority."), field="priority")
    if step not in DeadlineStep.values:
        raise ApplicationError(_("Choose a step."), field="step")
    if unit not in DeadlineUnit.values:
        raise ApplicationError(_("Choose a unit."), field="unit")
    try:
        amount, remind = int(amount), int(remind_before_hours)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a whole number."), field="amount") from None
    if amount < (1 if unit == DeadlineUnit.WORKING_HOURS else 0) or amount > 365:
        raise ApplicationError(
            _("Enter a limit between 1 and 365 (0 days means the same day)."), field="amount"
        )
    if not 0 <= remind <= 200:
        raise ApplicationError(_("Enter a number of hours between 0 and 200."), field="remind_before_hours")
    clash = DeadlineRule.objects.filter(category=category, priority=priority, step=step)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise ApplicationError(_("A rule for this category, priority and step already exists."), field="step")
    return {"category": category, "priority": priority, "step": step, "amount": amount, "unit": unit,
            "remind_before_hours": remind}  # fmt: skip


@transaction.atomic
def deadline_rule_create(*, actor, category, priority, step, amount, unit, remind_before_hours=1,
                         is_active=True) -> DeadlineRule:  # fmt: skip
    _office(actor)
    cleaned = _rule_clean(category=category, priority=priority, step=step, amount=amount, unit=unit,
                          remind_before_hours=remind_before_hours)  # fmt: skip
    return _history_save(actor, DeadlineRule(is_active=bool(is_active), **cleaned))


@transaction.atomic
def deadline_rule_update(*, actor, rule: DeadlineRule, category, priority, step, amount, unit,
                         remind_before_hours=1, is_active=True) -> DeadlineRule:  # fmt: skip
    """Changes apply to deadlines computed from now on; running deadlines keep theirs."""
    _office(actor)
    cleaned = _rule_clean(category=category, priority=priority, step=step, amount=amount, unit=unit,
                          remind_before_hours=remind_before_hours, rule=rule)  # fmt: skip
    cleaned["is_active"] = bool(is_active)
    for key, value in cleaned.items():
        setattr(rule, key, value)
    return _history_save(actor, rule, list(cleaned))


@transaction.atomic
def deadline_rule_delete(*, actor, rule: DeadlineRule) -> None:
    _office(actor)
    if rule.category_id is None and rule.priority == "":
        raise ApplicationError(
            _("The default rule of a step cannot be deleted; change it instead."), field="step"
        )
    rule._history_user = actor
    rule.delete()


# ---------------------------------------------------------------- routing rules


@transaction.atomic
def routing_rule_create(*, actor, category, area: Area, department, is_active=True) -> RoutingRule:
    _office(actor)
    ensure_writable(actor, RoutingRule, area_path=area.path)
    _routing_check(category, area, department)
    if RoutingRule.objects.filter(category=category, area=area).exists():
        raise ApplicationError(
            _("A routing rule for this category and area already exists."), field="category"
        )
    rule = RoutingRule(category=category, area=area, area_path=area.path, department=department,
                       is_active=bool(is_active))  # fmt: skip
    _history_save(actor, rule)
    reread_or_rollback(actor, rule)
    return rule


def _routing_check(category, area, department) -> None:
    if not isinstance(category, RequestCategory):
        raise ApplicationError(_("Choose a category."), field="category")
    if not isinstance(area, Area):
        raise ApplicationError(_("Choose the area."), field="area")

    class _Probe:  # the department must cover the rule's area, like a dispatch must cover the request's
        area_path = area.path

    _department(department, _Probe, "department")


@transaction.atomic
def routing_rule_update(
    *, actor, rule: RoutingRule, category, area: Area, department, is_active=True
) -> RoutingRule:
    _office(actor)
    ensure_writable(actor, RoutingRule, area_path=rule.area_path)
    ensure_writable(actor, RoutingRule, area_path=area.path)
    _routing_check(category, area, department)
    if RoutingRule.objects.filter(category=category, area=area).exclude(pk=rule.pk).exists():
        raise ApplicationError(
            _("A routing rule for this category and area already exists."), field="category"
        )
    rule.category, rule.area, rule.area_path, rule.department = category, area, area.path, department
    rule.is_active = bool(is_active)
    _history_save(actor, rule, ["category", "area", "area_path", "department", "is_active"])
    reread_or_rollback(actor, rule)
    return rule


@transaction.atomic
def routing_rule_delete(*, actor, rule: RoutingRule) -> None:
    _office(actor)
    ensure_writable(actor, RoutingRule, area_path=rule.area_path)
    rule._history_user = actor
    rule.delete()


# ---------------------------------------------------------------- calendar corrections


@transaction.atomic
def calendar_override_set(*, actor, date, is_workday: bool, note="") -> CalendarOverride:
    """Correct the official calendar for one date (deadlines computed from now on use it)."""
    _office(actor)
    if not isinstance(date, datetime.date):
        raise ApplicationError(_("Enter a date."), field="date")
    note = text(note, "note", label=_("Note"), required=False, max_length=120)
    override = CalendarOverride.objects.filter(date=date).first() or CalendarOverride(date=date)
    override.is_workday, override.note, override.set_by = bool(is_workday), note, actor
    return _history_save(actor, override)


@transaction.atomic
def calendar_override_delete(*, actor, override: CalendarOverride) -> None:
    _office(actor)
    override._history_user = actor
    override.delete()


# ---------------------------------------------------------------- ranking settings


@transaction.atomic
def ranking_settings_update(*, actor, area: Area, min_requests, weight_response=None, weight_on_time=None,
                            weight_resolution=None, weight_satisfaction=None) -> RankingSettings:  # fmt: skip
    _office(actor)
    ensure_writable(actor, RankingSettings, area_path=area.path)
    settings_row = RankingSettings.objects.filter(area=area).first() or RankingSettings(
        area=area, area_path=area.path
    )
    try:
        settings_row.min_requests = int(min_requests)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a whole number."), field="min_requests") from None
    if not 0 <= settings_row.min_requests <= 100000:
        raise ApplicationError(_("Enter a number between 0 and 100,000."), field="min_requests")
    for field, value in (("weight_response", weight_response), ("weight_on_time", weight_on_time),
                         ("weight_resolution", weight_resolution), ("weight_satisfaction", weight_satisfaction)):  # fmt: skip
        if value is None:
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ApplicationError(_("Enter a whole number."), field=field) from None
        if not 0 <= value <= 100:
            raise ApplicationError(_("Enter a weight between 0 and 100."), field=field)
        setattr(settings_row, field, value)
    _history_save(actor, settings_row)
    reread_or_rollback(actor, settings_row)
    return settings_row


# ---------------------------------------------------------------- Open311 clients


@transaction.atomic
def open311_client_create(*, actor, name, area: Area, rate_limit_per_hour=100) -> tuple[Open311Client, str]:
    """A new Open311 client; the raw key is returned once and only its digest is stored."""
    _office(actor)
    ensure_writable(actor, RoutingRule, area_path=area.path)
    name = text(name, "name", label=_("Name"), required=True, max_length=100)
    raw = "o311_" + secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name, prefix=raw[:12], digest=Open311Client.hash(raw), area=area, created_by=actor,
        rate_limit_per_hour=max(1, int(rate_limit_per_hour)),
    )  # fmt: skip
    return client, raw


@transaction.atomic
def open311_client_deactivate(*, actor, client: Open311Client) -> Open311Client:
    _office(actor)
    ensure_writable(actor, RoutingRule, area_path=client.area.path)
    client.is_active = False
    client.save(update_fields=["is_active"])
    return client
