"""JSON endpoints of quizzes (read through the selectors, hence the scope engine).

Read-only: the scoped list and detail of quizzes (questions and options, correct flags included: the API is for
staff only), the anonymous responses (counts only: a response holds no personal data), the figures of the home
panel and a quiz's results. The numbers come from ``selectors.quiz_figures``/``quiz_results``, shared with the web
pages, so a figure here and its ``url`` (the web list of the counted records) always agree.
"""

from __future__ import annotations

import datetime
from enum import Enum

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from shiliu.api.pagination import list_page
from shiliu.api.params import PeriodParams, check_period, query_filters
from shiliu.api.schemas import LIST_ERRORS, READ_ERRORS, FigureOut, PageParams, figure_out
from shiliu.core.errors import ApplicationError
from shiliu.orgs import selectors as org_selectors

from . import selectors
from .choices import QuestionKind, QuizKind, QuizStatus

router = Router(tags=["quizzes"])

QUIZ_SORTS = ("-opens_on", "opens_on", "title", "-title", "-id", "id")
RESPONSE_SORTS = ("-submitted_at", "submitted_at", "-id", "id")
RatingFilter = Enum("RatingFilter", {key.upper(): key for key in selectors.RATING_FILTERS}, type=str)


# ---------------------------------------------------------------- helpers


def _area(user, pk: int | None):
    """An area named in the query, through scope; a foreign area reads as an invalid choice."""
    if pk is None:
        return None
    try:
        return org_selectors.area_get(user=user, pk=pk)
    except Http404:
        raise ApplicationError(_("Choose a valid area."), field="area") from None


def _unit(user, pk: int | None):
    if pk is None:
        return None
    try:
        return org_selectors.unit_get(user=user, pk=pk)
    except Http404:
        raise ApplicationError(_("Choose a valid unit."), field="unit") from None


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class QuizRef(Schema):
    id: int
    title: str


class QuizOut(Schema):
    id: int
    kind: QuizKind
    title: str
    status: QuizStatus
    area: Ref
    unit: Ref | None
    year: int
    opens_on: datetime.date
    closes_on: datetime.date
    pass_percent: int
    response_count: int = Field(0, description="Responses received so far.")
    created_at: datetime.datetime
    updated_at: datetime.datetime


class QuizPage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[QuizOut]


class QuizFilters(Schema):
    q: str | None = Field(None, description="A search in the title.")
    area: int | None = Field(None, description="Only quizzes in this area and below.")
    unit: int | None = Field(None, description="Only this unit's quizzes.")
    kind: QuizKind | None = None
    status: QuizStatus | None = None
    year: int | None = None
    date_from: datetime.date | None = Field(None, description="Quizzes still open on or after this day.")
    date_to: datetime.date | None = Field(None, description="Quizzes opening on or before this day.")


class OptionOut(Schema):
    id: int
    text: str
    is_correct: bool = Field(description="A right answer of a knowledge quiz (staff only).")
    satisfaction: str = Field(description="The rating level of a questionnaire option; empty if none.")


class QuestionOut(Schema):
    id: int
    sort: int
    text: str
    kind: QuestionKind
    options: list[OptionOut]


class QuizDetailOut(QuizOut):
    intro: str
    public_url: str = Field(description="The residents' page of the quiz.")
    questions: list[QuestionOut]

    @staticmethod
    def resolve_public_url(obj) -> str:
        return reverse("quizzes:public_take", args=[obj.token])

    @staticmethod
    def resolve_questions(obj) -> list:
        return obj.question_rows


class ResponseOut(Schema):
    """An anonymous response: the counts and the time, nothing about who answered."""

    id: int
    quiz: QuizRef
    submitted_at: datetime.datetime
    correct: int
    questions: int
    passed: bool
    satisfied: int
    basic: int
    dissatisfied: int


class ResponsePage(Schema):
    count: int
    next_cursor: str | None
    prev_cursor: str | None
    items: list[ResponseOut]


