"""Titles, dynamic management, veto events and batches through HTTP: annual checks, warnings and rectification,
revocation with its decision record, re-verification, veto confirmation flagging titles, batches with quotas."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shiliu.creation.choices import CandidateStage, RectificationStatus, TitleStatus, VetoEventStatus
from shiliu.creation.models import AnnualCheck, Batch, Rectification, Title, VetoEvent

from .factories import advance, make_batch, make_candidate, make_system, title_for
from .test_views import client_for, errors_for, row_ids, url

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def titled(tree):
    tree.title = title_for(tree.office_a, unit=tree.unit_a)
    tree.title_b = title_for(tree.office_b, unit=tree.unit_b)
    return tree


def test_title_list_scope_filters_and_detail(titled):
    office = client_for("office_a")
    assert row_ids(office.get(url("title_list"))) == [titled.title.pk]
    city = client_for("city_office")
    assert set(row_ids(city.get(url("title_list")))) == {titled.title.pk, titled.title_b.pk}
    assert row_ids(city.get(url("title_list"), {"status": "revoked"})) == []
    assert set(row_ids(city.get(url("title_list"), {"validity": "valid"}))) == {
        titled.title.pk,
        titled.title_b.pk,
    }
    assert row_ids(city.get(url("title_list"), {"area": titled.county_b.pk})) == [titled.title_b.pk]
    assert client_for("unit_a").get(url("title_detail", titled.title.pk)).status_code == 200
    assert client_for("unit_a").get(url("title_detail", titled.title_b.pk)).status_code == 404
    assert office.get(url("title_detail", titled.title_b.pk)).status_code == 404


def test_only_the_office_is_offered_management_steps(titled):
    unit_page = client_for("unit_a").get(url("title_detail", titled.title.pk)).content.decode()
    assert "data-title-step" not in unit_page
    assert client_for("unit_a").get(url("title_warn", titled.title.pk)).status_code == 403
    office_page = client_for("office_a").get(url("title_detail", titled.title.pk)).content.decode()
    for step in ("check", "warn", "revoke"):
        assert f'data-title-step="{step}"' in office_page
    assert 'data-title-step="clear"' not in office_page  # not under review


def test_annual_check_warning_opens_a_rectification_that_is_closed(titled):
    office = client_for("office_a")
    deadline = (TODAY + datetime.timedelta(days=60)).isoformat()
    missing = office.post(url("title_check", titled.title.pk), {"year": TODAY.year, "checked_on": TODAY.isoformat(),
                                                                "result": "warning", "findings": "台账缺失"})  # fmt: skip
    assert missing.status_code == 200 and errors_for(missing, "deadline")
    assert not AnnualCheck.objects.exists()
    done = office.post(url("title_check", titled.title.pk), {"year": TODAY.year, "checked_on": TODAY.isoformat(),
                                                             "result": "warning", "findings": "台账缺失",
                                                             "deadline": deadline})  # fmt: skip
    assert done.status_code == 302
    titled.title.refresh_from_db()
    assert titled.title.status == TitleStatus.WARNED
    rect = Rectification.objects.get(title=titled.title)
    page = office.get(url("title_detail", titled.title.pk)).content.decode()
    assert f'data-check="{TODAY.year}"' in page and 'data-rectification="open"' in page
    assert client_for("unit_a").get(url("rectification_close", rect.pk)).status_code == 404  # no write role
    no_outcome = office.post(url("rectification_close", rect.pk), {"status": "completed", "outcome": ""})
    assert no_outcome.status_code == 200 and errors_for(no_outcome, "outcome")
    assert office.post(url("rectification_close", rect.pk), {"status": "completed",
                                                             "outcome": "已补齐台账"}).status_code == 302  # fmt: skip
    rect.refresh_from_db()
    titled.title.refresh_from_db()
    assert rect.status == RectificationStatus.COMPLETED and titled.title.status == TitleStatus.ACTIVE
    checks = client_for("city_office").get(url("check_list"))
    assert AnnualCheck.objects.get().pk in row_ids(checks)
    assert row_ids(client_for("city_office").get(url("rectification_list"), {"status": "completed"})) == [
        rect.pk
    ]


def test_revocation_needs_reason_and_decision_record(titled):
    office = client_for("office_a")
    refused = office.post(url("title_revoke", titled.title.pk), {"reason": "", "decision_document": "",
                                                                 "decided_on": TODAY.isoformat()})  # fmt: skip
    assert refused.status_code == 200
    assert errors_for(refused, "reason") and errors_for(refused, "decision_document")
    done = office.post(url("title_revoke", titled.title.pk), {"reason": "弄虚作假", "decision_document": "撤〔2026〕1号",
                                                              "decided_on": TODAY.isoformat()})  # fmt: skip
    assert done.status_code == 302
    titled.title.refresh_from_db()
    assert titled.title.status == TitleStatus.REVOKED
    page = office.get(url("title_detail", titled.title.pk)).content.decode()
    assert "撤〔2026〕1号" in page and 'data-title-event="revoked"' in page
    assert "data-title-step" not in page  # nothing follows a revocation
    # The decision document is uploaded onto the revocation record.
    revocation = titled.title.revocation
    upload = reverse("core:attachment_upload", args=["creation", "revocation", revocation.pk])
    assert upload in page


def test_reverify_extends_validity(titled):
    office = client_for("office_a")
    new_end = titled.title.valid_until + datetime.timedelta(days=365 * 5)
    response = office.post(url("title_reverify", titled.title.pk), {"valid_until": new_end.isoformat(),
                                                                    "reason": "复验合格"})  # fmt: skip
    assert response.status_code == 302
    titled.title.refresh_from_db()
    assert titled.title.valid_until == new_end and titled.title.status == TitleStatus.REVERIFIED


def test_confirmed_veto_event_flags_the_title_automatically(titled):
    office = client_for("office_a")
    assert client_for("unit_a").get(url("veto_event_create")).status_code == 403
    response = office.post(url("veto_event_create"), {
        "area": titled.village_a.pk, "unit_name": "团结社区居委会", "kind": "mass_incident",
        "occurred_on": TODAY.isoformat(), "description": "发生群体性事件",
    })  # fmt: skip
    event = VetoEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == url("veto_event_detail", event.pk)
    assert event.unit == titled.unit_a and event.status == VetoEventStatus.ENTERED
    assert row_ids(client_for("city_office").get(url("veto_event_list"))) == [event.pk]
    assert row_ids(client_for("office_b").get(url("veto_event_list"))) == []
    assert client_for("office_b").get(url("veto_event_detail", event.pk)).status_code == 404
    assert errors_for(office.post(url("veto_event_confirm", event.pk), {"reason": ""}), "reason")
    assert office.post(url("veto_event_confirm", event.pk), {"reason": "经核实"}).status_code == 302
    titled.title.refresh_from_db()
    assert titled.title.status == TitleStatus.UNDER_REVIEW
    page = office.get(url("title_detail", titled.title.pk)).content.decode()
    assert "data-flagged" in page and 'data-title-step="clear"' in page
    detail = office.get(url("veto_event_detail", event.pk)).content.decode()
    assert 'data-title-status="under_review"' in detail and 'data-action="confirm"' not in detail
    # Titles of the other county are untouched.
    titled.title_b.refresh_from_db()
    assert titled.title_b.status == TitleStatus.ACTIVE
    cleared = office.post(url("title_clear", titled.title.pk), {"reason": "经复核不影响命名"})
    assert cleared.status_code == 302
    titled.title.refresh_from_db()
    assert titled.title.status == TitleStatus.ACTIVE


def test_veto_event_dismissal(titled):
    office = client_for("office_a")
    office.post(url("veto_event_create"), {"area": titled.county_a.pk, "kind": "public_opinion",
                                           "occurred_on": TODAY.isoformat(), "description": "网络舆情"})  # fmt: skip
    event = VetoEvent.objects.get()
    assert event.unit is None
    assert office.post(url("veto_event_dismiss", event.pk), {"reason": "不属实"}).status_code == 302
    event.refresh_from_db()
    assert event.status == VetoEventStatus.DISMISSED
    titled.title.refresh_from_db()
    assert titled.title.status == TitleStatus.ACTIVE


# ---------------------------------------------------------------- batches


def test_batch_create_and_quota_usage(tree):
    make_system()
    office = client_for("office_a")
    assert client_for("unit_a").get(url("batch_create")).status_code == 403
    response = office.post(url("batch_create"), {"name": "2025年东城区第一批", "level": "county", "year": 2025,
                                                 "area": tree.county_a.pk, "quota": 1, "is_open": "on"})  # fmt: skip
    batch = Batch.objects.get(name="2025年东城区第一批")
    assert response.status_code == 302 and batch.quota == 1
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    advance(candidate, "recommended", unit_actor=tree.unit_user_a, office=tree.office_a)
    page = office.get(url("batch_detail", batch.pk)).content.decode()
    assert 'data-stage-count="recommended"' in page
    assert "1 of 1 used" in page
    assert row_ids(office.get(url("batch_list"))) == [batch.pk]
    # The batch of county B is organised elsewhere: invisible to county A's office.
    other = make_batch(tree.county_b)
    assert office.get(url("batch_detail", other.pk)).status_code == 404
    edit = office.post(url("batch_edit", batch.pk), {"name": "2025年东城区第一批", "level": "county", "year": 2025,
                                                     "area": tree.county_a.pk, "quota": 2})  # fmt: skip
    assert edit.status_code == 302
    batch.refresh_from_db()
    assert batch.quota == 2 and not batch.is_open


def test_named_candidate_shows_its_title(tree):
    make_system()
    batch = make_batch(tree.county_a)
    candidate = make_candidate(tree.unit_user_a, batch, unit=tree.unit_a)
    advance(candidate, "named", unit_actor=tree.unit_user_a, office=tree.office_a)
    assert candidate.stage == CandidateStage.NAMED
    title = Title.objects.get(candidate=candidate)
    page = client_for("unit_a").get(url("candidate_detail", candidate.pk)).content.decode()
    assert url("title_detail", title.pk) in page
