"""Dynamic management: annual checks and rectification, revocation, expiry and re-verification, and a confirmed
veto event flagging the title for review."""

import datetime

import pytest
from django.utils import timezone

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.creation import services
from shiliu.creation.choices import CheckResult, TitleStatus, VetoStatus
from shiliu.creation.models import Title, TitleEvent

from .factories import advance, make_batch, make_candidate, make_system, title_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def test_warning_opens_a_rectification_and_completion_clears_it(tree):
    title = title_for(tree.office_a, unit=tree.unit_a)
    with pytest.raises(ApplicationError) as err:
        services.title_check_record(actor=tree.office_a, title=title, year=TODAY.year, checked_on=TODAY,
                                    result=CheckResult.WARNING, findings="台账不全")  # fmt: skip
    assert err.value.field == "rectification_deadline"
    check = services.title_check_record(
        actor=tree.office_a, title=title, year=TODAY.year, checked_on=TODAY, result=CheckResult.WARNING,
        findings="台账不全", rectification_deadline=TODAY + 30 * DAY,
    )  # fmt: skip
    title.refresh_from_db()
    assert title.status == TitleStatus.WARNED
    rectification = check.rectifications.get()
    assert rectification.deadline == TODAY + 30 * DAY and rectification.status == "open"
    with pytest.raises(ApplicationError):  # one check a year
        services.title_check_record(actor=tree.office_a, title=title, year=TODAY.year, checked_on=TODAY,
                                    result=CheckResult.PASSED)  # fmt: skip
    services.rectification_close(
        actor=tree.office_a, rectification=rectification, completed=True, outcome="已补齐"
    )
    title.refresh_from_db()
    assert title.status == TitleStatus.ACTIVE
    assert list(title.events.values_list("to_status", flat=True)) == ["active", "warned", "active"]


def test_failed_rectification_flags_for_review_then_revocation_needs_reason_and_document(tree):
    title = title_for(tree.office_a, unit=tree.unit_a)
    rectification = services.title_warn(
        actor=tree.office_a, title=title, problems="问题", deadline=TODAY + DAY
    )
    services.rectification_close(
        actor=tree.office_a, rectification=rectification, completed=False, outcome="未整改"
    )
    title.refresh_from_db()
    assert title.status == TitleStatus.UNDER_REVIEW
    with pytest.raises(ApplicationError):
        services.title_revoke(actor=tree.office_a, title=title, reason="", decision_document="撤〔2026〕1号",
                              decided_on=TODAY)  # fmt: skip
    with pytest.raises(ApplicationError):
        services.title_revoke(actor=tree.office_a, title=title, reason="整改不力", decision_document="",
                              decided_on=TODAY)  # fmt: skip
    revocation = services.title_revoke(actor=tree.office_a, title=title, reason="整改不力",
                                       decision_document="撤〔2026〕1号", decided_on=TODAY)  # fmt: skip
    title.refresh_from_db()
    assert title.status == TitleStatus.REVOKED and revocation.title == title
    with pytest.raises(ApplicationError):  # revoked is final
        services.title_reverify(actor=tree.office_a, title=title, valid_until=TODAY + 400 * DAY, reason="x")


def test_only_offices_manage_titles(tree):
    title = title_for(tree.office_a, unit=tree.unit_a)
    with pytest.raises(NotVisible):
        services.title_warn(actor=tree.unit_user_a, title=title, problems="x", deadline=TODAY + DAY)
    with pytest.raises(NotVisible):
        services.title_warn(actor=tree.office_b, title=title, problems="x", deadline=TODAY + DAY)


def test_titles_expire_at_their_validity_end_and_can_be_reverified(tree):
    old = title_for(tree.office_a, unit=tree.unit_a, named_on=TODAY - 5 * 365 * DAY - 10 * DAY)
    fresh = title_for(tree.office_a, unit=tree.unit_b if False else tree.unit_a2)
    Title.objects.filter(pk=old.pk).update(status=TitleStatus.ACTIVE)  # recorded as active, then time passed
    assert services.titles_expire() == 1
    assert services.titles_expire() == 0  # idempotent
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == TitleStatus.EXPIRED and fresh.status == TitleStatus.ACTIVE
    event = TitleEvent.objects.filter(title=old).last()
    assert event.to_status == "expired" and event.actor is None
    with pytest.raises(ApplicationError):
        services.title_reverify(actor=tree.office_a, title=old, valid_until=TODAY - DAY, reason="复核")
    services.title_reverify(
        actor=tree.office_a, title=old, valid_until=TODAY + 5 * 365 * DAY, reason="复核通过"
    )
    old.refresh_from_db()
    assert old.status == TitleStatus.REVERIFIED and old.reverified_on == TODAY


