"""Pages of pairing assistance. Each view declares what to fetch and which service to call."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.attachment_views import attachment_panel
from shiliu.core.forms import ReasonForm
from shiliu.core.scope import CHANGE, path_in_scope, role_may, scope_of, visible_to
from shiliu.core.views import (
    Column,
    ConfirmActionView,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    require,
)
from shiliu.orgs.models import Unit

from . import selectors, services
from .choices import PROJECT_TRANSITIONS, AssessmentStatus, FundSource, Grade, PairingState, ProjectStatus
from .forms import (
    AssessmentForm,
    FundForm,
    OutcomeForm,
    PairingForm,
    ProjectCompleteForm,
    ProjectForm,
    RulebookForm,
    VisitForm,
    format_items,
)
from .models import (
    AssessmentRulebook,
    Pairing,
    PairingAssessment,
    PairingFund,
    PairingOutcome,
    PairingProject,
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


# ---------------------------------------------------------------- pairings


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

    def get_breadcrumbs(self):
        return [(self.title, None)]


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


def _shown(obj, field):
    display = getattr(obj, f"get_{field}_display", None)
    return display() if display else getattr(obj, field)


class PairingCreateView(ScopedCreateView):
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
        return services.pairing_create(actor=self.request.user, **form.cleaned_data)


class PairingEditView(ScopedEditView):
    queryset = Pairing.objects.select_related("unit", "unit__area", "village")
    form_class = PairingForm
    title = gettext_lazy("Edit pairing")
    success_url_name = "pairing:pairing_detail"
    success_message = gettext_lazy("The pairing has been saved.")

    def get_initial(self):
        p = self.object
        return {"unit": p.unit_id, "village": p.village_id, "start": p.start, "end": p.end, "goals": p.goals}

    def get_breadcrumbs(self):
        return pairing_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.pairing_update(actor=self.request.user, pairing=self.object, **form.cleaned_data)


# ---------------------------------------------------------------- records under a pairing


class RecordListView(PeriodListView):
    def get_breadcrumbs(self):
        return [(self.title, None)]


class VisitListView(RecordListView):
    title = gettext_lazy("Pairing visits")
    pretitle = gettext_lazy("Visits are counted; no person is recorded")
    selector = staticmethod(selectors.visit_list)
    columns = (
        Column("visited_on", gettext_lazy("Date of visit"), sort="date", link=True),
        *PAIRING_COLUMNS,
        Column("people", gettext_lazy("Number of people"), sort="people", css="text-end"),
        Column("activities", gettext_lazy("Activities")),
    )
    filters = (
        AREA,
        UNIT,
        ListFilter("year", gettext_lazy("Year"), choices=_years(selectors.visit_list, "visited_on")),
    )
    search_placeholder = gettext_lazy("Unit, village or activity")
    sort_keys = {"date": "visited_on", "people": "people", "created": "id"}
    sort_labels = {"date": gettext_lazy("Date"), "people": gettext_lazy("Number of people"),
                   "created": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-date"
    detail_url_name = "pairing:visit_detail"
    export_sheet = "pairing_visits"


class FundListView(RecordListView):
    title = gettext_lazy("Pairing funds")
    pretitle = gettext_lazy("Funds invested in paired villages, in yuan")
    selector = staticmethod(selectors.fund_list)
    columns = (
        Column("paid_on", gettext_lazy("Date"), sort="date", link=True),
        *PAIRING_COLUMNS,
        Column("amount", gettext_lazy("Amount (yuan)"), sort="amount", css="text-end"),
        Column("source", gettext_lazy("Source")),
        Column("purpose", gettext_lazy("Purpose")),
    )
    filters = (
        AREA,
        UNIT,
        ListFilter("source", gettext_lazy("Source"), choices=FundSource.choices),
        ListFilter("year", gettext_lazy("Year"), choices=_years(selectors.fund_list, "paid_on")),
    )
    search_placeholder = gettext_lazy("Unit, village or purpose")
    sort_keys = {"date": "paid_on", "amount": "amount", "created": "id"}
    sort_labels = {"date": gettext_lazy("Date"), "amount": gettext_lazy("Amount"),
                   "created": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-date"
    detail_url_name = "pairing:fund_detail"
    export_sheet = "pairing_funds"


class ProjectListView(RecordListView):
    period_help = gettext_lazy("Projects started within the period.")
    title = gettext_lazy("Pairing projects")
    pretitle = gettext_lazy("Projects carried out in paired villages")
    selector = staticmethod(selectors.project_list)
    columns = (
        Column("name", gettext_lazy("Name"), sort="name", link=True),
        *PAIRING_COLUMNS,
        Column("started_on", gettext_lazy("Start date"), sort="date"),
        Column("amount", gettext_lazy("Amount (yuan)"), sort="amount", css="text-end"),
        Column("status", gettext_lazy("Status")),
        Column("beneficiaries", gettext_lazy("Beneficiaries"), css="text-end"),
        Column("completed_on", gettext_lazy("Completion date")),
    )
    filters = (
        AREA,
        UNIT,
        ListFilter("status", gettext_lazy("Status"), choices=ProjectStatus.choices),
        ListFilter(
            "year", gettext_lazy("Year started"), choices=_years(selectors.project_list, "started_on")
        ),
    )
    search_placeholder = gettext_lazy("Project, unit or village name")
    sort_keys = {"date": "started_on", "name": "name", "amount": "amount", "created": "id"}
    sort_labels = {"date": gettext_lazy("Start date"), "name": gettext_lazy("Name"),
                   "amount": gettext_lazy("Amount"), "created": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-date"
    detail_url_name = "pairing:project_detail"
    export_sheet = "pairing_projects"
    import_sheet = "pairing_projects"

    def can_create(self):
        # Projects are added from their pairing's page; the flag only offers the import.
        return role_may(self.request.user, PairingProject, CHANGE)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_url"] = None
        return context


class OutcomeListView(RecordListView):
    title = gettext_lazy("Pairing outcomes")
    pretitle = gettext_lazy("Jobs arranged and problems solved")
    selector = staticmethod(selectors.outcome_list)
    columns = (
        Column("reported_on", gettext_lazy("Date"), sort="date", link=True),
        *PAIRING_COLUMNS,
        Column("jobs_arranged", gettext_lazy("Jobs arranged"), sort="jobs", css="text-end"),
        Column("problems_solved", gettext_lazy("Problems solved"), sort="problems", css="text-end"),
        Column("description", gettext_lazy("Description")),
    )
    filters = (
        AREA,
        UNIT,
        ListFilter("year", gettext_lazy("Year"), choices=_years(selectors.outcome_list, "reported_on")),
    )
    search_placeholder = gettext_lazy("Unit, village or description")
    sort_keys = {
        "date": "reported_on",
        "jobs": "jobs_arranged",
        "problems": "problems_solved",
        "created": "id",
    }
    sort_labels = {"date": gettext_lazy("Date"), "jobs": gettext_lazy("Jobs arranged"),
                   "problems": gettext_lazy("Problems solved"), "created": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-date"
    detail_url_name = "pairing:outcome_detail"


class RecordDetailView(ScopedDetailView):
    """One record under a pairing; ``fields`` names what the page shows."""

    template_name = "pairing/record_detail.html"
    fields: tuple[str, ...] = ()
    edit_url_name = ""

    def get_breadcrumbs(self):
        return pairing_crumbs(self.object.pairing, (str(self.object._meta.verbose_name), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["fields"] = [(obj._meta.get_field(f).verbose_name, _shown(obj, f)) for f in self.fields]
        context["edit_url"] = reverse(self.edit_url_name, args=[obj.pk]) if context["can_change"] else None
        context["title"] = obj._meta.verbose_name
        context["actions"] = []
        if getattr(type(obj), "has_attachments", False):
            context["attachments"] = attachment_panel(self.request.user, obj)
        return context


def _record_queryset(model):
    return model.objects.select_related("pairing", "pairing__unit", "pairing__village")


class VisitDetailView(RecordDetailView):
    queryset = _record_queryset(PairingVisit)
    fields = ("visited_on", "people", "activities", "notes")
    edit_url_name = "pairing:visit_edit"


class FundDetailView(RecordDetailView):
    queryset = _record_queryset(PairingFund)
    fields = ("paid_on", "amount", "source", "purpose")
    edit_url_name = "pairing:fund_edit"


class OutcomeDetailView(RecordDetailView):
    queryset = _record_queryset(PairingOutcome)
    fields = ("reported_on", "jobs_arranged", "problems_solved", "description")
    edit_url_name = "pairing:outcome_edit"


class ProjectDetailView(RecordDetailView):
    queryset = _record_queryset(PairingProject)
    fields = ("name", "started_on", "amount", "status", "beneficiaries", "completed_on")
    edit_url_name = "pairing:project_edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        if context["can_change"]:
            names = {
                ProjectStatus.IN_PROGRESS: (_("Start"), "pairing:project_start"),
                ProjectStatus.COMPLETED: (_("Complete"), "pairing:project_complete"),
                ProjectStatus.CANCELLED: (_("Cancel project"), "pairing:project_cancel"),
            }
            context["actions"] = [
                {"label": names[target][0], "url": reverse(names[target][1], args=[project.pk])}
                for target in sorted(PROJECT_TRANSITIONS[ProjectStatus(project.status)])
            ]
            if project.status == ProjectStatus.CANCELLED:
                context["edit_url"] = None
        return context


class RecordCreateView(ScopedCreateView):
    """Create a record under the pairing in the URL; the pairing is fetched through scope."""

    model_class = PairingVisit
    service = None
    cancel_url_name = "pairing:pairing_list"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.pairing = selectors.pairing_get(user=request.user, pk=kwargs["pairing"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return None

    def check_allowed(self):
        require(can_record(self.request.user, self.pairing, self.model_class))

    def get_cancel_url(self):
        return reverse("pairing:pairing_detail", args=[self.pairing.pk])

    def get_breadcrumbs(self):
        return pairing_crumbs(self.pairing, (self.title, None))

    def perform(self, form):
        return type(self).service(actor=self.request.user, pairing=self.pairing, **form.cleaned_data)


class VisitCreateView(RecordCreateView):
    form_class = VisitForm
    model_class = PairingVisit
    service = staticmethod(services.visit_create)
    title = gettext_lazy("New visit")
    success_url_name = "pairing:visit_detail"
    success_message = gettext_lazy("The visit has been recorded.")


class FundCreateView(RecordCreateView):
    form_class = FundForm
    model_class = PairingFund
    service = staticmethod(services.fund_create)
    title = gettext_lazy("New fund")
    success_url_name = "pairing:fund_detail"
    success_message = gettext_lazy("The fund has been recorded.")


class ProjectCreateView(RecordCreateView):
    form_class = ProjectForm
    model_class = PairingProject
    service = staticmethod(services.project_create)
    title = gettext_lazy("New project")
    success_url_name = "pairing:project_detail"
    success_message = gettext_lazy("The project has been recorded.")


class OutcomeCreateView(RecordCreateView):
    form_class = OutcomeForm
    model_class = PairingOutcome
    service = staticmethod(services.outcome_create)
    title = gettext_lazy("New outcome")
    success_url_name = "pairing:outcome_detail"
    success_message = gettext_lazy("The outcome has been recorded.")


class RecordEditView(ScopedEditView):
    fields: tuple[str, ...] = ()
    service = None
    argument = ""

    def get_initial(self):
        return {f: getattr(self.object, f) for f in self.fields}

    def get_breadcrumbs(self):
        return pairing_crumbs(self.object.pairing, (self.title, None))

    def perform(self, form):
        return type(self).service(
            actor=self.request.user, **{self.argument: self.object}, **form.cleaned_data
        )


class VisitEditView(RecordEditView):
    queryset = _record_queryset(PairingVisit)
    form_class = VisitForm
    fields = ("visited_on", "people", "activities", "notes")
    service = staticmethod(services.visit_update)
    argument = "visit"
    title = gettext_lazy("Edit visit")
    success_url_name = "pairing:visit_detail"
    success_message = gettext_lazy("The visit has been saved.")


class FundEditView(RecordEditView):
    queryset = _record_queryset(PairingFund)
    form_class = FundForm
    fields = ("paid_on", "amount", "source", "purpose")
    service = staticmethod(services.fund_update)
    argument = "fund"
    title = gettext_lazy("Edit fund")
    success_url_name = "pairing:fund_detail"
    success_message = gettext_lazy("The fund has been saved.")


class ProjectEditView(RecordEditView):
    queryset = _record_queryset(PairingProject)
    form_class = ProjectForm
    fields = ("name", "started_on", "amount", "beneficiaries")
    service = staticmethod(services.project_update)
    argument = "project"
    title = gettext_lazy("Edit project")
    success_url_name = "pairing:project_detail"
    success_message = gettext_lazy("The project has been saved.")


class OutcomeEditView(RecordEditView):
    queryset = _record_queryset(PairingOutcome)
    form_class = OutcomeForm
    fields = ("reported_on", "jobs_arranged", "problems_solved", "description")
    service = staticmethod(services.outcome_update)
    argument = "outcome"
    title = gettext_lazy("Edit outcome")
    success_url_name = "pairing:outcome_detail"
    success_message = gettext_lazy("The outcome has been saved.")


class ProjectTransitionView(ConfirmActionView):
    queryset = _record_queryset(PairingProject)
    success_url_name = "pairing:project_detail"
    target = ProjectStatus.IN_PROGRESS
    danger = False

    @property
    def question(self):
        return _("Mark the project {name} as {status}?").format(
            name=self.object.name, status=self.target.label
        )

    def get_breadcrumbs(self):
        return pairing_crumbs(self.object.pairing, (self.title, None))

    def perform(self, form):
        return services.project_transition(
            actor=self.request.user, project=self.object, to=self.target, **form.cleaned_data
        )


class ProjectStartView(ProjectTransitionView):
    title = gettext_lazy("Start project")
    submit_label = gettext_lazy("Start")
    success_message = gettext_lazy("The project is now in progress.")


class ProjectCompleteView(ProjectTransitionView):
    form_class = ProjectCompleteForm
    template_name = "core/form.html"
    target = ProjectStatus.COMPLETED
    title = gettext_lazy("Complete project")
    submit_label = gettext_lazy("Complete")
    success_message = gettext_lazy("The project has been completed.")


class ProjectCancelView(ProjectTransitionView):
    form_class = ReasonForm
    target = ProjectStatus.CANCELLED
    danger = True
    title = gettext_lazy("Cancel project")
    submit_label = gettext_lazy("Cancel project")
    success_message = gettext_lazy("The project has been cancelled.")


# ---------------------------------------------------------------- assessments


class AssessmentListView(RecordListView):
    period_help = gettext_lazy("Assessments of the years within the period.")
    title = gettext_lazy("Pairing assessments")
    pretitle = gettext_lazy("Annual assessment of pairings")
    selector = staticmethod(selectors.assessment_list)
    columns = (
        Column("year", gettext_lazy("Year"), sort="year", link=True),
        *PAIRING_COLUMNS,
        Column("total", gettext_lazy("Total points"), sort="total", css="text-end"),
        Column("grade", gettext_lazy("Grade")),
        Column("status", gettext_lazy("Status")),
        Column("assessed_on", gettext_lazy("Date of assessment")),
    )
    filters = (
        AREA,
        UNIT,
        ListFilter("year", gettext_lazy("Year"), choices=_years(selectors.assessment_list, "year")),
        ListFilter("grade", gettext_lazy("Grade"), choices=Grade.choices),
        ListFilter("status", gettext_lazy("Status"), choices=AssessmentStatus.choices),
    )
    search_placeholder = gettext_lazy("Unit or village name")
    sort_keys = {"year": "year", "total": "total", "created": "id"}
    sort_labels = {"year": gettext_lazy("Year"), "total": gettext_lazy("Total points"),
                   "created": gettext_lazy("Date created")}  # fmt: skip
    default_sort = "-year"
    detail_url_name = "pairing:assessment_detail"


class AssessmentDetailView(ScopedDetailView):
    template_name = "pairing/assessment_detail.html"
    queryset = PairingAssessment.objects.select_related(
        "pairing", "pairing__unit", "pairing__village", "rulebook", "assessor"
    )

    def get_breadcrumbs(self):
        return pairing_crumbs(
            self.object.pairing, (_("Assessment {year}").format(year=self.object.year), None)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessment = self.object
        scores = {s.item_id: s.points for s in assessment.scores.all()}
        context["items"] = [
            {"item": item, "points": scores.get(item.pk)} for item in assessment.rulebook.items.all()
        ]
        context["is_locked"] = assessment.status == AssessmentStatus.SUBMITTED
        return context


class AssessmentEditView(ScopedCreateView):
    """Score a pairing for a year (creating the draft or changing it); submitted assessments refuse."""

    template_name = "core/form.html"
    form_class = AssessmentForm
    success_url_name = "pairing:assessment_detail"
    success_message = gettext_lazy("The assessment has been saved as a draft.")
    submit_label = gettext_lazy("Save draft")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.pairing = selectors.pairing_get(user=request.user, pk=kwargs["pairing"])
            self.year = kwargs["year"]
            self.existing = (
                selectors.assessment_list(user=request.user, filters={"pairing": self.pairing.pk})
                .filter(year=self.year)
                .first()
            )
            self.rulebook = (
                self.existing.rulebook
                if self.existing
                else services.rulebook_for(pairing=self.pairing, year=self.year)
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("Assessment {year}: {pairing}").format(year=self.year, pairing=self.pairing)

    def get_object(self):
        return None

    def check_allowed(self):
        require(
            role_may(self.request.user, PairingAssessment, CHANGE)
            and path_in_scope(self.request.user, self.pairing.area_path, self.pairing.unit_id)
        )
        if self.rulebook is None or not self.pairing.start.year <= self.year <= self.pairing.end.year:
            raise Http404

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["items"] = list(self.rulebook.items.all())
        return kwargs

    def get_initial(self):
        if self.existing is None:
            return {}
        initial = {"assessed_on": self.existing.assessed_on, "comments": self.existing.comments}
        for score in self.existing.scores.all():
            initial[f"item_{score.item_id}"] = score.points
        return initial

    def get_cancel_url(self):
        return reverse("pairing:pairing_detail", args=[self.pairing.pk])

    def get_breadcrumbs(self):
        return pairing_crumbs(self.pairing, (self.title, None))

    def perform(self, form):
        return services.assessment_save(
            actor=self.request.user,
            pairing=self.pairing,
            year=self.year,
            scores=form.scores(),
            assessed_on=form.cleaned_data["assessed_on"],
            comments=form.cleaned_data["comments"],
        )


class AssessmentSubmitView(ConfirmActionView):
    queryset = PairingAssessment.objects.select_related("pairing")
    title = gettext_lazy("Submit assessment")
    submit_label = gettext_lazy("Submit")
    success_url_name = "pairing:assessment_detail"
    success_message = gettext_lazy("The assessment has been submitted and is now locked.")
    danger = False

    @property
    def question(self):
        return _("Submit the assessment? A submitted assessment can no longer be changed.")

    def perform(self, form):
        return services.assessment_submit(actor=self.request.user, assessment=self.object)


# ---------------------------------------------------------------- rulebooks


class RulebookListView(ScopedListView):
    title = gettext_lazy("Assessment rulebooks")
    pretitle = gettext_lazy("Items and points of the annual pairing assessment")
    selector = staticmethod(selectors.rulebook_list)
    columns = (
        Column("year", gettext_lazy("Year"), sort="year", link=True),
        Column("name", gettext_lazy("Name"), link=True),
        Column("area__name", gettext_lazy("Area")),
        Column("excellent_from", gettext_lazy("Excellent from")),
        Column("good_from", gettext_lazy("Good from")),
        Column("pass_from", gettext_lazy("Pass from")),
    )
    filters = (
        AREA,
        ListFilter("year", gettext_lazy("Year"), choices=_years(selectors.rulebook_list, "year")),
    )
    search_placeholder = gettext_lazy("Name")
    sort_keys = {"year": "year", "created": "id"}
    sort_labels = {"year": gettext_lazy("Year"), "created": gettext_lazy("Date created")}
    default_sort = "-year"
    detail_url_name = "pairing:rulebook_detail"
    create_url_name = "pairing:rulebook_create"
    create_label = gettext_lazy("New rulebook")

    def can_create(self):
        return can_create_pairing(self.request.user) and role_may(
            self.request.user, AssessmentRulebook, CHANGE
        )


class RulebookDetailView(ScopedDetailView):
    template_name = "pairing/rulebook_detail.html"
    queryset = AssessmentRulebook.objects.select_related("area")

    def get_breadcrumbs(self):
        return [
            (gettext_lazy("Assessment rulebooks"), reverse("pairing:rulebook_list")),
            (str(self.object), None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = list(self.object.items.all())
        context["maximum"] = sum(i.max_points for i in context["items"])
        context["in_use"] = self.object.assessments.exists()
        return context


class RulebookCreateView(ScopedCreateView):
    form_class = RulebookForm
    title = gettext_lazy("New rulebook")
    submit_label = gettext_lazy("Create rulebook")
    success_url_name = "pairing:rulebook_detail"
    cancel_url_name = "pairing:rulebook_list"
    success_message = gettext_lazy("The rulebook has been created.")

    def check_allowed(self):
        require(
            role_may(self.request.user, AssessmentRulebook, CHANGE)
            and scope_of(self.request.user).unit_id is None
        )

    def get_initial(self):
        scope_area = getattr(self.request.user, "area_id", None)
        return {"area": scope_area} if scope_area else {}

    def get_breadcrumbs(self):
        return [(gettext_lazy("Assessment rulebooks"), reverse("pairing:rulebook_list")), (self.title, None)]

    def perform(self, form):
        return services.rulebook_create(actor=self.request.user, **form.cleaned_data)


class RulebookEditView(ScopedEditView):
    queryset = AssessmentRulebook.objects.select_related("area")
    form_class = RulebookForm
    title = gettext_lazy("Edit rulebook")
    success_url_name = "pairing:rulebook_detail"
    success_message = gettext_lazy("The rulebook has been saved.")

    def get_initial(self):
        r = self.object
        return {
            "area": r.area_id, "year": r.year, "name": r.name, "excellent_from": r.excellent_from,
            "good_from": r.good_from, "pass_from": r.pass_from, "items": format_items(r.items.all()),
        }  # fmt: skip

    def get_breadcrumbs(self):
        return [(gettext_lazy("Assessment rulebooks"), reverse("pairing:rulebook_list")), (self.title, None)]

    def perform(self, form):
        return services.rulebook_update(actor=self.request.user, rulebook=self.object, **form.cleaned_data)
