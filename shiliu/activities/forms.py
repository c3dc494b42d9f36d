"""Forms for activities and publicity: shape and types only; the services check the rules."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shiliu.core.forms import StyledForm, TreeChoiceField
from shiliu.core.scope import scope_of, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.choices import UnitStatus
from shiliu.orgs.models import Area, Unit
from shiliu.venues.choices import VenueStatus
from shiliu.venues.forms import DateInput
from shiliu.venues.models import Venue

from .choices import PublicityKind
from .selectors import activity_type_list

# Above this many units in scope, the unit is typed instead of chosen from a select.
UNIT_SELECT_LIMIT = 300


class LedgerForm(StyledForm):
    """Fields shared by activities and publicity: who (unit or area office) and when."""

    title = forms.CharField(label=_("Title"), max_length=200)
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Unit"),
        required=False,
        empty_label=_("None: the area office's own record"),
    )
    area = TreeChoiceField(
        queryset=Area.objects.none(),
        label=_("Area"),
        required=False,
        placeholder=_("Choose the area"),
        help_text=_("Only for an office's own record; a unit's record lies in the unit's area."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(
        label=_("End date"), widget=DateInput(), required=False, help_text=_("Leave empty for a single day.")
    )

    def __init__(self, *args, user, with_photo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        units = visible_to(Unit.objects.filter(status=UnitStatus.ACTIVE), user).order_by("name")
        self.fields["unit"].queryset = units
        self.typed_units = None
        if scope_of(user).unit_id is None and units.count() > UNIT_SELECT_LIMIT:
            # Too many units for a select: the unit is typed and resolved among the units in scope.
            self.typed_units = units
            self.fields["unit"] = forms.CharField(
                label=_("Unit"),
                required=False,
                max_length=120,
                help_text=_(
                    "The unit's full name or credit code; leave empty for the area office's own record."
                ),
            )
            self.fields["unit"].widget.attrs["class"] = "form-control"
            initial = self.initial.get("unit")
            if isinstance(initial, int):
                found = units.filter(pk=initial).first()
                self.initial["unit"] = found.name if found else ""
        if scope_of(user).unit_id is not None:
            # A liaison records for their own unit only.
            self.fields["unit"].empty_label = None
            self.fields["unit"].required = True
            del self.fields["area"]
        else:
            self.fields["area"].queryset = visible_to(Area.objects.all(), user)
        if with_photo:
            self.fields["photo"] = forms.FileField(
                label=_("Photo or document"),
                required=False,
                help_text=_("A JPEG, PNG or WebP photo or a PDF; more can be added on the record's page."),
            )
            self.fields["photo"].widget.attrs.update(
                {"class": "form-control", "accept": "image/jpeg,image/png,image/webp,application/pdf"}
            )

    def clean_unit(self):
        value = self.cleaned_data.get("unit")
        if self.typed_units is None or not value:
            return value or None
        text = normalize_text(value)
        matches = list(self.typed_units.filter(Q(name=text) | Q(credit_code=text.upper()))[:2])
        if len(matches) != 1:
            raise forms.ValidationError(
                _("No single active unit in your scope has this name or credit code.")
            )
        return matches[0]


class ActivityForm(LedgerForm):
    activity_type = forms.ModelChoiceField(
        queryset=activity_type_list(), label=_("Type"), empty_label=_("Choose a type")
    )
    venue = forms.ModelChoiceField(queryset=Venue.objects.none(), label=_("Venue"), required=False)
    organisers = forms.CharField(label=_("Organisers"), max_length=200, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    audience = forms.CharField(
        label=_("Audience groups"),
        max_length=200,
        required=False,
        help_text=_("For example: residents, students, migrant workers."),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    field_order = ["title", "activity_type", "unit", "area", "start_date", "end_date", "venue"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["venue"].queryset = visible_to(
            Venue.objects.filter(status=VenueStatus.ACTIVE), user
        ).order_by("name")
        self.order_fields(self.field_order)


class PublicityForm(LedgerForm):
    kind = forms.ChoiceField(label=pgettext_lazy("publicity", "Kind"), choices=PublicityKind.choices)
    outlet = forms.CharField(
        label=_("Outlet"),
        max_length=200,
        required=False,
        help_text=_("Where it appeared: a square, a newspaper, an official account."),
    )
    reach = forms.IntegerField(label=_("Reach (views or copies)"), min_value=0, initial=0)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    field_order = ["title", "kind", "unit", "area", "start_date", "end_date", "outlet", "reach"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.order_fields(self.field_order)
