"""Reads of model candidates and honours. Every one takes the user and goes through scope; the figures are
built from the same list selectors, so a figure and the list its link opens count the same records."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from shiliu.core.figures import Figure
from shiliu.core.scope import VIEW, get_visible_or_404, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area
from shiliu.orgs.selectors import area_filter_param

from .choices import CandidateKind, CandidateStage, HonourLevel
from .models import CandidateTransition, Honour, ModelCandidate


def _parse_date(value) -> datetime.date | None | bool:
    """A date from a filter value; None when absent, False when malformed (which then matches nothing)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return False


def _narrow(qs: QuerySet, *, user, filters: Mapping, date_field: str) -> QuerySet:
    """Area subtree, year and period (``start``/``end``, inclusive ISO dates) shared by both lists."""
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        if within is None:
            return qs.none()
        qs = qs.filter(area_path__startswith=within.path)
    if year := filters.get("year"):
        if not str(year).isdigit():
            return qs.none()
        year = int(year)
        qs = qs.filter(**{f"{date_field}__gte": datetime.date(year, 1, 1),
                          f"{date_field}__lt": datetime.date(year + 1, 1, 1)})  # fmt: skip
    for key, lookup in (("start", "gte"), ("end", "lte")):
        value = _parse_date(filters.get(key))
        if value is False:
            return qs.none()
        if value is not None:
            qs = qs.filter(**{f"{date_field}__{lookup}": value})
    return qs


def candidate_list(*, user, filters: Mapping | None = None) -> QuerySet[ModelCandidate]:
    """Candidates in scope by area subtree, kind, stage, honour level, year and period found, and a search."""
    filters = filters or {}
    qs = visible_to(ModelCandidate.objects.select_related("unit", "area"), user)
    qs = _narrow(qs, user=user, filters=filters, date_field="discovered_on")
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind) if kind in CandidateKind.values else qs.none()
    if stage := filters.get("stage"):
        qs = qs.filter(stage=stage) if stage in CandidateStage.values else qs.none()
    if level := filters.get("level"):
        if level not in HonourLevel.values:
            return qs.none()
        qs = qs.filter(Exists(Honour.objects.filter(candidate=OuterRef("pk"), level=level)))
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(name__contains=q) | Q(unit__name__contains=q))
    return qs


def candidate_get(*, user, pk, action: str = VIEW) -> ModelCandidate:
    return get_visible_or_404(ModelCandidate.objects.select_related("unit", "area"), user, action, pk=pk)


def candidate_timeline(*, candidate: ModelCandidate) -> QuerySet[CandidateTransition]:
    """The stage changes of a candidate already fetched through scope, oldest first."""
    return candidate.transitions.select_related("actor").order_by("at", "id")


def honour_list(*, user, filters: Mapping | None = None) -> QuerySet[Honour]:
    """Honours in scope by area subtree, level, kind of candidate, year and period decided, and a search."""
    filters = filters or {}
    qs = visible_to(Honour.objects.select_related("candidate", "candidate__unit", "candidate__area"), user)
    qs = _narrow(qs, user=user, filters=filters, date_field="decision_date")
    if level := filters.get("level"):
        qs = qs.filter(level=level) if level in HonourLevel.values else qs.none()
    if kind := filters.get("kind"):
        qs = qs.filter(candidate__kind=kind) if kind in CandidateKind.values else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(title__contains=q) | Q(candidate__name__contains=q) | Q(deciding_body__contains=q))
    return qs


def candidate_years(*, user) -> list[int]:
    return sorted(
        {d.year for d in visible_to(ModelCandidate.objects.all(), user).dates("discovered_on", "year")},
        reverse=True,
    )


def honour_years(*, user) -> list[int]:
    return sorted(
        {d.year for d in visible_to(Honour.objects.all(), user).dates("decision_date", "year")}, reverse=True
    )


# ---------------------------------------------------------------- figures


def _figure_filters(area, start, end) -> dict:
    filters = {}
    if area is not None:
        filters["area"] = str(area.pk if isinstance(area, Area) else area)
    if start is not None:
        filters["start"] = start.isoformat()
    if end is not None:
        filters["end"] = end.isoformat()
    return filters


def honour_figures(
    *, user, area=None, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[str, Figure]:
    """Candidates by stage (found within the period) and honours by level (decided within the period).

    Each figure's ``records`` is the list selector with the figure's filters, and its ``url`` opens that list
    with the same filters, so the drill-down shows exactly the records counted. Two grouped queries in all.
    """
    base = _figure_filters(area, start, end)
    figures: dict[str, Figure] = {}

    candidates = candidate_list(user=user, filters=base)
    by_stage = dict(candidates.order_by().values_list("stage").annotate(n=Count("id")))
    candidate_url = reverse("honors:candidate_list")
    for stage in CandidateStage:
        filters = base | {"stage": stage.value}
        figures[f"candidates_{stage.value}"] = Figure(
            key=f"candidates_{stage.value}",
            label=_("Candidates: {stage}").format(stage=stage.label),
            value=by_stage.get(stage.value, 0),
            records=candidate_list(user=user, filters=filters),
            url=f"{candidate_url}?{urlencode(filters)}",
        )
    figures["candidates_total"] = Figure(
        key="candidates_total",
        label=_("Candidates"),
        value=sum(by_stage.values()),
        records=candidates,
        url=f"{candidate_url}?{urlencode(base)}" if base else candidate_url,
        breakdown={stage: by_stage.get(stage, 0) for stage in CandidateStage.values},
    )

    honours = honour_list(user=user, filters=base)
    by_level = dict(honours.order_by().values_list("level").annotate(n=Count("id")))
    honour_url = reverse("honors:honour_list")
    for level in HonourLevel:
        filters = base | {"level": level.value}
        figures[f"honours_{level.value}"] = Figure(
            key=f"honours_{level.value}",
            label=_("Honours: {level}").format(level=level.label),
            value=by_level.get(level.value, 0),
            records=honour_list(user=user, filters=filters),
            url=f"{honour_url}?{urlencode(filters)}",
        )
    figures["honours_total"] = Figure(
        key="honours_total",
        label=_("Honours"),
        value=sum(by_level.values()),
        records=honours,
        url=f"{honour_url}?{urlencode(base)}" if base else honour_url,
        breakdown={level: by_level.get(level, 0) for level in HonourLevel.values},
    )
    return figures
