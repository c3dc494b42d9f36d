"""Pages of creation candidates: the list, creation, the detail page with its timeline, and one POST view per
step (submit, return, recommend, review, site visit, public notice, objections, approval, naming)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from shiliu.core.attachments import attachments_by_owner
from shiliu.core.forms import ConfirmForm
from shiliu.core.scope import CHANGE, get_visible_or_404
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
from ..choices import (
    AssessmentKind,
    CandidateStage,
    ObjectionStatus,
    TargetKind,
)
from ..forms import (
    CandidateForm,
    FinalScoreForm,
    NamingForm,
    ObjectionForm,
    ObjectionResolveForm,
    PublicNoticeForm,
    ReasonOptionalForm,
    ReasonRequiredForm,
    SiteVisitForm,
)
from ..models import Candidate, Objection
from .common import AREA_FILTER, LEVEL_FILTER, candidate_crumbs, may_write, year_choices


def _batch_choices(request):
    return list(selectors.batch_list(user=request.user, filters={}).values_list("pk", "name")[:200])


def _unit_type_choices(request):
    from shiliu.orgs.models import UnitType

    return list(UnitType.objects.order_by("name").values_list("pk", "name"))


class CandidateListView(ScopedListView):
    title = gettext_lazy("Creation candidates")
    pretitle = gettext_lazy("Units and areas applying for a demonstration title")
    selector = staticmethod(selectors.candidate_list)
    columns = (
        Column(lambda c: c.target_name, gettext_lazy("Candidate"), link=True),
        Column("area__name", gettext_lazy("Area")),
        Column("level", gettext_lazy("Level applied for")),
        Column("batch__name", gettext_lazy("Batch")),
        Column("year", gettext_lazy("Year"), sort="year"),
        Column("stage", gettext_lazy("Stage")),
        Column("self_score", gettext_lazy("Self-assessed score"), sort="self_score", css="text-end"),
        Column("final_score", gettext_lazy("Final score"), sort="final_score", css="text-end"),
    )
    filters = (
        AREA_FILTER,
        LEVEL_FILTER,
        ListFilter("batch", gettext_lazy("Batch"), choices=_batch_choices),
        ListFilter("target_kind", gettext_lazy("Type"), choices=TargetKind.choices),
        ListFilter("unit_type", gettext_lazy("Unit type"), choices=_unit_type_choices),
        ListFilter("stage", gettext_lazy("Stage"), choices=CandidateStage.choices),
        ListFilter(
            "year",
            gettext_lazy("Year"),
            choices=lambda request: year_choices(
                selectors.batch_list(user=request.user, filters={}).values_list("year", flat=True)
            ),
        ),
    )
    search_placeholder = gettext_lazy("Name of the unit or area")
    sort_keys = {"created": "id", "year": "year", "self_score": "self_score", "final_score": "final_score"}
    sort_labels = {
        "created": gettext_lazy("Date created"),
        "year": gettext_lazy("Year"),
        "self_score": gettext_lazy("Self-assessed score"),
        "final_score": gettext_lazy("Final score"),
    }
    default_sort = "-created"
    detail_url_name = "creation:candidate_detail"
    create_url_name = "creation:candidate_create"
    create_label = gettext_lazy("New candidate")
    export_sheet = "creation_candidates"
    empty_title = gettext_lazy("No candidates yet")
    empty_message = gettext_lazy(
        "Units and areas in your scope appear here once they open a self-assessment."
    )

    def can_create(self):
        return may_write(self.request.user, Candidate)


class CandidateCreateView(ScopedCreateView):
    form_class = CandidateForm
    title = gettext_lazy("New candidate")
    submit_label = gettext_lazy("Open the self-assessment")
    success_url_name = "creation:candidate_detail"
    cancel_url_name = "creation:candidate_list"
    success_message = gettext_lazy("The candidate has been created; fill in the self-assessment.")
    error_field_map = {"unit": "unit_name"}

    def check_allowed(self):
        require(may_write(self.request.user, Candidate))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["batches"] = selectors.batch_list(user=self.request.user, filters={"open": "1"})
        return kwargs

    def get_initial(self):
        initial = {}
        user = self.request.user
        unit = getattr(user, "unit", None)
        if unit is not None:
            initial.update({"area": unit.area_id, "unit_name": unit.name})
        elif getattr(user, "area_id", None):
            initial["area"] = user.area_id
        if batch := self.request.GET.get("batch"):
            initial["batch"] = batch
        return initial

    def get_breadcrumbs(self):
        return candidate_crumbs(None, (self.title, None))

    def perform(self, form):
        data = form.cleaned_data
        return services.candidate_create(
            actor=self.request.user,
            batch=data["batch"],
            unit=data["unit"],
            area=None if data["unit"] else data["area"],
        )


# ---------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    """One action on a candidate: its form, the service it calls and how the button looks."""

    form: type
    service: str
    title: Any
    submit: Any
    danger: bool = False
    question: Any = ""
    success: Any = gettext_lazy("The step has been recorded.")


STEPS: dict[str, Step] = {
    "submit": Step(
        ConfirmForm, "candidate_submit", gettext_lazy("Submit for review"), gettext_lazy("Submit"),
        question=gettext_lazy("Submit the self-assessment? It is then locked until it is returned for revision."),
        success=gettext_lazy("The self-assessment has been submitted and is now locked."),
    ),
    "return": Step(
        ReasonRequiredForm, "candidate_return", gettext_lazy("Return for revision"), gettext_lazy("Return"),
        danger=True, success=gettext_lazy("The candidate has been returned for revision."),
    ),
    "recommend": Step(
        ReasonOptionalForm, "candidate_recommend", gettext_lazy("Recommend upward"), gettext_lazy("Recommend"),
        success=gettext_lazy("The candidate has been recommended."),
    ),
    "start_review": Step(
        ConfirmForm, "candidate_start_review", gettext_lazy("Start the preliminary review"),
        gettext_lazy("Start review"), question=gettext_lazy("Start the preliminary review of the materials?"),
    ),
    "start_site_assessment": Step(
        ConfirmForm, "candidate_start_site_assessment", gettext_lazy("Start the site assessment"),
        gettext_lazy("Start site assessment"), question=gettext_lazy("Move the candidate to the site assessment?"),
    ),
    "site_visit": Step(
        SiteVisitForm, "site_visit_record", gettext_lazy("Record a site visit"), gettext_lazy("Record"),
        success=gettext_lazy("The site visit has been recorded."),
    ),
    "open_notice": Step(
        PublicNoticeForm, "candidate_open_notice", gettext_lazy("Open the public notice"),
        gettext_lazy("Open public notice"), success=gettext_lazy("The public notice has been opened."),
    ),
    "objection": Step(
        ObjectionForm, "objection_record", gettext_lazy("Record an objection"), gettext_lazy("Record"),
        success=gettext_lazy("The objection has been recorded."),
    ),
    "finalize": Step(
        FinalScoreForm, "review_finalize", gettext_lazy("Set the final score"), gettext_lazy("Set final score"),
        success=gettext_lazy("The final score has been set."),
    ),
    "approve": Step(
        ConfirmForm, "candidate_approve", gettext_lazy("Approve"), gettext_lazy("Approve"),
        question=gettext_lazy("Approve the candidate for naming?"),
        success=gettext_lazy("The candidate has been approved."),
    ),
    "name": Step(
        NamingForm, "candidate_name", gettext_lazy("Name the candidate"), gettext_lazy("Confer the title"),
        success=gettext_lazy("The title has been conferred."),
    ),
    "reject": Step(
        ReasonRequiredForm, "candidate_reject", gettext_lazy("Reject"), gettext_lazy("Reject"), danger=True,
        success=gettext_lazy("The candidate has been rejected."),
    ),
    "withdraw": Step(
        ReasonRequiredForm, "candidate_withdraw", gettext_lazy("Withdraw"), gettext_lazy("Withdraw"), danger=True,
        success=gettext_lazy("The candidacy has been withdrawn."),
    ),
}  # fmt: skip


def offered_steps(user, candidate) -> list[str]:
    """The steps the selector allows this user on this candidate now."""
    return list(selectors.candidate_actions(user=user, candidate=candidate))


class CandidateDetailView(ScopedDetailView):
    template_name = "creation/candidate_detail.html"

    def get_object(self):
        return selectors.candidate_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidate, user = self.object, self.request.user
        actions = offered_steps(user, candidate)
        buttons = [
            {"slug": slug, "url": reverse(f"creation:candidate_{slug}", args=[candidate.pk]),
             "label": STEPS[slug].title, "danger": STEPS[slug].danger}
            for slug in STEPS if slug in actions
        ]  # fmt: skip
        self_assessment = candidate.assessments.filter(kind=AssessmentKind.SELF).first()
        notices = list(candidate.notices.prefetch_related("objections").order_by("start_date", "id"))
        context.update(
            {
                "timeline": selectors.candidate_timeline(candidate=candidate),
                "buttons": buttons,
                "may_review": "review" in actions,
                "self_assessment": self_assessment,
                "review_table": selectors.review_table(user=user, candidate=candidate),
                "site_visits": _with_photos(
                    candidate.site_visits.select_related("recorded_by").order_by("visit_date", "id")
                ),
                "notices": notices,
                "may_resolve": "objection" in actions,
                "open_objection": ObjectionStatus.OPEN,
                "title_record": getattr(candidate, "title", None)
                if candidate.stage == CandidateStage.NAMED
                else None,
            }
        )
        return context


class CandidateStepView(ScopedEditView):
    """One step on a candidate through its own service; refused (404) unless the selector offers it."""

    step: str = ""
    success_url_name = "creation:candidate_detail"

    def get_object(self):
        return selectors.candidate_get(user=self.request.user, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        spec = STEPS[self.step]
        self.spec = spec
        self.form_class = spec.form
        self.title, self.submit_label, self.danger = spec.title, spec.submit, spec.danger
        self.success_message = spec.success
        return super().dispatch(request, *args, **kwargs)

    def check_allowed(self):
        if self.step not in offered_steps(self.request.user, self.object):
            raise Http404

    def get_template_names(self):
        return ["creation/step_form.html"]

    def get_initial(self):
        from django.utils import timezone

        today = timezone.localdate()
        return {"visit_date": today, "start_date": today, "received_on": today, "named_on": today}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.spec.question
        return context

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object, (self.title, None))

    def perform(self, form):
        service = getattr(services, self.spec.service)
        data = dict(form.cleaned_data)
        if self.step == "name":
            data["name"] = data.get("name") or None
        service(actor=self.request.user, candidate=self.object, **data)
        return self.object


def _with_photos(visits) -> list:
    """Site visits, each with ``photos`` (its attachments; the candidate was fetched through scope)."""
    visits = list(visits)
    photos = attachments_by_owner(visits)
    for visit in visits:
        visit.photos = photos[visit.pk]
    return visits


def step_view(slug: str):
    return type(
        f"Candidate{slug.title().replace('_', '')}View", (CandidateStepView,), {"step": slug}
    ).as_view()


class ObjectionResolveView(ScopedEditView):
    queryset = Objection.objects.select_related("notice__candidate")
    form_class = ObjectionResolveForm
    title = gettext_lazy("Resolve the objection")
    submit_label = gettext_lazy("Resolve")
    success_message = gettext_lazy("The objection has been resolved.")

    def get_object(self):
        return get_visible_or_404(self.queryset, self.request.user, CHANGE, pk=self.kwargs["pk"])

    def get_success_url(self, result=None):
        return reverse("creation:candidate_detail", args=[self.object.notice.candidate_id])

    def get_cancel_url(self):
        return self.get_success_url()

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object.notice.candidate, (self.title, None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.object.content
        return context

    def perform(self, form):
        data = form.cleaned_data
        services.objection_resolve(
            actor=self.request.user, objection=self.object, upheld=data["status"] == ObjectionStatus.UPHELD,
            resolution=data["resolution"],
        )  # fmt: skip
        return self.object