class ResponseFilters(Schema):
    quiz: int | None = None
    area: int | None = Field(None, description="Only responses in this area and below.")
    unit: int | None = Field(None, description="Only responses to this unit's quizzes.")
    kind: QuizKind | None = None
    passed: bool | None = None
    rating: RatingFilter | None = Field(
        None, description="Responses with at least one answer of these levels."
    )
    option: int | None = Field(None, description="Responses that chose this option.")
    date_from: datetime.date | None = Field(None, description="Submitted on or after (local date).")
    date_to: datetime.date | None = Field(None, description="Submitted on or before (local date).")


class FigureParams(PeriodParams):
    unit: int | None = Field(None, description="Only this unit's quizzes.")


class OptionResultOut(Schema):
    id: int
    text: str
    is_correct: bool
    satisfaction: str
    count: int
    url: str = Field(description="The web list of the responses that chose the option.")


class QuestionResultOut(Schema):
    id: int
    text: str
    kind: QuestionKind
    answered: int = Field(description="Answers given (a multiple-choice response counts once per option).")
    options: list[OptionResultOut]


class ResultsOut(Schema):
    quiz: QuizRef
    figures: list[FigureOut]
    questions: list[QuestionResultOut]


# ---------------------------------------------------------------- quizzes


@router.get("/quizzes", response={200: QuizPage, **LIST_ERRORS})
def quiz_list(request, filters: Query[QuizFilters], page: Query[PageParams]):
    qs = selectors.quiz_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, QUIZ_SORTS)


@router.get("/quizzes/figures", response={200: list[FigureOut], **LIST_ERRORS})
def quiz_figures(request, params: Query[FigureParams]):
    """Quizzes, responses and the awareness and satisfaction rates: the numbers of the home panel."""
    user = request.auth
    check_period(params.start, params.end)
    figures = selectors.quiz_figures(
        user=user,
        area=_area(user, params.area),
        unit=_unit(user, params.unit),
        start=params.start,
        end=params.end,
    )
    return [figure_out(figure) for figure in figures.values()]


@router.get("/quizzes/{int:quiz_id}", response={200: QuizDetailOut, **READ_ERRORS})
def quiz_detail(request, quiz_id: int):
    user = request.auth
    quiz = selectors.quiz_get(user=user, pk=quiz_id)
    quiz.response_count = selectors.response_list(user=user, filters={"quiz": str(quiz.pk)}).count()
    quiz.question_rows = selectors.quiz_questions(quiz=quiz)
    return quiz


@router.get("/quizzes/{int:quiz_id}/results", response={200: ResultsOut, **READ_ERRORS})
def quiz_results(request, quiz_id: int):
    """The rates of one quiz and how often each option was chosen (each count with its responses' web list)."""
    user = request.auth
    quiz = selectors.quiz_get(user=user, pk=quiz_id)
    results = selectors.quiz_results(user=user, quiz=quiz)
    questions = [
        {
            "id": row["question"].pk,
            "text": row["question"].text,
            "kind": row["question"].kind,
            "answered": row["answered"],
            "options": [
                {
                    "id": o["option"].pk,
                    "text": o["option"].text,
                    "is_correct": o["option"].is_correct,
                    "satisfaction": o["option"].satisfaction,
                    "count": o["count"],
                    "url": o["url"],
                }
                for o in row["options"]
            ],  # fmt: skip
        }
        for row in results["questions"]
    ]
    return {
        "quiz": quiz,
        "figures": [figure_out(figure) for figure in results["figures"].values()],
        "questions": questions,
    }


# ---------------------------------------------------------------- responses


@router.get("/quiz-responses", response={200: ResponsePage, **LIST_ERRORS})
def response_list(request, filters: Query[ResponseFilters], page: Query[PageParams]):
    qs = selectors.response_list(user=request.auth, filters=query_filters(filters))
    return list_page(qs, page, RESPONSE_SORTS)