def test_confirmed_veto_event_flags_the_named_unit_and_vetoes_its_gap_list(tree):
    make_system()
    batch = make_batch(tree.county_a)
    candidate = advance(make_candidate(tree.unit_user_a, batch, unit=tree.unit_a), "named",
                        unit_actor=tree.unit_user_a, office=tree.office_a)  # fmt: skip
    title = candidate.title
    other = title_for(tree.office_b, unit=tree.unit_b)
    with pytest.raises(NotVisible):
        services.veto_event_create(actor=tree.unit_user_a, unit=tree.unit_a, kind="falsified",
                                   occurred_on=TODAY, description="x")  # fmt: skip
    event = services.veto_event_create(
        actor=tree.office_a, unit=tree.unit_a, kind="falsified", occurred_on=TODAY.replace(year=2025),
        description="申报材料造假", content_type="creation.candidate", object_id=candidate.pk,
    )  # fmt: skip
    title.refresh_from_db()
    assert title.status == TitleStatus.ACTIVE  # entered only
    assert services.veto_status_for(unit=tree.unit_a, area=None, year=2025) == VetoStatus.PENDING
    with pytest.raises(ApplicationError):
        services.veto_event_confirm(actor=tree.office_a, event=event, reason="")
    services.veto_event_confirm(actor=tree.office_a, event=event, reason="经查属实")
    title.refresh_from_db()
    other.refresh_from_db()
    assert title.status == TitleStatus.UNDER_REVIEW and other.status == TitleStatus.ACTIVE
    assert "Veto" in title.events.last().reason or title.events.last().reason
    assert services.veto_status_for(unit=tree.unit_a, area=None, year=2025) == VetoStatus.TRIGGERED
    from shiliu.creation.selectors import gap_list

    gaps = gap_list(user=tree.office_a, candidate=candidate)
    assert gaps.veto == VetoStatus.TRIGGERED and not gaps.is_passing and gaps.total == 105
    services.title_clear_review(actor=tree.office_a, title=title, reason="已另案处理")
    title.refresh_from_db()
    assert title.status == TitleStatus.ACTIVE


def test_area_veto_event_flags_titles_of_the_areas_above(tree):
    county_title = title_for(tree.city_office, area=tree.county_a, level="city")
    event = services.veto_event_create(actor=tree.office_a, area=tree.village_a, kind="mass_incident",
                                       occurred_on=TODAY, description="群体性事件")  # fmt: skip
    services.veto_event_confirm(actor=tree.office_a, event=event, reason="属实")
    county_title.refresh_from_db()
    assert county_title.status == TitleStatus.UNDER_REVIEW


def test_dismissed_veto_event_changes_nothing(tree):
    title = title_for(tree.office_a, unit=tree.unit_a)
    event = services.veto_event_create(actor=tree.office_a, unit=tree.unit_a, kind="public_opinion",
                                       occurred_on=TODAY, description="舆情")  # fmt: skip
    services.veto_event_dismiss(actor=tree.office_a, event=event, reason="不实")
    with pytest.raises(ApplicationError):
        services.veto_event_confirm(actor=tree.office_a, event=event, reason="再确认")
    title.refresh_from_db()
    assert title.status == TitleStatus.ACTIVE
    assert services.veto_status_for(unit=tree.unit_a, area=None, year=TODAY.year) == VetoStatus.CLEAR


def test_daily_command_expires_titles_and_computes_gap_lists(tree):
    from io import StringIO

    from django.core.management import call_command

    old = title_for(tree.office_a, unit=tree.unit_a, named_on=TODAY - 5 * 365 * DAY - 10 * DAY)
    Title.objects.filter(pk=old.pk).update(status=TitleStatus.ACTIVE)
    out = StringIO()
    call_command("creation_daily", stdout=out)  # the test settings run tasks immediately
    old.refresh_from_db()
    assert old.status == TitleStatus.EXPIRED and "titles expired: 1" in out.getvalue()
