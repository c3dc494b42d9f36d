"""Pages of service requests through HTTP: the list (scope, filters, masking), the detail (timeline, reveal),
intake, and every transition permitted and refused by role and state."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shiliu.core.models import PersonalDataAccess
from shiliu.orgs.tests.factories import make_user
from shiliu.service_requests.choices import RequestStatus
from shiliu.service_requests.models import RequestEvent, ServiceRequest

from .factories import category, make_assignment, make_request, make_routing_rule, make_visit

S = RequestStatus


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def tickets(response):
    return {row.obj.ticket for row in response.context["rows"]}


@pytest.fixture
def world(tree):
    tree.req_a = make_request(tree.grid_a, requester_name="王小明", requester_phone="13800001234")
    tree.req_b = make_request(tree.village_b, category_code="housing")
    tree.led = make_request(tree.village_a, status=S.DISPATCHED, lead=tree.dept, priority="urgent")
    return tree


def detail(obj):
    return reverse("service_requests:request_detail", args=[obj.pk])


def act(obj, slug):
    return reverse(f"service_requests:request_{slug}", args=[obj.pk])


# ---------------------------------------------------------------- list


def test_list_shows_the_scope_masks_personal_data_and_filters(world):
    url = reverse("service_requests:request_list")
    office = client_for(world.office_a)
    response = office.get(url)
    assert response.status_code == 200
    assert tickets(response) == {world.req_a.ticket, world.led.ticket}
    body = response.content.decode()
    assert "13800001234" not in body and "138****1234" in body
    assert "王小明" not in body
    assert tickets(office.get(url, {"status": "dispatched"})) == {world.led.ticket}
    assert tickets(office.get(url, {"priority": "urgent"})) == {world.led.ticket}
    assert tickets(office.get(url, {"q": world.req_a.ticket})) == {world.req_a.ticket}
    assert tickets(office.get(url, {"area": world.grid_a.pk})) == {world.req_a.ticket}
    assert tickets(office.get(url, {"area": world.county_b.pk})) == set()
    assert response.context["create_url"] == reverse("service_requests:request_create")
    # The department sees what it leads; the leader reads but records nothing.
    assert tickets(client_for(world.dept_user).get(url)) == {world.led.ticket}
    leader = client_for(world.leader).get(url)
    assert tickets(leader) == {world.req_a.ticket, world.req_b.ticket, world.led.ticket}
    assert leader.context["create_url"] is None


def test_list_without_a_scope_is_empty(world):
    nobody = client_for(world.nobody).get(reverse("service_requests:request_list"))
    assert nobody.status_code == 200 and tickets(nobody) == set()


# ---------------------------------------------------------------- detail and reveal


def test_detail_masks_and_reveal_is_logged(world):
    office = client_for(world.office_a)
    response = office.get(detail(world.req_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王小明" not in body and "13800001234" not in body
    assert response.context["phone_reveal_url"]
    revealed = office.post(response.context["phone_reveal_url"], {"purpose": "回访"})
    assert revealed.status_code == 200 and "13800001234" in revealed.content.decode()
    access = PersonalDataAccess.objects.get()
    assert access.user == world.office_a and access.field == "requester_phone"
    # A department liaison sees its order but may not reveal the resident's phone.
    dept = client_for(world.dept_user).get(detail(world.led))
    assert dept.status_code == 200 and dept.context["phone_reveal_url"] is None
    assert client_for(world.dept_user).post(dept.context["attachments"]["upload_url"]).status_code in (
        302,
        400,
        200,
    )


def test_detail_of_a_foreign_or_missing_request_is_404(world):
    office = client_for(world.office_a)
    assert office.get(detail(world.req_b)).status_code == 404
    assert office.get(reverse("service_requests:request_detail", args=[999999])).status_code == 404
    assert client_for(world.dept_user).get(detail(world.req_a)).status_code == 404
    assert office.post(act(world.req_b, "accept"), {"accept-note": ""}).status_code == 404


# ---------------------------------------------------------------- the whole loop through HTTP


def test_office_and_department_take_a_request_through_its_life(world):
    office, dept = client_for(world.office_a), client_for(world.dept_user)
    r = world.req_a
    page = office.get(detail(r))
    assert [a["slug"] for a in page.context["actions"]][:2] == ["accept", "reject"]

    def post(client, slug, data):
        response = client.post(act(r, slug), {f"{slug}-{k}": v for k, v in data.items()})
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
        r.refresh_from_db()

    post(office, "accept", {"note": "已受理"})
    assert r.status == S.ACCEPTED
    post(office, "dispatch", {"department": world.dept.pk, "note": "请教育局办理"})
    assert r.status == S.DISPATCHED and r.lead_department == world.dept
    post(dept, "sign", {"note": ""})
    post(dept, "start", {"note": ""})
    post(dept, "reply", {"result": "resolved", "note": "已协调解决", "reason": ""})
    assert r.status == S.REPLIED
    post(office, "verify", {"note": "电话回访核实"})
    post(office, "close", {"note": ""})
    assert r.status == S.CLOSED
    timeline = office.get(detail(r))
    actions = [e.action for e in timeline.context["timeline"]]
    for action in ("accept", "dispatch", "sign", "start", "reply", "verify", "close"):
        assert action in actions
    body = timeline.content.decode()
    assert "已协调解决" in body and str(world.dept_user) in body
    assert RequestEvent.objects.filter(request=r, action="dispatch", actor=world.office_a).exists()


def test_actions_are_refused_to_the_wrong_role_or_state(world):
    office, dept = client_for(world.office_a), client_for(world.dept_user)
    # The office cannot sign for the department; the department cannot accept or close.
    assert office.post(act(world.led, "sign"), {"sign-note": ""}).status_code == 403
    assert dept.post(act(world.led, "close"), {"close-note": ""}).status_code == 403
    # A submitted request cannot be closed; a leader writes nothing.
    assert office.post(act(world.req_a, "close"), {"close-note": ""}).status_code == 403
    assert client_for(world.leader).post(act(world.req_a, "accept"), {"accept-note": ""}).status_code == 404
    world.req_a.refresh_from_db()
    world.led.refresh_from_db()
    assert world.req_a.status == S.SUBMITTED and world.led.status == S.DISPATCHED
    # GET of an action shows its form alone (confirmation of destructive actions).
    page = office.get(act(world.req_a, "reject"))
    assert page.status_code == 200 and "data-confirm" in page.content.decode()


def test_refusals_show_as_form_errors_on_the_detail_page(world):
    office = client_for(world.office_a)
    response = office.post(act(world.req_a, "reject"), {"reject-kind": "duplicate", "reject-reason": "重复"})
    assert response.status_code == 400
    assert "Enter the ticket of the original request." in response.content.decode()
    response = office.post(
        act(world.req_a, "reject"),
        {"reject-kind": "duplicate", "reject-reason": "重复", "reject-duplicate_ticket": world.led.ticket},
    )
    assert response.status_code == 302
    world.req_a.refresh_from_db()
    assert world.req_a.status == S.REJECTED and world.req_a.duplicate_of == world.led
    # An unresolved reply needs its reason: the service says so, on the form.
    dept = client_for(world.dept_user)
    led = world.led
    dept.post(act(led, "sign"), {"sign-note": ""})
    dept.post(act(led, "start"), {"start-note": ""})
    response = dept.post(
        act(led, "reply"), {"reply-result": "unresolved", "reply-note": "无法解决", "reply-reason": ""}
    )
    assert response.status_code == 400
    assert response.context["actions"] and any(a["form"].errors for a in response.context["actions"])
    led.refresh_from_db()
    assert led.status == S.IN_PROGRESS


def test_department_returns_or_asks_for_more_time_and_the_office_transfers(world, tree):
    from .factories import make_department, make_department_user

    other = make_department(tree.city, "石榴市人社局")
    make_department_user(other, "dept2")
    office, dept = client_for(world.office_a), client_for(world.dept_user)
    led = world.led
    assert dept.post(act(led, "return"), {"return-reason": "不属于教育局职责"}).status_code == 302
    led.refresh_from_db()
    assert led.status == S.RETURNED
    assert (
        office.post(
            act(led, "transfer"), {"transfer-department": other.pk, "transfer-note": "转人社局"}
        ).status_code
        == 302
    )
    led.refresh_from_db()
    assert led.lead_department == other and led.status == S.DISPATCHED


def test_ethnic_flag_is_set_by_the_office_with_a_reason_and_guidance(world):
    office = client_for(world.office_a)
    page = office.get(detail(world.req_a))
    body = page.content.decode()
    assert page.context["flag_action"] is not None
    assert "civil dispute between neighbours" in body
    missing = office.post(
        act(world.req_a, "flag_ethnic"), {"flag_ethnic-is_ethnic": "1", "flag_ethnic-reason": ""}
    )
    assert missing.status_code == 400
    world.req_a.refresh_from_db()
    assert not world.req_a.involves_ethnic_factors
    done = office.post(
        act(world.req_a, "flag_ethnic"), {"flag_ethnic-is_ethnic": "1", "flag_ethnic-reason": "投诉就业歧视"}
    )
    assert done.status_code == 302
    world.req_a.refresh_from_db()
    assert world.req_a.involves_ethnic_factors and world.req_a.ethnic_factors_set_by == world.office_a
    assert tickets(office.get(reverse("service_requests:request_list"), {"ethnic": "1"})) == {
        world.req_a.ticket
    }
    # Nobody else sets it.
    dept = client_for(world.dept_user)
    assert dept.get(detail(world.led)).context["flag_action"] is None
    assert dept.post(act(world.led, "flag_ethnic"), {"flag_ethnic-is_ethnic": "1",
                                                     "flag_ethnic-reason": "x"}).status_code == 403  # fmt: skip


# ---------------------------------------------------------------- intake


def test_office_records_a_request_for_a_caller_with_the_routing_suggestion(world):
    make_routing_rule("employment", world.county_a, world.dept)
    office = client_for(world.office_a)
    url = reverse("service_requests:request_create")
    assert office.get(url).status_code == 200
    hint = office.get(
        reverse("service_requests:routing_suggestion"),
        {"category": category("employment").pk, "area": world.grid_a.pk},
    )
    assert world.dept.name in hint.content.decode()
    response = office.post(
        url,
        {"channel": "phone", "category": category("employment").pk, "area": world.grid_a.pk,
         "priority": "normal", "description": "来电反映：求职登记无人受理", "requester_name": "李华",
         "requester_phone": "13912345678"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    created = ServiceRequest.objects.get(description="来电反映：求职登记无人受理")
    assert created.channel == "phone" and created.created_by == world.office_a
    assert created.requester_phone == "13912345678"
    # Once accepted, the dispatch form proposes the suggested department.
    assert office.post(act(created, "accept"), {"accept-note": ""}).status_code == 302
    page = office.get(detail(created))
    dispatch = next(a for a in page.context["actions"] if a["slug"] == "dispatch")
    assert dispatch["form"].initial["department"] == world.dept.pk
    # Outside the scope: the grid is not offered and the post is refused.
    bad = office.post(url, {"channel": "phone", "category": category("employment").pk, "area": world.village_b.pk,
                            "priority": "normal", "description": "越界"})  # fmt: skip
    assert bad.status_code == 200 and not ServiceRequest.objects.filter(description="越界").exists()


def test_grid_worker_records_from_a_visit_and_others_may_not_record(world):
    make_assignment(world.grid_user, world.grid_a)
    visit = make_visit(world.grid_user, world.grid_a, visited_on=timezone.localdate())
    grid = client_for(world.grid_user)
    url = reverse("service_requests:request_create")
    page = grid.get(url, {"visit": visit.pk})
    assert page.status_code == 200
    assert list(page.context["form"].fields["area"].queryset) == [world.grid_a]
    response = grid.post(url, {"category": category("employment").pk, "area": world.grid_a.pk, "visit": visit.pk,
                               "priority": "normal", "description": "走访发现：独居老人就医不便"})  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    created = ServiceRequest.objects.get(description="走访发现：独居老人就医不便")
    assert created.channel == "grid" and created.visit == visit
    assert client_for(world.dept_user).get(url).status_code == 403
    assert client_for(world.leader).get(url).status_code == 403


def test_unit_liaison_sees_no_foreign_requests(world):
    liaison = make_user("liaison_x", "unit", world.village_a, world.unit_a)
    assert tickets(client_for(liaison).get(reverse("service_requests:request_list"))) == set()


def test_extension_pause_supervise_send_back_and_notes_through_http(world):
    import datetime as dt

    office, dept = client_for(world.office_a), client_for(world.dept_user)
    led = world.led
    assert dept.post(act(led, "sign"), {"sign-note": ""}).status_code == 302
    assert dept.post(act(led, "start"), {"start-note": ""}).status_code == 302
    # The department asks for more time; a past date is refused on the form.
    past = dept.post(act(led, "extension_request"), {"extension_request-until": "2020-01-01",
                                                     "extension_request-reason": "需协调"})  # fmt: skip
    assert past.status_code == 400
    until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    asked = dept.post(act(led, "extension_request"), {"extension_request-until": until,
                                                      "extension_request-reason": "需多部门协调"})  # fmt: skip
    assert asked.status_code == 302
    page = office.get(detail(led))
    assert "extension_decide" in [a["slug"] for a in page.context["actions"]]
    assert dept.post(act(led, "extension_decide"), {"extension_decide-approve": "1"}).status_code == 403
    decided = office.post(act(led, "extension_decide"), {"extension_decide-approve": "1",
                                                         "extension_decide-note": "同意"})  # fmt: skip
    assert decided.status_code == 302
    assert led.extensions.get().status == "approved"
    # Pause and resume the clock (waiting on the resident), put under supervision, notes.
    assert office.post(act(led, "pause"), {"pause-reason": "等待居民补充材料"}).status_code == 302
    led.refresh_from_db()
    assert led.paused_at is not None
    assert office.get(detail(led)).context["deadline"]["key"] == "paused"
    assert office.post(act(led, "resume"), {"resume-note": ""}).status_code == 302
    assert office.post(act(led, "supervise"), {"supervise-note": "列入督办"}).status_code == 302
    assert dept.post(act(led, "note"), {"note-note": "已现场查看"}).status_code == 302
    led.refresh_from_db()
    assert led.paused_at is None and led.is_supervised
    # Reply, then the office sends it back for rework (a destructive step asks first).
    assert (
        dept.post(act(led, "reply"), {"reply-result": "resolved", "reply-note": "已办结"}).status_code == 302
    )
    assert "data-confirm" in office.get(detail(led)).content.decode()
    back = office.post(act(led, "send_back"), {"send_back-note": "回访未解决，请重新办理"})
    assert back.status_code == 302
    led.refresh_from_db()
    assert led.status == S.IN_PROGRESS
    actions = [e.action for e in office.get(detail(led)).context["timeline"]]
    for action in (
        "extension_request",
        "extension_decide",
        "pause",
        "resume",
        "supervise",
        "note",
        "send_back",
    ):
        assert action in actions


def test_drill_down_and_query_count_of_the_list(world, django_assert_max_num_queries):
    from .factories import make_request as more

    for _n in range(30):
        more(world.grid_a, status=S.CLOSED, lead=world.dept, rating="satisfied", rated_at=timezone.now())
    office = client_for(world.office_a)
    url = reverse("service_requests:request_list")
    numerator = office.get(url, {"rate": "satisfaction", "part": "numerator"})
    assert numerator.status_code == 200 and numerator.context["total"] == 30
    assert "Satisfaction rate" in numerator.content.decode()
    with django_assert_max_num_queries(14):
        office.get(url, {"sort": "-submitted"})


def test_home_panel_counts_the_scope_and_links_every_figure(world):
    office = client_for(world.office_a)
    response = office.get(reverse("core:home"))
    body = response.content.decode()
    assert 'id="request-figures"' in body
    panel = next(p for p in response.context["panels"] if p["template"] == "service_requests/home_panel.html")
    requests_figure = panel["counts"][0]
    assert requests_figure.value == 2
    listing = office.get(requests_figure.url)
    assert tickets(listing) == {world.req_a.ticket, world.led.ticket}
    assert 'id="request-figures"' not in client_for(world.nobody).get(reverse("core:home")).content.decode()
