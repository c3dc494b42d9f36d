"""Reads of demonstration creation, each taking the user and going through the scope engine.

Indicator systems and batches are configuration: every signed-in user reads systems; batches are visible along
their organiser's line (the subtree and the areas above). Candidates, assessments, titles, checks and veto events
are scoped records.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from shiliu.core.scope import VIEW, get_visible_or_404, role_may, scope_of, visible_to
from shiliu.core.validators import normalize_text
from shiliu.orgs.models import Area, Unit
from shiliu.orgs.selectors import area_filter_param

from .choices import (
    AREA_LEVEL_TARGET,
    EDITABLE_STAGES,
    REVIEW_STAGES,
    STAGE_TRANSITIONS,
    STANDING_TITLE_STATUSES,
    AssessmentKind,
    AssessmentStatus,
    CandidateStage,
    CreationLevel,
    SystemStatus,
    TargetKind,
    TitleStatus,
    VetoEventStatus,
)
from .gaps import gap_list  # noqa: F401  (the gap list is a selector; its computation lives in gaps.py)
from .models import (
    AnnualCheck,
    Assessment,
    Batch,
    Candidate,
    Evidence,
    Indicator,
    IndicatorSystem,
    ItemScore,
    Rectification,
    Title,
    VetoEvent,
)
from .services.common import is_office_above

EXPIRING_DAYS = 180


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


# ---------------------------------------------------------------- systems


def system_for(*, unit: Unit | None = None, area: Area | None = None, year: int) -> IndicatorSystem | None:
    """The published system that applies to a unit (by its type) or an area (by its level) for ``year``: the
    most specific issuing area first, then the latest year up to ``year``, then the highest version."""
    if unit is not None:
        qs = IndicatorSystem.objects.filter(target_kind=TargetKind.UNIT, unit_type_id=unit.unit_type_id)
        path = unit.area_path
    else:
        kind = AREA_LEVEL_TARGET.get(area.level)
        if kind is None:
            return None
        qs = IndicatorSystem.objects.filter(target_kind=kind)
        path = area.path
    candidates = qs.filter(status=SystemStatus.PUBLISHED, year__lte=year).order_by(
        Length("area_path").desc(), "-year", "-version"
    )
    for system in candidates:
        if path.startswith(system.area_path):
            return system
    return None


def system_list(*, user, filters: Mapping | None = None) -> QuerySet[IndicatorSystem]:
    filters = filters or {}
    if scope_of(user).is_empty:
        return IndicatorSystem.objects.none()
    qs = IndicatorSystem.objects.select_related("unit_type", "area", "cloned_from")
    if kind := filters.get("target_kind"):
        qs = qs.filter(target_kind=kind) if kind in TargetKind.values else qs.none()
    if unit_type := filters.get("unit_type"):
        qs = qs.filter(unit_type__code=unit_type)
    if year := filters.get("year"):
        qs = qs.filter(year=int(year)) if str(year).isdigit() else qs.none()
    if status := filters.get("status"):
        qs = qs.filter(status=status) if status in SystemStatus.values else qs.none()
    if filters.get("demo") in ("1", "0"):
        qs = qs.filter(is_demo=filters.get("demo") == "1")
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(name__contains=q)
    return qs.order_by("-year", "name", "-version")


def system_get(*, user, pk) -> IndicatorSystem:
    from shiliu.core.errors import NotVisible

    if scope_of(user).is_empty:
        raise NotVisible()
    try:
        return IndicatorSystem.objects.select_related("unit_type", "area", "cloned_from").get(pk=int(pk))
    except (IndicatorSystem.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None


def can_edit_system(*, user, system: IndicatorSystem) -> bool:
    from shiliu.core.errors import NotVisible

    from .services.systems import ensure_system_editor

    try:
        ensure_system_editor(user, system)
    except NotVisible:
        return False
    return True


def indicator_tree(*, system: IndicatorSystem) -> list[Indicator]:
    """The system's nodes depth-first in order, each with ``depth`` (0 = category) and ``is_leaf``."""
    nodes = list(system.indicators.all().order_by("sort", "code", "id"))
    children: dict[int | None, list[Indicator]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out: list[Indicator] = []

    def walk(parent_id, depth):
        for node in children.get(parent_id, []):
            node.depth = depth
            node.is_leaf = node.pk not in children
            out.append(node)
            walk(node.pk, depth + 1)

    walk(None, 0)
    return out


def mapping_rows(*, system: IndicatorSystem) -> list[dict]:
    """For a clone: each item of the original with the items of ``system`` it maps to."""
    if system.cloned_from_id is None:
        return []
    from .models import IndicatorMapping

    maps: dict[int, list[Indicator]] = {}
    for m in IndicatorMapping.objects.filter(new_indicator__system=system).select_related("new_indicator"):
        maps.setdefault(m.old_indicator_id, []).append(m.new_indicator)
    return [
        {"old": node, "depth": node.depth, "new": maps.get(node.pk, [])}
        for node in indicator_tree(system=system.cloned_from)
    ]


# ---------------------------------------------------------------- batches


def batch_list(*, user, filters: Mapping | None = None) -> QuerySet[Batch]:
    """Batches organised in the user's subtree or by an area above the user (where the user's units apply)."""
    filters = filters or {}
    scope = scope_of(user)
    qs = Batch.objects.select_related("area")
    if scope.is_empty:
        return qs.none()
    if not scope.unrestricted:
        above = [scope.area_path[:n] for n in range(1, len(scope.area_path) + 1)]
        qs = qs.filter(Q(area_path__startswith=scope.area_path) | Q(area_path__in=above))
    if level := filters.get("level"):
        qs = qs.filter(level=level) if level in CreationLevel.values else qs.none()
    if year := filters.get("year"):
        qs = qs.filter(year=int(year)) if str(year).isdigit() else qs.none()
    if filters.get("open") == "1":
        qs = qs.filter(is_open=True)
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(name__contains=q)
    return qs.order_by("-year", "name", "id")


def batch_get(*, user, pk) -> Batch:
    from shiliu.core.errors import NotVisible

    try:
        return batch_list(user=user).get(pk=int(pk))
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None


# ---------------------------------------------------------------- candidates

CANDIDATE_SORTS = {
    "id": ("id",), "-id": ("-id",), "stage": ("stage", "id"), "-stage": ("-stage", "-id"),
    "score": ("self_score", "id"), "-score": ("-self_score", "-id"), "final": ("final_score", "id"),
    "-final": ("-final_score", "-id"), "changed": ("stage_changed_at", "id"), "-changed": ("-stage_changed_at", "-id"),
}  # fmt: skip


def candidate_list(*, user, filters: Mapping | None = None) -> QuerySet[Candidate]:
    """Candidates in scope by level, batch, target kind, unit type, stage, year, area subtree and a search."""
    filters = filters or {}
    qs = visible_to(
        Candidate.objects.select_related("unit", "unit__unit_type", "area", "batch", "system"), user
    )
    if level := filters.get("level"):
        qs = qs.filter(level=level) if level in CreationLevel.values else qs.none()
    if batch := filters.get("batch"):
        qs = qs.filter(batch_id=int(batch)) if str(batch).isdigit() else qs.none()
    if kind := filters.get("target_kind"):
        if kind == TargetKind.UNIT:
            qs = qs.filter(unit__isnull=False)
        elif kind in TargetKind.values:
            qs = qs.filter(unit__isnull=True, system__target_kind=kind)
        else:
            qs = qs.none()
    if unit_type := filters.get("unit_type"):
        qs = qs.filter(unit__unit_type__code=unit_type)
    if stage := filters.get("stage"):
        if stage == "open":
            qs = qs.filter(stage__in=[s for s, t in STAGE_TRANSITIONS.items() if t])
        else:
            qs = qs.filter(stage=stage) if stage in CandidateStage.values else qs.none()
    if year := filters.get("year"):
        qs = qs.filter(year=int(year)) if str(year).isdigit() else qs.none()
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        qs = qs.filter(area_path__startswith=within.path) if within else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(unit__name__contains=q) | Q(area__name__contains=q) | Q(batch__name__contains=q))
    sort = CANDIDATE_SORTS.get(filters.get("sort") or "-id", CANDIDATE_SORTS["-id"])
    return qs.order_by(*sort)


