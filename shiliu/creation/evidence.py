"""Suggested scores computed from platform records, with the records behind them.

An item with a record ``source`` (see ``RecordSource``) measures a value for the candidate's unit or area in the
assessment year by reading the other apps through their selectors only (activities ``activity_list`` /
``publicity_list``, pairing ``pairing_list`` / ``project_list``, honors ``honour_list``, service_requests
``request_figures``), then scores it with the item's rule. ``suggest`` answers one item for one subject with a
``Figure`` whose records are exactly those counted and whose ``url`` opens their list; ``measure_many`` does the
same counting for many subjects at once with one grouped query per source (the background gap-list task).

Survey rates (``survey_rate``): the rate comes from the platform's quizzes first (``quizzes.selectors.quiz_figures``
for the unit's quizzes, or the area subtree's, in the year: the policy-awareness rate of knowledge quizzes, or with
``params = {"rate": "satisfaction"}`` the satisfaction rate of questionnaires), its records the responses behind it.
Without quiz responses, it is the survey result entered as evidence on that item (kind ``survey``, with its sample
size and rate, and the survey report attached). Nothing is estimated: with neither there is no suggestion.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from shiliu.core.figures import Figure

from . import rules
from .choices import EvidenceKind, RecordSource

# Unit types whose unit stands for its village or community in pairings (结对: a unit pairs with a village).
VILLAGE_PARTY_TYPES = frozenset({"community"})


@dataclass
class Suggestion:
    points: Decimal | None  # None: nothing to suggest (see ``basis``)
    value: Decimal | None  # the measured value
    figure: Figure | None  # the records behind the value, with a link to their list
    basis: str  # a sentence saying what was counted, or why nothing was
    available: bool = True  # False when the source cannot be read (app missing) or has no data


def _url(name: str, params: dict) -> str:
    try:
        base = reverse(name)
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return base + (f"?{query}" if query else "")


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _is_village_party(unit, params: dict) -> bool:
    party = params.get("party")
    if party in ("village", "unit"):
        return party == "village"
    return unit.unit_type.code in VILLAGE_PARTY_TYPES


def _subject(candidate=None, unit=None, area=None, year=None):
    if candidate is not None:
        return (
            candidate.unit,
            (candidate.area if candidate.unit_id is None else candidate.unit.area),
            candidate.year,
        )
    if unit is not None:
        return unit, unit.area, year
    return None, area, year


def unavailable(basis: str) -> Suggestion:
    return Suggestion(points=None, value=None, figure=None, basis=basis, available=False)


def measure(
    *, user, source: str, params: dict, unit, area, year: int, assessment=None, indicator=None, cache=None
):
    """``(value, Figure)`` for one subject, or a ``Suggestion`` saying why nothing can be measured."""
    params = params or {}
    start, end = _year_bounds(year)
    if source in (RecordSource.ACTIVITIES, RecordSource.PUBLICITY):
        from shiliu.activities import selectors as act

        filters = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        if unit is not None:
            filters["unit"] = str(unit.pk)
        else:
            filters["area"] = str(area.pk)
        if source == RecordSource.ACTIVITIES:
            if params.get("activity_type"):
                filters["activity_type"] = params["activity_type"]
            records = act.activity_list(user=user, filters=filters)
            label, url = (
                _("Activities held in {year}").format(year=year),
                _url("activities:activity_list", filters),
            )
        else:
            if params.get("kind"):
                filters["kind"] = params["kind"]
            records = act.publicity_list(user=user, filters=filters)
            label, url = (
                _("Publicity items in {year}").format(year=year),
                _url("activities:publicity_list", filters),
            )
        value = records.count()
        return Decimal(value), Figure(source, label, value, records, url)
    if source in (RecordSource.PAIRING_COVERAGE, RecordSource.PAIRING_PROJECTS):
        from shiliu.pairing import selectors as pair

        filters = {"year": str(year)}
        if unit is not None and not _is_village_party(unit, params):
            filters["unit"] = str(unit.pk)
        else:
            filters["area"] = str((area if unit is None else unit.area).pk)
        if source == RecordSource.PAIRING_COVERAGE:
            records = pair.pairing_list(user=user, filters=filters)
            label, url = (
                _("Pairings active in {year}").format(year=year),
                _url("pairing:pairing_list", filters),
            )
        else:
            records = pair.project_list(user=user, filters=filters)
            label, url = (
                _("Pairing projects started in {year}").format(year=year),
                _url("pairing:project_list", filters),
            )
        value = records.count()
        return Decimal(value), Figure(source, label, value, records, url)
    if source == RecordSource.HONOURS:
        from shiliu.honors import selectors as hon

        filters = {"year": str(year), "area": str((area if unit is None else unit.area).pk)}
        records = hon.honour_list(user=user, filters=filters)
        if params.get("levels"):
            records = records.filter(level__in=params["levels"])
        if unit is not None:
            records = records.filter(candidate__unit_id=unit.pk, candidate__kind="collective")
            filters["kind"] = "collective"
        value = records.count()
        label = _("Honours conferred in {year}").format(year=year)
        return Decimal(value), Figure(source, label, value, records, _url("honors:honour_list", filters))
    if source in (RecordSource.REQUEST_CLOSURE, RecordSource.REQUEST_SATISFACTION):
        try:
            from shiliu.service_requests.selectors import request_figures
        except ImportError:
            return unavailable(
                _("Request statistics are not available yet (the requests app has no figures).")
            )
        where = area if unit is None else unit.area
        key = ("request_figures", where.pk, year)
        figures = cache.get(key) if cache is not None else None
        if figures is None:
            figures = request_figures(user=user, area=where, start=start, end=end)
            if cache is not None:
                cache[key] = figures
        key = "on_time_rate" if source == RecordSource.REQUEST_CLOSURE else "satisfaction_rate"
        figure = figures.get(key)
        if figure is None or figure.value is None:
            return unavailable(_("No requests to rate in {year}.").format(year=year))
        # request_figures gives rates in percent; its Figure's records are the numerator's requests.
        return Decimal(str(figure.value)).quantize(Decimal("0.01")), figure
    if source == RecordSource.SURVEY_RATE:
        from .models import Evidence

        quiz = _quiz_rate(user=user, unit=unit, area=area, start=start, end=end, params=params, cache=cache)
        if quiz is not None:
            return quiz
        if assessment is None or indicator is None:
            return unavailable(
                _("No quiz responses in {year}; a survey result can be entered as evidence on the "
                  "self-assessment.").format(year=year)
            )  # fmt: skip
        records = Evidence.objects.filter(
            item_score__assessment__candidate=assessment.candidate,
            item_score__assessment__kind="self",
            item_score__indicator=indicator,
            kind=EvidenceKind.SURVEY,
            rate__isnull=False,
        ).order_by("-id")
        latest = records.first()
        if latest is None:
            return unavailable(
                _("No quiz responses and no survey result yet: run a quiz for it, or add survey evidence "
                  "with its sample size and rate.")
            )  # fmt: skip
        figure = Figure(
            source,
            _("Survey result: {rate}% of {n} respondents").format(rate=latest.rate, n=latest.sample_size),
            latest.rate,
            Evidence.objects.filter(pk=latest.pk),
            latest.get_absolute_url() + f"#item-{latest.item_score.indicator_id}",
        )
        return latest.rate, figure
    return unavailable(_("Unknown record source."))


def _quiz_rate(*, user, unit, area, start, end, params: dict, cache=None):
    """(rate, Figure) from the quizzes taken for the unit (or in the area subtree) in the period; None without
    responses (or without the quizzes app)."""
    try:
        from shiliu.quizzes.selectors import quiz_figures
    except ImportError:
        return None
    key = "satisfaction_rate" if (params or {}).get("rate") == "satisfaction" else "awareness_rate"
    cache_key = (
        "quiz_figures",
        unit.pk if unit is not None else None,
        area.pk if area is not None else None,
        start,
    )
    figures = cache.get(cache_key) if cache is not None else None
    if figures is None:
        if unit is not None:
            figures = quiz_figures(user=user, unit=unit, start=start, end=end)
        else:
            figures = quiz_figures(user=user, area=area, start=start, end=end)
        if cache is not None:
            cache[cache_key] = figures
    figure = figures.get(key)
    if figure is None or figure.value is None:
        return None
    return Decimal(str(figure.value)).quantize(Decimal("0.01")), figure


def suggest(
    *, user, indicator, candidate=None, assessment=None, unit=None, area=None, year=None, cache=None
) -> Suggestion:
    """The suggested points of ``indicator`` for a candidate (or a unit/area and year), with its records."""
    if not indicator.source:
        return unavailable(_("This item is scored by hand."))
    unit, area, year = _subject(candidate, unit, area, year)
    if assessment is None and candidate is not None:
        assessment = candidate.assessments.filter(kind="self").first()
    result = measure(
        user=user, source=indicator.source, params=indicator.source_params, unit=unit, area=area, year=year,
        assessment=assessment, indicator=indicator, cache=cache,
    )  # fmt: skip
    if isinstance(result, Suggestion):
        return result
    value, figure = result
    points = rules.score(indicator.rule_kind, indicator.rule_params, value, indicator.points)
    basis = _("{label}: {value} → {points} of {max} points").format(
        label=figure.label, value=_fmt(value), points=_fmt(points), max=_fmt(indicator.points)
    )
    return Suggestion(points=points, value=value, figure=figure, basis=basis)


def _fmt(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


# ---------------------------------------------------------------- many subjects at once


def _prefix_sums(rows, paths: set[str]) -> dict[str, int]:
    """Counts grouped by area path, summed up to each of ``paths`` (subtree totals) in one pass."""
    lengths = sorted({len(p) for p in paths})
    out: dict[str, int] = defaultdict(int)
    for path, n in rows:
        for length in lengths:
            key = path[:length]
            if key in paths:
                out[key] += n
    return out


def _quiz_rates_many(*, user, params, start, end, units, area_paths: dict, scope_filter: dict) -> dict:
    """The quiz rate of ``_quiz_rate`` for many subjects: one grouped statement by the quiz's unit and one by area
    path (summed up each area's subtree), numerator and denominator apart, then the same percentage."""
    try:
        from shiliu.quizzes import selectors as quiz
    except ImportError:
        return {}
    satisfaction = (params or {}).get("rate") == "satisfaction"
    kind = "questionnaire" if satisfaction else "knowledge"
    qs = quiz.response_list(
        user=user,
        filters={"kind": kind, "date_from": start.isoformat(), "date_to": end.isoformat(), **scope_filter},
    ).order_by()
    if satisfaction:
        num, den = Sum(F("satisfied") + F("basic")), Sum(F("satisfied") + F("basic") + F("dissatisfied"))
    else:
        num, den = Count("pk", filter=Q(passed=True)), Count("pk")
    out = {}
    if units:
        wanted = {unit_id for unit_id, *_rest in units}
        for unit_id, n, d in (
            qs.filter(quiz__unit__isnull=False).values_list("quiz__unit_id").annotate(n=num, d=den)
        ):
            if unit_id in wanted and d:
                out[f"u{unit_id}"] = quiz.percent(n, d)
    if area_paths:
        rows = list(qs.values_list("area_path").annotate(n=num, d=den).values_list("area_path", "n", "d"))
        nums = _prefix_sums(((path, n or 0) for path, n, _d in rows), set(area_paths))
        dens = _prefix_sums(((path, d or 0) for path, _n, d in rows), set(area_paths))
        for path, area_id in area_paths.items():
            if dens.get(path):
                out[f"a{area_id}"] = quiz.percent(nums.get(path, 0), dens[path])
    return out


def measure_many(
    *, user, source: str, params: dict, year: int, units=(), areas=(), within=None
) -> dict[str, Decimal]:
    """Measured values keyed ``u<unit id>`` / ``a<area id>`` for many subjects, one grouped query per source.

    ``units`` are ``(id, area_id, area_path, unit_type_code)`` tuples; ``areas`` are ``(id, path)`` tuples.
    ``within`` (an Area) narrows the grouped queries to its subtree. Subjects with nothing counted get 0, except
    for survey rates: a rate exists only where quiz responses do (subjects without any get no key). Sources that
    cannot be batched (request rates) give nothing, so their items stay unsuggested in snapshots and are computed
    on the gap-list page instead.
    """
    params = params or {}
    start, end = _year_bounds(year)
    out: dict[str, Decimal] = {}
    area_paths = {path: area_id for area_id, path in areas}
    scope_filter = {"area": str(within.pk)} if within is not None else {}

    def unit_counts(qs, unit_field: str, village_field: str | None, path_field: str = "area_path"):
        by_unit = (
            dict(qs.order_by().values_list(unit_field).annotate(n=Count("pk")).values_list(unit_field, "n"))
            if units
            else {}
        )
        by_village = (
            dict(
                qs.order_by()
                .values_list(village_field)
                .annotate(n=Count("pk"))
                .values_list(village_field, "n")
            )
            if units and village_field
            else {}
        )
        for unit_id, area_id, _path, type_code in units:
            village = village_field and (
                params.get("party") == "village"
                or (params.get("party") != "unit" and type_code in VILLAGE_PARTY_TYPES)
            )
            out[f"u{unit_id}"] = Decimal(
                (by_village if village else by_unit).get(area_id if village else unit_id, 0)
            )
        if areas:
            rows = qs.order_by().values_list(path_field).annotate(n=Count("pk")).values_list(path_field, "n")
            sums = _prefix_sums(rows, set(area_paths))
            for path, area_id in area_paths.items():
                out[f"a{area_id}"] = Decimal(sums.get(path, 0))

    if source in (RecordSource.ACTIVITIES, RecordSource.PUBLICITY):
        from shiliu.activities import selectors as act

        filters = {"date_from": start.isoformat(), "date_to": end.isoformat(), **scope_filter}
        if source == RecordSource.ACTIVITIES:
            if params.get("activity_type"):
                filters["activity_type"] = params["activity_type"]
            qs = act.activity_list(user=user, filters=filters)
        else:
            if params.get("kind"):
                filters["kind"] = params["kind"]
            qs = act.publicity_list(user=user, filters=filters)
        unit_counts(qs, "unit_id", None)
        # Units' activities: by their unit only (the village rule concerns pairings).
        return out
    if source == RecordSource.PAIRING_COVERAGE:
        from shiliu.pairing import selectors as pair

        unit_counts(
            pair.pairing_list(user=user, filters={"year": str(year), **scope_filter}), "unit_id", "village_id"
        )
        return out
    if source == RecordSource.PAIRING_PROJECTS:
        from shiliu.pairing import selectors as pair

        unit_counts(
            pair.project_list(user=user, filters={"year": str(year), **scope_filter}),
            "pairing__unit_id",
            "pairing__village_id",
        )
        return out
    if source == RecordSource.SURVEY_RATE:
        out.update(_quiz_rates_many(user=user, params=params, start=start, end=end, units=units,
                                    area_paths=area_paths, scope_filter=scope_filter))  # fmt: skip
        return out
    if source == RecordSource.HONOURS:
        from shiliu.honors import selectors as hon

        qs = hon.honour_list(user=user, filters={"year": str(year), **scope_filter})
        if params.get("levels"):
            qs = qs.filter(level__in=params["levels"])
        if areas:
            unit_counts(qs, "candidate__unit_id", None)
        if units:
            collective = qs.filter(candidate__kind="collective")
            by_unit = dict(
                collective.order_by()
                .values_list("candidate__unit_id")
                .annotate(n=Count("pk"))
                .values_list("candidate__unit_id", "n")
            )
            for unit_id, *_rest in units:
                out[f"u{unit_id}"] = Decimal(by_unit.get(unit_id, 0))
        return out
    return out
