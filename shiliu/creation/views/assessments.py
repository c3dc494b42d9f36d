"""The self-assessment editor (scores, notes, suggestions from records, evidence) and reviewers' scoring."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shiliu.core.attachment_views import attachment_panel
from shiliu.core.errors import ApplicationError
from shiliu.core.forms import apply_application_error
from shiliu.core.scope import CHANGE, VIEW, get_visible_or_404
from shiliu.core.views import BreadcrumbsMixin, ConfirmActionView, ScopedEditView, SignedInMixin

from .. import selectors, services
from ..choices import AssessmentKind
from ..forms import EvidenceForm, EvidenceLinkForm, ItemScoresForm
from ..models import Evidence, ItemScore
from .candidates import offered_steps
from .common import candidate_crumbs

EVIDENCE_SOURCES = (  # the sources of selectors.evidence_search, labelled
    ("activity", gettext_lazy("Activities")),
    ("publicity", gettext_lazy("Publicity")),
    ("pairing", gettext_lazy("Pairings")),
    ("pairing_project", gettext_lazy("Pairing projects")),
    ("honour", gettext_lazy("Honours")),
    ("quiz", gettext_lazy("Quizzes and questionnaires")),
    ("requests", gettext_lazy("Request statistics")),
)


def _attr(row, name):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


class ScoreSheetMixin:
    """A page of item scores for one assessment: the rows come from the selector, the form has one points and one
    note field per scored item."""

    template_name = "creation/assessment_edit.html"
    form_class = ItemScoresForm
    success_message = gettext_lazy("The scores have been saved.")
    submit_label = gettext_lazy("Save scores")

    def rows(self):
        if not hasattr(self, "_rows"):
            self._rows = list(selectors.assessment_rows(user=self.request.user, assessment=self.object))
        return self._rows

    def scored_items(self):
        return [_attr(r, "indicator") for r in self.rows() if _attr(r, "item_score") is not None]

    def is_editable(self) -> bool:
        if not hasattr(self, "_editable"):
            self._editable = selectors.assessment_is_editable(user=self.request.user, assessment=self.object)
        return self._editable

    def veto_checks(self):
        if not hasattr(self, "_veto_checks"):
            self._veto_checks = (
                list(
                    self.object.veto_checks.select_related("veto_item", "veto_event").order_by(
                        "veto_item__sort"
                    )
                )
                if self.object is not None
                else []
            )
        return self._veto_checks

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["items"] = self.scored_items()
        kwargs["veto_checks"] = self.veto_checks() if self.is_editable() else []
        return kwargs

    def save_veto_checks(self, form):
        for check, triggered, note in form.veto_changes():
            services.veto_check_set(actor=self.request.user, check=check, is_triggered=triggered, note=note)

    def get_initial(self):
        initial = {}
        for row in self.rows():
            score = _attr(row, "item_score")
            if score is not None:
                initial[f"points_{score.indicator_id}"] = score.points
                initial[f"note_{score.indicator_id}"] = score.note
        return initial

    def post(self, request, *args, **kwargs):
        if not self.is_editable():
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        rows = []
        for row in self.rows():
            indicator = _attr(row, "indicator")
            score = _attr(row, "item_score")
            rows.append(
                {
                    "indicator": indicator,
                    "depth": _attr(row, "depth") or 0,
                    "indent": (_attr(row, "depth") or 0) * 1.5,
                    "score": score,
                    "evidence": _attr(row, "evidence") or [],
                    "suggestion": _attr(row, "suggestion"),
                    "points_field": form[f"points_{indicator.pk}"] if score is not None else None,
                    "note_field": form[f"note_{indicator.pk}"] if score is not None else None,
                }
            )
        context.update(
            {
                "assessment": self.object,
                "candidate": self.object.candidate if self.object else None,
                "system": self.object.system if self.object else None,
                "rows": rows,
                "editable": self.is_editable(),
                "veto_rows": [
                    {
                        "check": check,
                        "field": form[f"veto_{check.pk}"] if f"veto_{check.pk}" in form.fields else None,
                        "note_field": form[f"veto_note_{check.pk}"]
                        if f"veto_note_{check.pk}" in form.fields
                        else None,
                    }
                    for check in self.veto_checks()
                ],
            }
        )
        return context


class AssessmentEditView(ScoreSheetMixin, ScopedEditView):
    """The self-assessment of a candidate: editable by its unit (or area office) while in draft or returned."""

    def get_object(self):
        assessment = selectors.assessment_get(user=self.request.user, pk=self.kwargs["pk"], action=VIEW)
        if assessment.kind != AssessmentKind.SELF:
            raise Http404
        return assessment

    @property
    def title(self):
        return _("Self-assessment {year}: {candidate}").format(
            year=self.object.year, candidate=self.object.candidate.target_name
        )

    def get_success_url(self, result=None):
        return reverse("creation:assessment_edit", args=[self.object.pk])

    def get_cancel_url(self):
        return reverse("creation:candidate_detail", args=[self.object.candidate_id])

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object.candidate, (_("Self-assessment"), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        candidate = self.object.candidate
        steps = offered_steps(self.request.user, candidate)
        context.update(
            {
                "is_self": True,
                "submit_url": reverse("creation:candidate_submit", args=[candidate.pk])
                if "submit" in steps
                else None,
            }
        )
        return context

    def perform(self, form):
        with transaction.atomic():
            services.assessment_save(actor=self.request.user, assessment=self.object, scores=form.scores())
            self.save_veto_checks(form)
        return self.object


class AssessmentSuggestView(SignedInMixin, View):
    """POST: recompute the suggested scores of the record-backed items from the platform's records."""

    def post(self, request, pk):
        assessment = selectors.assessment_get(user=request.user, pk=pk, action=CHANGE)
        try:
            services.assessment_suggest(actor=request.user, assessment=assessment)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The suggested scores have been recomputed from the records."))
        return redirect("creation:assessment_edit", assessment.pk)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


