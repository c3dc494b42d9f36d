"""The request workflow through the services: deadlines on the calendar, the paused clock, ratings and the one
reopen, duplicates, routing, returns, transfers, extensions, public lookup, intake checks, visits, import."""

import datetime

import pytest
from django.utils import timezone

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.core.scope import visible_to
from shiliu.service_requests import selectors, services
from shiliu.service_requests.calendar import time_zone
from shiliu.service_requests.choices import RequestAction, RequestStatus
from shiliu.service_requests.models import RequestEvent, ServiceRequest
from shiliu.service_requests.tickets import rating_code_matches

from .factories import World, category, make_routing_rule

pytestmark = pytest.mark.django_db
A, S = RequestAction, RequestStatus
TZ = time_zone()


def at(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def world(tree):
    return World(tree)


@pytest.fixture
def clock(monkeypatch):
    """Set the services' notion of now: ``clock.set(datetime)``."""

    class Clock:
        moment = None

        def set(self, moment):
            self.moment = moment

    c = Clock()
    monkeypatch.setattr("shiliu.service_requests.services.requests.now", lambda: c.moment)
    return c


def submit(world, code="employment", priority="normal", **extra):
    return services.request_submit(
        actor=world.office, channel="phone", category=category(code), area=world.grid, priority=priority,
        description="求职登记遇到困难", requester_name="王小明", requester_phone="13800001234", **extra,
    )  # fmt: skip


def to_in_progress(world, request):
    services.request_accept(actor=world.office, request=request)
    services.request_dispatch(actor=world.office, request=request, department=world.dept)
    services.request_sign(actor=world.dept_user, request=request)
    services.request_start(actor=world.dept_user, request=request)
    return ServiceRequest.objects.get(pk=request.pk)


def to_closed(world, request, result="resolved"):
    services.request_reply(actor=world.dept_user, request=request, result=result, note="已处理",
                           reason="" if result == "resolved" else "政策不允许")  # fmt: skip
    services.request_verify(actor=world.office, request=request)
    services.request_close(actor=world.office, request=request)
    return ServiceRequest.objects.get(pk=request.pk)


# ---------------------------------------------------------------- the whole loop


def test_full_loop_records_every_step(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))  # Monday
    request = submit(world)
    assert request.ticket.startswith("SR-") and request.rating_code_plain
    assert rating_code_matches(request.ticket, request.rating_code_plain, request.rating_code_hash)
    request = to_in_progress(world, request)
    assert request.signed_on_time is True and request.next_step == "reply"
    request = to_closed(world, request)
    assert request.status == S.CLOSED and request.replied_on_time is True and request.next_due is None
    assert request.sign_due and request.reply_due and request.verify_due and request.closed_at


def test_full_loop_with_rating(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))
    submitted = submit(world)
    request = to_closed(world, to_in_progress(world, submitted))
    services.request_rate(ticket=request.ticket, rating_code=submitted.rating_code_plain, rating="basically",
                          comment="还行")  # fmt: skip
    request.refresh_from_db()
    assert request.rating == "basically" and request.rated_at is not None
    actions = list(request.events.values_list("action", flat=True))
    assert actions == [A.SUBMIT, A.ACCEPT, A.DISPATCH, A.SIGN, A.START, A.REPLY, A.VERIFY, A.CLOSE, A.RATE]
    assert all(e.actor_id or e.actor_label for e in request.events.all())
    with pytest.raises(ApplicationError):
        services.request_rate(
            ticket=request.ticket, rating_code=submitted.rating_code_plain, rating="satisfied"
        )


# ---------------------------------------------------------------- deadlines on the calendar


def test_deadlines_around_spring_festival_2026(world, clock):
    clock.set(at(2026, 2, 13, 10, 0))  # Friday before the festival
    request = submit(world)
    assert request.accept_due == at(2026, 2, 13, 15, 30)  # 4 working hours over lunch
    services.request_accept(actor=world.office, request=request)
    services.request_dispatch(actor=world.office, request=request, department=world.dept)
    request.refresh_from_db()
    assert request.sign_due == at(2026, 2, 13, 12, 0)
    # 3 working days from the day after: Sat Feb 14 (make-up), Tue Feb 24, Wed Feb 25
    assert request.reply_due == at(2026, 2, 25, 17, 30)
    assert request.next_step == "sign" and request.next_due == request.sign_due
    assert request.remind_at == at(2026, 2, 13, 11, 0)  # one working hour before


