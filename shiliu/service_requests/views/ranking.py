"""The department ranking (部门排名): response, on-time, resolution and satisfaction rates per department for an
area and a period, with their formulas on the page and every figure linking to the requests behind it."""

from __future__ import annotations

import calendar
import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from shiliu.core.scope import scope_of
from shiliu.core.views import BreadcrumbsMixin, SignedInMixin, picker_resolve
from shiliu.orgs.selectors import area_root_for

from .. import selectors
from ..choices import RateKind, RatePart
from .common import is_office, parse_day, percent_text, today

RATE_KEYS = [kind.value for kind in RateKind]


def period_from(get, *, default_year: int) -> dict:
    """The period asked for: a year, a month of a year, or custom dates (both inclusive)."""
    kind = get.get("period") or "year"
    try:
        year = int(get.get("year") or default_year)
    except ValueError:
        year = default_year
    year = min(max(year, 2000), 2100)
    if kind == "month":
        try:
            month = min(max(int(get.get("month") or 1), 1), 12)
        except ValueError:
            month = 1
        start = datetime.date(year, month, 1)
        end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        return {"kind": kind, "year": year, "month": month, "start": start, "end": end}
    if kind == "custom":
        start, end = parse_day(get.get("start")), parse_day(get.get("end"))
        if start and end and start <= end:
            return {"kind": kind, "year": year, "month": None, "start": start, "end": end}
        kind = "year"
    return {"kind": "year", "year": year, "month": None, "start": datetime.date(year, 1, 1),
            "end": datetime.date(year, 12, 31)}  # fmt: skip


def ranking_rows(department_rows) -> list[dict]:
    """Each ranked department as plain dicts, built once: the page shows 121 departments x 4 rates, each with its
    numerator and denominator linked to the requests behind them, so links are the list URL reversed once plus
    the query, and texts are formatted here rather than by per-cell template filters."""
    base = reverse("service_requests:request_list")
    tails = {
        (key, part): "&" + urlencode({"rate": key, "part": part})
        for key in RATE_KEYS
        for part in (RatePart.NUMERATOR.value, RatePart.DENOMINATOR.value)
    }

    def encode(filters) -> str:
        return urlencode({k: v for k, v in filters.items() if v not in (None, "")})

    rows = []
    for r in department_rows:
        # The nine links of a row share the department's filters; only ``rate`` and ``part`` (last) differ.
        head_filters = {k: v for k, v in r.figures[f"{RATE_KEYS[0]}_rate"].breakdown["denominator_filters"].items()
                        if k not in ("rate", "part")}  # fmt: skip
        head = f"{base}?{encode(head_filters)}"

        def link(filters, key, part, head=head, head_filters=head_filters):
            if (
                filters.get("rate") == key
                and filters.get("part") == part
                and len(filters) == len(head_filters) + 2
            ):
                return head + tails[(key, part)]
            return f"{base}?{encode(filters)}"  # not the expected shape: encode it whole

        rates = []
        for key in RATE_KEYS:
            figure = r.figures[f"{key}_rate"]
            breakdown = figure.breakdown
            num_url = link(breakdown["numerator_filters"], key, RatePart.NUMERATOR.value)
            value = figure.value
            rates.append(
                {
                    "key": key,
                    "value": value,
                    "percent": None if value is None else round(value * 100, 1),
                    "text": percent_text(value),
                    "url": num_url,
                    "numerator": r.counts.get(f"{key}_numerator") or 0,
                    "numerator_url": num_url,
                    "denominator": r.counts.get(f"{key}_denominator") or 0,
                    "denominator_url": link(
                        breakdown["denominator_filters"], key, RatePart.DENOMINATOR.value
                    ),
                }
            )
        rows.append(
            {
                "pk": r.department.pk,
                "department": r.department,
                "name": r.department.name,
                "rank": r.rank,
                "requests": r.request_count,
                "requests_url": head,
                "rates": rates,
                "score": "—" if r.score is None else f"{r.score:.1f}",
            }
        )
    return rows


class RankingView(SignedInMixin, BreadcrumbsMixin, TemplateView):
    template_name = "service_requests/ranking.html"

    def get_breadcrumbs(self):
        return [(gettext_lazy("Department ranking"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, get = self.request.user, self.request.GET
        period = period_from(get, default_year=today().year)
        area = picker_resolve(user, get.get("area")) if get.get("area") else None
        area = area or area_root_for(user)
        ranking = None
        if area is not None and not scope_of(user).is_empty:
            ranking = selectors.department_ranking(
                user=user, area=area, start=period["start"], end=period["end"]
            )
        rows = ranking_rows(ranking.rows if ranking else [])
        chart = {
            "departments": [row["name"] for row in rows],
            "series": [
                {"name": str(kind.label), "values": [row["rates"][i]["percent"] for row in rows]}
                for i, kind in enumerate(RateKind)
            ],
            "links": [[row["rates"][i]["url"] for row in rows] for i in range(len(RATE_KEYS))],
        }
        context.update(
            {
                "title": _("Department ranking"),
                "area": area,
                "area_widget": {
                    "name": "area",
                    "value": area.pk if area else "",
                    "label": str(area) if area else "",
                    "placeholder": _("Choose the area"),
                    "attrs": {"id": "ranking-area"},
                },
                "period": period,
                "years": list(range(today().year, today().year - 6, -1)),
                "months": list(range(1, 13)),
                "formulas": list(selectors.FORMULAS.items()),
                "hidden": ranking.hidden if ranking else 0,
                "ranking": ranking,
                "rows": rows,
                "chart": chart,
                "can_configure": is_office(user),
            }
        )
        return context
