"""The scope matrix of service requests and grid visits: web lists (with search and drill-down filters), details,
transition POSTs, reveal, attachments, exports and the figures, for users from the same area, an ancestor, a
sibling, an unrelated branch, a unit liaison, a department liaison (lead or assisting), a grid worker, a read-only
leader and a user without an area.

The expected rows come from an oracle that walks parent links in Python, independent of the materialised paths
and of the scope engine under test: a request is visible when its area lies at or below the user's area and, for
a liaison, when their unit leads it or assists with it.
"""

import pytest
from django.urls import reverse

from shiliu.core.models import PersonalDataAccess
from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.models import GridVisit, RequestAssist, ServiceRequest
from shiliu.service_requests.selectors import request_figures
from shiliu.service_requests.tests.factories import make_department, make_request, make_visit

from .test_scope_matrix import USERS, client_for, oracle_area_ids, xlsx_text
from .test_scope_matrix import world as world  # the fixture, re-exported for pytest

MATRIX_USERS = [*USERS, "dept", "grid_a"]
S = RequestStatus


@pytest.fixture
def ledger(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    t = world
    t.other_dept = make_department(t.city, "石榴市人社局")
    t.requests = {
        "网格甲": make_request(t.grid_a, status=S.DISPATCHED, lead=t.dept, requester_phone="13811112222"),
        "社区乙": make_request(t.village_a, requester_phone="13811113333"),
        "街道戊": make_request(t.town_a, status=S.IN_PROGRESS, lead=t.other_dept, assisting=[t.dept]),
        "和睦丙": make_request(t.village_b, status=S.CLOSED, lead=t.dept),
        "远方丁": make_request(t.other_county),
    }
    for label, r in t.requests.items():
        ServiceRequest.objects.filter(pk=r.pk).update(description=f"{label}：诉求内容")
        r.description = f"{label}：诉求内容"
    t.visits = {
        "走访甲": make_visit(t.grid_user, t.grid_a, notes="走访甲"),
        "走访丙": make_visit(t.office_b, t.village_b, notes="走访丙"),
    }
    return t


def get_user(username):
    from shiliu.accounts.models import User

    return User.objects.get(username=username)


def oracle_requests(user) -> set[str]:
    areas = oracle_area_ids(user)
    qs = ServiceRequest.objects.filter(area_id__in=areas)
    if user.unit_id:
        assisted = RequestAssist.objects.filter(department_id=user.unit_id).values_list(
            "request_id", flat=True
        )
        qs = qs.filter(
            pk__in={*qs.filter(lead_department_id=user.unit_id).values_list("pk", flat=True), *assisted}
        )
    return {d.split("：")[0] for d in qs.values_list("description", flat=True)}


def oracle_visits(user) -> set[str]:
    # Visits carry no unit: they are reached by area alone (counts and notes, no personal data).
    return set(GridVisit.objects.filter(grid_id__in=oracle_area_ids(user)).values_list("notes", flat=True))


def label_of(row) -> str:
    return row.obj.description.split("：")[0]


SURFACES = {
    "request list": (lambda: reverse("service_requests:request_list"), {}, oracle_requests, label_of),
    "request search": (
        lambda: reverse("service_requests:request_list"), {"q": "诉求"}, oracle_requests, label_of,
    ),
    "open requests": (
        lambda: reverse("service_requests:request_list"), {"status": "dispatched"},
        lambda u: oracle_requests(u) & {"网格甲"}, label_of,
    ),
    "visit list": (lambda: reverse("service_requests:visit_list"), {}, oracle_visits, lambda r: r.obj.notes),
}  # fmt: skip


@pytest.mark.parametrize("username", MATRIX_USERS)
@pytest.mark.parametrize("surface", SURFACES)
def test_lists_show_exactly_the_scope(ledger, username, surface):
    url, params, oracle, label = SURFACES[surface]
    user = get_user(username)
    expected = oracle(user)
    response = client_for(username).get(url(), params)
    assert response.status_code == 200
    assert {label(row) for row in response.context["rows"]} == expected
    assert response.context["total"] == len(expected)
    body = response.content.decode()
    everything = set(ledger.requests) | set(ledger.visits)
    for name in everything - expected:
        assert name not in body, f"{surface}: {name} leaked to {username}"
    for phone in ("13811112222", "13811113333"):
        assert phone not in body


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_details_actions_and_reveal_follow_the_scope(ledger, username):
    user = get_user(username)
    visible = oracle_requests(user)
    client = client_for(username)
    for name, r in ledger.requests.items():
        detail = client.get(reverse("service_requests:request_detail", args=[r.pk]))
        assert detail.status_code == (200 if name in visible else 404), (name, detail.status_code)
        note = client.post(reverse("service_requests:request_note", args=[r.pk]), {"note-note": "越权备注"})
        if name not in visible or username == "leader":
            assert note.status_code == 404, (name, note.status_code)
        reveal = client.post(reverse("core:reveal", args=["service_requests", "servicerequest", r.pk,
                                                          "requester_phone"]))  # fmt: skip
        if name not in visible:
            assert reveal.status_code == 404
        elif reveal.status_code == 200:
            assert user.role in ("office", "admin"), (username, name)
    for r in ledger.requests.values():
        r.refresh_from_db()
    # Nothing outside the scope moved or was read in clear.
    outside = {n for n in ledger.requests if n not in visible}
    assert not ServiceRequest.objects.filter(
        pk__in=[ledger.requests[n].pk for n in outside], events__note="越权备注"
    ).exists()
    revealed = set(PersonalDataAccess.objects.values_list("object_id", flat=True))
    assert not revealed & {str(ledger.requests[n].pk) for n in outside}


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_visit_details_follow_the_scope(ledger, username):
    user = get_user(username)
    visible = oracle_visits(user)
    client = client_for(username)
    for name, visit in ledger.visits.items():
        status = client.get(reverse("service_requests:visit_detail", args=[visit.pk])).status_code
        assert status == (200 if name in visible else 404), (name, status)


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_exports_hold_exactly_the_scope(ledger, username):
    user = get_user(username)
    response = client_for(username).get(reverse("exchange:export", args=["requests"]))
    assert response.status_code == 200
    text = xlsx_text(b"".join(response.streaming_content))
    expected = oracle_requests(user)
    for name in expected:
        assert name in text
    for name in set(ledger.requests) - expected:
        assert name not in text, f"export: {name} leaked to {username}"
    assert "13811112222" not in text


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_figures_count_exactly_the_scope(ledger, username):
    user = get_user(username)
    figures = request_figures(user=user)
    expected = oracle_requests(user)
    assert figures["requests"].value == len(expected)
    assert {r.description.split("：")[0] for r in figures["requests"].records} == expected
    closed = {n for n in expected if ledger.requests[n].status == S.CLOSED}
    assert figures["closed"].value == len(closed)


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_ranking_counts_only_the_scope(ledger, username):
    user = get_user(username)
    response = client_for(username).get(reverse("service_requests:ranking"), {"period": "year"})
    assert response.status_code == 200
    expected = oracle_requests(user)
    counted = sum(row.requests.value for row in response.context["rows"])
    assert counted <= len(expected)
    body = response.content.decode()
    for name in set(ledger.requests) - expected:
        assert name not in body


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_photo_downloads_follow_the_scope(ledger, username):
    from shiliu.activities.tests.factories import png_bytes, upload
    from shiliu.core.attachments import attachment_add

    user = get_user(username)
    visible = oracle_requests(user)
    photos = {
        name: attachment_add(actor=ledger.admin, owner=r, uploaded=upload(f"{name}.png", png_bytes()))
        for name, r in ledger.requests.items()
    }
    client = client_for(username)
    for name, photo in photos.items():
        status = client.get(reverse("core:attachment", args=[photo.pk])).status_code
        assert status == (200 if name in visible else 404), (name, status)


@pytest.mark.parametrize("username", MATRIX_USERS)
def test_import_is_the_office_s_alone(ledger, username):
    user = get_user(username)
    status = client_for(username).get(reverse("exchange:import", args=["requests"])).status_code
    if user.role in ("office", "admin") and user.area_id:
        assert status == 200
    else:
        assert status in (403, 404), (username, status)
