"""Staff pages for quizzes, questions and responses. Each view declares what to fetch and which service to call;
the residents' pages are in :mod:`.public`."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy

from shiliu.core.scope import CHANGE, role_may, scope_of
from shiliu.core.views import (
    YES_NO,
    Column,
    ConfirmActionView,
    ListFilter,
    ScopedCreateView,
    ScopedDetailView,
    ScopedEditView,
    ScopedListView,
    require,
)

from . import selectors, services
from .choices import TRANSITIONS, QuestionKind, QuizKind, QuizStatus, Satisfaction
from .forms import QuestionForm, QuizForm, ReasonForm
from .models import Quiz


def _can_create(user) -> bool:
    return role_may(user, Quiz, CHANGE) and not scope_of(user).is_empty


def _year_choices(request):
    return [(year, year) for year in selectors.quiz_years(user=request.user)]


def quiz_crumbs(quiz, *extra):
    return [
        (gettext_lazy("Quizzes and questionnaires"), reverse("quizzes:quiz_list")),
        (quiz.title, reverse("quizzes:quiz_detail", args=[quiz.pk]) if extra else None),
        *extra,
    ]


# ---------------------------------------------------------------- home panel


def home_panel(request):
    """Quizzes, responses and the two rates in the user's scope; each figure links to exactly its records."""
    if scope_of(request.user).is_empty:
        return None
    figures = selectors.quiz_figures(user=request.user)
    if not figures["quizzes"].value:
        return None
    return {"template": "quizzes/home_panel.html", "figures": figures}


# ---------------------------------------------------------------- lists


