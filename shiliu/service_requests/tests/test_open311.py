"""Open311 GeoReport v2 at /open311/v2/: every endpoint in JSON and XML, keys, errors, filters and privacy."""

import datetime
import json
import re
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

from shiliu.service_requests import services
from shiliu.service_requests.choices import Channel, RequestStatus
from shiliu.service_requests.models import Open311Client, RequestCategory, ServiceRequest
from shiliu.service_requests.open311 import views as o311_views
from shiliu.service_requests.tests.factories import category, make_department, make_request
from shiliu.service_requests.tickets import rating_code_matches

# Only the Open311 mount (as shiliu/urls.py has it): these tests do not depend on the rest of the site.
urlpatterns = [path("open311/v2/", include("shiliu.service_requests.open311_urls"))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
S = RequestStatus
BASE = "/open311/v2"
NAME_FIRST, NAME_LAST, PHONE = "小明", "欧阳", "13912345678"


def make_client(tree, *, active=True, limit=100) -> tuple[Open311Client, str]:
    """A client of county A, created by its office through the service (the raw key is returned once)."""
    client, raw = services.open311_client_create(
        actor=tree.office_a, name="城市服务App", area=tree.county_a, rate_limit_per_hour=limit
    )
    if not active:
        services.open311_client_deactivate(actor=tree.office_a, client=client)
    return client, raw


def parse(response, fmt):
    assert response["Content-Type"].endswith("charset=utf-8")
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content.decode("utf-8"))
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def xml_items(root, item):
    return [{child.tag: child.text or "" for child in element} for element in root.findall(item)]


def errors(response, fmt):
    body = parse(response, fmt)
    if fmt == "json":
        return [(e["code"], e["description"]) for e in body]
    assert body.tag == "errors"
    return [(int(e["code"]), e["description"]) for e in xml_items(body, "error")]


def post(raw, fmt="json", **fields):
    data = {
        "api_key": raw,
        "service_code": "employment",
        "lat": "43.825592",
        "long": "87.616848",
        "description": "孩子入学需要办理居住证明，不知道去哪里办",
        "first_name": NAME_FIRST,
        "last_name": NAME_LAST,
        "phone": PHONE,
        "email": "someone@example.com",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return Client(enforce_csrf_checks=True).post(f"{BASE}/requests.{fmt}", data)


@pytest.fixture
def api(tree):
    category()  # default categories and deadline rules
    return Client()


# ---------------------------------------------------------------- services


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_list_lists_the_active_categories(api, fmt):
    RequestCategory.objects.filter(code="other").update(is_active=False)
    child = RequestCategory.objects.create(
        code="school_transfer", name="转学", parent=RequestCategory.objects.get(code="schooling")
    )

    response = api.get(f"{BASE}/services.{fmt}")

    assert response.status_code == 200
    body = parse(response, fmt)
    services = body if fmt == "json" else xml_items(body, "service")
    by_code = {s["service_code"]: s for s in services}
    assert "other" not in by_code
    assert {"employment", "dispute", "school_transfer"} <= set(by_code)
    employment = by_code["employment"]
    assert employment["service_name"] == "就业"
    assert employment["type"] == "realtime"
    assert employment["metadata"] in (True, "true")
    assert by_code["school_transfer"]["group"] == "就学"
    assert "就学" in by_code["school_transfer"]["keywords"]
    assert child.code in by_code


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_has_priority_and_location_attributes(api, fmt):
    response = api.get(f"{BASE}/services/dispute.{fmt}")

    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "json":
        assert body["service_code"] == "dispute"
        attributes = {a["code"]: a for a in body["attributes"]}
        assert [v["key"] for v in attributes["priority"]["values"]] == ["normal", "urgent", "emergency"]
        assert attributes["priority"]["datatype"] == "singlevaluelist"
        assert attributes["area_code"]["variable"] is True
        # The complaint limit (13 working days) is told to the client.
        assert "13" in attributes["deadline"]["description"]
        assert attributes["deadline"]["variable"] is False
    else:
        assert body.tag == "service_definition"
        assert body.findtext("service_code") == "dispute"
        codes = [a.findtext("code") for a in body.find("attributes").findall("attribute")]
        assert codes == ["priority", "area_code", "deadline"]
        keys = [v.findtext("key") for v in body.find("attributes/attribute/values").findall("value")]
        assert keys == ["normal", "urgent", "emergency"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_format(api, fmt):
    response = api.get(f"{BASE}/services/potholes.{fmt}")

    assert response.status_code == 404
    [(code, description)] = errors(response, fmt)
    assert code == 404
    assert "potholes" in description


@override_settings(OPEN311_JURISDICTION_ID="shiliu.example.gov.cn")
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction_id_is_validated(api, fmt):
    assert api.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "shiliu.example.gov.cn"}).status_code == 200
    assert api.get(f"{BASE}/services.{fmt}").status_code == 200  # optional: one jurisdiction is served

    response = api.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "sfgov.org"})

    assert response.status_code == 404
    assert errors(response, fmt)[0][0] == 404


