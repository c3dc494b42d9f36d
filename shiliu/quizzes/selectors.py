"""Reads of quizzes and responses: every one takes the user and goes through scope (the public pages read a quiz
by its link code only). The figures are built from the list selectors, so a figure and the list its link opens
count the same responses.

Rates (percent, two decimals; None without a response):
- awareness rate (知晓率) = responses passed ÷ responses, over knowledge quizzes;
- satisfaction rate (满意率) = (satisfied + basically satisfied answers) ÷ rating answers, over questionnaires.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiliu.core.figures import Figure
from shiliu.core.scope import VIEW, get_visible_or_404, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area, Unit
from shiliu.orgs.selectors import area_filter_param

from .choices import QuizKind, QuizStatus
from .models import Answer, Question, Quiz, Response

AWARENESS_FORMULA = gettext_lazy("Awareness rate = responses passed ÷ responses to knowledge quizzes × 100%")
SATISFACTION_FORMULA = gettext_lazy(
    "Satisfaction rate = (satisfied + basically satisfied answers) ÷ rating answers in questionnaires × 100%"
)
# response_list's ``rating`` filter: responses with at least one answer of these levels
RATING_FILTERS = {
    "any": Q(satisfied__gt=0) | Q(basic__gt=0) | Q(dissatisfied__gt=0),
    "positive": Q(satisfied__gt=0) | Q(basic__gt=0),
    "satisfied": Q(satisfied__gt=0),
    "basic": Q(basic__gt=0),
    "dissatisfied": Q(dissatisfied__gt=0),
}
QUIZ_SORTS = {"opens": "opens_on", "title": "title", "created": "id"}


def parse_day(value) -> datetime.date | None | bool:
    """A date from a filter value; None when absent, False when malformed (which then matches nothing)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return False


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())


def _int(value) -> int | None:
    return int(value) if str(value or "").strip().isdigit() else None


def _within_area(qs: QuerySet, *, user, value) -> QuerySet:
    if not value:
        return qs
    within = area_filter_param(user=user, value=value)
    return qs.filter(area_path__startswith=within.path) if within is not None else qs.none()


# ---------------------------------------------------------------- quizzes


def quiz_list(*, user, filters: Mapping | None = None) -> QuerySet[Quiz]:
    """Quizzes in scope by area subtree, unit, kind, status, year, window (``date_from``/``date_to``: the
    quiz's dates overlap the period) and a search in the title; ``sort`` is one of QUIZ_SORTS (with ``-``)."""
    filters = filters or {}
    qs = visible_to(Quiz.objects.select_related("area", "unit"), user)
    qs = _within_area(qs, user=user, value=filters.get("area"))
    if filters.get("unit"):
        unit = _int(filters.get("unit"))
        qs = qs.filter(unit_id=unit) if unit else qs.none()
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind) if kind in QuizKind.values else qs.none()
    if status := filters.get("status"):
        qs = qs.filter(status=status) if status in QuizStatus.values else qs.none()
    if year := filters.get("year"):
        qs = qs.filter(year=int(year)) if str(year).isdigit() else qs.none()
    for key, lookup in (("date_from", "closes_on__gte"), ("date_to", "opens_on__lte")):
        day = parse_day(filters.get(key))
        if day is False:
            return qs.none()
        if day is not None:
            qs = qs.filter(**{lookup: day})
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(title__contains=q)
    qs = qs.annotate(response_count=Count("responses"))
    sort = str(filters.get("sort") or "")
    if sort.lstrip("-") in QUIZ_SORTS:
        field = QUIZ_SORTS[sort.lstrip("-")]
        sign = "-" if sort.startswith("-") else ""
        qs = qs.order_by(sign + field, sign + "id")
    return qs


def quiz_get(*, user, pk, action: str = VIEW) -> Quiz:
    return get_visible_or_404(Quiz.objects.select_related("area", "unit", "created_by"), user, action, pk=pk)


def question_get(*, user, pk, action: str = VIEW) -> Question:
    """A question through its quiz's scope (same 404 for missing and foreign)."""
    question = Question.objects.select_related("quiz").filter(pk=_int(pk) or 0).first()
    quiz = quiz_get(user=user, pk=question.quiz_id if question else 0, action=action)
    question.quiz = quiz
    return question


