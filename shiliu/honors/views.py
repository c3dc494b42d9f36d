"""Pages for model candidates and honours. Each view declares what to fetch and which service to call."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from shiliu.core.roles import OFFICE_ROLES
from shiliu.core.scope import CHANGE, role_may, scope_of
from shiliu.core.views import (
    Column,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    require,
)

from . import selectors, services
from .choices import STAGE_TRANSITIONS, CandidateKind, CandidateStage, HonourLevel
from .forms import CandidateForm, HonourForm, RejectForm, TransitionForm
from .models import Honour, ModelCandidate


def _can_create(user) -> bool:
    scope = scope_of(user)
    return role_may(user, ModelCandidate, CHANGE) and not scope.is_empty


def _may_decide(user) -> bool:
    scope = scope_of(user)
    return scope.unrestricted or scope.role in OFFICE_ROLES


def _year_choices(years):
    return [(year, year) for year in years]


# ---------------------------------------------------------------- home panel


def home_panel(request):
    """Candidates by stage and honours by level in the user's scope; each figure links to exactly its records."""
    if scope_of(request.user).is_empty:
        return None
    figures = selectors.honour_figures(user=request.user)
    if not figures["candidates_total"].value:
        return None
    return {
        "template": "honors/home_panel.html",
        "stages": [figures[f"candidates_{stage}"] for stage in CandidateStage.values],
        "levels": [figures[f"honours_{level}"] for level in HonourLevel.values],
        "candidates": figures["candidates_total"],
        "honours": figures["honours_total"],
    }


# ---------------------------------------------------------------- lists


class CandidateListView(ScopedListView):
    title = gettext_lazy("Model candidates")
    pretitle = gettext_lazy("Model individuals and collectives: discover, cultivate, recommend, commend")
    selector = staticmethod(selectors.candidate_list)
    columns = (
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        Column("kind", gettext_lazy("Kind")),
        Column("unit__name", gettext_lazy("Unit")),
        Column("area__name", gettext_lazy("Area")),
        Column("stage", gettext_lazy("Stage")),
        Column("discovered_on", gettext_lazy("Discovered on"), sort="discovered"),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("kind", gettext_lazy("Kind"), choices=CandidateKind.choices),
        ListFilter("stage", gettext_lazy("Stage"), choices=CandidateStage.choices),
        ListFilter("level", gettext_lazy("Honour level"), choices=HonourLevel.choices),
        ListFilter(
            "year",
            gettext_lazy("Year discovered"),
            choices=lambda request: _year_choices(selectors.candidate_years(user=request.user)),
        ),
    )
    search_placeholder = gettext_lazy("Name of the candidate or unit")
    sort_keys = {"discovered": "discovered_on", "name": "name", "created": "id"}
    sort_labels = {
        "discovered": gettext_lazy("Discovered on"),
        "name": gettext_lazy("Name"),
        "created": gettext_lazy("Date created"),
    }
    default_sort = "-discovered"
    detail_url_name = "honors:candidate_detail"
    create_url_name = "honors:candidate_create"
    create_label = gettext_lazy("New candidate")
    export_sheet = "model_candidates"
    import_sheet = "model_candidates"
    empty_title = gettext_lazy("No candidates yet")
    empty_message = gettext_lazy("Model individuals and collectives in your scope appear here once recorded.")

    def can_create(self):
        return _can_create(self.request.user)


