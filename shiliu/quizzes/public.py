"""The residents' pages, without login: take a quiz through its public link, then see the score (knowledge) or
a thank-you (questionnaire).

Nothing about the person is asked or stored, not even the address: the network address is used only, hashed,
as the key of the rate-limit counter. The spam checks are the public request form's (service_requests'
``guard``): a honeypot field, a signed render time with a minimum fill time, a per-address rate limit, and
suppression of a form sent twice (the same signed render token)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from shiliu.core.errors import ApplicationError
from shiliu.service_requests.views import guard

from . import selectors, services

RATE_SCOPE = "quiz"


def rate_limit() -> tuple[int, int]:
    """(answers, window in seconds) per address: higher than the request form's, since a whole community hall
    or school class may answer behind one address."""
    return (
        getattr(settings, "QUIZZES_PUBLIC_RATE_LIMIT", 60),
        getattr(settings, "QUIZZES_PUBLIC_RATE_WINDOW_SECONDS", 3600),
    )


SESSION_KEY = "quizzes.public_done"


def _unavailable(request, quiz, status=200):
    return render(request, "quizzes/public_unavailable.html", {"quiz": quiz}, status=status)


def _render_take(request, quiz, *, chosen=None, error="", field_errors=None, status=200):
    questions = selectors.quiz_questions(quiz=quiz)
    return render(
        request,
        "quizzes/public_take.html",
        {"quiz": quiz, "questions": questions, "chosen": chosen or {}, "error": error,
         "field_errors": field_errors or {}, "started": guard.render_token(),
         "min_seconds": guard.min_fill_seconds()},
        status=status,
    )  # fmt: skip


def _chosen(request, questions) -> dict[int, list[int]]:
    chosen = {}
    for question in questions:
        values = [v for v in request.POST.getlist(f"q{question.pk}") if v.isdigit()]
        if values:
            chosen[question.pk] = [int(v) for v in values]
    return chosen


@never_cache
@csrf_protect
def public_take(request, token):
    quiz = selectors.quiz_public(token=token)
    if quiz is None:
        return _unavailable(request, None, status=404)
    if not quiz.accepts_responses():
        return _unavailable(request, quiz)
    if request.method != "POST":
        return _render_take(request, quiz)
    questions = selectors.quiz_questions(quiz=quiz)
    chosen = _chosen(request, questions)
    limit, window = rate_limit()
    if guard.rate_exceeded(request, RATE_SCOPE, limit=limit):
        return _render_take(request, quiz, chosen=chosen, status=429,
                            error=_("Too many answers have been sent from your network recently. "
                                    "Please try again later."))  # fmt: skip
    guard.rate_count(request, RATE_SCOPE, window=window)
    if request.POST.get("website"):
        return _render_take(request, quiz, chosen=chosen, status=400,
                            error=_("The answers could not be accepted. Please try again."))  # fmt: skip
    started = request.POST.get("started", "")
    problem = guard.token_problem(started)
    if problem == "too_fast":
        return _render_take(request, quiz, chosen=chosen, status=400,
                            error=_("The answers were sent too quickly. Please check them and send them again."))  # fmt: skip
    if problem == "stale":
        return _render_take(request, quiz, chosen=chosen, status=400,
                            error=_("The form has expired. Please send your answers again."))  # fmt: skip
    if guard.is_duplicate_text(f"quiz:{started}"):
        return _render_take(request, quiz, chosen=chosen, status=400,
                            error=_("These answers have already been received. Thank you."))  # fmt: skip
    try:
        response = services.response_submit(quiz=quiz, answers=chosen)
    except ApplicationError as exc:
        field_errors = {exc.field: exc.message} if exc.field and exc.field.startswith("q") else {}
        return _render_take(request, quiz, chosen=chosen, status=400, field_errors=field_errors,
                            error=exc.message)  # fmt: skip
    guard.remember_text(f"quiz:{started}")
    request.session[SESSION_KEY] = {"token": quiz.token, "response": response.pk}
    return redirect("quizzes:public_done", token=quiz.token)


@never_cache
def public_done(request, token):
    """The score and the right answers (knowledge) or thanks (questionnaire), for the response just sent from
    this browser only (kept in its session)."""
    quiz = selectors.quiz_public(token=token)
    if quiz is None:
        return _unavailable(request, None, status=404)
    receipt = request.session.get(SESSION_KEY) or {}
    response = None
    if receipt.get("token") == quiz.token:
        response = quiz.responses.filter(pk=receipt.get("response")).first()
    if response is None:
        return redirect("quizzes:public_take", token=quiz.token)
    answers = selectors.response_answers(response=response) if quiz.is_knowledge else []
    return render(
        request, "quizzes/public_done.html", {"quiz": quiz, "response": response, "answers": answers}
    )