def test_complaint_gets_thirteen_working_days(world, clock):
    clock.set(at(2026, 2, 13, 10, 0))
    request = submit(world, code="discrimination")
    services.request_accept(actor=world.office, request=request)
    services.request_dispatch(actor=world.office, request=request, department=world.dept)
    request.refresh_from_db()
    # Feb 14, 24, 25, 26, 27, 28 (Sat make-up), Mar 2, 3, 4, 5, 6, 9, 10
    assert request.reply_due == at(2026, 3, 10, 17, 30)


def test_emergency_is_due_the_same_day_and_urgent_wins_over_category(world, clock):
    clock.set(at(2025, 10, 1, 20, 0))  # National Day holiday, evening
    request = submit(world, code="dispute", priority="emergency")
    assert request.accept_due == at(2025, 10, 1, 23, 59).replace(second=59)
    services.request_accept(actor=world.office, request=request)
    services.request_dispatch(actor=world.office, request=request, department=world.dept)
    request.refresh_from_db()
    assert request.reply_due == at(2025, 10, 1, 23, 59).replace(second=59)
    clock.set(at(2025, 9, 30, 16, 0))
    urgent = submit(world, code="dispute", priority="urgent")
    services.request_accept(actor=world.office, request=urgent)
    services.request_dispatch(actor=world.office, request=urgent, department=world.dept)
    urgent.refresh_from_db()
    assert urgent.sign_due == at(2025, 9, 30, 17, 0)
    assert urgent.reply_due == at(2025, 10, 9, 17, 30)  # 1 working day after the 8-day holiday


def test_pause_shifts_deadlines_by_the_paused_working_time(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))  # Monday
    request = submit(world)
    services.request_accept(actor=world.office, request=request)
    services.request_dispatch(actor=world.office, request=request, department=world.dept)
    request.refresh_from_db()
    assert request.sign_due == at(2025, 3, 3, 11, 0)
    reply_due = request.reply_due
    clock.set(at(2025, 3, 3, 9, 30))
    services.request_pause(actor=world.dept_user, request=request, reason="等待居民提供材料")
    request.refresh_from_db()
    assert request.is_paused and request.next_due is None and request.sweep_at is None
    assert request.deadline_status == "paused"
    with pytest.raises(ApplicationError):
        services.request_pause(actor=world.office, request=request, reason="again")
    clock.set(at(2025, 3, 4, 9, 30))  # 2.5 + 4 + 0.5 = 7 working hours later
    services.request_resume(actor=world.office, request=request, note="材料已到")
    request.refresh_from_db()
    assert request.paused_seconds == 7 * 3600 and request.paused_at is None
    assert request.sign_due == at(2025, 3, 4, 11, 0)
    assert request.next_due == request.sign_due
    assert request.reply_due > reply_due
    assert [e.action for e in request.events.all()][-2:] == [A.PAUSE, A.RESUME]
    with pytest.raises(ApplicationError):
        services.request_resume(actor=world.office, request=request)


def test_late_signing_counts_as_not_on_time(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))
    request = submit(world)
    services.request_accept(actor=world.office, request=request)
    services.request_dispatch(actor=world.office, request=request, department=world.dept)
    clock.set(at(2025, 3, 3, 15, 0))
    services.request_sign(actor=world.dept_user, request=request)
    request.refresh_from_db()
    assert request.signed_on_time is False