# ---------------------------------------------------------------- evidence


def _item_score(user, pk, action=CHANGE) -> ItemScore:
    """An item score of an assessment the user may reach; missing and foreign give the same 404."""
    try:
        score = ItemScore.objects.select_related("assessment", "indicator").get(pk=int(pk))
    except (ItemScore.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    selectors.assessment_get(user=user, pk=score.assessment_id, action=action)
    return score


def _back_to_item(score: ItemScore):
    return redirect(
        reverse("creation:assessment_edit", args=[score.assessment_id]) + f"#item-{score.indicator_id}"
    )


class EvidenceAddView(SignedInMixin, BreadcrumbsMixin, View):
    """Evidence typed in (document, photo, survey, site visit), with files uploaded through core attachments."""

    template_name = "creation/evidence_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.score = _item_score(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, status=200):
        context = {
            "form": form,
            "score": self.score,
            "title": _("Add evidence to {item}").format(item=self.score.indicator),
            "cancel_url": reverse("creation:assessment_edit", args=[self.score.assessment_id]),
            "breadcrumbs": candidate_crumbs(self.score.assessment.candidate, (_("Add evidence"), None)),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_form(EvidenceForm())

    def post(self, request, pk):
        form = EvidenceForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            services.evidence_add(
                actor=request.user,
                item_score=self.score,
                uploaded=request.FILES.getlist("file"),
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
            return self.render_form(form)
        messages.success(request, _("The evidence has been added."))
        return _back_to_item(self.score)


class EvidenceLinkView(SignedInMixin, View):
    """POST: link a platform record found in the picker; the service fetches the record through scope."""

    def post(self, request, pk):
        score = _item_score(request.user, pk)
        form = EvidenceLinkForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a record to link."))
            return _back_to_item(score)
        data = form.cleaned_data
        try:
            services.evidence_link(
                actor=request.user, item_score=score, kind=request.POST.get("kind") or "ledger",
                content_type=data["record_kind"], object_id=data["record_id"], note=data["note"],
            )  # fmt: skip
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The record has been linked as evidence."))
        return _back_to_item(score)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class EvidenceFigureView(SignedInMixin, View):
    """POST ``figure``: add a request statistic of the candidate's area and year as evidence of kind "figure".

    The figure is looked up again on the server (never taken from the form) and kept as its label and the link to
    the list of requests behind it."""

    def post(self, request, pk):
        score = _item_score(request.user, pk)
        key = request.POST.get("figure", "")
        rows = selectors.evidence_search(
            user=request.user, source="requests", candidate=score.assessment.candidate
        )
        row = next((r for r in rows if str(r["id"]) == key), None)
        if row is None:
            raise Http404
        try:
            services.evidence_add(
                actor=request.user, item_score=score, kind="figure", title=row["label"][:200],
                url=request.build_absolute_uri(row["url"]) if row["url"] else "", note=row["label"],
            )  # fmt: skip
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The figure has been added as evidence."))
        return _back_to_item(score)

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])


class EvidencePickerView(SignedInMixin, View):
    """GET: platform records in the user's scope matching ``q`` from one ``source``, to link to an item.

    Rendered as an HTMX fragment inside the editor, or as a page of its own without JavaScript."""

    def get(self, request, pk):
        score = _item_score(request.user, pk)
        source = request.GET.get("source") or EVIDENCE_SOURCES[0][0]
        if source not in dict(EVIDENCE_SOURCES):
            raise Http404
        q = request.GET.get("q", "").strip()
        rows = list(
            selectors.evidence_search(
                user=request.user, source=source, q=q, candidate=score.assessment.candidate, limit=20
            )
        )
        context = {
            "score": score,
            "rows": rows,
            "source": source,
            "sources": EVIDENCE_SOURCES,
            "q": q,
            "title": _("Link a platform record to {item}").format(item=score.indicator),
            "breadcrumbs": candidate_crumbs(score.assessment.candidate, (_("Link a record"), None)),
        }
        template = "creation/evidence_picker.html"
        if getattr(request, "htmx", False):
            template += "#results"
        return render(request, template, context)


class EvidenceRemoveView(ConfirmActionView):
    title = gettext_lazy("Remove evidence")
    submit_label = gettext_lazy("Remove")
    success_message = gettext_lazy("The evidence has been removed.")

    def get_object(self):
        return get_visible_or_404(
            Evidence.objects.select_related("item_score__assessment__candidate"), self.request.user, CHANGE,
            pk=self.kwargs["pk"],
        )  # fmt: skip

    @property
    def question(self):
        return _("Remove the evidence {evidence} and its files?").format(evidence=self.object)

    def get_success_url(self, result=None):
        score = self.object.item_score
        return reverse("creation:assessment_edit", args=[score.assessment_id]) + f"#item-{score.indicator_id}"

    def get_cancel_url(self):
        return self.get_success_url()

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object.item_score.assessment.candidate, (self.title, None))

    def perform(self, form):
        services.evidence_remove(actor=self.request.user, evidence=self.object)
        return None