def test_unknown_format_and_method(api):
    assert api.get(f"{BASE}/services.csv").status_code == 404
    response = api.put(f"{BASE}/services.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert errors(response, "json")[0][0] == 405


def test_discovery_names_the_endpoint(api):
    body = parse(api.get(f"{BASE}/discovery.json"), "json")
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    root = parse(api.get(f"{BASE}/discovery.xml"), "xml")
    assert root.find("endpoints/endpoint/formats").findall("format")[1].text == "text/xml"


# ---------------------------------------------------------------- POST requests


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_request_through_the_service(api, tree, fmt):
    client, raw = make_client(tree)

    response = post(raw, fmt, media_url="https://img.example.com/a.jpg")

    assert response.status_code == 201, response.content
    body = parse(response, fmt)
    item = body[0] if fmt == "json" else xml_items(body, "request")[0]
    created = ServiceRequest.objects.get(ticket=item["service_request_id"])
    assert created.channel == Channel.OPEN311
    assert created.open311_client == client
    assert created.area == tree.county_a
    assert created.status == S.SUBMITTED
    assert created.category.code == "employment"
    assert str(created.latitude) == "43.825592"
    assert created.media_url == "https://img.example.com/a.jpg"
    assert created.requester_name == NAME_LAST + NAME_FIRST
    assert created.requester_phone == PHONE
    # The default language is Simplified Chinese: "3 个工作日" (3 working days).
    assert "工作日" in item["service_notice"]
    # The resident's rating code is handed to the client once, in the notice.
    assert created.ticket in item["service_notice"]
    code = re.search(r"\b(\d{6})\b", item["service_notice"]).group(1)
    assert rating_code_matches(created.ticket, code, created.rating_code_hash)
    # Name and phone are encrypted at rest; the email is not stored anywhere on the request.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT requester_name, requester_phone FROM service_requests_servicerequest WHERE id = %s",
            [created.pk],
        )
        stored = cursor.fetchone()
    assert NAME_FIRST not in stored[0] and PHONE not in stored[1]
    assert "someone@example.com" not in json.dumps(
        [str(getattr(created, f.attname)) for f in created._meta.fields]
    )
    # The token leads to the same request.
    token = item["token"]
    tokens = parse(api.get(f"{BASE}/tokens/{token}.{fmt}"), fmt)
    resolved = tokens[0] if fmt == "json" else xml_items(tokens, "request")[0]
    assert resolved == {"service_request_id": created.ticket, "token": token}
    client.refresh_from_db()
    assert client.last_used_at is not None


