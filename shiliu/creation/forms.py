"""Forms of the creation pages: shape and types only. Every rule (stages, roles, ladder, quota, locks) is checked
by the services, whose ``ApplicationError`` the views show on the field it names."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shiliu.core.forms import PhotosField, StyledForm, TreeChoiceField
from shiliu.core.scope import visible_to
from shiliu.orgs.forms import resolve_unit_name
from shiliu.orgs.models import Area, UnitType

from .choices import (
    AssessmentMethod,
    CheckResult,
    CreationLevel,
    EvidenceKind,
    ObjectionStatus,
    RecordSource,
    RectificationStatus,
    RuleKind,
    TargetKind,
    VetoKind,
    VisitMethod,
)

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
POINTS = {"max_digits": 7, "decimal_places": 2, "min_value": Decimal("0")}


def _text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class JSONTextField(forms.CharField):
    """A JSON object or list typed as text (rule parameters); the rules module checks the content."""

    widget = forms.Textarea(attrs={"rows": 2, "class": "font-monospace"})

    def __init__(self, *, empty, **kwargs):
        self.empty = empty
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False) if value else ""
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return type(self.empty)()
        try:
            parsed = json.loads(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter valid JSON, for example {example}.").format(example="{}")
            ) from None
        if not isinstance(parsed, type(self.empty)):
            raise forms.ValidationError(_("Enter a JSON object."))
        return parsed


# ---------------------------------------------------------------- indicator systems


class SystemForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    target_kind = forms.ChoiceField(label=_("Target kind"), choices=TargetKind.choices)
    unit_type = forms.ModelChoiceField(
        label=_("Unit type"),
        queryset=UnitType.objects.order_by("name"),
        required=False,
        help_text=_("Only for systems that assess units."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total_points = forms.DecimalField(label=_("Total points"), **POINTS)
    pass_line = forms.DecimalField(label=_("Pass line"), **POINTS)
    bonus_cap = forms.DecimalField(label=_("Bonus cap"), **POINTS)
    note = forms.CharField(label=_("Note"), required=False, widget=_text())
    area = TreeChoiceField(
        queryset=Area.objects.none(),
        label=_("Issued by"),
        required=False,
        placeholder=_("Platform-wide"),
        help_text=_("The area whose office issues the system; platform-wide systems are for administrators."),
    )

    def __init__(self, *args, user, with_area=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_area:
            self.fields["area"].queryset = visible_to(Area.objects.all(), user)
        else:
            del self.fields["area"]


class IndicatorForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=_text(2))
    points = forms.DecimalField(label=_("Points"), **POINTS)
    rule_kind = forms.ChoiceField(label=_("Scoring rule"), choices=RuleKind.choices, initial=RuleKind.MANUAL)
    rule_params = JSONTextField(
        label=_("Rule parameters"),
        empty={},
        help_text=_(
            'For example {"required": 4, "deduct": 2}, {"bands": [[1, 3], [2, 5]]} or '
            '{"threshold": 90, "partial_from": 60}.'
        ),
    )
    evidence_kinds = forms.MultipleChoiceField(
        label=_("Evidence expected"),
        choices=EvidenceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(label=_("Assessment method"), choices=AssessmentMethod.choices)
    source = forms.ChoiceField(
        label=_("Record source"),
        choices=[("", _("None: scored by hand"))] + list(RecordSource.choices),
        required=False,
        help_text=_("Platform records a suggested score is computed from."),
    )
    source_params = JSONTextField(label=_("Record source parameters"), empty={})
    evidence_hint = forms.CharField(
        label=_("Evidence that earns the points"), required=False, widget=_text(2)
    )
    is_bonus = forms.BooleanField(label=_("Bonus item"), required=False)
    sort = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, required=False)

    CATEGORY_FIELDS = ("code", "title", "description", "points", "is_bonus", "sort")

    def __init__(self, *args, is_category=False, **kwargs):
        super().__init__(*args, **kwargs)
        if is_category:
            for name in list(self.fields):
                if name not in self.CATEGORY_FIELDS:
                    del self.fields[name]
            self.fields["points"].help_text = _("The sum of the points of its items.")
        if "evidence_kinds" in self.fields:
            self.fields["evidence_kinds"].widget.attrs.pop("class", None)


class VetoItemForm(StyledForm):
    code = forms.CharField(label=_("Code"), max_length=20)
    kind = forms.ChoiceField(label=_("Ground"), choices=VetoKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)


class SystemCloneForm(StyledForm):
    year = forms.IntegerField(label=_("Year of the new version"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("Name"), max_length=150, required=False, help_text=_("Leave empty to keep the name.")
    )


class MappingForm(StyledForm):
    """For each item of the old version, the items of the new version that continue its scores (none: dropped)."""

    def __init__(self, *args, old_items, new_items, current, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(n.pk), str(n)) for n in new_items]
        self.rows = []
        for item in old_items:
            name = f"map_{item.pk}"
            self.fields[name] = forms.MultipleChoiceField(
                label=str(item),
                choices=choices,
                required=False,
                initial=[str(pk) for pk in current.get(item.pk, ())],
                widget=forms.SelectMultiple(attrs={"size": 2, "data-mapping": item.pk}),
            )
            self.rows.append((item, name))

    def mapping(self) -> dict[int, list[int]]:
        """Old item id → the ids of the new items it maps to."""
        return {
            item.pk: sorted(int(v) for v in self.cleaned_data.get(name) or ()) for item, name in self.rows
        }


# ---------------------------------------------------------------- batches and candidates


class BatchForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    level = forms.ChoiceField(label=_("Level"), choices=CreationLevel.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    area = TreeChoiceField(
        queryset=Area.objects.none(), label=_("Organised by"), placeholder=_("Choose the area")
    )
    quota = forms.IntegerField(
        label=_("Quota"), min_value=1, required=False, help_text=_("Leave empty for no quota.")
    )
    application_deadline = forms.DateField(label=_("Application deadline"), required=False, **DATE)
    review_deadline = forms.DateField(label=_("Review deadline"), required=False, **DATE)
    is_open = forms.BooleanField(label=_("Open for applications"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, widget=_text())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible_to(Area.objects.all(), user)


class CandidateForm(StyledForm):
    """A unit (by name within the chosen area) or, leaving the unit empty, the area itself."""

    batch = forms.ModelChoiceField(label=_("Batch"), queryset=None)
    area = TreeChoiceField(queryset=Area.objects.none(), label=_("Area"), placeholder=_("Choose the area"))
    unit_name = forms.CharField(
        label=_("Unit"),
        max_length=120,
        required=False,
        help_text=_("The full name of a unit in the chosen area; leave empty when the area itself applies."),
    )

    def __init__(self, *args, user, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = visible_to(Area.objects.all(), user)
        self.fields["batch"].queryset = batches

    def clean(self):
        cleaned = super().clean()
        resolve_unit_name(self, cleaned)
        return cleaned


class ReasonRequiredForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=_text())


class ReasonOptionalForm(StyledForm):
    reason = forms.CharField(label=_("Remarks"), max_length=2000, required=False, widget=_text(2))


class SiteVisitForm(StyledForm):
    visit_date = forms.DateField(label=_("Date"), **DATE)
    team = forms.CharField(label=_("Team"), widget=_text(2), help_text=_("Members of the assessment team."))
    method = forms.ChoiceField(label=_("Method"), choices=VisitMethod.choices)
    findings = forms.CharField(label=_("Findings"), widget=_text(5))
    photos = PhotosField(help_text=_("Photos taken on site (JPEG, PNG or WebP)."))


class PublicNoticeForm(StyledForm):
    start_date = forms.DateField(label=_("Start date"), **DATE)
    end_date = forms.DateField(label=_("End date"), **DATE)
    channel = forms.CharField(label=_("Published where"), max_length=200, required=False)


class ObjectionForm(StyledForm):
    received_on = forms.DateField(label=_("Received on"), **DATE)
    content = forms.CharField(label=_("Content"), widget=_text(4))


class ObjectionResolveForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in ObjectionStatus.choices if c[0] != ObjectionStatus.OPEN]
    )
    resolution = forms.CharField(label=_("Resolution"), widget=_text(3))


class NamingForm(StyledForm):
    name = forms.CharField(
        label=_("Title conferred"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the usual wording."),
    )
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    named_on = forms.DateField(label=_("Named on"), **DATE)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for the usual validity of five years."),
        **DATE,
    )


class FinalScoreForm(StyledForm):
    reason = forms.CharField(label=_("Reasons for the final score"), widget=_text(3))


# ---------------------------------------------------------------- assessments


class ItemScoresForm(StyledForm):
    """One points field and one note field per scored item (leaves of the tree)."""

    def __init__(self, *args, items, veto_checks=(), note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.veto_checks = list(veto_checks)
        for check in self.veto_checks:
            self.fields[f"veto_{check.pk}"] = forms.BooleanField(
                label=str(check.veto_item), required=False, initial=check.is_triggered
            )
            self.fields[f"veto_note_{check.pk}"] = forms.CharField(
                label=_("Note on {item}").format(item=check.veto_item.code), required=False, max_length=2000,
                initial=check.note,
            )  # fmt: skip
        for item in self.items:
            self.fields[f"points_{item.pk}"] = forms.DecimalField(
                label=str(item), required=False, min_value=Decimal("0"), max_value=item.points,
                max_digits=7, decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.5", "class": "text-end", "data-points": item.pk}),
            )  # fmt: skip
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note on {item}").format(item=item.code), required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )  # fmt: skip

    def veto_changes(self) -> list[tuple]:
        """(check, triggered, note) for the veto checks whose state or note the user changed."""
        changes = []
        for check in self.veto_checks:
            triggered = bool(self.cleaned_data.get(f"veto_{check.pk}"))
            note = self.cleaned_data.get(f"veto_note_{check.pk}") or ""
            if triggered != check.is_triggered or note != check.note:
                changes.append((check, triggered, note))
        return changes

    def scores(self) -> dict[int, tuple[Decimal | None, str]]:
        return {
            item.pk: (
                self.cleaned_data.get(f"points_{item.pk}"),
                self.cleaned_data.get(f"note_{item.pk}") or "",
            )
            for item in self.items
        }


class EvidenceForm(StyledForm):
    """Evidence typed in: a document or photo (files are uploaded onto it afterwards), an outside link or a survey."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in EvidenceKind.choices if c[0] in (EvidenceKind.DOCUMENT, EvidenceKind.PHOTO,
                                                              EvidenceKind.SURVEY, EvidenceKind.SITE_VISIT)],
    )  # fmt: skip
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    note = forms.CharField(label=_("Note"), required=False, widget=_text(2))
    sample_size = forms.IntegerField(label=_("Sample size"), min_value=1, required=False)
    rate = forms.DecimalField(
        label=_("Rate (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        required=False,
    )


class EvidenceLinkForm(StyledForm):
    """A platform record chosen in the picker: its kind and id (the service fetches it through scope)."""

    record_kind = forms.CharField(max_length=30, widget=forms.HiddenInput)
    record_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


# ---------------------------------------------------------------- titles and management


class AnnualCheckForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    checked_on = forms.DateField(label=_("Checked on"), **DATE)
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices)
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        widget=_text(3),
        help_text=_("Required for a warning (the problems to rectify) or a failure."),
    )
    deadline = forms.DateField(
        label=_("Rectification deadline"), required=False, help_text=_("Required for a warning."), **DATE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["checked_on"].initial = timezone.localdate()


class WarningForm(StyledForm):
    problems = forms.CharField(label=_("Problems to rectify"), widget=_text(3))
    deadline = forms.DateField(label=_("Deadline"), **DATE)


class RectificationCloseForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in RectificationStatus.choices if c[0] != RectificationStatus.OPEN],
    )
    outcome = forms.CharField(label=_("How it ended"), widget=_text(3))


class RevocationForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=_text(3))
    decision_document = forms.CharField(label=_("Decision document number"), max_length=60)
    decided_on = forms.DateField(label=_("Decided on"), **DATE)


class ReverifyForm(StyledForm):
    valid_until = forms.DateField(label=_("Valid until"), **DATE)
    reason = forms.CharField(label=_("Basis of the re-verification"), widget=_text(2))


class VetoEventForm(StyledForm):
    area = TreeChoiceField(queryset=Area.objects.none(), label=_("Area"), placeholder=_("Choose the area"))
    unit_name = forms.CharField(
        label=_("Unit"),
        max_length=120,
        required=False,
        help_text=_("Leave empty when the event concerns the area."),
    )
    kind = forms.ChoiceField(label=_("Ground"), choices=VetoKind.choices)
    occurred_on = forms.DateField(label=_("Occurred on"), **DATE)
    description = forms.CharField(label=_("Description"), widget=_text(4))
    record_kind = forms.ChoiceField(label=_("Linked record"), required=False, choices=())
    record_id = forms.IntegerField(label=_("Record number"), min_value=1, required=False)

    def __init__(self, *args, user, record_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = visible_to(Area.objects.all(), user)
        self.fields["record_kind"].choices = [("", _("None"))] + list(record_kinds)

    def clean(self):
        cleaned = super().clean()
        resolve_unit_name(self, cleaned)
        if bool(cleaned.get("record_kind")) != bool(cleaned.get("record_id")):
            self.add_error(
                "record_id", _("Give both the kind and the number of the linked record, or neither.")
            )
        return cleaned