class EvidenceDetailView(SignedInMixin, BreadcrumbsMixin, View):
    """One piece of evidence with its files (upload and removal through core attachments)."""

    def get(self, request, pk):
        evidence = get_visible_or_404(
            Evidence.objects.select_related("item_score__assessment__candidate", "item_score__indicator"),
            request.user, VIEW, pk=pk,
        )  # fmt: skip
        context = {
            "evidence": evidence,
            "panel": attachment_panel(request.user, evidence),
            "breadcrumbs": candidate_crumbs(evidence.item_score.assessment.candidate, (str(evidence), None)),
        }
        return render(request, "creation/evidence_detail.html", context)


# ---------------------------------------------------------------- reviewers


class ReviewView(ScoreSheetMixin, ScopedEditView):
    """The signed-in reviewer's own scores for a candidate (created on first save); others' scores stay hidden."""

    submit_label = gettext_lazy("Save draft")

    def get_object(self):
        self.candidate = selectors.candidate_get(user=self.request.user, pk=self.kwargs["pk"])
        self.may_review = "review" in selectors.candidate_actions(
            user=self.request.user, candidate=self.candidate
        )
        own = self.candidate.assessments.filter(
            kind=AssessmentKind.REVIEW, reviewer=self.request.user
        ).first()
        if own is None and not self.may_review:
            raise Http404
        return own

    def rows(self):
        if self.object is None:
            # Before the first save: the system's scored items, no scores yet.
            if not hasattr(self, "_rows"):
                self._rows = [
                    {"indicator": i, "depth": _attr(i, "depth") or 0, "item_score": _Blank(i) if i.is_leaf else None,
                     "evidence": [], "suggestion": None}
                    for i in selectors.indicator_tree(system=self.candidate.system)
                ]  # fmt: skip
            return self._rows
        return super().rows()

    def is_editable(self):
        return self.may_review and (self.object is None or not self.object.is_locked)

    @property
    def title(self):
        return _("Review scores: {candidate}").format(candidate=self.candidate.target_name)

    def get_success_url(self, result=None):
        if self.request.POST.get("submit"):
            return reverse("creation:candidate_detail", args=[self.candidate.pk])
        return reverse("creation:candidate_review", args=[self.candidate.pk])

    def get_cancel_url(self):
        return reverse("creation:candidate_detail", args=[self.candidate.pk])

    def get_breadcrumbs(self):
        return candidate_crumbs(self.candidate, (_("Review scores"), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"assessment": self.object, "candidate": self.candidate, "system": self.candidate.system,
                        "is_review": True})  # fmt: skip
        return context

    def perform(self, form):
        submit = bool(self.request.POST.get("submit"))
        with transaction.atomic():
            if form.veto_changes():
                # Veto checks first, while the review is still a draft.
                self.save_veto_checks(form)
            services.review_save(
                actor=self.request.user, candidate=self.candidate, scores=form.scores(), submit=submit
            )
        return self.candidate


