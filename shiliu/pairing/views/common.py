"""Helpers shared by the pairing pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from shiliu.core.scope import CHANGE, path_in_scope, role_may, scope_of, visible_to
from shiliu.core.views import (
    Column,
    ListFilter,
    ScopedListView,
)
from shiliu.orgs.models import Unit

from .. import selectors
from ..models import (
    Pairing,
    PairingVisit,
)

# ---------------------------------------------------------------- helpers


def can_create_pairing(user) -> bool:
    scope = scope_of(user)
    return role_may(user, Pairing, CHANGE) and not scope.is_empty and scope.unit_id is None


def can_record(user, pairing: Pairing, model=PairingVisit) -> bool:
    """Whether ``user`` may add records of ``model`` under ``pairing`` (office in scope, or its unit's liaison)."""
    return role_may(user, model, CHANGE) and path_in_scope(user, pairing.area_path, pairing.unit_id)


def _unit_choices(request):
    units = visible_to(Unit.objects.filter(pairings__isnull=False).distinct().order_by("name"), request.user)
    return [(u.pk, u.name) for u in units.only("pk", "name")[:500]]


def _years(selector, field):
    def choices(request):
        return selectors.year_choices(selector(user=request.user, filters={}), field)

    return choices


def _pairing_years(request):
    qs = selectors.pairing_list(user=request.user, filters={}).order_by()
    bounds = [y for pair in qs.values_list("start__year", "end__year").distinct() for y in pair]
    if not bounds:
        return []
    return [(y, y) for y in range(max(bounds), min(bounds) - 1, -1)]


AREA = ListFilter("area", gettext_lazy("Within area"), kind="area")
UNIT = ListFilter("unit", gettext_lazy("Unit"), choices=_unit_choices)
PAIRING_COLUMNS = (
    Column("pairing__unit__name", gettext_lazy("Unit")),
    Column("pairing__village__name", gettext_lazy("Village or community")),
)


def pairing_crumbs(pairing, *extra):
    return [
        (gettext_lazy("Pairings"), reverse("pairing:pairing_list")),
        (str(pairing), reverse("pairing:pairing_detail", args=[pairing.pk]) if extra else None),
        *extra,
    ]


class PeriodListView(ScopedListView):
    """A list with a period form (``start``/``end``) above the standard filters; figures link here with both."""

    template_name = "pairing/list.html"
    period_help = gettext_lazy("Records dated within the period.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        context["period"] = {
            "start": get.get("start", ""),
            "end": get.get("end", ""),
            "help": self.period_help,
            "keep": [(k, v) for k, v in get.items() if k not in ("start", "end", "cursor")],
        }
        return context


def _shown(obj, field):
    display = getattr(obj, f"get_{field}_display", None)
    return display() if display else getattr(obj, field)


class RecordListView(PeriodListView):
    def get_breadcrumbs(self):
        return [(self.title, None)]
