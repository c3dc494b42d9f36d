"""The service-request JSON API through HTTP with personal tokens: scoped, masked reads, every step as a POST
through its service, role and state refusals, intake and the department ranking.

The router is mounted here on a NinjaAPI of its own, configured like the site's (both auths, the shared error
handlers, the UTF-8 renderer), so that these tests do not depend on where the root mounts it.
"""

import datetime

import pytest
from django.test import Client
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI

from shiliu.accounts.models import ApiToken
from shiliu.api.auth import AUTH
from shiliu.api.errors import register_exception_handlers
from shiliu.api.renderers import Utf8JSONRenderer
from shiliu.service_requests.api import router
from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.models import RequestExtension, ServiceRequest
from shiliu.service_requests.tests.factories import category, make_department, make_request

S = RequestStatus
test_api = NinjaAPI(urls_namespace="service_requests_api_test", auth=AUTH, renderer=Utf8JSONRenderer())
register_exception_handlers(test_api)
test_api.add_router("/", router)
urlpatterns = [path("api/", test_api.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
NAME, PHONE = "王小明", "13800001234"


def as_user(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


@pytest.fixture
def office(tree):
    category()
    return as_user(tree.office_a)


# ---------------------------------------------------------------- reads


def test_list_is_scoped_and_masked(tree, office):
    mine = make_request(tree.grid_a, status=S.ACCEPTED)
    make_request(tree.village_b, status=S.ACCEPTED)

    response = office.get("/api/requests")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == mine.pk and item["ticket"] == mine.ticket
    assert item["requester_name"] == "王**" and item["requester_phone"] == "138****1234"
    assert item["category"] == {"code": "employment", "name": "就业"}
    assert NAME not in response.content.decode() and PHONE not in response.content.decode()
    assert as_user(tree.city_office).get("/api/requests").json()["count"] == 2
    assert Client().get("/api/requests").status_code == 401


def test_list_filters_sorts_and_pages(tree, office):
    now = timezone.now()
    made = [
        make_request(tree.grid_a, status=S.ACCEPTED if n % 2 else S.CLOSED,
                     submitted_at=now - datetime.timedelta(days=n + 1))
        for n in range(5)
    ]  # fmt: skip

    closed = office.get("/api/requests", {"status": "closed"}).json()
    assert [i["id"] for i in closed["items"]] == [made[0].pk, made[2].pk, made[4].pk]
    oldest_first = office.get("/api/requests", {"sort": "submitted_at", "limit": 2}).json()
    assert [i["id"] for i in oldest_first["items"]] == [made[4].pk, made[3].pk]
    second = office.get(
        "/api/requests", {"sort": "submitted_at", "limit": 2, "cursor": oldest_first["next_cursor"]}
    )
    assert [i["id"] for i in second.json()["items"]] == [made[2].pk, made[1].pk]
    assert office.get("/api/requests", {"q": made[3].ticket}).json()["count"] == 1
    assert office.get("/api/requests", {"sort": "requester_phone"}).status_code == 400
    assert office.get("/api/requests", {"status": "nonsense"}).status_code == 422


def test_department_sees_only_the_requests_it_leads(tree):
    category()
    led = make_request(tree.grid_a, status=S.DISPATCHED, lead=tree.dept)
    make_request(tree.grid_a, status=S.DISPATCHED, lead=make_department(tree.city))

    body = as_user(tree.dept_user).get("/api/requests").json()

    assert [i["id"] for i in body["items"]] == [led.pk]


def test_detail_has_timeline_and_actions_and_hides_foreign_requests(tree, office):
    request = make_request(tree.grid_a, status=S.SUBMITTED)

    response = office.get(f"/api/requests/{request.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["requester_name"] == "王**"
    assert set(body["allowed_actions"]) >= {"accept", "reject"}
    assert as_user(tree.office_b).get(f"/api/requests/{request.pk}").status_code == 404
    assert office.get("/api/requests/999999").status_code == 404


# ---------------------------------------------------------------- the workflow through HTTP


def test_whole_workflow_through_the_api(tree, office):
    request = make_request(tree.grid_a, status=S.SUBMITTED)
    dept = as_user(tree.dept_user)
    url = f"/api/requests/{request.pk}"

    def step(client, action, body=None, expect=S.SUBMITTED):
        response = post(client, f"{url}/{action}", body)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["status"] == expect
        return response.json()

    step(office, "accept", expect=S.ACCEPTED)
    body = step(office, "dispatch", {"department": tree.dept.pk, "note": "请办理"}, expect=S.DISPATCHED)
    assert body["lead_department"] == {"id": tree.dept.pk, "name": tree.dept.name}
    step(dept, "sign", expect=S.SIGNED)
    step(dept, "start", expect=S.IN_PROGRESS)
    step(dept, "reply", {"result": "resolved", "note": "已协调解决"}, expect=S.REPLIED)
    step(office, "verify", expect=S.VERIFIED)
    body = step(office, "close", expect=S.CLOSED)
    body = step(office, "rate", {"rating": "satisfied"}, expect=S.CLOSED)
    assert body["rating"] == "satisfied"
    actions = [e["action"] for e in body["events"]]
    assert (
        actions[-7:] == ["accept", "dispatch", "sign", "start", "reply", "verify", "close"]
        or "rate" in actions
    )
    assert body["events"][1]["by"]  # who did it is recorded


def test_role_refusal_is_403_state_refusal_is_400(tree, office):
    request = make_request(tree.grid_a, status=S.DISPATCHED, lead=tree.dept)
    dept = as_user(tree.dept_user)

    verified = make_request(tree.grid_a, status=S.VERIFIED, lead=tree.dept)
    closing = post(dept, f"/api/requests/{verified.pk}/close")
    assert closing.status_code == 403, closing.content
    assert post(office, f"/api/requests/{request.pk}/sign").status_code == 403
    refused = post(office, f"/api/requests/{request.pk}/accept")
    assert refused.status_code == 400
    assert "not possible" in refused.json()["detail"]
    assert post(as_user(tree.leader), f"/api/requests/{request.pk}/accept").status_code == 403
    request.refresh_from_db()
    assert request.status == S.DISPATCHED


def test_foreign_request_is_404_for_writes(tree, office):
    request = make_request(tree.village_b, status=S.SUBMITTED)

    assert post(office, f"/api/requests/{request.pk}/accept").status_code == 404


def test_input_checks(tree, office):
    request = make_request(tree.grid_a, status=S.SUBMITTED)

    assert post(office, f"/api/requests/{request.pk}/reject").status_code == 422  # reason is required
    accepted = make_request(tree.grid_a, status=S.ACCEPTED)
    foreign_dept = make_department(tree.county_b)
    refused = post(office, f"/api/requests/{accepted.pk}/dispatch", {"department": foreign_dept.pk})
    assert refused.status_code == 400
    assert refused.json()["field"] == "department"

    rejected = post(
        office, f"/api/requests/{request.pk}/reject", {"reason": "重复诉求", "duplicate_of": accepted.pk}
    )
    assert rejected.status_code == 200
    assert ServiceRequest.objects.get(pk=request.pk).duplicate_of == accepted


def test_extension_request_and_decision(tree, office):
    request = make_request(tree.grid_a, status=S.IN_PROGRESS, lead=tree.dept)
    until = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()

    created = post(
        as_user(tree.dept_user),
        f"/api/requests/{request.pk}/extensions",
        {"until": until, "reason": "需现场核实"},
    )

    assert created.status_code == 201, created.content
    extension = RequestExtension.objects.get(pk=created.json()["id"])
    decided = post(office, f"/api/requests/{request.pk}/extensions/{extension.pk}/decide", {"approve": True})
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "approved"
    other = make_request(tree.grid_a, status=S.IN_PROGRESS, lead=tree.dept)
    assert (
        post(
            office, f"/api/requests/{other.pk}/extensions/{extension.pk}/decide", {"approve": True}
        ).status_code
        == 404
    )


def test_pause_resume_supervise_flag_and_note(tree, office):
    request = make_request(tree.grid_a, status=S.ACCEPTED)
    url = f"/api/requests/{request.pk}"

    assert post(office, f"{url}/pause", {"reason": "等待居民补充材料"}).json()["is_paused"] is True
    assert post(office, f"{url}/resume").json()["is_paused"] is False
    assert post(office, f"{url}/supervise", {"note": "重点督办"}).json()["is_supervised"] is True
    flagged = post(office, f"{url}/flag-ethnic", {"is_ethnic": True, "reason": "涉及民族团结"})
    assert flagged.json()["involves_ethnic_factors"] is True
    noted = post(office, f"{url}/notes", {"note": "已电话联系"})
    assert noted.json()["events"][-1]["note"] == "已电话联系"


# ---------------------------------------------------------------- intake


def test_office_records_a_request(tree, office):
    response = post(office, "/api/requests", {
        "channel": "phone", "category": "housing", "area": tree.grid_a.pk, "description": "楼道灯坏了",
        "requester_name": NAME, "requester_phone": PHONE,
    })  # fmt: skip

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == S.SUBMITTED and body["channel"] == "phone"
    assert body["requester_name"] == "王**"
    assert len(body["rating_code"]) == 6
    created = ServiceRequest.objects.get(pk=body["id"])
    assert created.requester_phone == PHONE and created.created_by == tree.office_a
    assert (
        post(
            office, "/api/requests", {"category": "housing", "area": tree.village_b.pk, "description": "x"}
        ).json()["field"]
        == "area"
    )
    assert post(as_user(tree.dept_user), "/api/requests", {"category": "housing", "area": tree.grid_a.pk,
                                                            "description": "x"}).status_code == 403  # fmt: skip


# ---------------------------------------------------------------- ranking


def test_ranking_ranks_departments_of_the_area(tree, office):
    good, poor = (
        make_department(tree.county_a, "东城区人社局"),
        make_department(tree.county_a, "东城区住建局"),
    )
    when = timezone.make_aware(datetime.datetime(2025, 5, 1, 10))
    for n in range(3):
        make_request(tree.grid_a, status=S.CLOSED, lead=good, submitted_at=when, rating="satisfied",
                     rated_at=when + datetime.timedelta(days=9))  # fmt: skip
        make_request(tree.grid_a, status=S.CLOSED, lead=poor, submitted_at=when, signed_on_time=n == 0,
                     result="unresolved", result_reason="无法解决")  # fmt: skip

    response = office.get("/api/requests/ranking", {"area": tree.county_a.pk, "year": 2025})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["start"] == "2025-01-01" and body["end"] == "2025-12-31"
    rows = body["rows"]
    by_name = {r["department"]["name"]: r for r in rows}
    assert by_name["东城区人社局"]["requests"] == 3
    # Rates are fractions (0..1); the score is a percentage.
    assert by_name["东城区人社局"]["satisfaction_rate"] == 1.0
    assert by_name["东城区住建局"]["resolution_rate"] == 0.0
    assert round(by_name["东城区住建局"]["response_rate"], 2) == 0.33
    assert by_name["东城区人社局"]["score"] > by_name["东城区住建局"]["score"]
    if body["min_requests"] <= 3:
        assert [r["department"]["name"] for r in rows if r["ranked"]] == ["东城区人社局", "东城区住建局"]
        assert rows[0]["rank"] == 1
    assert set(body["weights"]) == {"response", "on_time", "resolution", "satisfaction"}
    assert office.get("/api/requests/ranking", {"area": tree.county_b.pk}).json()["field"] == "area"
    assert (
        office.get("/api/requests/ranking", {"start": "2025-05-01", "end": "2025-01-01"}).status_code == 400
    )


def test_openapi_document_lists_the_endpoints():
    paths = test_api.get_openapi_schema()["paths"]

    assert "/api/requests" in paths and "/api/requests/ranking" in paths
    assert "/api/requests/{request_id}/dispatch" in paths
