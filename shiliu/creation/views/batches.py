"""Pages of naming batches: list, detail with quota usage and candidates by stage, creation and editing."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shiliu.core.views import (
    Column,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    require,
)

from .. import selectors, services
from ..choices import QUOTA_STAGES, CandidateStage
from ..forms import BatchForm
from .common import AREA_FILTER, LEVEL_FILTER, batch_crumbs, is_office, year_choices


class BatchListView(ScopedListView):
    title = gettext_lazy("Naming batches")
    pretitle = gettext_lazy("Rounds of naming with their quotas and deadlines")
    selector = staticmethod(selectors.batch_list)
    columns = (
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("level", gettext_lazy("Level")),
        Column("year", gettext_lazy("Year"), sort="year"),
        Column("area__name", gettext_lazy("Organised by")),
        Column("quota", gettext_lazy("Quota"), css="text-end"),
        Column("application_deadline", gettext_lazy("Application deadline")),
        Column("is_open", gettext_lazy("Open for applications")),
    )
    filters = (
        AREA_FILTER,
        LEVEL_FILTER,
        ListFilter(
            "year",
            gettext_lazy("Year"),
            choices=lambda request: year_choices(
                selectors.batch_list(user=request.user, filters={}).values_list("year", flat=True)
            ),
        ),
    )
    search_placeholder = gettext_lazy("Name of the batch")
    sort_keys = {"year": "year", "name": "name", "created": "id"}
    sort_labels = {
        "year": gettext_lazy("Year"),
        "name": gettext_lazy("Name"),
        "created": gettext_lazy("Date created"),
    }
    default_sort = "-year"
    detail_url_name = "creation:batch_detail"
    create_url_name = "creation:batch_create"
    create_label = gettext_lazy("New batch")
    empty_title = gettext_lazy("No batches yet")
    empty_message = gettext_lazy("An office opens a batch before units and areas apply.")

    def can_create(self):
        return is_office(self.request.user)


class BatchDetailView(ScopedDetailView):
    template_name = "creation/batch_detail.html"

    def get_object(self):
        return selectors.batch_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return batch_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch, user = self.object, self.request.user
        candidates = selectors.candidate_list(user=user, filters={"batch": batch.pk})
        counts = dict(candidates.order_by().values_list("stage").annotate(n=Count("id")))
        list_url = reverse("creation:candidate_list")
        stages = [
            {"stage": stage, "label": label, "count": counts.get(stage, 0),
             "url": f"{list_url}?{urlencode({'batch': batch.pk, 'stage': stage})}"}
            for stage, label in CandidateStage.choices
        ]  # fmt: skip
        used = sum(counts.get(stage, 0) for stage in QUOTA_STAGES)
        context.update(
            {
                "stages": stages,
                "total": sum(counts.values()),
                "total_url": f"{list_url}?{urlencode({'batch': batch.pk})}",
                "quota_used": used,
                "quota_percent": min(100, round(used * 100 / batch.quota)) if batch.quota else None,
                "can_change": is_office(user) and context["can_change"],
                "can_apply": batch.is_open,
            }
        )
        return context


class BatchCreateView(ScopedCreateView):
    form_class = BatchForm
    title = gettext_lazy("New batch")
    submit_label = gettext_lazy("Create batch")
    success_url_name = "creation:batch_detail"
    cancel_url_name = "creation:batch_list"
    success_message = gettext_lazy("The batch has been created.")

    def check_allowed(self):
        require(is_office(self.request.user))

    def get_initial(self):
        return {"year": timezone.localdate().year, "area": getattr(self.request.user, "area_id", None),
                "is_open": True}  # fmt: skip

    def get_breadcrumbs(self):
        return batch_crumbs(None, (self.title, None))

    def perform(self, form):
        return services.batch_create(actor=self.request.user, **form.cleaned_data)


class BatchEditView(ScopedEditView):
    form_class = BatchForm
    title = gettext_lazy("Edit batch")
    success_url_name = "creation:batch_detail"
    success_message = gettext_lazy("The batch has been saved.")

    def get_object(self):
        return selectors.batch_get(user=self.request.user, pk=self.kwargs["pk"])

    def check_allowed(self):
        require(is_office(self.request.user))

    def get_initial(self):
        b = self.object
        return {f: getattr(b, f) for f in ("name", "level", "year", "area", "quota", "application_deadline",
                                             "review_deadline", "is_open", "note")}  # fmt: skip

    def get_breadcrumbs(self):
        return batch_crumbs(self.object, (self.title, None))

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("area", None)
        return services.batch_update(actor=self.request.user, batch=self.object, **data)