def test_extension_moves_the_reply_deadline(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))
    request = to_in_progress(world, submit(world))
    until = at(2025, 3, 20, 17, 30)
    extension = services.request_extension_request(
        actor=world.dept_user, request=request, until=until, reason="需协调"
    )
    with pytest.raises(ApplicationError):
        services.request_extension_request(
            actor=world.dept_user, request=request, until=until, reason="again"
        )
    with pytest.raises(ApplicationError):
        services.request_extension_decide(actor=world.office, extension=extension, approve=False, note="")
    services.request_extension_decide(actor=world.office, extension=extension, approve=True)
    request.refresh_from_db()
    assert request.reply_due == until and request.next_due == until
    extension.refresh_from_db()
    assert extension.status == "approved" and extension.decided_by == world.office
    with pytest.raises(ApplicationError):
        services.request_extension_decide(actor=world.office, extension=extension, approve=True)


# ---------------------------------------------------------------- rating and reopen


def test_dissatisfied_reopens_once_then_stands(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))
    submitted = submit(world)
    code = submitted.rating_code_plain
    request = to_closed(world, to_in_progress(world, submitted))
    services.request_rate(ticket=request.ticket, rating_code=code, rating="dissatisfied", comment="没解决")
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS and request.reopened_count == 1 and request.is_supervised
    assert request.rating == "" and request.replied_at is None and request.next_step == "reply"
    assert list(request.events.values_list("action", flat=True))[-2:] == [A.RATE, A.REOPEN]
    request = to_closed(world, request, result="partly")
    services.request_rate(ticket=request.ticket, rating_code=code, rating="dissatisfied", comment="还是不行")
    request.refresh_from_db()
    assert request.status == S.CLOSED and request.rating == "dissatisfied" and request.reopened_count == 1


def test_wrong_rating_codes_are_counted_and_lock(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))
    submitted = submit(world)
    request = to_closed(world, to_in_progress(world, submitted))
    with pytest.raises(ApplicationError) as wrong_ticket:
        services.request_rate(ticket="SR-2222-2222-22", rating_code="000000", rating="satisfied")
    for _ in range(10):
        with pytest.raises(ApplicationError) as wrong_code:
            services.request_rate(ticket=request.ticket, rating_code="000000", rating="satisfied")
    assert str(wrong_ticket.value.message) == str(wrong_code.value.message)  # no enumeration of tickets
    request.refresh_from_db()
    assert request.rating_attempts == 10
    with pytest.raises(ApplicationError):  # locked even with the right code
        services.request_rate(
            ticket=request.ticket, rating_code=submitted.rating_code_plain, rating="satisfied"
        )
    services.request_rate_callback(actor=world.office, request=request, rating="satisfied")
    request.refresh_from_db()
    assert request.rating == "satisfied"


# ---------------------------------------------------------------- office decisions


def test_duplicate_links_to_the_original(world):
    original = submit(world)
    first = submit(world)
    services.request_reject(actor=world.office, request=first, reason="重复", duplicate_of=original)
    second = submit(world)
    services.request_reject(actor=world.office, request=second, reason="重复", duplicate_of=first)
    second.refresh_from_db()
    assert second.duplicate_of == original and second.status == S.REJECTED
    third = submit(world)
    with pytest.raises(ApplicationError):
        services.request_reject(actor=world.office, request=third, reason="重复", duplicate_of=third)
    with pytest.raises(ApplicationError):
        services.request_reject(actor=world.office, request=third, reason="  ")


def test_dispatch_checks_departments(world):
    request = submit(world)
    services.request_accept(actor=world.office, request=request)
    with pytest.raises(ApplicationError) as caught:
        services.request_dispatch(actor=world.office, request=request, department=world.far_dept)
    assert caught.value.field == "department"
    with pytest.raises(ApplicationError):
        services.request_dispatch(
            actor=world.office, request=request, department=world.dept, assisting=[world.dept]
        )
    with pytest.raises(ApplicationError):
        services.request_dispatch(
            actor=world.office, request=request, department=world.tree.unit_a
        )  # not a member
    services.request_dispatch(
        actor=world.office, request=request, department=world.dept, assisting=[world.dept2]
    )
    request.refresh_from_db()
    assert set(request.assisting_departments.all()) == {world.dept2}
    assert request in visible_to(ServiceRequest.objects.all(), world.dept2_user)
    assert "sign" not in selectors.request_actions(user=world.dept2_user, request=request)
    assert selectors.request_actions(user=world.dept_user, request=request) == [
        "sign",
        "return",
        "pause",
        "note",
    ]


