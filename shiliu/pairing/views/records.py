"""Pages of the records under a pairing: visits, funds, projects (with their status actions), outcomes."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.attachment_views import attachment_panel
from shiliu.core.forms import ReasonForm
from shiliu.core.scope import CHANGE, role_may
from shiliu.core.views import (
    Column,
    ConfirmActionView,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    require,
)

from .. import selectors, services
from ..choices import PROJECT_TRANSITIONS, FundSource, ProjectStatus
from ..forms import (
    FundForm,
    OutcomeForm,
    ProjectCompleteForm,
    ProjectForm,
    VisitForm,
)
from ..models import (
    PairingFund,
    PairingOutcome,
    PairingProject,
    PairingVisit,
)
from .common import AREA, PAIRING_COLUMNS, UNIT, RecordListView, _shown, _years, can_record, pairing_crumbs

# ---------------------------------------------------------------- records under a pairing


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
    import_sheet = "pairing_visits"


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
    import_sheet = "pairing_funds"


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
    export_sheet = "pairing_outcomes"
    import_sheet = "pairing_outcomes"


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