def candidate_get(*, user, pk, action: str = VIEW) -> Candidate:
    return get_visible_or_404(
        Candidate.objects.select_related("unit", "unit__unit_type", "area", "batch", "batch__area", "system"),
        user,
        action,
        pk=pk,
    )


def candidate_timeline(*, candidate: Candidate):
    """The candidate's steps, oldest first (a candidate already fetched through scope)."""
    return candidate.events.select_related("actor").order_by("at", "id")


def candidate_actions(*, user, candidate: Candidate) -> list[str]:
    """The steps ``user`` may take on ``candidate`` now; each is the name of a ``candidate_<action>`` service
    (``review`` = score as a reviewer, ``finalize`` = set the final score, ``site_visit``, ``objection``)."""
    actions: list[str] = []
    scope = scope_of(user)
    if scope.is_empty or not role_may(user, Candidate, "change"):
        return actions
    stage = candidate.stage
    allowed = STAGE_TRANSITIONS.get(stage, frozenset())
    writer = visible_to(Candidate.objects.filter(pk=candidate.pk), user, "change").exists()
    above = is_office_above(user, candidate.area_path, strictly=candidate.unit_id is None)
    organiser = is_office_above(user, candidate.batch.area_path, strictly=False)
    if writer and CandidateStage.SUBMITTED in allowed:
        actions.append("submit")
    if above and CandidateStage.RETURNED in allowed:
        actions.append("return")
    if above and CandidateStage.RECOMMENDED in allowed:
        actions.append("recommend")
    if organiser:
        if CandidateStage.PRELIMINARY_REVIEW in allowed:
            actions.append("start_review")
        if CandidateStage.SITE_ASSESSMENT in allowed:
            actions.append("start_site_assessment")
        if CandidateStage.PUBLIC_NOTICE in allowed:
            actions.append("open_notice")
        if CandidateStage.APPROVED in allowed:
            actions.append("approve")
        if CandidateStage.NAMED in allowed:
            actions.append("name")
        if stage in REVIEW_STAGES and not (
            candidate.unit_id and getattr(user, "unit_id", None) == candidate.unit_id
        ):
            actions.append("review")
            actions.append("finalize")
        if stage == CandidateStage.SITE_ASSESSMENT:
            actions.append("site_visit")
        if stage == CandidateStage.PUBLIC_NOTICE:
            actions.append("objection")
    if above and CandidateStage.REJECTED in allowed:
        actions.append("reject")
    if writer and CandidateStage.WITHDRAWN in allowed:
        actions.append("withdraw")
    return actions