def test_post_files_into_the_area_named_by_address_id(api, tree):
    _client, raw = make_client(tree)

    response = post(raw, lat=None, long=None, address_id=tree.grid_a.code, address_string="东关街12号")

    assert response.status_code == 201, response.content
    created = ServiceRequest.objects.get(ticket=response.json()[0]["service_request_id"])
    assert created.area == tree.grid_a
    assert created.address == "东关街12号"
    assert created.latitude is None

    via_attribute = post(raw, lat=None, long=None, **{"attribute[area_code]": tree.village_a.code})
    assert (
        ServiceRequest.objects.get(ticket=via_attribute.json()[0]["service_request_id"]).area
        == tree.village_a
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_area_outside_the_clients_area_is_refused(api, tree, fmt):
    _client, raw = make_client(tree)

    response = post(raw, fmt, address_id=tree.village_b.code)

    assert response.status_code == 400
    assert tree.village_b.code in errors(response, fmt)[0][1]
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", ["", "o311_wrong", "inactive"])
def test_post_with_a_bad_key_is_403(api, tree, fmt, key):
    make_client(tree)
    if key == "inactive":
        _c, key = make_client(tree, active=False)

    response = post(key, fmt)

    assert response.status_code == 403
    assert errors(response, fmt)[0][0] == 403
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("fields", "status", "mentions"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "potholes"}, 404, "potholes"),
        ({"lat": None, "long": None}, 400, "address_string"),
        ({"long": None}, 400, "lat"),
        ({"lat": "north", "long": "87.6"}, 400, "lat"),
        ({"lat": "91", "long": "87.6"}, 400, "lat"),
        ({"description": None}, 400, "description"),
        ({"description": "长" * 4001}, 400, "description"),
        ({"attribute[priority]": "asap"}, 400, "priority"),
        ({"address_id": "12345"}, 400, "12345"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"phone": "call me"}, 400, "phone"),
    ],
)
def test_post_validation_errors(api, tree, fmt, fields, status, mentions):
    _client, raw = make_client(tree)

    response = post(raw, fmt, **fields)

    assert response.status_code == status, response.content
    [(code, description)] = errors(response, fmt)
    assert code == status
    assert mentions in description
    assert not ServiceRequest.objects.exists()


def test_post_priority_attribute_is_used(api, tree):
    _client, raw = make_client(tree)

    response = post(raw, **{"attribute[priority]": "urgent"})

    assert ServiceRequest.objects.get(ticket=response.json()[0]["service_request_id"]).priority == "urgent"


def test_post_is_rate_limited_per_key(api, tree):
    _client, raw = make_client(tree, limit=2)
    _other, other_raw = make_client(tree)

    assert post(raw).status_code == 201
    assert post(raw).status_code == 201
    refused = post(raw, "xml")

    assert refused.status_code == 429
    assert "2" in errors(refused, "xml")[0][1]
    assert post(other_raw).status_code == 201  # per key
    assert ServiceRequest.objects.count() == 3


def test_post_needs_no_csrf_token_but_other_writes_are_not_opened(api, tree):
    _client, raw = make_client(tree)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(tree.office_a)

    assert browser.post(f"{BASE}/requests.json", {"api_key": raw, "service_code": "employment", "lat": "1",
                                                 "long": "1", "description": "x"}).status_code == 201  # fmt: skip
    # A session alone is no key.
    assert browser.post(f"{BASE}/requests.json", {"service_code": "employment"}).status_code == 403


def test_unknown_token_is_404(api, tree):
    request = make_request(tree.grid_a)
    forged = o311_views.token_for(request.pk)[:-2] + "xx"

    assert api.get(f"{BASE}/tokens/{forged}.json").status_code == 404
    assert api.get(f"{BASE}/tokens/{o311_views.token_for(request.pk)}.json").status_code == 200


