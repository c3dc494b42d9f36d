"""Candidate and honour pages through HTTP: lists, filters, detail with timeline, forms and stage changes."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from shiliu.honors.choices import CandidateStage, HonourLevel
from shiliu.honors.models import CandidateTransition, Honour, ModelCandidate

from .factories import advance, make_candidate

PASSWORD = "Test-Passw0rd!"


def client_for(username, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=username, password=PASSWORD)
    return client


def row_ids(response):
    return [int(pk) for pk in re.findall(r'data-row-id="(\d+)"', response.content.decode())]


def errors_for(response, field):
    return re.findall(rf'data-error-for="{field}">([^<]+)<', response.content.decode())


@pytest.fixture
def people(tree):
    tree.wang = make_candidate(tree.office_a, unit=tree.unit_a, name="王芳")
    tree.team = make_candidate(tree.office_a, area=tree.village_a, name="团结社区志愿服务队",
                               discovered_on=datetime.date(2024, 5, 1))  # fmt: skip
    tree.li = make_candidate(tree.office_b, unit=tree.unit_b, name="李明")
    advance(tree.city_office, tree.wang, CandidateStage.COMMENDED, level=HonourLevel.CITY)
    return tree


def test_list_shows_the_scope_and_filters(people):
    url = reverse("honors:candidate_list")
    office_a = client_for("office_a")
    assert sorted(row_ids(office_a.get(url))) == sorted([people.wang.pk, people.team.pk])
    assert row_ids(client_for("unit_a").get(url)) == [people.wang.pk]
    city = client_for("city_office")
    assert len(row_ids(city.get(url))) == 3
    assert row_ids(city.get(url, {"stage": "commended"})) == [people.wang.pk]
    assert row_ids(city.get(url, {"kind": "collective"})) == [people.team.pk]
    assert row_ids(city.get(url, {"level": "city"})) == [people.wang.pk]
    assert row_ids(city.get(url, {"level": "national"})) == []
    assert row_ids(city.get(url, {"year": "2024"})) == [people.team.pk]
    assert sorted(row_ids(city.get(url, {"area": people.county_b.pk}))) == [people.li.pk]
    assert row_ids(city.get(url, {"q": "李"})) == [people.li.pk]
    assert row_ids(office_a.get(url, {"area": people.county_b.pk})) == []  # a foreign area gives nothing


def test_list_paginates_by_keyset(tree, settings):
    settings.LIST_PAGE_SIZE = 2
    for n in range(5):
        make_candidate(
            tree.office_a, unit=tree.unit_a, name=f"候选{n}", discovered_on=datetime.date(2025, 1, n + 1)
        )
    client = client_for("office_a")
    seen = []
    response = client.get(reverse("honors:candidate_list"))
    while True:
        seen += row_ids(response)
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
        response = client.get(reverse("honors:candidate_list"), {"cursor": cursor})
    assert len(seen) == len(set(seen)) == 5
    names = list(
        ModelCandidate.objects.filter(pk__in=seen).order_by("-discovered_on").values_list("pk", flat=True)
    )
    assert seen == names


def test_list_query_count_does_not_grow_with_rows(tree, django_assert_max_num_queries):
    for n in range(30):
        make_candidate(tree.office_a, unit=tree.unit_a, name=f"候选{n}")
    client = client_for("office_a")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("honors:candidate_list")).status_code == 200


def test_honour_list_and_its_filters(people):
    url = reverse("honors:honour_list")
    city = client_for("city_office")
    response = city.get(url)
    assert response.status_code == 200 and row_ids(response) == [people.wang.honours.get().pk]
    assert row_ids(city.get(url, {"level": "county"})) == []
    assert row_ids(client_for("office_b").get(url)) == []


def test_detail_shows_timeline_honours_and_history(people):
    response = client_for("office_a").get(reverse("honors:candidate_detail", args=[people.wang.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-timeline-step=") == 4
    assert "群众公认" in html and "民族团结进步模范个人" in html
    assert "data-history-entry" in html
    assert 'data-action="stage"' not in html  # commended: no further stage


def test_detail_of_a_foreign_candidate_is_404(people):
    assert (
        client_for("office_b").get(reverse("honors:candidate_detail", args=[people.wang.pk])).status_code
        == 404
    )
    assert (
        client_for("office_b").get(reverse("honors:candidate_edit", args=[people.wang.pk])).status_code == 404
    )
    url = reverse("honors:candidate_stage", args=[people.team.pk, "reject"])
    assert client_for("office_b").post(url, {"reason": "x"}).status_code == 404
    people.team.refresh_from_db()
    assert people.team.stage == CandidateStage.DISCOVERED


def test_create_through_the_form(tree):
    client = client_for("office_a")
    url = reverse("honors:candidate_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "individual", "name": "马兰", "area": tree.village_a.pk,
                                 "unit_name": "团结社区居委会", "deeds": "调解纠纷", "discovered_on": "2025-04-01"})  # fmt: skip
    candidate = ModelCandidate.objects.get(name="马兰")
    assert response.status_code == 302 and response["Location"].endswith(f"/{candidate.pk}/")
    assert candidate.unit_id == tree.unit_a.pk and candidate.transitions.count() == 1


def test_create_form_errors(tree):
    client = client_for("office_a")
    url = reverse("honors:candidate_create")
    data = {"kind": "individual", "name": "马兰", "area": tree.village_a.pk, "deeds": "调解纠纷",
            "discovered_on": "2025-04-01"}  # fmt: skip
    assert errors_for(client.post(url, data), "unit_name")  # an individual needs a unit
    assert errors_for(client.post(url, data | {"unit_name": "和睦村村委会"}), "unit_name")  # not in that area
    response = client.post(url, data | {"area": tree.village_b.pk, "unit_name": "和睦村村委会"})
    assert response.status_code == 200 and errors_for(response, "area")  # a foreign area is not a choice
    assert not ModelCandidate.objects.exists()


def test_leader_cannot_create(tree):
    client = client_for("leader")
    assert client.get(reverse("honors:candidate_create")).status_code == 403
    assert 'data-action="create"' not in client.get(reverse("honors:candidate_list")).content.decode()


def test_edit_through_the_form(people):
    client = client_for("office_a")
    url = reverse("honors:candidate_edit", args=[people.team.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "collective", "name": "团结社区巾帼志愿队", "area": people.village_a.pk,
                                 "unit_name": "", "deeds": "新事迹", "discovered_on": "2024-05-01"})  # fmt: skip
    assert response.status_code == 302
    people.team.refresh_from_db()
    assert (people.team.name, people.team.deeds) == ("团结社区巾帼志愿队", "新事迹")


def test_stage_changes_through_http(tree):
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    client = client_for("office_a")
    detail = client.get(reverse("honors:candidate_detail", args=[candidate.pk])).content.decode()
    assert reverse("honors:candidate_stage", args=[candidate.pk, "cultivate"]) in detail
    assert reverse("honors:candidate_stage", args=[candidate.pk, "recommend"]) not in detail
    assert (
        client.post(reverse("honors:candidate_stage", args=[candidate.pk, "cultivate"]), {}).status_code
        == 302
    )
    # An illegal step (cultivating again) shows the refusal on the form; nothing changes.
    response = client.post(reverse("honors:candidate_stage", args=[candidate.pk, "cultivate"]), {})
    assert response.status_code == 200 and candidate.transitions.count() == 2
    assert "data-form-errors" in response.content.decode()
    assert (
        client.post(
            reverse("honors:candidate_stage", args=[candidate.pk, "recommend"]), {"reason": "公认"}
        ).status_code
        == 302
    )
    url = reverse("honors:candidate_stage", args=[candidate.pk, "commend"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"level": "county", "title": "模范个人", "reason": "事迹突出",
                                 "deciding_body": "东城区人民政府", "decision_date": "2025-09-01",
                                 "document_number": ""})  # fmt: skip
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.COMMENDED
    assert Honour.objects.get(candidate=candidate).deciding_body == "东城区人民政府"
    assert client.get(reverse("honors:candidate_stage", args=[candidate.pk, "fly"])).status_code == 404


def test_rejection_form_requires_a_reason(tree):
    candidate = make_candidate(tree.office_a, unit=tree.unit_a)
    client = client_for("office_a")
    url = reverse("honors:candidate_stage", args=[candidate.pk, "reject"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and errors_for(response, "reason")
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.DISCOVERED
    assert client.post(url, {"reason": "不符合条件"}).status_code == 302
    assert CandidateTransition.objects.filter(
        candidate=candidate, to_stage="rejected", reason="不符合条件"
    ).exists()


def test_unit_liaison_sees_only_cultivate(tree):
    candidate = make_candidate(tree.unit_user_a, unit=tree.unit_a)
    client = client_for("unit_a")
    html = client.get(reverse("honors:candidate_detail", args=[candidate.pk])).content.decode()
    assert html.count('data-action="stage"') == 1
    response = client.post(reverse("honors:candidate_stage", args=[candidate.pk, "reject"]), {"reason": "x"})
    assert response.status_code == 200  # refused by the service, shown on the form
    candidate.refresh_from_db()
    assert candidate.stage == CandidateStage.DISCOVERED


def test_add_a_further_honour(people):
    client = client_for("city_office")
    url = reverse("honors:honour_create", args=[people.wang.pk])
    response = client.post(url, {"level": "province", "title": "省级模范", "reason": "突出",
                                 "deciding_body": "示范省人民政府", "decision_date": "2025-10-01"})  # fmt: skip
    assert response.status_code == 302
    assert people.wang.honours.count() == 2
    assert client_for("unit_a").get(url).status_code == 403


def test_english_interface(people):
    html = (
        client_for("office_a", "en")
        .get(reverse("honors:candidate_detail", args=[people.wang.pk]))
        .content.decode()
    )
    assert "Timeline" in html
