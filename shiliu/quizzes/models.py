"""Quizzes and questionnaires (知识测试 / 满意度问卷) with their questions, and the residents' anonymous responses.

A response keeps the answers and the time only: no name, phone, ID number, ethnicity, religion, address or any
other personal data (DOMAIN.md, personal information).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shiliu.core.models import ScopedModel
from shiliu.core.roles import Role

from .choices import DEFAULT_PASS_PERCENT, QuestionKind, QuizKind, QuizStatus, Satisfaction

WRITE_ROLES = frozenset({Role.OFFICE, Role.UNIT, Role.DEPARTMENT})


class Quiz(ScopedModel):
    """A knowledge quiz (知识测试) or satisfaction questionnaire (满意度问卷) of an area office or a unit."""

    area = models.ForeignKey(
        "orgs.Area", on_delete=models.PROTECT, related_name="quizzes", verbose_name=_("area")
    )
    # Copy of area.path, kept in step by the services (and by orgs' area_move through the path prefix).
    area_path = models.CharField(max_length=15, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quizzes",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=QuizKind.choices)
    title = models.CharField(_("title"), max_length=150)
    intro = models.TextField(_("introduction"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    pass_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=DEFAULT_PASS_PERCENT)
    status = models.CharField(
        _("status"), max_length=10, choices=QuizStatus.choices, default=QuizStatus.DRAFT
    )
    token = models.CharField(_("public link code"), max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    history = HistoricalRecords(excluded_fields=["area_path", "updated_at"])

    scope_unit_field = "unit"
    scope_write_roles = WRITE_ROLES

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-opens_on", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"], name="quiz_path_id", opclasses=["varchar_pattern_ops", "int8_ops"]
            ),
            models.Index(fields=["opens_on", "id"], name="quiz_opens_id"),
            models.Index(fields=["status", "id"], name="quiz_status_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="quiz_window_ordered"),
            models.CheckConstraint(
                condition=Q(pass_percent__gte=1, pass_percent__lte=100), name="quiz_pass_percent_range"
            ),
            models.CheckConstraint(condition=Q(status__in=QuizStatus.values), name="quiz_status_known"),
            models.CheckConstraint(condition=Q(kind__in=QuizKind.values), name="quiz_kind_known"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz_detail", args=[self.pk])

    @property
    def is_knowledge(self) -> bool:
        return self.kind == QuizKind.KNOWLEDGE

    @property
    def is_draft(self) -> bool:
        return self.status == QuizStatus.DRAFT

    def accepts_responses(self, day=None) -> bool:
        """Open, and ``day`` (today by default) within opens_on..closes_on."""
        day = day or timezone.localdate()
        return self.status == QuizStatus.OPEN and self.opens_on <= day <= self.closes_on


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz"))
    sort = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.text


class Option(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    sort = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("option"), max_length=200)
    is_correct = models.BooleanField(_("correct"), default=False)
    satisfaction = models.CharField(
        _("satisfaction level"), max_length=12, choices=Satisfaction.choices, blank=True
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.text


class Response(ScopedModel):
    """One anonymous submission (答卷): the counts are computed once, when it is submitted."""

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="responses", verbose_name=_("quiz"))
    area_path = models.CharField(max_length=15, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    correct = models.PositiveIntegerField(_("answered correctly"), default=0)
    questions = models.PositiveIntegerField(_("questions"), default=0)
    passed = models.BooleanField(_("passed"), default=False)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basic = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)

    scope_unit_field = "quiz__unit"
    scope_write_roles = frozenset()  # nobody edits a resident's answers

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(
                fields=["area_path", "id"],
                name="quiz_response_path_id",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(fields=["submitted_at", "id"], name="quiz_response_at_id"),
            models.Index(fields=["quiz", "submitted_at"], name="quiz_response_quiz_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(correct__lte=F("questions")), name="quiz_response_correct_le"),
        ]

    def __str__(self):
        return f"{self.quiz_id}#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:response_detail", args=[self.pk])

    @property
    def rating_answers(self) -> int:
        return self.satisfied + self.basic + self.dissatisfied


class Answer(models.Model):
    """One chosen option of a response (a multiple-choice question gives one row per chosen option)."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, related_name="answers", verbose_name=_("option")
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "option"], name="quiz_answer_unique_option"),
        ]

    def __str__(self):
        return f"{self.response_id}: {self.option_id}"
