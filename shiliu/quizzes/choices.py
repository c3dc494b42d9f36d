"""Kinds and statuses of quizzes (知识测试 / 满意度问卷), the status table, question kinds and rating levels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuizKind(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge quiz")
    QUESTIONNAIRE = "questionnaire", _("Satisfaction questionnaire")


class QuizStatus(models.TextChoices):
    """草稿 → 开放 → 关闭, and 关闭 → 开放 again (reopening)."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("quiz", "Open")
    CLOSED = "closed", pgettext_lazy("quiz", "Closed")


# The only status changes there are; each goes through its own service in services.py.
TRANSITIONS: dict[str, frozenset[str]] = {
    QuizStatus.DRAFT: frozenset({QuizStatus.OPEN}),
    QuizStatus.OPEN: frozenset({QuizStatus.CLOSED}),
    QuizStatus.CLOSED: frozenset({QuizStatus.OPEN}),
}


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Satisfaction(models.TextChoices):
    """Rating levels of a questionnaire option; an option without a level is not a rating."""

    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


DEFAULT_PASS_PERCENT = 60