# ---------------------------------------------------------------- assessments


def assessment_get(*, user, pk, action: str = VIEW) -> Assessment:
    return get_visible_or_404(
        Assessment.objects.select_related("candidate", "candidate__batch", "candidate__unit", "candidate__area",
                                          "system", "reviewer"),
        user, action, pk=pk,
    )  # fmt: skip


def assessment_is_editable(*, user, assessment: Assessment) -> bool:
    if assessment.is_locked:
        return False
    if assessment.kind == AssessmentKind.SELF:
        return (
            assessment.candidate.stage in EDITABLE_STAGES
            and visible_to(Assessment.objects.filter(pk=assessment.pk), user, "change").exists()
        )
    return assessment.reviewer_id == getattr(user, "pk", None) and assessment.candidate.stage in REVIEW_STAGES


def assessment_rows(*, user, assessment: Assessment, with_suggestions: bool = True) -> list[dict]:
    """The assessment as rows in tree order: ``indicator``, ``depth``, ``item_score`` (None for categories),
    ``evidence`` (list) and ``suggestion`` (an ``evidence.Suggestion`` for items with a record source)."""
    from .evidence import suggest

    scores = {s.indicator_id: s for s in assessment.item_scores.all()}
    evidence: dict[int, list[Evidence]] = {}
    for item in (
        Evidence.objects.filter(item_score__assessment=assessment)
        .select_related("content_type")
        .order_by("id")
    ):
        evidence.setdefault(item.item_score_id, []).append(item)
    rows = []
    own = (
        assessment if assessment.kind == AssessmentKind.SELF else None
    )  # survey results live on the self row
    cache: dict = {}
    for node in indicator_tree(system=assessment.system):
        score = scores.get(node.pk)
        suggestion = None
        if with_suggestions and score is not None and node.source:
            suggestion = suggest(
                user=user, indicator=node, candidate=assessment.candidate, assessment=own, cache=cache
            )
        rows.append({
            "indicator": node, "depth": node.depth, "item_score": score,
            "evidence": evidence.get(score.pk, []) if score else [], "suggestion": suggestion,
        })  # fmt: skip
    return rows


