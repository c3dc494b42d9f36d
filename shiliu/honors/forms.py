"""Forms for candidates, stage changes and honours: shape and types only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shiliu.core.forms import StyledForm, TreeChoiceField
from shiliu.orgs.forms import AreaAndUnitNameMixin
from shiliu.orgs.models import Area

from .choices import CandidateKind, HonourLevel


class CandidateForm(AreaAndUnitNameMixin, StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CandidateKind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("For an individual, the person's name only; no other personal details are recorded."),
    )
    area = TreeChoiceField(queryset=Area.objects.none(), label=_("Area"), placeholder=_("Choose the area"))
    unit_name = forms.CharField(
        label=_("Unit"),
        max_length=120,
        required=False,
        help_text=_("The full name of a unit in the chosen area; required for an individual."),
    )
    deeds = forms.CharField(label=_("Deeds"), widget=forms.Textarea(attrs={"rows": 6}))
    discovered_on = forms.DateField(
        label=_("Discovered on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("kind", "name", "area", "unit", "deeds", "discovered_on")}


class TransitionForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this candidate is not pursued; kept on the timeline."),
    )


class HonourForm(StyledForm):
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    title = forms.CharField(label=_("Title of the honour"), max_length=150)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    deciding_body = forms.CharField(label=_("Deciding body"), max_length=150)
    decision_date = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
