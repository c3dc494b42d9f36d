"""Pages of the annual assessments and their rulebooks."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.scope import CHANGE, path_in_scope, role_may, scope_of
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

from .. import selectors, services
from ..choices import AssessmentStatus, Grade
from ..forms import (
    AssessmentForm,
    RulebookForm,
    format_items,
)
from ..models import (
    AssessmentRulebook,
    PairingAssessment,
)
from .common import AREA, PAIRING_COLUMNS, UNIT, RecordListView, _years, can_create_pairing, pairing_crumbs

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