def quiz_public(*, token: str) -> Quiz | None:
    """The quiz behind a public link, whatever its status (the page explains when it takes no answers)."""
    if not token or len(token) > 64:
        return None
    return Quiz.objects.filter(token=token).first()


def quiz_questions(*, quiz: Quiz) -> list[Question]:
    """Questions of a quiz already fetched through scope or by token, with their options, in order."""
    return list(quiz.questions.prefetch_related("options").order_by("sort", "id"))


def quiz_years(*, user) -> list[int]:
    return sorted(set(visible_to(Quiz.objects.all(), user).values_list("year", flat=True)), reverse=True)


# ---------------------------------------------------------------- responses


def response_list(*, user, filters: Mapping | None = None) -> QuerySet[Response]:
    """Responses in scope by ``quiz`` (id), ``area`` subtree, ``unit`` (the quiz's), ``kind`` (the quiz's),
    ``passed`` (1/0), ``rating`` (a key of RATING_FILTERS), ``option`` (id: the option was chosen) and
    ``date_from``/``date_to`` (the local date of submission)."""
    filters = filters or {}
    qs = visible_to(Response.objects.select_related("quiz"), user)
    qs = _within_area(qs, user=user, value=filters.get("area"))
    for key, lookup in (("quiz", "quiz_id"), ("unit", "quiz__unit_id")):
        if filters.get(key):
            value = _int(filters.get(key))
            qs = qs.filter(**{lookup: value}) if value else qs.none()
    if kind := filters.get("kind"):
        qs = qs.filter(quiz__kind=kind) if kind in QuizKind.values else qs.none()
    passed = str(filters.get("passed") or "")
    if passed in ("1", "0"):
        qs = qs.filter(passed=passed == "1")
    elif passed:
        return qs.none()
    if rating := filters.get("rating"):
        qs = qs.filter(RATING_FILTERS[rating]) if rating in RATING_FILTERS else qs.none()
    if filters.get("option"):
        option = _int(filters.get("option"))
        if not option:
            return qs.none()
        qs = qs.filter(Exists(Answer.objects.filter(response=OuterRef("pk"), option_id=option)))
    for key in ("date_from", "date_to"):
        day = parse_day(filters.get(key))
        if day is False:
            return qs.none()
        if day is not None:
            qs = (
                qs.filter(submitted_at__gte=day_start(day))
                if key == "date_from"
                else qs.filter(submitted_at__lt=day_start(day + datetime.timedelta(days=1)))
            )
    return qs


def response_get(*, user, pk) -> Response:
    return get_visible_or_404(
        Response.objects.select_related("quiz", "quiz__area", "quiz__unit"), user, pk=pk
    )


def response_answers(*, response: Response) -> list[dict]:
    """The questions of a response's quiz with the options chosen (and, for knowledge, whether right)."""
    chosen = set(response.answers.values_list("option_id", flat=True))
    rows = []
    for question in quiz_questions(quiz=response.quiz):
        options = list(question.options.all())
        picked = {o.pk for o in options if o.pk in chosen}
        right = {o.pk for o in options if o.is_correct}
        rows.append({"question": question, "options": options, "chosen": picked,
                     "is_right": bool(right) and picked == right})  # fmt: skip
    return rows


def list_url(filters: Mapping) -> str:
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    base = reverse("quizzes:response_list")
    return base + (f"?{query}" if query else "")


# ---------------------------------------------------------------- figures


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rate_figure(*, user, key, label, formula, value_of, rate_filters, num, den) -> Figure:
    """A rate Figure: records/url the responses behind it; breakdown the numerator and denominator Figures
    (values may count answers rather than responses, each with the responses that hold them) and the formula."""
    num_value, num_filters = num
    den_value, den_filters = den

    def figure(k, lab, value, filters):
        return Figure(k, lab, value, records=lambda: response_list(user=user, filters=filters),
                      url=lambda: list_url(filters))  # fmt: skip

    return Figure(
        key, label, value_of(num_value, den_value),
        records=lambda: response_list(user=user, filters=rate_filters), url=lambda: list_url(rate_filters),
        breakdown={"numerator": figure(f"{key}_numerator", _("Numerator"), num_value, num_filters),
                   "denominator": figure(f"{key}_denominator", _("Denominator"), den_value, den_filters),
                   "formula": formula},
    )  # fmt: skip


