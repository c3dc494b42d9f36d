"""Selectors: scope of lists, filters, the actions offered per user, batches along the organiser's line, and the
evidence picker's search."""

import datetime

import pytest
from django.utils import timezone

from shiliu.activities.tests.factories import make_activity
from shiliu.core.errors import NotVisible
from shiliu.creation import selectors, services

from .factories import advance, make_batch, make_candidate, make_system, title_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def two(tree):
    make_system()
    a = make_candidate(tree.unit_user_a, make_batch(tree.county_a), unit=tree.unit_a)
    b = make_candidate(tree.office_b, make_batch(tree.county_b), unit=tree.unit_b)
    return tree, a, b


def test_candidate_list_scope_and_filters(two):
    tree, a, b = two
    assert set(selectors.candidate_list(user=tree.city_office)) == {a, b}
    assert list(selectors.candidate_list(user=tree.office_a)) == [a]
    assert list(selectors.candidate_list(user=tree.unit_user_a)) == [a]
    assert list(selectors.candidate_list(user=tree.nobody)) == []
    assert list(selectors.candidate_list(user=tree.city_office, filters={"area": tree.county_b.pk})) == [b]
    assert list(selectors.candidate_list(user=tree.office_a, filters={"area": tree.county_b.pk})) == []
    assert list(selectors.candidate_list(user=tree.city_office, filters={"stage": "submitted"})) == []
    assert set(selectors.candidate_list(user=tree.city_office, filters={"stage": "open", "unit_type": "community",
                                                                         "target_kind": "unit", "level": "county",
                                                                         "year": "2025"})) == {a, b}  # fmt: skip
    assert list(selectors.candidate_list(user=tree.city_office, filters={"q": "和睦"})) == [b]
    assert list(selectors.candidate_list(user=tree.city_office, filters={"batch": a.batch_id})) == [a]
    with pytest.raises(NotVisible):
        selectors.candidate_get(user=tree.office_b, pk=a.pk)


def test_actions_offered_follow_role_and_stage(two):
    tree, a, b = two
    assert selectors.candidate_actions(user=tree.unit_user_a, candidate=a) == ["submit", "withdraw"]
    assert "recommend" not in selectors.candidate_actions(user=tree.office_a, candidate=a)
    assert selectors.candidate_actions(user=tree.office_b, candidate=a) == []
    assert selectors.candidate_actions(user=tree.leader, candidate=a) == []
    advance(a, "submitted", unit_actor=tree.unit_user_a, office=tree.office_a)
    a.refresh_from_db()
    assert selectors.candidate_actions(user=tree.unit_user_a, candidate=a) == ["withdraw"]
    assert set(selectors.candidate_actions(user=tree.office_a, candidate=a)) == {"return", "recommend", "reject",
                                                                                   "withdraw"}  # fmt: skip
    advance(a, "site_assessment", unit_actor=tree.unit_user_a, office=tree.office_a)
    a.refresh_from_db()
    acts = selectors.candidate_actions(user=tree.office_a, candidate=a)
    assert {"open_notice", "review", "finalize", "site_visit", "reject"} <= set(acts) and "name" not in acts


def test_batches_visible_along_the_organisers_line(two):
    tree, a, b = two
    city_batch = make_batch(tree.city, level="city", name="市级批次")
    assert set(selectors.batch_list(user=tree.office_a)) == {a.batch, city_batch}
    assert set(selectors.batch_list(user=tree.unit_user_a)) == {a.batch, city_batch}
    assert set(selectors.batch_list(user=tree.city_office)) == {a.batch, b.batch, city_batch}
    assert list(selectors.batch_list(user=tree.nobody)) == []


def test_title_list_validity_filters(tree):
    valid = title_for(tree.office_a, unit=tree.unit_a)
    expiring = title_for(
        tree.office_a, unit=tree.unit_a2, named_on=TODAY - datetime.timedelta(days=5 * 365 - 30)
    )
    expired = title_for(tree.office_b, unit=tree.unit_b, named_on=TODAY - datetime.timedelta(days=6 * 365))
    assert set(selectors.title_list(user=tree.city_office, filters={"validity": "valid"})) == {
        valid,
        expiring,
    }
    assert list(selectors.title_list(user=tree.city_office, filters={"validity": "expiring"})) == [expiring]
    assert list(selectors.title_list(user=tree.city_office, filters={"validity": "expired"})) == [expired]
    assert expired not in selectors.title_list(user=tree.office_a)


def test_evidence_search_finds_visible_records_of_the_candidate(two):
    tree, a, b = two
    make_activity(unit=tree.unit_a, title="团结联欢会", start=datetime.date(2025, 5, 1))
    make_activity(unit=tree.unit_b, title="和睦联欢会", start=datetime.date(2025, 5, 1))
    rows = selectors.evidence_search(user=tree.unit_user_a, source="activity", q="联欢", candidate=a)
    assert [r["label"] for r in rows] == ["团结联欢会"] and rows[0]["content_type"] == "activities.activity"
    assert selectors.evidence_search(user=tree.unit_user_a, source="activity", q="和睦", candidate=b) == []


def test_veto_event_list_scope(tree):
    event = services.veto_event_create(actor=tree.office_a, unit=tree.unit_a, kind="falsified",
                                       occurred_on=TODAY, description="x")  # fmt: skip
    assert list(selectors.veto_event_list(user=tree.city_office)) == [event]
    assert list(selectors.veto_event_list(user=tree.office_b)) == []
    assert list(selectors.veto_event_list(user=tree.office_a, filters={"status": "entered"})) == [event]


def test_evidence_search_offers_request_statistics_as_figures(two):
    tree, a, b = two
    rows = selectors.evidence_search(user=tree.unit_user_a, source="requests", candidate=a)
    by_id = {r["id"]: r for r in rows}
    assert "requests" in by_id and by_id["requests"]["content_type"] == ""
    assert by_id["requests"]["url"].startswith("/requests/") and "area=" in by_id["requests"]["url"]
    assert not any(r["id"].endswith("_rate") for r in rows)  # no requests: no rate to offer