def review_table(*, user, candidate: Candidate) -> dict:
    """Reviewers' scores side by side: ``reviews`` (submitted review assessments, plus the user's own draft),
    ``final`` (the final assessment or None) and ``rows`` per scored item: ``indicator``, ``scores`` (one
    ItemScore or None per review, same order), ``mean`` and ``final`` (ItemScore or None)."""
    reviews = list(
        candidate.assessments.filter(kind=AssessmentKind.REVIEW)
        .filter(Q(status=AssessmentStatus.SUBMITTED) | Q(reviewer_id=getattr(user, "pk", None)))
        .select_related("reviewer")
        .order_by("submitted_at", "id")
    )
    final = candidate.assessments.filter(kind=AssessmentKind.FINAL).first()
    ids = [r.pk for r in reviews] + ([final.pk] if final else [])
    by = {(s.assessment_id, s.indicator_id): s for s in ItemScore.objects.filter(assessment_id__in=ids)}
    rows = []
    for node in indicator_tree(system=candidate.system):
        if not node.is_leaf:
            continue
        scores = [by.get((r.pk, node.pk)) for r in reviews]
        given = [s.points for s in scores if s is not None and s.points is not None]
        rows.append({
            "indicator": node, "scores": scores, "mean": (sum(given) / len(given)).quantize(Decimal("0.01")) if given else None,
            "final": by.get((final.pk, node.pk)) if final else None,
        })  # fmt: skip
    return {"reviews": reviews, "final": final, "rows": rows}


EVIDENCE_SOURCES = ("activity", "publicity", "pairing", "pairing_project", "honour", "requests")


