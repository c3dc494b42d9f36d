"""Forms for pairings and their records: shape and types only; the services check the rules."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shiliu.core.errors import ApplicationError
from shiliu.core.forms import StyledForm, TreeChoiceField
from shiliu.core.scope import visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.choices import UnitStatus
from shiliu.orgs.models import Area, Unit

from .choices import FundSource


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


class PairingForm(StyledForm):
    """The unit is typed (name or credit code) rather than picked from a list that may hold 100,000 units; it
    is resolved among the active units the user can see whose area contains the chosen village."""

    village = TreeChoiceField(
        queryset=Area.objects.none(), label=_("Village or community"), placeholder=_("Choose the village")
    )
    unit_name = forms.CharField(
        label=_("Unit"),
        max_length=120,
        help_text=_("The full name or the unified social credit code of the pairing unit."),
    )
    start = date_field(_("Start date"))
    end = date_field(_("End date"))
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["village"].queryset = visible_to(Area.objects.all(), user)

    def clean(self):
        cleaned = super().clean()
        text = normalize_text(cleaned.get("unit_name"))
        village = cleaned.get("village")
        cleaned["unit"] = None
        if not text or village is None:
            return cleaned
        units = visible_to(Unit.objects.filter(status=UnitStatus.ACTIVE).select_related("area"), self.user)
        found = [
            u
            for u in units.filter(Q(name=text) | Q(credit_code=text.upper()))
            if village.path.startswith(u.area_path)
        ]
        if not found:
            self.add_error(
                "unit_name",
                _("No active unit of that name or code within your scope covers {village}.").format(
                    village=village
                ),
            )
        elif len(found) > 1:
            self.add_error("unit_name", _("Several units have that name; enter the credit code instead."))
        else:
            cleaned["unit"] = found[0]
        return cleaned

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("unit", "village", "start", "end", "goals")}


class VisitForm(StyledForm):
    visited_on = date_field(_("Date of visit"))
    people = forms.IntegerField(label=_("Number of people"), min_value=1)
    activities = forms.CharField(label=_("Activities"), max_length=300)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FundForm(StyledForm):
    paid_on = date_field(_("Date"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2)
    source = forms.ChoiceField(label=_("Source"), choices=FundSource.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)


class ProjectForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    started_on = date_field(_("Start date"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2)
    beneficiaries = forms.IntegerField(label=_("Beneficiaries"), min_value=0, initial=0)


class ProjectCompleteForm(StyledForm):
    completed_on = date_field(_("Completion date"))


class OutcomeForm(StyledForm):
    reported_on = date_field(_("Date"))
    jobs_arranged = forms.IntegerField(label=_("Jobs arranged"), min_value=0, initial=0)
    problems_solved = forms.IntegerField(label=_("Problems solved"), min_value=0, initial=0)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))


def parse_items(text: str) -> list[dict]:
    """Rulebook items, one a line: ``name | maximum points | description`` (shape only)."""
    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) < 2:
            raise ApplicationError(
                _("Line {n}: write the item as “name | maximum points | description”.").format(n=number),
                field="items",
            )
        try:
            max_points = Decimal(parts[1])
        except ArithmeticError:
            raise ApplicationError(
                _("Line {n}: the maximum points must be a number.").format(n=number), field="items"
            ) from None
        items.append({"name": parts[0], "max_points": max_points, "description": "|".join(parts[2:])})
    return items


def format_items(items) -> str:
    return "\n".join(
        " | ".join(x for x in (i.name, f"{i.max_points.normalize():f}", i.description) if x != "")
        for i in items
    )


class RulebookForm(StyledForm):
    area = TreeChoiceField(queryset=Area.objects.none(), label=_("Area"), placeholder=_("Choose the area"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=120)
    excellent_from = forms.IntegerField(
        label=_("Excellent from (of 100)"), min_value=0, max_value=100, initial=90
    )
    good_from = forms.IntegerField(label=_("Good from (of 100)"), min_value=0, max_value=100, initial=80)
    pass_from = forms.IntegerField(label=_("Pass from (of 100)"), min_value=0, max_value=100, initial=60)
    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One item a line: name | maximum points | description."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = visible_to(Area.objects.all(), user)

    def clean_items(self):
        try:
            return parse_items(self.cleaned_data["items"])
        except ApplicationError as exc:
            raise forms.ValidationError(str(exc.message)) from None


class AssessmentForm(StyledForm):
    """One field per rulebook item, plus the date and comments."""

    assessed_on = date_field(_("Date of assessment"))
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            field = forms.DecimalField(
                label=_("{name} (0 to {max})").format(name=item.name, max=item.max_points),
                max_digits=5,
                decimal_places=1,
                help_text=item.description,
            )
            field.widget.attrs["class"] = "form-control"
            self.fields[f"item_{item.pk}"] = field
        self.items = list(items)

    def scores(self) -> dict:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") for item in self.items}