# ---------------------------------------------------------------- GET requests


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_request_maps_status_and_public_fields(api, tree, fmt):
    dept = make_department(tree.city, "石榴市人社局")
    closed = make_request(tree.grid_a, status=S.CLOSED, lead=dept, latitude="43.825592", longitude="87.616848",
                          address="东关街12号3单元", media_url="https://img.example.com/b.jpg")  # fmt: skip

    response = api.get(f"{BASE}/requests/{closed.ticket}.{fmt}")

    assert response.status_code == 200
    body = parse(response, fmt)
    item = body[0] if fmt == "json" else xml_items(body, "request")[0]
    assert item["service_request_id"] == closed.ticket
    assert item["status"] == "closed"
    assert "已解决" in item["status_notes"]  # "resolved", in the default language
    assert item["agency_responsible"] == "石榴市人社局"
    assert item["service_code"] == "employment"
    assert item["description"] == closed.description
    assert item["address"] == "团结社区第一网格, 团结社区, 东关街道, 东城区"
    assert item["address_id"] == tree.grid_a.code
    assert str(item["lat"]) == "43.826" and str(item["long"]) == "87.617"
    assert item["media_url"] == "https://img.example.com/b.jpg"
    assert item["requested_datetime"].endswith("+08:00")
    assert "东关街12号" not in response.content.decode()  # the caller's own address is not published


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_unknown_request_is_404(api, fmt):
    response = api.get(f"{BASE}/requests/SR-NOPE-NOPE-NO.{fmt}")

    assert response.status_code == 404
    assert errors(response, fmt)[0][0] == 404


def _ids(response, fmt="json"):
    body = parse(response, fmt)
    items = body if fmt == "json" else xml_items(body, "request")
    return [item["service_request_id"] for item in items]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_filters(api, tree, fmt):
    now = timezone.now()
    open_one = make_request(tree.grid_a, status=S.IN_PROGRESS, submitted_at=now - datetime.timedelta(days=3))
    closed = make_request(tree.village_b, status=S.CLOSED, category_code="dispute",
                          submitted_at=now - datetime.timedelta(days=10))  # fmt: skip
    rejected = make_request(tree.village_b, status=S.REJECTED, submitted_at=now - datetime.timedelta(days=20))
    old = make_request(tree.grid_a, status=S.CLOSED, submitted_at=now - datetime.timedelta(days=200))
    url = f"{BASE}/requests.{fmt}"

    # The default window is the last 90 days, newest first.
    assert _ids(api.get(url), fmt) == [open_one.ticket, closed.ticket, rejected.ticket]
    assert _ids(api.get(url, {"status": "open"}), fmt) == [open_one.ticket]
    assert _ids(api.get(url, {"status": "closed"}), fmt) == [closed.ticket, rejected.ticket]
    assert _ids(api.get(url, {"status": "open,closed"}), fmt) == [
        open_one.ticket,
        closed.ticket,
        rejected.ticket,
    ]
    assert _ids(api.get(url, {"service_code": "dispute,housing"}), fmt) == [closed.ticket]
    start = (now - datetime.timedelta(days=15)).isoformat()
    assert _ids(api.get(url, {"start_date": start}), fmt) == [open_one.ticket, closed.ticket]
    end = (now - datetime.timedelta(days=5)).isoformat()
    assert _ids(api.get(url, {"start_date": start, "end_date": end}), fmt) == [closed.ticket]
    day = timezone.localtime(old.submitted_at).date()
    old_window = {
        "start_date": f"{day}T00:00:00+08:00",
        "end_date": f"{day + datetime.timedelta(days=1)}T00:00:00Z",
    }
    assert _ids(api.get(url, old_window), fmt) == [old.ticket]
    # service_request_id overrides every other argument, including the window.
    by_id = api.get(url, {"service_request_id": f"{old.ticket},{open_one.ticket}", "status": "closed"})
    assert sorted(_ids(by_id, fmt)) == sorted([old.ticket, open_one.ticket])


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
        {"start_date": "2025-03-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
        {"status": "pending"},
    ],
)
def test_get_requests_bad_arguments_are_400(api, fmt, params):
    response = api.get(f"{BASE}/requests.{fmt}", params)

    assert response.status_code == 400
    assert errors(response, fmt)[0][0] == 400