def evidence_search(
    *, user, source: str, q: str = "", candidate: Candidate | None = None, limit: int = 50
) -> list[dict]:
    """Platform records the user can see, to link as evidence: rows with ``source``, ``content_type``
    ("app.model"), ``id``, ``label``, ``date`` and ``url``; narrowed to the candidate's unit or area when given."""
    q = normalize_text(q)
    filters: dict = {}
    if candidate is not None:
        if candidate.unit_id:
            filters["unit"] = str(candidate.unit_id)
        else:
            filters["area"] = str(candidate.area_id)
    rows = []
    if source in ("activity", "publicity"):
        from shiliu.activities import selectors as act

        if q:
            filters["q"] = q
        if source == "activity":
            qs = act.activity_list(user=user, filters=filters).order_by("-start_date", "-id")[:limit]
            ct = "activities.activity"
        else:
            qs = act.publicity_list(user=user, filters=filters).order_by("-id")[:limit]
            ct = "activities.publicityitem"
        for r in qs:
            rows.append({"source": source, "content_type": ct, "id": r.pk, "label": str(r),
                         "date": getattr(r, "start_date", None), "url": _abs_url(r)})  # fmt: skip
    elif source in ("pairing", "pairing_project"):
        from shiliu.pairing import selectors as pair

        if candidate is not None and candidate.unit_id and candidate.unit.unit_type.code == "community":
            filters = {"area": str(candidate.unit.area_id)}
        if q:
            filters["q"] = q
        if source == "pairing":
            qs, ct = (
                pair.pairing_list(user=user, filters=filters).order_by("-start", "-id")[:limit],
                "pairing.pairing",
            )
            date_field = "start"
        else:
            qs, ct = (
                pair.project_list(user=user, filters=filters).order_by("-started_on", "-id")[:limit],
                "pairing.pairingproject",
            )
            date_field = "started_on"
        for r in qs:
            rows.append({"source": source, "content_type": ct, "id": r.pk, "label": str(r),
                         "date": getattr(r, date_field, None), "url": _abs_url(r)})  # fmt: skip
    elif source == "honour":
        from shiliu.honors import selectors as hon

        hf = {"q": q} if q else {}
        if candidate is not None:
            hf["area"] = str(candidate.area_id)
        qs = hon.honour_list(user=user, filters=hf)
        if candidate is not None and candidate.unit_id:
            qs = qs.filter(candidate__unit_id=candidate.unit_id)
        for r in qs.order_by("-decision_date", "-id")[:limit]:
            rows.append({"source": source, "content_type": "honors.honour", "id": r.pk, "label": str(r),
                         "date": r.decision_date, "url": _abs_url(r)})  # fmt: skip
    elif source == "quiz":
        # A quiz links as a record; its page shows the rates with the responses behind them.
        try:
            from shiliu.quizzes import selectors as quiz
        except ImportError:
            return rows
        qf = {"q": q} if q else {}
        if candidate is not None:
            qf |= {"unit": str(candidate.unit_id)} if candidate.unit_id else {"area": str(candidate.area_id)}
            qf["year"] = str(candidate.year)
        for r in quiz.quiz_list(user=user, filters=qf).order_by("-opens_on", "-id")[:limit]:
            rows.append({"source": source, "content_type": "quizzes.quiz", "id": r.pk, "label": str(r),
                         "date": r.opens_on, "url": _abs_url(r)})  # fmt: skip
    elif source == "requests" and candidate is not None:
        # Request statistics are figures, not records: a row carries the figure's link (its drill-down list) and
        # is added as evidence of kind "figure" with that URL (``content_type`` is empty).
        rows.extend(_request_rows(user=user, candidate=candidate))
    return rows


def _request_rows(*, user, candidate: Candidate) -> list[dict]:
    try:
        from shiliu.service_requests.selectors import request_figures
    except ImportError:
        return []
    area = candidate.unit.area if candidate.unit_id else candidate.area
    start, end = datetime.date(candidate.year, 1, 1), datetime.date(candidate.year, 12, 31)
    rows = []
    for key, figure in request_figures(user=user, area=area, start=start, end=end).items():
        if figure.value is None:
            continue
        unit = "%" if key.endswith("_rate") else ""
        rows.append({
            "source": "requests", "content_type": "", "id": key, "date": None, "url": figure.url,
            "label": f"{area.name} {candidate.year} {figure.label}: {figure.value}{unit}",
        })  # fmt: skip
    return rows


def _abs_url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except Exception:
        return ""


# ---------------------------------------------------------------- titles and management

TITLE_SORTS = {
    "-named": ("-named_on", "-id"), "named": ("named_on", "id"), "valid": ("valid_until", "id"),
    "-valid": ("-valid_until", "-id"), "-id": ("-id",),
}  # fmt: skip


