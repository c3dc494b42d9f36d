"""Pages of pairing assistance through HTTP: lists, details with history, forms calling the services."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shiliu.pairing.choices import AssessmentStatus, Grade, ProjectStatus
from shiliu.pairing.models import AssessmentRulebook, Pairing, PairingAssessment, PairingProject, PairingVisit

from .factories import D, make_fund, make_outcome, make_pairing, make_project, make_visit

PASSWORD = "Test-Passw0rd!"


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def ledger(tree):
    tree.p_dept = make_pairing(tree.dept, tree.village_a)
    tree.p_school = make_pairing(tree.unit_a2, tree.village_a)
    tree.p_b = make_pairing(tree.unit_b, tree.village_b)
    for pairing in (tree.p_dept, tree.p_school, tree.p_b):
        make_visit(pairing)
        make_fund(pairing)
        make_project(pairing)
        make_outcome(pairing)
    return tree


@pytest.mark.parametrize("name", ["pairing_list", "visit_list", "fund_list", "project_list", "outcome_list",
                                  "assessment_list", "rulebook_list"])  # fmt: skip
def test_lists_render_for_office_and_leader(ledger, name):
    for user in (ledger.city_office, ledger.leader, ledger.dept_user):
        response = client_for(user).get(reverse(f"pairing:{name}"), {"sort": "-created"})
        assert response.status_code == 200


def test_list_filters_search_and_pagination(ledger, settings):
    client = client_for(ledger.city_office)
    url = reverse("pairing:pairing_list")
    rows = lambda r: {row.obj.pk for row in r.context["rows"]}  # noqa: E731
    assert rows(client.get(url)) == {ledger.p_dept.pk, ledger.p_school.pk, ledger.p_b.pk}
    assert rows(client.get(url, {"area": ledger.county_b.pk})) == {ledger.p_b.pk}
    assert rows(client.get(url, {"unit": ledger.dept.pk})) == {ledger.p_dept.pk}
    assert rows(client.get(url, {"q": "教育局"})) == {ledger.p_dept.pk}
    assert rows(client.get(url, {"year": "2030"})) == set()
    assert rows(client.get(url, {"start": "2028-01-01"})) == set()
    project_url = reverse("pairing:project_list")
    assert client.get(project_url, {"status": "completed"}).context["total"] == 0
    settings.LIST_PAGE_SIZE = 2
    first = client.get(url, {"sort": "-created"})
    assert first.context["page"].has_next
    second = client.get(url, {"sort": "-created", "cursor": first.context["page"].next_cursor})
    assert rows(first) | rows(second) == {ledger.p_dept.pk, ledger.p_school.pk, ledger.p_b.pk}


def test_office_creates_and_edits_a_pairing(ledger):
    client = client_for(ledger.city_office)
    response = client.post(
        reverse("pairing:pairing_create"),
        {
            "unit_name": ledger.dept.name,
            "village": ledger.village_b.pk,
            "start": "2026-01-01",
            "end": "2026-12-31",
        },
    )
    pairing = Pairing.objects.get(unit=ledger.dept, village=ledger.village_b)
    assert response.status_code == 302 and response["Location"] == reverse(
        "pairing:pairing_detail", args=[pairing.pk]
    )
    response = client.post(
        reverse("pairing:pairing_edit", args=[pairing.pk]),
        {
            "unit_name": ledger.dept.name,
            "village": ledger.village_b.pk,
            "start": "2026-01-01",
            "end": "2025-12-31",
        },
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    client.post(
        reverse("pairing:pairing_edit", args=[pairing.pk]),
        {"unit_name": ledger.dept.name, "village": ledger.village_b.pk, "start": "2026-01-01", "end": "2027-12-31",
         "goals": "产业帮扶"},
    )  # fmt: skip
    detail = client.get(reverse("pairing:pairing_detail", args=[pairing.pk]))
    assert detail.status_code == 200
    assert len(detail.context["history"]) == 2
    assert "产业帮扶" in detail.content.decode()


def test_pairing_form_resolves_the_unit_among_those_covering_the_village(ledger):
    client = client_for(ledger.office_a)
    url = reverse("pairing:pairing_create")
    data = {"village": ledger.village_a.pk, "start": "2026-01-01", "end": "2026-12-31"}
    # The city's department is outside county A's scope: not found, as if missing.
    response = client.post(url, data | {"unit_name": ledger.dept.name})
    assert response.status_code == 200 and "unit_name" in response.context["form"].errors
    # A unit of township A cannot pair with a village of county B.
    response = client.post(url, data | {"unit_name": ledger.unit_a2.name, "village": ledger.village_b.pk})
    assert response.status_code == 200
    response = client.post(url, data | {"unit_name": ledger.unit_a2.name})
    assert response.status_code == 302
    assert Pairing.objects.filter(unit=ledger.unit_a2, start="2026-01-01").exists()


def test_liaisons_and_leaders_cannot_create_pairings(ledger):
    for user in (ledger.dept_user, ledger.leader):
        assert client_for(user).get(reverse("pairing:pairing_create")).status_code == 403


def test_liaison_records_a_visit_and_moves_a_project(ledger):
    client = client_for(ledger.dept_user)
    pairing = ledger.p_dept
    detail = client.get(reverse("pairing:pairing_detail", args=[pairing.pk]))
    assert detail.status_code == 200 and not detail.context["can_change"]
    assert all(section["create_url"] for section in detail.context["sections"])
    response = client.post(
        reverse("pairing:visit_create", args=[pairing.pk]),
        {"visited_on": "2025-07-01", "people": "5", "activities": "政策宣讲"},
    )
    visit = PairingVisit.objects.get(activities="政策宣讲")
    assert response["Location"] == reverse("pairing:visit_detail", args=[visit.pk])
    response = client.post(
        reverse("pairing:visit_create", args=[pairing.pk]),
        {"visited_on": "2030-07-01", "people": "5", "activities": "超期"},
    )
    assert response.status_code == 200 and "pairing period" in response.content.decode()
    # Another unit's pairing: 404 like a missing one.
    assert client.get(reverse("pairing:visit_create", args=[ledger.p_school.pk])).status_code == 404
    project = PairingProject.objects.get(pairing=pairing)
    client.post(reverse("pairing:project_start", args=[project.pk]))
    response = client.post(
        reverse("pairing:project_complete", args=[project.pk]), {"completed_on": "2025-10-01"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED
    page = client.get(reverse("pairing:project_detail", args=[project.pk]))
    assert page.context["actions"] == [] and len(page.context["history"]) == 3
    assert (
        client.post(reverse("pairing:project_start", args=[project.pk])).status_code == 200
    )  # refused, shown


def test_leader_reads_but_cannot_write(ledger):
    client = client_for(ledger.leader)
    visit = PairingVisit.objects.filter(pairing=ledger.p_dept).get()
    assert client.get(reverse("pairing:visit_detail", args=[visit.pk])).status_code == 200
    assert client.get(reverse("pairing:visit_edit", args=[visit.pk])).status_code == 404
    assert client.get(reverse("pairing:visit_create", args=[ledger.p_dept.pk])).status_code == 403


def test_rulebook_and_assessment_flow(ledger):
    client = client_for(ledger.city_office)
    response = client.post(
        reverse("pairing:rulebook_create"),
        {"area": ledger.city.pk, "year": "2025", "name": "2025年结对帮扶考核", "excellent_from": "90",
         "good_from": "80", "pass_from": "60", "items": "组织领导 | 40 | 有计划\n走访帮扶 | 60"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    items = list(AssessmentRulebook.objects.get().items.all())
    url = reverse("pairing:assessment_edit", args=[ledger.p_dept.pk, 2025])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"assessed_on": "2025-12-20", f"item_{items[0].pk}": "41", f"item_{items[1].pk}": "50"}
    )
    assert response.status_code == 200 and "0 to 40" in response.content.decode()
    response = client.post(
        url, {"assessed_on": "2025-12-20", f"item_{items[0].pk}": "35", f"item_{items[1].pk}": "50"}
    )
    assessment = PairingAssessment.objects.get()
    assert response["Location"] == reverse("pairing:assessment_detail", args=[assessment.pk])
    assert assessment.total == Decimal("85") and assessment.grade == Grade.GOOD
    client.post(reverse("pairing:assessment_submit", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    response = client.post(
        url, {"assessed_on": "2025-12-21", f"item_{items[0].pk}": "40", f"item_{items[1].pk}": "60"}
    )
    assert response.status_code == 200 and "locked" in response.content.decode()
    assert client.get(reverse("pairing:assessment_detail", args=[assessment.pk])).status_code == 200
    assert client_for(ledger.dept_user).get(url).status_code == 403
    assert client_for(ledger.office_b).get(url).status_code == 404


def test_visit_photos_follow_the_pairing_scope(ledger, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shiliu.core.attachments import Attachment

    settings.MEDIA_ROOT = tmp_path
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    visit = PairingVisit.objects.get(pairing=ledger.p_dept)
    upload_url = reverse("core:attachment_upload", args=["pairing", "pairingvisit", visit.pk])
    page = client_for(ledger.dept_user).get(reverse("pairing:visit_detail", args=[visit.pk]))
    assert page.context["attachments"]["can_change"]
    response = client_for(ledger.dept_user).post(upload_url, {"file": SimpleUploadedFile("a.png", png)})
    assert response.status_code == 302 and response["Location"] == reverse(
        "pairing:visit_detail", args=[visit.pk]
    )
    attachment = Attachment.objects.get()
    assert attachment.area_path == ledger.village_a.path
    download = reverse("core:attachment", args=[attachment.pk])
    assert client_for(ledger.city_office).get(download).status_code == 200
    assert client_for(ledger.office_b).get(download).status_code == 404
    assert client_for(ledger.unit_user_a).get(download).status_code == 404
    other = PairingVisit.objects.get(pairing=ledger.p_school)
    other_url = reverse("core:attachment_upload", args=["pairing", "pairingvisit", other.pk])
    assert (
        client_for(ledger.dept_user).post(other_url, {"file": SimpleUploadedFile("b.png", png)}).status_code
        == 404
    )
    assert Attachment.objects.count() == 1


def test_period_and_state_filters(ledger):
    ended = make_pairing(ledger.dept, ledger.village_b, start=D(2020, 1, 1), end=D(2020, 12, 31))
    client = client_for(ledger.city_office)
    url = reverse("pairing:pairing_list")
    rows = lambda r: {row.obj.pk for row in r.context["rows"]}  # noqa: E731
    assert rows(client.get(url, {"state": "ended"})) == {ended.pk}
    assert ended.pk not in rows(client.get(url, {"state": "active"}))
    response = client.get(url, {"start": "2020-06-01", "end": "2020-07-01", "unit": ledger.dept.pk})
    assert rows(response) == {ended.pk}
    assert f'name="unit" value="{ledger.dept.pk}"' in response.content.decode()
    assert rows(
        client.get(reverse("pairing:visit_list"), {"start": "2025-03-01", "end": "2025-03-01"})
    ) == set(PairingVisit.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("name", ["pairing_list", "visit_list", "fund_list", "project_list", "outcome_list",
                                  "assessment_list"])  # fmt: skip
def test_list_query_count_does_not_grow_with_rows(ledger, name, django_assert_max_num_queries):
    for n in range(30):
        pairing = make_pairing(
            ledger.dept, ledger.village_a, start=D(2024, 1, 1) + datetime.timedelta(days=n), end=D(2027, 1, 1)
        )
        make_visit(pairing)
        make_fund(pairing)
        make_project(pairing, name=f"项目{n}")
        make_outcome(pairing)
    client = client_for(ledger.city_office)
    client.get(reverse(f"pairing:{name}"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"pairing:{name}"), {"area": ledger.county_a.pk})
    assert response.status_code == 200


def test_home_panel_figures_link_to_their_lists(tree, settings):
    settings.LIST_PAGE_SIZE = 100
    year = timezone.localdate().year
    pairing = make_pairing(
        tree.dept, tree.village_a, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31)
    )
    make_visit(pairing, visited_on=datetime.date(year, 2, 1))
    make_visit(make_pairing(tree.unit_b, tree.village_b, start=datetime.date(year, 1, 1),
                            end=datetime.date(year, 12, 31)), visited_on=datetime.date(year, 2, 1))  # fmt: skip
    client = client_for(tree.office_a)
    response = client.get(reverse("core:home"))
    panel = next(p for p in response.context["panels"] if p["template"] == "pairing/home_panel.html")
    visits = next(f for f in panel["figures"] if f.key == "visits")
    assert visits.value == 1
    assert 'data-figure="visits"' in response.content.decode()
    listed = client.get(visits.url)
    assert [row.obj.pk for row in listed.context["rows"]] == [pairing.visits.get().pk]