def test_transfer_and_return(world, clock):
    clock.set(at(2025, 3, 3, 9, 0))
    request = to_in_progress(world, submit(world))
    clock.set(at(2025, 3, 4, 9, 0))
    with pytest.raises(ApplicationError):
        services.request_transfer(actor=world.office, request=request, department=world.dept, note="同一部门")
    services.request_transfer(actor=world.office, request=request, department=world.dept2, note="职责调整")
    request.refresh_from_db()
    assert (
        request.status == S.DISPATCHED
        and request.lead_department == world.dept2
        and request.transfer_count == 1
    )
    assert request.sign_due == at(2025, 3, 4, 11, 0) and request.signed_at is None
    assert request not in visible_to(ServiceRequest.objects.all(), world.dept_user)
    services.request_return(actor=world.dept2_user, request=request, reason="不属于本部门职责")
    request.refresh_from_db()
    assert request.status == S.RETURNED and request.lead_department is None and request.return_count == 1
    assert request not in visible_to(ServiceRequest.objects.all(), world.dept2_user)
    event = request.events.latest("id")
    assert event.action == A.RETURN and event.department == world.dept2 and event.actor == world.dept2_user
    services.request_dispatch(actor=world.office, request=request, department=world.dept)
    assert ServiceRequest.objects.get(pk=request.pk).status == S.DISPATCHED


def test_send_back_clears_the_reply(world):
    request = to_in_progress(world, submit(world))
    services.request_reply(actor=world.dept_user, request=request, result="resolved", note="已处理")
    with pytest.raises(ApplicationError):
        services.request_send_back(actor=world.office, request=request, note="")
    services.request_send_back(actor=world.office, request=request, note="请补充照片")
    request.refresh_from_db()
    assert request.status == S.IN_PROGRESS and request.replied_at is None and request.result == ""


def test_reply_needs_a_reason_unless_resolved(world):
    request = to_in_progress(world, submit(world))
    with pytest.raises(ApplicationError) as caught:
        services.request_reply(actor=world.dept_user, request=request, result="unresolved", note="无法解决")
    assert caught.value.field == "reason"
    with pytest.raises(ApplicationError):
        services.request_reply(actor=world.dept_user, request=request, result="maybe", note="x")


def test_ethnic_flag_is_office_only_with_reason(world):
    request = submit(world)
    with pytest.raises(ApplicationError) as caught:
        services.request_flag_ethnic(actor=world.office, request=request, is_ethnic=True, reason="")
    assert caught.value.field == "reason"
    with pytest.raises(ApplicationError):
        services.request_flag_ethnic(actor=world.grid_user, request=request, is_ethnic=True, reason="x")
    services.request_flag_ethnic(
        actor=world.office, request=request, is_ethnic=True, reason="对风俗习惯的歧视投诉"
    )
    request.refresh_from_db()
    assert request.involves_ethnic_factors and request.ethnic_factors_set_by == world.office


# ---------------------------------------------------------------- intake


def test_public_submission_and_lookup_without_personal_data(world):
    with pytest.raises(ApplicationError) as caught:
        services.request_submit(
            actor=None, channel="web", category="housing", area=world.grid, description="漏水"
        )
    assert caught.value.field == "requester_phone"
    with pytest.raises(ApplicationError):
        services.request_submit(actor=None, channel="phone", category="housing", area=world.grid, description="漏水",
                                requester_phone="13800001234")  # fmt: skip
    request = services.request_submit(actor=None, channel="web", category="housing", area=world.grid,
                                      description="楼道漏水", requester_name="李大妈", requester_phone="13912345678")  # fmt: skip
    event = request.events.get()
    assert event.actor is None and event.actor_label == "resident"
    status = selectors.request_public_status(ticket=request.ticket.lower().replace("-", " "))
    assert status["ticket"] == request.ticket and status["status"] == S.SUBMITTED
    flat = repr(status)
    assert "李大妈" not in flat and "13912345678" not in flat and "1391" not in flat
    assert selectors.request_public_status(ticket="SR-2222-2222-22") is None
    assert selectors.request_public_status(ticket="nonsense") is None