class _Blank:
    """An empty score for an item before the reviewer's first save."""

    def __init__(self, indicator):
        self.indicator = indicator
        self.indicator_id = indicator.pk
        self.points = None
        self.note = ""
        self.pk = None
        self.suggested_points = None


class ReviewDetailView(ScoreSheetMixin, ScopedEditView):
    """One reviewer's or the final scoring, read-only (a reviewer's own draft opens in the review page)."""

    def get_object(self):
        assessment = selectors.assessment_get(user=self.request.user, pk=self.kwargs["pk"], action=VIEW)
        if assessment.kind == AssessmentKind.SELF:
            raise Http404
        if (
            assessment.kind == AssessmentKind.REVIEW
            and not assessment.is_locked
            and assessment.reviewer_id != self.request.user.pk
        ):
            raise Http404  # another reviewer's draft stays with that reviewer
        return assessment

    def get(self, request, *args, **kwargs):
        a = self.object
        if a.kind == AssessmentKind.REVIEW and a.reviewer_id == request.user.pk and not a.is_locked:
            return redirect("creation:candidate_review", a.candidate_id)
        return super().get(request, *args, **kwargs)

    def is_editable(self):
        return False

    @property
    def title(self):
        a = self.object
        if a.kind == AssessmentKind.FINAL:
            return _("Final score: {candidate}").format(candidate=a.candidate.target_name)
        return _("Scores of {reviewer}: {candidate}").format(
            reviewer=a.reviewer, candidate=a.candidate.target_name
        )

    def get_breadcrumbs(self):
        return candidate_crumbs(self.object.candidate, (self.title, None))

    def get_cancel_url(self):
        return reverse("creation:candidate_detail", args=[self.object.candidate_id])
