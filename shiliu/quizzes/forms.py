"""Forms for quizzes, questions and the public answer sheet: shape and types only; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shiliu.core.forms import StyledForm, TreeChoiceField
from shiliu.orgs.forms import AreaAndUnitNameMixin
from shiliu.orgs.models import Area

from .choices import QuestionKind, QuizKind, Satisfaction
from .services import OPTIONS_MAX

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class QuizForm(AreaAndUnitNameMixin, StyledForm):
    kind = forms.ChoiceField(label=pgettext_lazy("quiz", "Kind"), choices=QuizKind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to residents above the questions."),
    )
    area = TreeChoiceField(queryset=Area.objects.none(), label=_("Area"), placeholder=_("Choose the area"))
    unit_name = forms.CharField(
        label=_("Unit"),
        max_length=120,
        required=False,
        help_text=_(
            "Leave empty for a quiz of the area office; otherwise the full name of a unit in the area."
        ),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    opens_on = forms.DateField(label=_("Opens on"), **DATE)
    closes_on = forms.DateField(label=_("Closes on"), **DATE)
    pass_percent = forms.IntegerField(
        label=_("Pass mark (%)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Knowledge quizzes only: the share of questions answered fully right needed to pass."),
    )

    def service_data(self) -> dict:
        data = self.cleaned_data
        keys = ("kind", "title", "intro", "area", "unit", "year", "opens_on", "closes_on", "pass_percent")
        return {key: data.get(key) for key in keys}


class QuestionForm(StyledForm):
    """A question with up to OPTIONS_MAX option lines (text, correct mark, satisfaction level)."""

    text = forms.CharField(label=_("Question"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=pgettext_lazy("quiz", "Kind"), choices=QuestionKind.choices)

    def __init__(self, *args, quiz, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiz = quiz
        self.option_rows = []
        for n in range(1, OPTIONS_MAX + 1):
            self.fields[f"option_{n}_text"] = forms.CharField(
                label=_("Option {n}").format(n=n), max_length=200, required=False
            )
            names = {"text": f"option_{n}_text"}
            if quiz.is_knowledge:
                self.fields[f"option_{n}_correct"] = forms.BooleanField(label=_("Correct"), required=False)
                names["correct"] = f"option_{n}_correct"
            else:
                self.fields[f"option_{n}_satisfaction"] = forms.ChoiceField(
                    label=_("Satisfaction level"),
                    required=False,
                    choices=[("", _("Not a rating"))] + list(Satisfaction.choices),
                )
                names["satisfaction"] = f"option_{n}_satisfaction"
            self.option_rows.append(names)
        # re-style the fields added after StyledForm's __init__
        for name, field in self.fields.items():
            if name.startswith("option_"):
                css = {"CheckboxInput": "form-check-input", "Select": "form-select"}.get(
                    type(field.widget).__name__, "form-control"
                )
                field.widget.attrs["class"] = css

    def rows(self):
        """Bound fields per option line, for the template's table."""
        return [{key: self[name] for key, name in row.items()} for row in self.option_rows]

    def options(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"text": data.get(f"option_{n}_text") or "", "is_correct": bool(data.get(f"option_{n}_correct")),
             "satisfaction": data.get(f"option_{n}_satisfaction") or ""}
            for n in range(1, OPTIONS_MAX + 1)
        ]  # fmt: skip

    @staticmethod
    def initial_for(question) -> dict:
        initial = {"text": question.text, "kind": question.kind}
        for n, option in enumerate(question.options.all(), start=1):
            initial[f"option_{n}_text"] = option.text
            initial[f"option_{n}_correct"] = option.is_correct
            initial[f"option_{n}_satisfaction"] = option.satisfaction
        return initial


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