def test_grid_worker_submits_in_own_grid_only(world):
    request = services.request_submit(actor=world.grid_user, channel="phone", category="schooling", area=world.grid,
                                      description="入学咨询")  # fmt: skip
    assert request.channel == "grid"
    with pytest.raises(NotVisible):
        services.request_submit(actor=world.grid_user, channel="grid", category="schooling",
                                area=world.tree.village_b, description="入学咨询")  # fmt: skip
    with pytest.raises(ApplicationError):
        services.request_submit(actor=world.dept_user, channel="phone", category="schooling", area=world.grid,
                                description="x")  # fmt: skip


def test_intake_validates_fields(world):
    for kwargs, field in (
        ({"category": "nope"}, "category"),
        ({"priority": "whenever"}, "priority"),
        ({"description": "  "}, "description"),
        ({"requester_phone": "abc"}, "requester_phone"),
        ({"latitude": "95"}, "latitude"),
    ):
        base = {"actor": world.office, "channel": "phone", "category": "housing", "area": world.grid,
                "description": "漏水"} | kwargs  # fmt: skip
        with pytest.raises(ApplicationError) as caught:
            services.request_submit(**base)
        assert caught.value.field == field


def test_routing_suggestion_prefers_the_nearest_area(world):
    make_routing_rule("employment", world.tree.city, world.dept)
    assert services.routing_suggest(category=category("employment"), area=world.grid) == world.dept
    make_routing_rule("employment", world.tree.county_a, world.dept2)
    assert services.routing_suggest(category="employment", area=world.grid) == world.dept2
    assert services.routing_suggest(category="employment", area=world.tree.village_b) == world.dept
    assert services.routing_suggest(category="housing", area=world.grid) is None


# ---------------------------------------------------------------- visits and import


def test_visit_record_for_assigned_grid(world):
    today = timezone.localdate()
    visit = services.visit_record(
        actor=world.grid_user, grid=world.grid, date=today, households=15, notes="走访"
    )
    assert visit.area_path == world.grid.path and visit.worker == world.grid_user
    with pytest.raises(ApplicationError):
        services.visit_record(actor=world.grid_user, grid=world.grid, date=today, households=-1)
    with pytest.raises(ApplicationError):
        services.visit_record(actor=world.grid_user, grid=world.tree.village_a, date=today, households=1)
    with pytest.raises(ApplicationError):
        services.visit_record(actor=world.dept_user, grid=world.grid, date=today, households=1)
    request = services.request_submit(actor=world.grid_user, channel="grid", category="dispute", area=world.grid,
                                      description="邻里纠纷", visit=visit)  # fmt: skip
    assert list(visit.requests.all()) == [request]
    assert selectors.visit_list(user=world.grid_user, filters={"mine": "1"}).get().requests_raised == 1


def test_import_historical_request(world):
    submitted, closed = at(2024, 5, 6, 10), at(2024, 5, 8, 16)
    request = services.request_import_historical(
        actor=world.office, channel="import", category="housing", area=world.grid, description="历史工单",
        priority="normal", requester_name="张某", requester_phone="13800000000", submitted_at=submitted,
        closed_at=closed, department=world.dept, result="resolved", rating="satisfied",
    )  # fmt: skip
    assert request.status == S.CLOSED and request.channel == "import" and request.submitted_at == submitted
    assert request.replied_on_time is True and request.rating == "satisfied"
    times = list(RequestEvent.objects.filter(request=request).values_list("created_at", flat=True))
    assert min(times) == submitted and max(times) == closed
    with pytest.raises(ApplicationError):
        services.request_import_historical(
            actor=world.dept_user, channel="import", category="housing", area=world.grid, description="x",
            priority="normal", requester_name="", requester_phone="", submitted_at=submitted, closed_at=closed,
            department=world.dept, result="resolved",
        )  # fmt: skip
