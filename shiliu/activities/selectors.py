"""Reads of activities, publicity and campaigns, and the figures counted from them (counting in one place).

Every figure is computed from the queryset of a list selector with the same filters, and carries that queryset
(``records``) and the URL of the list page showing exactly those rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from shiliu.core.figures import Figure
from shiliu.core.scope import VIEW, get_visible_or_404, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area, UnitType
from shiliu.venues.choices import VenueStatus
from shiliu.venues.selectors import overlapping, parse_date, venue_list, visit_list, within_area

from .choices import PublicityKind
from .models import Activity, ActivityType, Campaign, PublicityItem

NO_UNIT = "none"  # the entry-type filter value of an office's own records (no unit)


def activity_type_list() -> QuerySet[ActivityType]:
    return ActivityType.objects.filter(is_active=True)


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.all()


def campaign_get(value) -> Campaign | None:
    if isinstance(value, Campaign):
        return value
    if value in (None, "") or not str(value).isdigit():
        return None
    return Campaign.objects.filter(pk=int(value)).first()


def _common(qs: QuerySet, *, user, filters: Mapping) -> QuerySet:
    """Filters shared by activities and publicity: area, unit, entry type, period and campaign."""
    qs = within_area(qs, user=user, value=filters.get("area"))
    if unit := filters.get("unit"):
        qs = qs.filter(unit_id=unit) if str(unit).isdigit() else qs.none()
    qs = overlapping(
        qs,
        start=filters.get("date_from"),
        end=filters.get("date_to"),
        start_field="start_date",
        end_field="end_date",
    )
    if filters.get("campaign"):
        campaign = campaign_get(filters.get("campaign"))
        if campaign is None:
            return qs.none()
        qs = overlapping(
            qs,
            start=campaign.start_date,
            end=campaign.end_date,
            start_field="start_date",
            end_field="end_date",
        )
    return qs


def activity_get(*, user, pk, action: str = VIEW) -> Activity:
    return get_visible_or_404(
        Activity.objects.select_related("activity_type", "area", "unit", "entry_type", "venue"),
        user,
        action,
        pk=pk,
    )


def activity_list(*, user, filters: Mapping | None = None) -> QuerySet[Activity]:
    """Activities visible to ``user`` by area, type, unit, entry type, venue, period, campaign and search."""
    filters = filters or {}
    qs = visible_to(Activity.objects.select_related("activity_type", "area", "unit", "entry_type"), user)
    qs = _common(qs, user=user, filters=filters)
    if activity_type := filters.get("activity_type"):
        qs = qs.filter(activity_type__code=activity_type)
    if entry_type := filters.get("entry_type"):
        qs = qs.filter(unit__isnull=True) if entry_type == NO_UNIT else qs.filter(entry_type__code=entry_type)
    if venue := filters.get("venue"):
        qs = qs.filter(venue_id=venue) if str(venue).isdigit() else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(title__contains=q) | Q(organisers__contains=q))
    return qs


def publicity_get(*, user, pk, action: str = VIEW) -> PublicityItem:
    return get_visible_or_404(PublicityItem.objects.select_related("area", "unit"), user, action, pk=pk)


def publicity_list(*, user, filters: Mapping | None = None) -> QuerySet[PublicityItem]:
    filters = filters or {}
    qs = visible_to(PublicityItem.objects.select_related("area", "unit"), user)
    qs = _common(qs, user=user, filters=filters)
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(title__contains=q) | Q(outlet__contains=q))
    return qs


# ---------------------------------------------------------------- figures


def _url(name: str, params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else (value or "")


def activity_figures(
    *, user, area: Area | int | None = None, start=None, end=None, campaign: Campaign | int | None = None
) -> dict[str, Figure]:
    """Counts of activities, publicity and venues in the user's scope, each with its records and list URL.

    ``area`` narrows to a subtree (outside the scope it gives zeros); ``start``/``end`` and ``campaign`` keep
    the records whose period overlaps them. One aggregate query per figure or breakdown.
    """
    area_id = getattr(area, "pk", area)
    start = parse_date(start) if start else None
    end = parse_date(end) if end else None
    campaign_obj = campaign_get(campaign) if campaign not in (None, "") else None
    params = {"area": area_id, "date_from": _iso(start), "date_to": _iso(end)}
    if campaign not in (None, ""):
        params["campaign"] = getattr(campaign, "pk", campaign)
    figures: dict[str, Figure] = {}

    # Activities: one grouped pass gives the total, the participants and both breakdowns.
    activities = activity_list(user=user, filters=params)
    activity_url = "activities:activity_list"
    groups = list(
        activities.order_by()
        .values("activity_type_id", "entry_type_id")
        .annotate(n=Count("id"), people=Sum("participants"))
    )
    total = sum(g["n"] for g in groups)
    figures["activities"] = Figure(
        "activities", _("Activities"), total, activities, _url(activity_url, params)
    )
    figures["participants"] = Figure(
        "participants",
        _("Participants"),
        sum(g["people"] or 0 for g in groups),
        activities,
        _url(activity_url, params),
    )
    type_ids = {g["activity_type_id"] for g in groups}
    entry_ids = {g["entry_type_id"] for g in groups if g["entry_type_id"] is not None}
    types = ActivityType.objects.in_bulk(type_ids) if type_ids else {}
    entries = UnitType.objects.in_bulk(entry_ids) if entry_ids else {}
    by_type_n: dict[int, int] = {}
    by_entry_n: dict[int | None, int] = {}
    for g in groups:
        by_type_n[g["activity_type_id"]] = by_type_n.get(g["activity_type_id"], 0) + g["n"]
        by_entry_n[g["entry_type_id"]] = by_entry_n.get(g["entry_type_id"], 0) + g["n"]
    by_type = Figure(
        "activities_by_type", _("Activities by type"), total, activities, _url(activity_url, params)
    )
    for type_id in sorted(by_type_n, key=lambda i: (types[i].order, types[i].code)):
        code = types[type_id].code
        by_type.breakdown[code] = Figure(
            f"activities_by_type.{code}",
            types[type_id].name,
            by_type_n[type_id],
            lambda code=code: activities.filter(activity_type__code=code),
            _url(activity_url, params | {"activity_type": code}),
        )
    figures["activities_by_type"] = by_type
    by_entry = Figure(
        "activities_by_entry_type",
        _("Activities by entry type"),
        total,
        activities,
        _url(activity_url, params),
    )
    for entry_id in sorted(by_entry_n, key=lambda i: (i is not None, entries[i].order if i else 0, i or 0)):
        entry = entries.get(entry_id)
        key = entry.code if entry else NO_UNIT
        by_entry.breakdown[key] = Figure(
            f"activities_by_entry_type.{key}",
            entry.name if entry else _("Area offices"),
            by_entry_n[entry_id],
            (lambda key=key: activities.filter(entry_type__code=key))
            if entry
            else (lambda: activities.filter(unit__isnull=True)),
            _url(activity_url, params | {"entry_type": key}),
        )
    figures["activities_by_entry_type"] = by_entry

    # Publicity
    publicity = publicity_list(user=user, filters=params)
    publicity_url = "activities:publicity_list"
    ptotals = publicity.aggregate(n=Count("id"), reach=Sum("reach"))
    figures["publicity"] = Figure(
        "publicity", _("Publicity items"), ptotals["n"], publicity, _url(publicity_url, params)
    )
    figures["publicity_reach"] = Figure(
        "publicity_reach", _("Publicity reach"), ptotals["reach"] or 0, publicity, _url(publicity_url, params)
    )
    by_kind = Figure(
        "publicity_by_kind", _("Publicity by kind"), ptotals["n"], publicity, _url(publicity_url, params)
    )
    labels = dict(PublicityKind.choices)
    for row in publicity.values("kind").annotate(n=Count("id")).order_by("kind"):
        kind = row["kind"]
        by_kind.breakdown[kind] = Figure(
            f"publicity_by_kind.{kind}",
            str(labels.get(kind, kind)),
            row["n"],
            publicity.filter(kind=kind),
            _url(publicity_url, params | {"kind": kind}),
        )
    figures["publicity_by_kind"] = by_kind

    # Venues (a standing count) and their visitors over the period; a campaign is its dates for visitors.
    venue_params = {"area": area_id, "status": VenueStatus.ACTIVE}
    venues = venue_list(user=user, filters=venue_params)
    figures["venues"] = Figure(
        "venues", _("Venues"), venues.count(), venues, _url("venues:venue_list", venue_params)
    )
    visit_params = {"area": area_id, "date_from": _iso(start), "date_to": _iso(end)}
    if campaign_obj is not None:
        visit_params |= {
            "date_from": max(filter(None, [start, campaign_obj.start_date])).isoformat(),
            "date_to": min(filter(None, [end, campaign_obj.end_date])).isoformat(),
        }
    elif campaign not in (None, ""):
        visit_params["venue"] = "none"  # an unknown campaign: nothing, like the other lists
    visits = visit_list(user=user, filters=visit_params)
    figures["venue_visitors"] = Figure(
        "venue_visitors",
        _("Venue visitors"),
        visits.aggregate(n=Sum("visitors"))["n"] or 0,
        visits,
        _url("venues:visit_list", visit_params),
    )
    return figures
