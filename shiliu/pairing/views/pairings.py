"""Pages of pairings and the home panel."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.scope import CHANGE, path_in_scope, role_may, scope_of
from shiliu.core.views import (
    Column,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    require,
)

from .. import selectors, services
from ..choices import PairingState
from ..forms import (
    PairingForm,
)
from ..models import (
    Pairing,
    PairingAssessment,
)
from .common import (
    AREA,
    UNIT,
    PeriodListView,
    _pairing_years,
    _shown,
    can_create_pairing,
    can_record,
    pairing_crumbs,
)

# ---------------------------------------------------------------- pairings


class PairingListView(PeriodListView):
    period_help = gettext_lazy("Pairings active at some time within the period.")
    title = gettext_lazy("Pairings")
    pretitle = gettext_lazy("Pairing assistance (结对帮扶)")
    selector = staticmethod(selectors.pairing_list)
    columns = (
        Column("unit__name", gettext_lazy("Unit"), link=True),
        Column("village__name", gettext_lazy("Village or community"), link=True),
        Column("start", gettext_lazy("Start date"), sort="start"),
        Column("end", gettext_lazy("End date"), sort="end"),
    )
    filters = (
        AREA,
        UNIT,
        ListFilter("state", gettext_lazy("Status"), choices=PairingState.choices),
        ListFilter("year", gettext_lazy("Active in year"), choices=_pairing_years),
    )
    search_placeholder = gettext_lazy("Unit or village name")
    sort_keys = {"start": "start", "end": "end", "created": "id"}
    sort_labels = {
        "start": gettext_lazy("Start date"),
        "end": gettext_lazy("End date"),
        "created": gettext_lazy("Date created"),
    }
    default_sort = "-start"
    detail_url_name = "pairing:pairing_detail"
    create_url_name = "pairing:pairing_create"
    create_label = gettext_lazy("New pairing")
    export_sheet = "pairings"
    import_sheet = "pairings"
    empty_title = gettext_lazy("No pairings yet")
    empty_message = gettext_lazy("Pairings in your scope appear here once they are created or imported.")

    def can_create(self):
        return can_create_pairing(self.request.user)


class PairingDetailView(ScopedDetailView):
    template_name = "pairing/pairing_detail.html"

    def get_object(self):
        return selectors.pairing_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return pairing_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, pairing = self.request.user, self.object
        only = {"pairing": pairing.pk}
        sections = []
        for key, title, selector, create, fields in (
            ("visits", _("Visits"), selectors.visit_list, "pairing:visit_create",
             ("visited_on", "people", "activities")),
            ("funds", _("Funds"), selectors.fund_list, "pairing:fund_create", ("paid_on", "amount", "source")),
            ("projects", _("Projects"), selectors.project_list, "pairing:project_create",
             ("name", "amount", "status")),
            ("outcomes", _("Outcomes"), selectors.outcome_list, "pairing:outcome_create",
             ("reported_on", "jobs_arranged", "problems_solved")),
        ):  # fmt: skip
            records = selector(user=user, filters=only)
            model = records.model
            sections.append(
                {
                    "key": key,
                    "title": title,
                    "count": records.count(),
                    "list_url": f"{reverse(f'pairing:{key[:-1]}_list')}?pairing={pairing.pk}",
                    "create_url": reverse(create, args=[pairing.pk])
                    if can_record(user, pairing, model)
                    else None,
                    "headers": [model._meta.get_field(f).verbose_name for f in fields],
                    "rows": [
                        {
                            "url": reverse(f"pairing:{key[:-1]}_detail", args=[r.pk]),
                            "cells": [_shown(r, f) for f in fields],
                        }
                        for r in records.order_by("-id")[:10]
                    ],
                }
            )
        assessments = selectors.assessment_list(user=user, filters=only).order_by("-year")
        context.update(
            {
                "sections": sections,
                "assessments": assessments,
                "can_assess": role_may(user, PairingAssessment, CHANGE)
                and path_in_scope(user, pairing.area_path, pairing.unit_id),
                "assess_years": list(range(pairing.end.year, pairing.start.year - 1, -1)),
            }
        )
        return context


class PairingCreateView(ScopedCreateView):
    error_field_map = {"unit": "unit_name"}
    form_class = PairingForm
    title = gettext_lazy("New pairing")
    submit_label = gettext_lazy("Create pairing")
    success_url_name = "pairing:pairing_detail"
    cancel_url_name = "pairing:pairing_list"
    success_message = gettext_lazy("The pairing has been created.")

    def check_allowed(self):
        require(can_create_pairing(self.request.user))

    def get_breadcrumbs(self):
        return [(gettext_lazy("Pairings"), reverse("pairing:pairing_list")), (self.title, None)]

    def perform(self, form):
        return services.pairing_create(actor=self.request.user, **form.service_data())


class PairingEditView(ScopedEditView):
    error_field_map = {"unit": "unit_name"}
    queryset = Pairing.objects.select_related("unit", "unit__area", "village")
    form_class = PairingForm
    title = gettext_lazy("Edit pairing")
    success_url_name = "pairing:pairing_detail"
    success_message = gettext_lazy("The pairing has been saved.")

    def get_initial(self):
        p = self.object
        return {
            "unit_name": p.unit.name,
            "village": p.village_id,
            "start": p.start,
            "end": p.end,
            "goals": p.goals,
        }

    def get_breadcrumbs(self):
        return pairing_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.pairing_update(actor=self.request.user, pairing=self.object, **form.service_data())


# ---------------------------------------------------------------- home panel


def home_panel(request):
    """This year's pairing figures of the user's scope; each links to the list of exactly its records."""
    if scope_of(request.user).is_empty:
        return None
    today = timezone.localdate()
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    figures = selectors.pairing_figures(user=request.user, start=start, end=end)
    if not figures["pairings_active"].value:
        return None
    keys = (
        "pairings_active",
        "visits",
        "funds",
        "projects",
        "beneficiaries",
        "jobs_arranged",
        "problems_solved",
    )
    return {
        "template": "pairing/home_panel.html",
        "year": today.year,
        "figures": [figures[k] for k in keys],
        "projects_by_status": list(figures["projects"].breakdown.values()),
        "grades": list(figures["assessments"].breakdown.values()),
    }
