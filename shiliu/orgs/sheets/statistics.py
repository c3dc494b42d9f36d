"""The sheet of area statistics (区划统计): aggregates per area and year, written through the service."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import ensure_writable
from shiliu.exchange.engine import (
    Column,
    Report,
    Row,
    Sheet,
    parse_code,
    parse_int,
)
from shiliu.exchange.registry import register

from .. import selectors, services
from ..models import AreaStatistics
from .common import areas_by_code, chunks, out_of_scope_message, sample_change, sorted_queryset

# ---------------------------------------------------------------- area statistics


@dataclass
class StatisticsPlan:
    rows: list[dict] = field(default_factory=list)


STAT_FIELDS = ("households", "population", "minority_population", "ethnic_groups")


@register
class AreaStatisticsSheet(Sheet):
    name = "area_statistics"
    title = "区划统计"
    verbose_name = _l("Area statistics")
    model = AreaStatistics
    list_url_name = "orgs:stats_list"
    sort_keys = ("year", "-year")
    columns = (
        Column(
            "area_code", "区划代码", _l("Division code of the area the figures describe."), required=True,
            format=_l("An existing division code inside your scope."), example="990101001001", parse=parse_code,
        ),
        Column("area_name", "区划名称", _l("Shown in exports only; ignored on import."), importable=False),
        Column("year", "年份", _l("The year of the figures."), required=True, format=_l("A year such as 2024."),
               example="2024", parse=parse_int(minimum=1949, maximum=2100), width=10),
        Column("households", "户数", _l("Number of households."), required=True, format=_l("A whole number."),
               example="1200", parse=parse_int(minimum=0)),
        Column("population", "人口数", _l("Population."), required=True, format=_l("A whole number."),
               example="3600", parse=parse_int(minimum=0), aliases=("人口",)),
        Column(
            "minority_population", "少数民族人口数", _l("Population of ethnic minorities (an aggregate only)."),
            required=True, format=_l("A whole number, not above the population."), example="1500",
            parse=parse_int(minimum=0), aliases=("少数民族人口",), width=20,
        ),
        Column(
            "ethnic_groups", "民族数", _l("Number of ethnic groups present."), required=True,
            format=_l("A whole number from 0 to 56."), example="12", parse=parse_int(minimum=0, maximum=56),
            aliases=("民族成分数",),
        ),
    )  # fmt: skip

    def export_queryset(self, *, user, filters):
        return sorted_queryset(
            selectors.area_statistics_list(user=user, filters=filters), filters, self.sort_keys
        )

    def export_row(self, stats: AreaStatistics) -> list:
        return [stats.area.code, stats.area.name, stats.year, stats.households, stats.population,
                stats.minority_population, stats.ethnic_groups]  # fmt: skip

    def plan(self, *, actor, rows: list[Row], report: Report, progress=None) -> StatisticsPlan:
        header = self.header_of
        areas = areas_by_code(r.values.get("area_code") for r in rows)
        existing: dict[tuple[int, int], AreaStatistics] = {}
        years = {r.values.get("year") for r in rows if r.values.get("year")}
        for part in chunks({a.pk for a in areas.values()}):
            for stats in AreaStatistics.objects.filter(area_id__in=part, year__in=years):
                existing[(stats.area_id, stats.year)] = stats
        plan = StatisticsPlan()
        seen: dict[tuple[str, int], int] = {}
        bad_rows = {e.row for e in report.errors}
        for row in rows:
            v = row.values
            code, year = v.get("area_code"), v.get("year")
            area = areas.get(code) if code else None
            if code and area is None:
                report.add(
                    row.number,
                    header("area_code"),
                    _("No area has the division code {code}.").format(code=code),
                )
                continue
            if code and year:
                if (code, year) in seen:
                    report.add(
                        row.number, header("year"),
                        _("The figures of {code} for {year} appear more than once; first on row {row}.").format(
                            code=code, year=year, row=seen[(code, year)]
                        ),
                    )  # fmt: skip
                    continue
                seen[(code, year)] = row.number
            if row.number in bad_rows or area is None or any(v.get(f) is None for f in STAT_FIELDS):
                continue
            try:
                ensure_writable(actor, AreaStatistics, area_path=area.path)
            except NotVisible:
                report.add(row.number, header("area_code"), out_of_scope_message(actor, code))
                continue
            if v["minority_population"] > v["population"]:
                report.add(
                    row.number, header("minority_population"),
                    _("The minority population cannot exceed the population."),
                )  # fmt: skip
                continue
            values = {f: v[f] for f in STAT_FIELDS}
            current = existing.get((area.pk, year))
            if current is None:
                report.created += 1
            elif all(getattr(current, f) == values[f] for f in STAT_FIELDS):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
                changed = [
                    (f, getattr(current, f), values[f])
                    for f in STAT_FIELDS
                    if getattr(current, f) != values[f]
                ]
                sample_change(report, row, f"{code} {year}", changed, self)
            plan.rows.append({"area": area, "year": year, **values, "_row": row.number})
        return plan

    def apply(self, *, actor, plan: StatisticsPlan) -> None:
        # Area statistics are few (areas x years): each row goes through the same service as the form.
        for item in plan.rows:
            values = {k: v for k, v in item.items() if k != "_row"}
            try:
                services.area_statistics_upsert(actor=actor, **values)
            except ApplicationError as exc:
                raise ApplicationError(
                    _("Row {row}: {message}").format(row=item["_row"], message=exc.message), field=exc.field
                ) from exc