class QuizListView(ScopedListView):
    title = gettext_lazy("Quizzes and questionnaires")
    pretitle = gettext_lazy("Knowledge quizzes and satisfaction questionnaires taken by residents")
    selector = staticmethod(selectors.quiz_list)
    columns = (
        Column("title", gettext_lazy("Title"), sort="title", link=True),
        Column("kind", pgettext_lazy("quiz", "Kind")),
        Column("status", gettext_lazy("Status")),
        Column("area__name", gettext_lazy("Area")),
        Column("unit__name", gettext_lazy("Unit")),
        Column("opens_on", gettext_lazy("Opens on"), sort="opens"),
        Column("closes_on", gettext_lazy("Closes on")),
        Column("response_count", gettext_lazy("Responses")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("kind", pgettext_lazy("quiz", "Kind"), choices=QuizKind.choices),
        ListFilter("status", gettext_lazy("Status"), choices=QuizStatus.choices),
        ListFilter("year", gettext_lazy("Year"), choices=_year_choices),
    )
    search_placeholder = gettext_lazy("Title")
    sort_keys = selectors.QUIZ_SORTS
    sort_labels = {
        "opens": gettext_lazy("Opens on"),
        "title": gettext_lazy("Title"),
        "created": gettext_lazy("Date created"),
    }
    default_sort = "-opens"
    detail_url_name = "quizzes:quiz_detail"
    create_url_name = "quizzes:quiz_create"
    create_label = gettext_lazy("New quiz")
    export_sheet = "quizzes"
    empty_title = gettext_lazy("No quizzes yet")
    empty_message = gettext_lazy(
        "Knowledge quizzes and questionnaires in your scope appear here once created."
    )

    def can_create(self):
        return _can_create(self.request.user)


def _response_label(response):
    return f"#{response.pk}"


class ResponseListView(ScopedListView):
    title = gettext_lazy("Quiz responses")
    pretitle = gettext_lazy("Anonymous responses: answers and time only")
    selector = staticmethod(selectors.response_list)
    search = False
    columns = (
        Column(_response_label, gettext_lazy("Response"), link=True),
        Column("quiz__title", gettext_lazy("Quiz")),
        Column("submitted_at", gettext_lazy("Submitted at"), sort="submitted"),
        Column("correct", gettext_lazy("Answered correctly")),
        Column("questions", gettext_lazy("Questions")),
        Column("passed", gettext_lazy("Passed")),
        Column("satisfied", gettext_lazy("Satisfied")),
        Column("basic", gettext_lazy("Basically satisfied")),
        Column("dissatisfied", gettext_lazy("Dissatisfied")),
    )
    filters = (
        ListFilter("area", gettext_lazy("Within area"), kind="area"),
        ListFilter("kind", pgettext_lazy("quiz", "Kind"), choices=QuizKind.choices),
        ListFilter("passed", gettext_lazy("Passed"), choices=YES_NO),
        ListFilter("date_from", gettext_lazy("Submitted from"), kind="date"),
        ListFilter("date_to", gettext_lazy("Submitted until"), kind="date"),
    )
    sort_keys = {"submitted": "submitted_at", "id": "id"}
    sort_labels = {"submitted": gettext_lazy("Submitted at")}
    default_sort = "-submitted"
    detail_url_name = "quizzes:response_detail"
    export_sheet = "quiz_responses"
    empty_title = gettext_lazy("No responses")
    empty_message = gettext_lazy("Responses appear here once residents answer an open quiz.")


# ---------------------------------------------------------------- details

STATUS_ACTIONS = {
    # slug: (target status, service, title, question, danger)
    "open": (QuizStatus.OPEN, services.quiz_open, gettext_lazy("Open the quiz"),
             gettext_lazy("Open the quiz? Residents can answer through the public link within its dates, and the "
                          "questions can no longer be changed."), False),
    "close": (QuizStatus.CLOSED, services.quiz_close, gettext_lazy("Close the quiz"),
              gettext_lazy("Close the quiz? The public link stops taking answers."), True),
    "reopen": (QuizStatus.OPEN, services.quiz_reopen, gettext_lazy("Reopen the quiz"),
               gettext_lazy("Reopen the quiz? The public link takes answers again within its dates."), False),
}  # fmt: skip


def _status_actions(quiz):
    if quiz.status == QuizStatus.DRAFT:
        slugs = ["open"]
    elif quiz.status == QuizStatus.OPEN:
        slugs = ["close"]
    else:
        slugs = ["reopen"]
    return [
        {"slug": slug, "url": reverse(f"quizzes:quiz_{slug}", args=[quiz.pk]), "label": STATUS_ACTIONS[slug][2],
         "danger": STATUS_ACTIONS[slug][4]}
        for slug in slugs
        if STATUS_ACTIONS[slug][0] in TRANSITIONS[quiz.status]
    ]  # fmt: skip


class QuizDetailView(ScopedDetailView):
    template_name = "quizzes/quiz_detail.html"

    def get_object(self):
        return selectors.quiz_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        return quiz_crumbs(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quiz = self.object
        public_path = reverse("quizzes:public_take", args=[quiz.token])
        results = selectors.quiz_results(user=self.request.user, quiz=quiz)
        context.update(
            {
                "status_actions": _status_actions(quiz) if context["can_change"] else [],
                "can_edit_questions": context["can_change"] and quiz.is_draft,
                "problems": services.quiz_problems(quiz) if quiz.is_draft else [],
                "public_url": self.request.build_absolute_uri(public_path),
                "accepting": quiz.accepts_responses(),
                "results": results,
                "figures": results["figures"],
            }
        )
        return context


class ResponseDetailView(ScopedDetailView):
    template_name = "quizzes/response_detail.html"

    def get_object(self):
        return selectors.response_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_breadcrumbs(self):
        quiz = self.object.quiz
        return [*quiz_crumbs(quiz, (gettext_lazy("Responses"), selectors.list_url({"quiz": quiz.pk}))),
                (f"#{self.object.pk}", None)]  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answers"] = selectors.response_answers(response=self.object)
        return context


# ---------------------------------------------------------------- quiz forms


class QuizCreateView(ScopedCreateView):
    form_class = QuizForm
    title = gettext_lazy("New quiz")
    submit_label = gettext_lazy("Create the quiz")
    success_url_name = "quizzes:quiz_detail"
    cancel_url_name = "quizzes:quiz_list"
    success_message = gettext_lazy("The quiz has been created as a draft. Add its questions, then open it.")
    error_field_map = {"unit": "unit_name"}

    def check_allowed(self):
        require(_can_create(self.request.user))

    def get_initial(self):
        today = timezone.localdate()
        initial = {"kind": QuizKind.KNOWLEDGE, "year": today.year, "opens_on": today,
                   "closes_on": today.replace(day=28), "pass_percent": 60}  # fmt: skip
        unit = getattr(self.request.user, "unit", None)
        if unit is not None:
            initial.update({"area": unit.area_id, "unit_name": unit.name})
        elif getattr(self.request.user, "area_id", None):
            initial["area"] = self.request.user.area_id
        return initial

    def get_breadcrumbs(self):
        return [
            (gettext_lazy("Quizzes and questionnaires"), reverse("quizzes:quiz_list")),
            (self.title, None),
        ]

    def perform(self, form):
        return services.quiz_create(actor=self.request.user, **form.service_data())


class QuizEditView(ScopedEditView):
    queryset = Quiz.objects.select_related("area", "unit")
    form_class = QuizForm
    title = gettext_lazy("Edit quiz")
    success_url_name = "quizzes:quiz_detail"
    success_message = gettext_lazy("The quiz has been saved.")
    error_field_map = {"unit": "unit_name"}

    def get_initial(self):
        q = self.object
        return {"kind": q.kind, "title": q.title, "intro": q.intro, "area": q.area_id,
                "unit_name": q.unit.name if q.unit else "", "year": q.year, "opens_on": q.opens_on,
                "closes_on": q.closes_on, "pass_percent": q.pass_percent}  # fmt: skip

    def get_breadcrumbs(self):
        return quiz_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return services.quiz_update(actor=self.request.user, quiz=self.object, **form.service_data())


class QuizStatusView(ConfirmActionView):
    """One status change (open, close, reopen) through its own service, after a confirmation page."""

    queryset = Quiz.objects.select_related("area", "unit")
    form_class = ReasonForm
    success_url_name = "quizzes:quiz_detail"
    success_message = gettext_lazy("The status of the quiz has been changed.")
    slug = ""

    def dispatch(self, request, *args, **kwargs):
        _target, self.service, self.title, self.question, self.danger = STATUS_ACTIONS[self.slug]
        self.submit_label = self.title
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return quiz_crumbs(self.object, (self.title, None))

    def perform(self, form):
        return self.service(
            actor=self.request.user, quiz=self.object, reason=form.cleaned_data.get("reason", "")
        )


# ---------------------------------------------------------------- questions


class QuestionFormMixin:
    form_class = QuestionForm
    template_name = "quizzes/question_form.html"
    success_url_name = "quizzes:quiz_detail"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user", None)
        kwargs["quiz"] = self.quiz
        return kwargs

    def get_form(self, form_class=None):
        return QuestionForm(**self.get_form_kwargs())

    def get_success_url(self, result=None):
        return reverse("quizzes:quiz_detail", args=[self.quiz.pk]) + "#questions"

    def get_cancel_url(self):
        return reverse("quizzes:quiz_detail", args=[self.quiz.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quiz"] = self.quiz
        return context


class QuestionCreateView(QuestionFormMixin, ScopedEditView):
    queryset = Quiz.objects.select_related("area", "unit")
    title = gettext_lazy("New question")
    submit_label = gettext_lazy("Save the question")
    success_message = gettext_lazy("The question has been saved.")

    def get_object(self):
        self.quiz = super().get_object()
        return self.quiz

    def get_initial(self):
        initial = {"kind": QuestionKind.SINGLE}
        if not self.quiz.is_knowledge:  # the usual three-level rating, ready to keep or change
            for n, level in enumerate(Satisfaction, start=1):
                initial[f"option_{n}_text"] = level.label
                initial[f"option_{n}_satisfaction"] = level.value
        return initial

    def get_breadcrumbs(self):
        return quiz_crumbs(self.quiz, (self.title, None))

    def perform(self, form):
        return services.question_save(
            actor=self.request.user, quiz=self.quiz, text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"], options=form.options(),
        )  # fmt: skip


class QuestionEditView(QuestionFormMixin, ScopedEditView):
    title = gettext_lazy("Edit question")
    success_message = gettext_lazy("The question has been saved.")

    def get_object(self):
        question = selectors.question_get(user=self.request.user, pk=self.kwargs["pk"], action=CHANGE)
        self.quiz = question.quiz
        return question

    def get_initial(self):
        return QuestionForm.initial_for(self.object)

    def get_breadcrumbs(self):
        return quiz_crumbs(self.quiz, (self.title, None))

    def perform(self, form):
        return services.question_save(
            actor=self.request.user, quiz=self.quiz, question=self.object, text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"], options=form.options(),
        )  # fmt: skip


class QuestionDeleteView(ConfirmActionView):
    title = gettext_lazy("Delete question")
    submit_label = gettext_lazy("Delete")
    question = gettext_lazy("Delete this question and its options?")
    success_message = gettext_lazy("The question has been deleted.")

    def get_object(self):
        question = selectors.question_get(user=self.request.user, pk=self.kwargs["pk"], action=CHANGE)
        self.quiz = question.quiz
        return question

    def get_breadcrumbs(self):
        return quiz_crumbs(self.quiz, (self.title, None))

    def get_cancel_url(self):
        return reverse("quizzes:quiz_detail", args=[self.quiz.pk])

    def get_success_url(self, result=None):
        return reverse("quizzes:quiz_detail", args=[self.quiz.pk]) + "#questions"

    def perform(self, form):
        services.question_delete(actor=self.request.user, question=self.object)
        return self.quiz