def test_get_requests_is_capped(api, tree, monkeypatch):
    for _ in range(4):
        make_request(tree.grid_a, status=S.ACCEPTED)
    monkeypatch.setattr(o311_views, "MAX_RESULTS", 3)

    assert len(api.get(f"{BASE}/requests.json").json()) == 3


def test_get_requests_query_count_does_not_grow_with_rows(api, tree, django_assert_max_num_queries):
    dept = make_department(tree.city)
    for n in range(12):
        make_request(tree.grid_a if n % 2 else tree.village_b, status=S.CLOSED, lead=dept)

    with django_assert_max_num_queries(3):
        assert len(api.get(f"{BASE}/requests.json").json()) == 12


# ---------------------------------------------------------------- privacy


def test_personal_data_never_appears_in_any_response(api, tree):
    _client, raw = make_client(tree)
    created = post(raw, description="路灯坏了，联系我13987654321或身份证65010219900101123X").json()[0]
    ticket = created["service_request_id"]
    request = ServiceRequest.objects.get(ticket=ticket)
    bodies = [post(raw).content]
    for fmt in ("json", "xml"):
        bodies += [
            api.get(f"{BASE}/requests.{fmt}").content,
            api.get(f"{BASE}/requests/{ticket}.{fmt}").content,
            api.get(f"{BASE}/tokens/{created['token']}.{fmt}").content,
            api.get(f"{BASE}/requests.{fmt}", {"service_request_id": ticket}).content,
        ]
    # Accepted by the office: the description is now published, redacted.
    ServiceRequest.objects.filter(pk=request.pk).update(status=S.ACCEPTED, accepted_at=timezone.now())
    accepted = api.get(f"{BASE}/requests/{ticket}.json")
    bodies += [accepted.content, api.get(f"{BASE}/requests/{ticket}.xml").content]
    assert "路灯坏了" in accepted.json()[0]["description"]
    for body in bodies:
        text = body.decode("utf-8")
        for secret in (
            NAME_FIRST,
            NAME_LAST,
            PHONE,
            "someone@example.com",
            "13987654321",
            "65010219900101123X",
        ):
            assert secret not in text, (secret, text[:300])


def test_descriptions_are_withheld_before_review_for_ethnic_cases_and_when_switched_off(api, tree):
    submitted = make_request(tree.grid_a, status=S.SUBMITTED)
    ethnic = make_request(tree.grid_a, status=S.IN_PROGRESS, involves_ethnic_factors=True,
                          ethnic_factors_reason="涉及民族因素", media_url="https://img.example.com/c.jpg", latitude="43.8", longitude="87.6")  # fmt: skip
    rejected = make_request(tree.grid_a, status=S.REJECTED)
    normal = make_request(tree.grid_a, status=S.IN_PROGRESS)

    by_id = {i["service_request_id"]: i for i in api.get(f"{BASE}/requests.json").json()}

    assert by_id[submitted.ticket]["description"] == ""
    assert by_id[ethnic.ticket]["description"] == "" and by_id[ethnic.ticket]["media_url"] == ""
    assert by_id[ethnic.ticket]["lat"] is None
    assert by_id[rejected.ticket]["description"] == ""
    assert by_id[normal.ticket]["description"] == normal.description
    with override_settings(OPEN311_PUBLIC_DESCRIPTIONS=False):
        assert all(i["description"] == "" for i in api.get(f"{BASE}/requests.json").json())


@override_settings(ROOT_URLCONF="shiliu.urls")
def test_mounted_at_open311_v2_by_the_project_urls(api):
    from django.urls import clear_url_caches, reverse

    clear_url_caches()
    try:
        assert reverse("open311:service_list", kwargs={"fmt": "json"}) == "/open311/v2/services.json"
        assert api.get("/open311/v2/services.xml").status_code == 200
    finally:
        clear_url_caches()