def _response_figures(*, user, base: dict) -> dict[str, Figure]:
    """responses, awareness_rate and satisfaction_rate over the responses the ``base`` filters select."""
    responses = response_list(user=user, filters=base)
    knowledge, questionnaire = Q(quiz__kind=QuizKind.KNOWLEDGE), Q(quiz__kind=QuizKind.QUESTIONNAIRE)
    counts = responses.order_by().aggregate(
        responses=Count("pk"),
        knowledge=Count("pk", filter=knowledge),
        passed=Count("pk", filter=knowledge & Q(passed=True)),
        positive=Sum(F("satisfied") + F("basic"), filter=questionnaire, default=0),
        ratings=Sum(F("satisfied") + F("basic") + F("dissatisfied"), filter=questionnaire, default=0),
    )
    k_filters = base | {"kind": QuizKind.KNOWLEDGE.value}
    q_filters = base | {"kind": QuizKind.QUESTIONNAIRE.value}
    return {
        "responses": Figure("responses", _("Responses"), counts["responses"],
                            records=lambda: response_list(user=user, filters=base),
                            url=lambda: list_url(base)),
        "awareness_rate": _rate_figure(
            user=user, key="awareness_rate", label=_("Policy-awareness rate"), formula=AWARENESS_FORMULA,
            value_of=percent, rate_filters=k_filters,
            num=(counts["passed"], k_filters | {"passed": "1"}), den=(counts["knowledge"], k_filters),
        ),
        "satisfaction_rate": _rate_figure(
            user=user, key="satisfaction_rate", label=_("Satisfaction rate"), formula=SATISFACTION_FORMULA,
            value_of=percent, rate_filters=q_filters,
            num=(counts["positive"], q_filters | {"rating": "positive"}),
            den=(counts["ratings"], q_filters | {"rating": "any"}),
        ),
    }  # fmt: skip


def quiz_figures(
    *, user, area=None, unit=None, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[str, Figure]:
    """quizzes, responses, awareness_rate and satisfaction_rate in the user's scope.

    ``area`` (object or id) narrows to the area subtree, ``unit`` (object or id) to that unit's quizzes; a response
    counts in the period by the local date it was submitted, a quiz when its dates overlap the period.
    """
    base: dict[str, str] = {}
    if area is not None and area != "":
        base["area"] = str(area.pk if isinstance(area, Area) else area)
    if unit is not None and unit != "":
        base["unit"] = str(unit.pk if isinstance(unit, Unit) else unit)
    if start is not None:
        base["date_from"] = start.isoformat()
    if end is not None:
        base["date_to"] = end.isoformat()
    quizzes = quiz_list(user=user, filters=base)
    quiz_url = reverse("quizzes:quiz_list")
    figures = {
        "quizzes": Figure("quizzes", _("Quizzes and questionnaires"), quizzes.order_by().count(),
                          records=lambda: quiz_list(user=user, filters=base),
                          url=f"{quiz_url}?{urlencode(base)}" if base else quiz_url),
    }  # fmt: skip
    figures.update(_response_figures(user=user, base=base))
    return figures


def quiz_results(*, user, quiz: Quiz) -> dict:
    """The quiz page's results: its rates (Figures) and the answer distribution of every question, each count
    with the url of the responses that chose it."""
    base = {"quiz": str(quiz.pk)}
    figures = _response_figures(user=user, base=base)
    counts = dict(
        Answer.objects.filter(response__in=response_list(user=user, filters=base))
        .order_by()
        .values_list("option_id")
        .annotate(n=Count("pk"))
    )
    questions = []
    for question in quiz_questions(quiz=quiz):
        options = [
            {"option": o, "count": counts.get(o.pk, 0), "url": list_url(base | {"option": str(o.pk)})}
            for o in question.options.all()
        ]
        questions.append({"question": question, "options": options,
                          "answered": sum(o["count"] for o in options)})  # fmt: skip
    return {"figures": figures, "questions": questions}