class HonourListView(ScopedListView):
    title = gettext_lazy("Honours")
    pretitle = gettext_lazy("Honours conferred on model individuals and collectives")
    selector = staticmethod(selectors.honour_list)
    columns = (
        Column("title", gettext_lazy("Title of the honour"), link=True),
        Column("candidate__name", gettext_lazy("Candidate")),
        Column("level", gettext_lazy("Level")),
        Column("deciding_body", gettext_lazy("Deciding body")),
        Column("decision_date", gettext_lazy("Decision date"), sort="date"),
        Column("document_number", gettext_lazy("Document number")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("level", gettext_lazy("Level"), choices=HonourLevel.choices),
        ListFilter("kind", gettext_lazy("Kind"), choices=CandidateKind.choices),
        ListFilter(
            "year",
            gettext_lazy("Year decided"),
            choices=lambda request: _year_choices(selectors.honour_years(user=request.user)),
        ),
    )
    search_placeholder = gettext_lazy("Title, candidate or deciding body")
    sort_keys = {"date": "decision_date", "created": "id"}
    sort_labels = {"date": gettext_lazy("Decision date"), "created": gettext_lazy("Date created")}
    default_sort = "-date"
    export_sheet = "honours"
    import_sheet = "honours"
    empty_title = gettext_lazy("No honours yet")
    empty_message = gettext_lazy("Honours appear here once a candidate in your scope is commended.")

    def detail_url(self, row):
        return reverse("honors:candidate_detail", args=[row.candidate_id])


# ---------------------------------------------------------------- detail


def candidate_crumbs(candidate, *extra):
    return [
        (gettext_lazy("Model candidates"), reverse("honors:candidate_list")),
        (candidate.name, reverse("honors:candidate_detail", args=[candidate.pk]) if extra else None),
        *extra,
    ]


STAGE_ACTIONS = {
    # action slug: (target stage, form, service, title, submit label, danger)
    "cultivate": (
        CandidateStage.CULTIVATING, TransitionForm, services.candidate_cultivate,
        gettext_lazy("Start cultivating"), gettext_lazy("Start cultivating"), False,
    ),
    "recommend": (
        CandidateStage.RECOMMENDED, TransitionForm, services.candidate_recommend,
        gettext_lazy("Recommend"), gettext_lazy("Recommend"), False,
    ),
    "commend": (
        CandidateStage.COMMENDED, HonourForm, services.candidate_commend,
        gettext_lazy("Commend"), gettext_lazy("Record the honour"), False,
    ),
    "reject": (
        CandidateStage.REJECTED, RejectForm, services.candidate_reject,
        gettext_lazy("Do not pursue"), gettext_lazy("Do not pursue"), True,
    ),
}  # fmt: skip


class CandidateDetailView(ScopedDetailView):
    template_name = "honors/candidate_detail.html"

    def get_object(self):
        return selectors.candidate_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidate, user = self.object, self.request.user
        allowed = STAGE_TRANSITIONS[candidate.stage]
        actions = []
        if context["can_change"]:
            for slug, (target, _form, _service, title, _submit, danger) in STAGE_ACTIONS.items():
                if target in allowed and (target == CandidateStage.CULTIVATING or _may_decide(user)):
                    actions.append(
                        {"url": reverse("honors:candidate_stage", args=[candidate.pk, slug]), "label": title,
                         "danger": danger}
                    )  # fmt: skip
        context.update(
            {
                "timeline": selectors.candidate_timeline(candidate=candidate),
                "honours": candidate.honours.order_by("decision_date", "id"),
                "stage_actions": actions,
                "can_add_honour": candidate.stage == CandidateStage.COMMENDED
                and role_may(user, Honour, CHANGE)
                and context["can_change"],
            }
        )
        return context


# ---------------------------------------------------------------- forms


class CandidateCreateView(ScopedCreateView):
    form_class = CandidateForm
    title = gettext_lazy("New candidate")
    submit_label = gettext_lazy("Record candidate")
    success_url_name = "honors:candidate_detail"
    cancel_url_name = "honors:candidate_list"
    success_message = gettext_lazy("The candidate has been recorded.")
    error_field_map = {"unit": "unit_name"}

    def check_allowed(self):
        require(_can_create(self.request.user))

    def get_initial(self):
        from django.utils import timezone

        initial = {"discovered_on": timezone.localdate(), "kind": CandidateKind.INDIVIDUAL}
        unit = getattr(self.request.user, "unit", None)
        if unit is not None:
            initial.update({"area": unit.area_id, "unit_name": unit.name})
        return initial

    def get_breadcrumbs(self):
        return [(gettext_lazy("Model candidates"), reverse("honors:candidate_list")), (self.title, None)]

    def perform(self, form):
        return services.candidate_create(actor=self.request.user, **form.service_data())


class CandidateEditView(ScopedEditView):
    queryset = ModelCandidate.objects.select_related("unit", "area")
    form_class = CandidateForm
    title = gettext_lazy("Edit candidate")
    success_url_name = "honors:candidate_detail"
    success_message = gettext_lazy("The candidate has been saved.")
    error_field_map = {"unit": "unit_name"}

    def get_initial(self):
        c = self.object
        return {"kind": c.kind, "name": c.name, "area": c.area_id, "unit_name": c.unit.name if c.unit else "",
                "deeds": c.deeds, "discovered_on": c.discovered_on}  # fmt: skip

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.candidate_update(
            actor=self.request.user, candidate=self.object, **form.service_data()
        )


class CandidateStageView(ScopedEditView):
    """One stage change (cultivate, recommend, commend, reject) through its own service."""

    queryset = ModelCandidate.objects.select_related("unit", "area")
    success_url_name = "honors:candidate_detail"
    success_message = gettext_lazy("The stage has been changed.")

    def dispatch(self, request, *args, **kwargs):
        try:
            spec = STAGE_ACTIONS[kwargs["action"]]
        except KeyError:
            raise Http404 from None
        self.target, self.form_class, self.service, self.title, self.submit_label, self.danger = spec
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object, (self.title, None))

    def perform(self, form):
        result = self.service(actor=self.request.user, candidate=self.object, **form.cleaned_data)
        return result.candidate if isinstance(result, Honour) else result


class HonourCreateView(ScopedEditView):
    """A further honour for a commended candidate."""

    queryset = ModelCandidate.objects.select_related("unit", "area")
    form_class = HonourForm
    title = gettext_lazy("Add an honour")
    submit_label = gettext_lazy("Record the honour")
    success_url_name = "honors:candidate_detail"
    success_message = gettext_lazy("The honour has been recorded.")

    def check_allowed(self):
        require(role_may(self.request.user, Honour, CHANGE))

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object, (self.title, None))

    def perform(self, form):
        services.honour_add(actor=self.request.user, candidate=self.object, **form.cleaned_data)
        return self.object
