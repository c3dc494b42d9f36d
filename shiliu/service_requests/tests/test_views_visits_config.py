"""Grid visits and assignments, the configuration pages and the ranking page through HTTP."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shiliu.core.attachments import attachments_of
from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.models import (
    CalendarOverride,
    DeadlineRule,
    GridAssignment,
    GridVisit,
    RequestCategory,
    RoutingRule,
)

from .factories import category, make_assignment, make_department, make_request

S = RequestStatus
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# ---------------------------------------------------------------- visits


def test_grid_worker_records_a_visit_with_a_photo_and_sees_the_day(tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_assignment(tree.grid_user, tree.grid_a)
    grid = client_for(tree.grid_user)
    today = timezone.localdate()
    response = grid.post(
        reverse("service_requests:visit_create"),
        {"grid": tree.grid_a.pk, "date": today.isoformat(), "households": 14, "notes": "走访14户，反映路灯问题",
         "photos": SimpleUploadedFile("p.png", PNG, content_type="image/png")},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = GridVisit.objects.get()
    assert visit.worker == tree.grid_user and visit.households_visited == 14
    assert attachments_of(visit).count() == 1
    day = grid.get(reverse("service_requests:visit_day"))
    assert day.status_code == 200
    assert list(day.context["visits"]) == [visit] and day.context["households"] == 14
    detail = grid.get(reverse("service_requests:visit_detail", args=[visit.pk]))
    assert detail.status_code == 200 and detail.context["can_raise"]
    # The office of the county sees it; another county's office does not.
    office_list = client_for(tree.office_a).get(reverse("service_requests:visit_list"))
    assert [r.obj for r in office_list.context["rows"]] == [visit]
    assert (
        client_for(tree.office_b).get(reverse("service_requests:visit_detail", args=[visit.pk])).status_code
        == 404
    )
    assert not client_for(tree.office_b).get(reverse("service_requests:visit_list")).context["rows"]


def test_visit_only_in_an_assigned_grid_and_not_by_departments(tree):
    grid = client_for(tree.grid_user)
    # Not assigned yet: no grid to choose.
    response = grid.post(reverse("service_requests:visit_create"),
                         {"grid": tree.grid_a.pk, "date": "2025-03-01", "households": 3})  # fmt: skip
    assert response.status_code == 200 and not GridVisit.objects.exists()
    assert client_for(tree.dept_user).get(reverse("service_requests:visit_create")).status_code == 403


def test_office_assigns_and_ends_grid_assignments(tree):
    office = client_for(tree.office_a)
    url = reverse("service_requests:grid_assignment_create")
    assert office.get(url).status_code == 200
    response = office.post(url, {"worker": tree.grid_user.pk, "grid": tree.grid_a.pk, "start": "2025-01-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = GridAssignment.objects.get()
    listing = office.get(reverse("service_requests:grid_assignment_list"))
    assert [r.obj for r in listing.context["rows"]] == [assignment]
    end = office.post(
        reverse("service_requests:grid_assignment_end", args=[assignment.pk]), {"end": "2025-06-30"}
    )
    assert end.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end == datetime.date(2025, 6, 30)
    assert client_for(tree.grid_user).get(url).status_code == 403
    assert (
        client_for(tree.office_b)
        .post(reverse("service_requests:grid_assignment_end", args=[assignment.pk]), {"end": "2025-07-01"})
        .status_code
        == 404
    )


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    "name", ["category_list", "deadline_rule_list", "routing_rule_list", "calendar_list", "ranking_settings"]
)
def test_configuration_pages_render_for_everyone_and_edit_links_for_the_office(tree, name):
    url = reverse(f"service_requests:{name}")
    office = client_for(tree.office_a).get(url)
    assert office.status_code == 200
    dept = client_for(tree.dept_user).get(url)
    assert dept.status_code == 200


def test_office_creates_and_edits_categories_and_others_may_not(tree):
    office = client_for(tree.office_a)
    response = office.post(reverse("service_requests:category_create"),
                           {"name": "民族政策咨询", "code": "policy_enquiry", "sort": 5, "is_active": "on",
                            "parent": category("other").pk})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    created = RequestCategory.objects.get(code="policy_enquiry")
    assert created.parent.code == "other"
    edit = office.post(reverse("service_requests:category_edit", args=[created.pk]),
                       {"name": "政策咨询", "code": "ignored", "sort": 6})  # fmt: skip
    assert edit.status_code == 302
    created.refresh_from_db()
    assert created.name == "政策咨询" and created.code == "policy_enquiry" and not created.is_active
    assert client_for(tree.dept_user).post(reverse("service_requests:category_create"),
                                           {"name": "x", "code": "x"}).status_code == 403  # fmt: skip
    page = office.get(reverse("service_requests:category_list")).content.decode()
    assert "policy_enquiry" in page


def test_office_edits_deadline_and_routing_rules(tree):
    office = client_for(tree.office_a)
    rule = (
        DeadlineRule.objects.filter(category__isnull=True, priority="", step="reply").first()
        or DeadlineRule.objects.first()
    )
    response = office.post(
        reverse("service_requests:deadline_rule_edit", args=[rule.pk]),
        {"category": "", "priority": rule.priority, "step": rule.step, "amount": 5, "unit": rule.unit,
         "remind_before_hours": 2, "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.amount == 5
    response = office.post(
        reverse("service_requests:routing_rule_create"),
        {"category": category("schooling").pk, "area": tree.county_a.pk, "department": tree.dept.pk,
         "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RoutingRule.objects.get().area == tree.county_a
    # Another county's office cannot write a rule for county A.
    bad = client_for(tree.office_b).post(
        reverse("service_requests:routing_rule_create"),
        {"category": category("housing").pk, "area": tree.county_a.pk, "department": tree.dept.pk},
    )
    assert bad.status_code == 200 and RoutingRule.objects.count() == 1


def test_calendar_shows_its_source_and_the_office_corrects_a_date(tree):
    office = client_for(tree.office_a)
    page = office.get(reverse("service_requests:calendar_list"), {"year": 2026})
    assert page.status_code == 200 and page.context["official"] is True
    assert 'data-calendar-source="official"' in page.content.decode()
    future = office.get(reverse("service_requests:calendar_list"), {"year": 2031})
    assert (
        future.context["official"] is False and 'data-calendar-source="fallback"' in future.content.decode()
    )
    response = office.post(reverse("service_requests:calendar_override_create"),
                           {"date": "2031-10-01", "is_workday": "0", "note": "国庆节"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    override = CalendarOverride.objects.get()
    page = office.get(reverse("service_requests:calendar_list"), {"year": 2031})
    assert 'data-override="2031-10-01"' in page.content.decode()
    removed = office.post(reverse("service_requests:calendar_override_delete", args=[override.pk]))
    assert removed.status_code == 302 and not CalendarOverride.objects.exists()
    assert client_for(tree.dept_user).post(reverse("service_requests:calendar_override_create"),
                                           {"date": "2031-10-02", "is_workday": "0"}).status_code == 403  # fmt: skip


def test_ranking_settings_saved_by_the_office(tree):
    office = client_for(tree.office_a)
    url = reverse("service_requests:ranking_settings")
    response = office.post(url, {"min_requests": 3, "weight_response": 25, "weight_on_time": 25,
                                 "weight_resolution": 25, "weight_satisfaction": 25})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert office.get(url).context["form"].initial["min_requests"] == 3
    assert client_for(tree.dept_user).post(url, {"min_requests": 1}).status_code == 403


# ---------------------------------------------------------------- ranking


def test_ranking_shows_formulas_hides_small_departments_and_links_every_figure(tree):
    small = make_department(tree.city, "石榴市民宗局")
    now = timezone.now()
    for n in range(3):
        make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept, submitted_at=now - datetime.timedelta(days=3 + n),
                     rating="satisfied", rated_at=now)  # fmt: skip
    make_request(tree.grid_a, status=S.CLOSED, lead=small, submitted_at=now - datetime.timedelta(days=3))
    office = client_for(tree.office_a)
    office.post(reverse("service_requests:ranking_settings"), {"min_requests": 2, "weight_response": 25,
                "weight_on_time": 25, "weight_resolution": 25, "weight_satisfaction": 25})  # fmt: skip
    response = office.get(reverse("service_requests:ranking"), {"period": "year", "year": now.year})
    assert response.status_code == 200
    body = response.content.decode()
    for kind in ("response", "on_time", "resolution", "satisfaction"):
        assert f'data-formula="{kind}"' in body
    assert [row["department"] for row in response.context["rows"]] == [tree.dept]
    assert response.context["ranking"].hidden == 1
    assert "石榴市民宗局" not in body
    assert 'id="ranking-data"' in body and "requests_ranking.js" in body
    # Every figure is a link to the list behind it, and that list holds exactly those requests.
    row = response.context["rows"][0]
    assert row["department"] == tree.dept
    listing = office.get(row["requests_url"])
    assert listing.status_code == 200 and len(listing.context["rows"]) == 3
    satisfied = office.get(row["rates"][3]["url"])
    assert satisfied.status_code == 200 and len(satisfied.context["rows"]) == 3


def test_ranking_prints_rates_as_percentages_and_links_each_part_to_its_list(tree):
    """Rates are fractions: 9 satisfied of 10 rated must read 90.0%, not 0.9%; the rate and its numerator link
    to the 9 requests, the denominator to the 10."""
    import re

    from shiliu.service_requests.views.common import percent_text

    assert percent_text(0.9) == "90.0%" and percent_text(1) == "100.0%" and percent_text(None) == "—"
    now = timezone.now()
    for n in range(10):
        make_request(tree.grid_a, status=S.CLOSED, lead=tree.dept, submitted_at=now - datetime.timedelta(days=3),
                     rating="satisfied" if n < 9 else "dissatisfied", rated_at=now)  # fmt: skip
    office = client_for(tree.office_a)
    response = office.get(reverse("service_requests:ranking"), {"period": "year", "year": now.year})
    assert response.status_code == 200
    body = response.content.decode()
    cell = re.search(r'<td class="text-end" data-rate="satisfaction">(.*?)</td>', body, re.S).group(1)
    assert ">90.0%</a>" in cell and "0.9%" not in cell.replace("90.0%", "")
    links = {kind: url for url, kind in re.findall(r'<a href="([^"]+)" data-(?:figure|part)="(\w+)"', cell)}
    assert set(links) == {"satisfaction_rate", "numerator", "denominator"}
    row = response.context["rows"][0]
    assert row["rates"][3]["text"] == "90.0%" and response.context["chart"]["series"][3]["values"] == [90.0]
    for name, expected in (("satisfaction_rate", 9), ("numerator", 9), ("denominator", 10)):
        url = links[name].replace("&amp;", "&")
        assert "rate=satisfaction" in url and f"department={tree.dept.pk}" in url
        listing = office.get(url)
        assert listing.status_code == 200 and listing.context["total"] == expected, name
    # Every link the view builds equals the selector's own drill-down URL.
    from shiliu.service_requests.selectors import department_ranking

    period = response.context["period"]
    ranking = department_ranking(user=tree.office_a, area=response.context["area"], start=period["start"],
                                 end=period["end"])  # fmt: skip
    for figures, built in zip([r.figures for r in ranking.rows], response.context["rows"], strict=True):
        assert built["requests_url"] == figures["requests"].url
        for cell in built["rates"]:
            figure = figures[f"{cell['key']}_rate"]
            assert cell["url"] == figure.url
            assert cell["numerator_url"] == figure.breakdown["numerator"].url
            assert cell["denominator_url"] == figure.breakdown["denominator"].url
    requests_link = re.search(r'<a href="([^"]+)" data-figure="requests">10</a>', body).group(1)
    assert office.get(requests_link.replace("&amp;", "&")).context["total"] == 10
    # The home panel shows the same rate as a percentage.
    home = office.get(reverse("core:home")).content.decode()
    assert re.search(r'data-figure="satisfaction_rate"[^>]*>\s*<div class="card-body"><div class="subheader">[^<]*'
                     r'</div><div class="h2 mb-0">90.0%</div>', home)  # fmt: skip


def test_office_removes_rules_after_confirmation(tree):
    from .factories import make_routing_rule

    office = client_for(tree.office_a)
    rule = make_routing_rule("housing", tree.county_a, tree.dept)
    url = reverse("service_requests:routing_rule_delete", args=[rule.pk])
    assert office.get(url).status_code == 200
    assert client_for(tree.office_b).post(url).status_code == 404
    assert office.post(url).status_code == 302 and not RoutingRule.objects.exists()
    default = DeadlineRule.objects.filter(category__isnull=True, priority="").first()
    refused = office.post(reverse("service_requests:deadline_rule_delete", args=[default.pk]))
    assert refused.status_code == 200 and DeadlineRule.objects.filter(pk=default.pk).exists()
    specific = DeadlineRule.objects.exclude(category__isnull=True).first()
    assert (
        client_for(tree.dept_user)
        .post(reverse("service_requests:deadline_rule_delete", args=[specific.pk]))
        .status_code
        == 403
    )
    assert (
        office.post(reverse("service_requests:deadline_rule_delete", args=[specific.pk])).status_code == 302
    )
    assert not DeadlineRule.objects.filter(pk=specific.pk).exists()