def title_list(*, user, filters: Mapping | None = None) -> QuerySet[Title]:
    """Titles in scope by level, status, validity (valid / expiring within 180 days / expired), batch, area, search."""
    filters = filters or {}
    qs = visible_to(Title.objects.select_related("unit", "unit__unit_type", "area", "batch"), user)
    if level := filters.get("level"):
        qs = qs.filter(level=level) if level in CreationLevel.values else qs.none()
    if status := filters.get("status"):
        qs = qs.filter(status=status) if status in TitleStatus.values else qs.none()
    today = timezone.localdate()
    validity = filters.get("validity")
    if validity == "valid":
        qs = qs.filter(status__in=STANDING_TITLE_STATUSES, valid_until__gte=today)
    elif validity == "expiring":
        qs = qs.filter(
            status__in=STANDING_TITLE_STATUSES,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=EXPIRING_DAYS),
        )
    elif validity == "expired":
        qs = qs.filter(Q(status=TitleStatus.EXPIRED) | Q(valid_until__lt=today))
    if batch := filters.get("batch"):
        qs = qs.filter(batch_id=int(batch)) if str(batch).isdigit() else qs.none()
    if kind := filters.get("holder"):
        qs = qs.filter(unit__isnull=(kind == "area"))
    if unit_type := filters.get("unit_type"):
        qs = qs.filter(unit__unit_type__code=unit_type)
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        qs = qs.filter(area_path__startswith=within.path) if within else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(
            Q(unit__name__contains=q)
            | Q(area__name__contains=q)
            | Q(document_number__contains=q)
            | Q(name__contains=q)
        )
    return qs.order_by(*TITLE_SORTS.get(filters.get("sort") or "-named", TITLE_SORTS["-named"]))


def title_get(*, user, pk, action: str = VIEW) -> Title:
    return get_visible_or_404(
        Title.objects.select_related("unit", "area", "batch", "candidate"), user, action, pk=pk
    )


def title_timeline(*, title: Title):
    return title.events.select_related("actor").order_by("at", "id")


def check_list(*, user, filters: Mapping | None = None) -> QuerySet[AnnualCheck]:
    filters = filters or {}
    qs = visible_to(
        AnnualCheck.objects.select_related("title", "title__unit", "title__area", "checked_by"), user
    )
    if year := filters.get("year"):
        qs = qs.filter(year=int(year)) if str(year).isdigit() else qs.none()
    if result := filters.get("result"):
        qs = qs.filter(result=result)
    if title := _int(filters.get("title")):
        qs = qs.filter(title_id=title)
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        qs = qs.filter(title__area_path__startswith=within.path) if within else qs.none()
    return qs.order_by("-year", "-checked_on", "-id")


def rectification_list(*, user, filters: Mapping | None = None) -> QuerySet[Rectification]:
    filters = filters or {}
    qs = visible_to(Rectification.objects.select_related("title", "title__unit", "title__area"), user)
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if filters.get("overdue") == "1":
        qs = qs.filter(status="open", deadline__lt=timezone.localdate())
    if title := _int(filters.get("title")):
        qs = qs.filter(title_id=title)
    return qs.order_by("deadline", "id")


def veto_event_list(*, user, filters: Mapping | None = None) -> QuerySet[VetoEvent]:
    filters = filters or {}
    qs = visible_to(VetoEvent.objects.select_related("area", "unit", "entered_by", "content_type"), user)
    if status := filters.get("status"):
        qs = qs.filter(status=status) if status in VetoEventStatus.values else qs.none()
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if year := filters.get("year"):
        qs = qs.filter(occurred_on__year=int(year)) if str(year).isdigit() else qs.none()
    if pk := _int(filters.get("id")):
        qs = qs.filter(pk=pk)
    if filters.get("area"):
        within = area_filter_param(user=user, value=filters.get("area"))
        qs = qs.filter(area_path__startswith=within.path) if within else qs.none()
    if q := normalize_text(filters.get("q")):
        qs = qs.filter(Q(description__contains=q) | Q(unit__name__contains=q) | Q(area__name__contains=q))
    return qs.order_by("-occurred_on", "-id")
