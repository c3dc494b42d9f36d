"""Dynamic management of titles: annual checks, warnings with rectification, revocation with a decision
document, expiry at the validity end and re-verification; titles named before the platform are recorded too."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.orgs.models import Area, Unit

from ..choices import (
    AREA_LEVEL_TARGET,
    RECTIFICATION_TRANSITIONS,
    STANDING_TITLE_STATUSES,
    TITLE_VALIDITY_YEARS,
    CheckResult,
    CreationLevel,
    RectificationStatus,
    TitleStatus,
)
from ..models import AnnualCheck, Batch, Rectification, Revocation, Title, TitleEvent
from .candidates import add_years, default_title_name
from .common import (
    check_transition,
    date_value,
    ensure_office,
    is_office_above,
    reason_value,
    save,
    text_value,
)
from .veto import ensure_title_office, title_set_status


@transaction.atomic
def title_record(
    *, actor, level: str, document_number: str, named_on, unit: Unit | None = None, area: Area | None = None,
    valid_until=None, name: str = "", batch: Batch | None = None,
) -> Title:  # fmt: skip
    """Record a title conferred outside the platform's workflow (e.g. before it was used), so the ladder rule and
    dynamic management know it."""
    ensure_office(actor)
    if (unit is None) == (area is None):
        raise ApplicationError(_("Choose either a unit or an area."), field="unit")
    if unit is not None:
        area = unit.area
    elif area.level not in AREA_LEVEL_TARGET:
        raise ApplicationError(_("Only a city, county or township holds a title as an area."), field="area")
    if not is_office_above(actor, area.path, strictly=unit is None):
        from shiliu.core.errors import NotVisible

        raise NotVisible()
    if level not in CreationLevel.values:
        raise ApplicationError(_("Choose the level of the title."), field="level")
    document_number = text_value(
        document_number, "document_number", max_length=60, required=True, label=_("The document number")
    )
    named_on = date_value(named_on, "named_on")
    valid_until = (
        add_years(named_on, TITLE_VALIDITY_YEARS)
        if valid_until in (None, "")
        else date_value(valid_until, "valid_until")
    )
    if valid_until <= named_on:
        raise ApplicationError(_("The validity must end after the naming date."), field="valid_until")
    name = text_value(
        name or default_title_name(level, is_unit=unit is not None), "name", max_length=200, required=True,
        label=_("The title"),
    )  # fmt: skip
    today = timezone.localdate()
    status = TitleStatus.ACTIVE if valid_until >= today else TitleStatus.EXPIRED
    title = Title(
        unit=unit, area=area, area_path=area.path, level=level, batch=batch, name=name,
        document_number=document_number, named_on=named_on, valid_until=valid_until, status=status,
    )  # fmt: skip
    save(actor, title, check_scope=False)
    TitleEvent.objects.create(
        title=title, from_status="", to_status=status, actor=actor, reason=document_number
    )
    return title


def _open_rectification(actor, title, *, problems, deadline, check=None) -> Rectification:
    problems = reason_value(problems, required=True, field="problems")
    deadline = date_value(deadline, "deadline")
    if deadline <= timezone.localdate():
        raise ApplicationError(_("The rectification deadline must lie in the future."), field="deadline")
    rectification = Rectification(title=title, annual_check=check, problems=problems, deadline=deadline)
    save(actor, rectification, check_scope=False)
    if title.status != TitleStatus.WARNED:
        title_set_status(actor=actor, title=title, target=TitleStatus.WARNED, reason=problems)
    return rectification


@transaction.atomic
def title_check_record(
    *, actor, title: Title, year: int, checked_on, result: str, findings: str = "",
    rectification_deadline=None,
) -> AnnualCheck:  # fmt: skip
    """Record the annual check; a warning opens a rectification with its deadline, a failure flags the title for
    review (revocation is decided separately, with its decision document)."""
    ensure_title_office(actor, title)
    title = Title.objects.select_for_update().get(pk=title.pk)
    if title.status not in STANDING_TITLE_STATUSES:
        raise ApplicationError(_("Only a standing title is checked."), field="title")
    if result not in CheckResult.values:
        raise ApplicationError(_("Choose the result of the check."), field="result")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter the year."), field="year") from None
    if not title.named_on.year <= year <= title.valid_until.year:
        raise ApplicationError(_("The year must lie within the title's validity."), field="year")
    if AnnualCheck.objects.filter(title=title, year=year).exists():
        raise ApplicationError(_("The check of this year is recorded already."), field="year")
    checked_on = date_value(checked_on, "checked_on")
    findings = reason_value(findings, required=result != CheckResult.PASSED, field="findings")
    check = AnnualCheck(
        title=title, year=year, checked_on=checked_on, result=result, findings=findings, checked_by=actor
    )
    save(actor, check, check_scope=False)
    if result == CheckResult.WARNING:
        if rectification_deadline in (None, ""):
            raise ApplicationError(
                _("A warning needs a rectification deadline."), field="rectification_deadline"
            )
        _open_rectification(actor, title, problems=findings, deadline=rectification_deadline, check=check)
    elif result == CheckResult.FAILED and title.status != TitleStatus.UNDER_REVIEW:
        title_set_status(actor=actor, title=title, target=TitleStatus.UNDER_REVIEW, reason=findings)
    return check


@transaction.atomic
def title_warn(*, actor, title: Title, problems: str, deadline) -> Rectification:
    """A warning outside the annual check: rectification with a deadline."""
    ensure_title_office(actor, title)
    title = Title.objects.select_for_update().get(pk=title.pk)
    if title.status not in STANDING_TITLE_STATUSES:
        raise ApplicationError(_("Only a standing title is warned."), field="title")
    return _open_rectification(actor, title, problems=problems, deadline=deadline)


@transaction.atomic
def rectification_close(
    *, actor, rectification: Rectification, completed: bool, outcome: str
) -> Rectification:
    """Close a rectification: completed clears the warning (when no other one is open); failed flags the title
    for review."""
    title = rectification.title
    ensure_title_office(actor, title)
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    target = RectificationStatus.COMPLETED if completed else RectificationStatus.FAILED
    check_transition(RECTIFICATION_TRANSITIONS, rectification.status, target, field="status",
                     label=rectification.get_status_display())  # fmt: skip
    rectification.status = target
    rectification.outcome = reason_value(outcome, required=True, field="outcome")
    rectification.closed_by = actor
    rectification.closed_at = timezone.now()
    save(actor, rectification, ["status", "outcome", "closed_by", "closed_at"], check_scope=False)
    title = Title.objects.select_for_update().get(pk=title.pk)
    if completed:
        still_open = title.rectifications.filter(status=RectificationStatus.OPEN).exists()
        if title.status == TitleStatus.WARNED and not still_open:
            title_set_status(
                actor=actor, title=title, target=TitleStatus.ACTIVE, reason=rectification.outcome
            )
    elif title.status in (TitleStatus.WARNED, TitleStatus.ACTIVE, TitleStatus.REVERIFIED):
        title_set_status(
            actor=actor, title=title, target=TitleStatus.UNDER_REVIEW, reason=rectification.outcome
        )
    return rectification


@transaction.atomic
def title_revoke(
    *, actor, title: Title, reason: str, decision_document: str, decided_on, uploaded=()
) -> Revocation:
    """Revoke a title: the reason and the decision document's number are mandatory; the document file may be
    attached (``uploaded``)."""
    ensure_title_office(actor, title)
    title = Title.objects.select_for_update().get(pk=title.pk)
    reason = reason_value(reason, required=True)
    decision_document = text_value(
        decision_document, "decision_document", max_length=60, required=True, label=_("The decision document")
    )
    decided_on = date_value(decided_on, "decided_on")
    if decided_on > timezone.localdate():
        raise ApplicationError(_("The date cannot lie in the future."), field="decided_on")
    title_set_status(actor=actor, title=title, target=TitleStatus.REVOKED, reason=reason)
    revocation = Revocation(
        title=title,
        reason=reason,
        decision_document=decision_document,
        decided_on=decided_on,
        decided_by=actor,
    )
    save(actor, revocation, check_scope=False)
    if uploaded:
        from shiliu.core.attachments import attachment_add

        for file in uploaded:
            attachment_add(actor=actor, owner=revocation, uploaded=file)
    return revocation


@transaction.atomic
def title_reverify(*, actor, title: Title, valid_until, reason: str, reverified_on=None) -> Title:
    """Re-verify a title (复核确认): a new validity end; possible on an expired title or one still standing."""
    ensure_title_office(actor, title)
    title = Title.objects.select_for_update().get(pk=title.pk)
    reason = reason_value(reason, required=True)
    reverified_on = date_value(reverified_on or timezone.localdate(), "reverified_on")
    valid_until = date_value(valid_until, "valid_until")
    if valid_until <= reverified_on:
        raise ApplicationError(_("The new validity must end after the re-verification."), field="valid_until")
    title_set_status(actor=actor, title=title, target=TitleStatus.REVERIFIED, reason=reason)
    title.valid_until = valid_until
    title.reverified_on = reverified_on
    save(actor, title, ["valid_until", "reverified_on"], check_scope=False)
    return title


@transaction.atomic
def title_clear_review(*, actor, title: Title, reason: str) -> Title:
    """End a review without sanction: the title stands again."""
    ensure_title_office(actor, title)
    title = Title.objects.select_for_update().get(pk=title.pk)
    if title.status != TitleStatus.UNDER_REVIEW:
        raise ApplicationError(_("The title is not under review."), field="status")
    return title_set_status(
        actor=actor, title=title, target=TitleStatus.ACTIVE, reason=reason_value(reason, required=True)
    )


def titles_expire(*, today: datetime.date | None = None) -> int:
    """Mark every standing title past its validity end as expired (idempotent; run daily by the task)."""
    from .common import SYSTEM

    today = today or timezone.localdate()
    count = 0
    due = Title.objects.filter(
        status__in=[TitleStatus.ACTIVE, TitleStatus.REVERIFIED, TitleStatus.UNDER_REVIEW, TitleStatus.WARNED],
        valid_until__lt=today,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            title = Title.objects.select_for_update().get(pk=pk)
            if title.valid_until < today and title.status != TitleStatus.EXPIRED:
                title_set_status(
                    actor=SYSTEM, title=title, target=TitleStatus.EXPIRED,
                    reason=_("Validity ended on {date}.").format(date=title.valid_until.isoformat()),
                )  # fmt: skip
                count += 1
    return count
