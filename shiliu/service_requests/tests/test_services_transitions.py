"""Every transition of the table from every status: legal ones move to the table's target and record an event;
illegal ones are refused with ``invalid_transition`` and change nothing. Plus role and scope refusals."""

import datetime

import pytest

from shiliu.core.errors import ApplicationError, NotVisible
from shiliu.service_requests import services
from shiliu.service_requests.choices import TRANSITIONS, RequestAction, RequestStatus
from shiliu.service_requests.models import RequestEvent, RequestExtension, ServiceRequest

from .factories import RATING_CODE, World, make_request

pytestmark = pytest.mark.django_db
A, S = RequestAction, RequestStatus
# Actions taken by a user through a service; REOPEN happens through RATE, SUBMIT/REMIND/ESCALATE elsewhere.
MATRIX_ACTIONS = [a for a in TRANSITIONS if a not in {A.REOPEN, A.REMIND, A.ESCALATE}]


@pytest.fixture
def world(tree):
    return World(tree)


def request_in(world, status, **extra):
    # The lead department is set in every status so that its liaison can reach the request: the matrix is about
    # the status, not about scope (tested below).
    return make_request(world.grid, status=status, lead=world.dept, **extra)


def perform(world, action, request):
    """Take ``action`` on ``request`` as the user whose capacity allows it, with valid input."""
    w, office, lead = world, world.office, world.dept_user
    match action:
        case A.ACCEPT:
            return services.request_accept(actor=office, request=request)
        case A.REJECT:
            return services.request_reject(actor=office, request=request, reason="重复提交")
        case A.DISPATCH:
            return services.request_dispatch(
                actor=office, request=request, department=w.dept, assisting=[w.dept2]
            )
        case A.TRANSFER:
            return services.request_transfer(
                actor=office, request=request, department=w.dept2, note="职责不符"
            )
        case A.SIGN:
            return services.request_sign(actor=lead, request=request)
        case A.RETURN:
            return services.request_return(actor=lead, request=request, reason="不属于本部门职责")
        case A.START:
            return services.request_start(actor=lead, request=request)
        case A.EXTENSION_REQUEST:
            until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=20)
            return services.request_extension_request(
                actor=lead, request=request, until=until, reason="需协调"
            )
        case A.EXTENSION_DECIDE:
            extension = RequestExtension.objects.create(
                request=request, department=w.dept, requested_by=lead, reason="需协调",
                requested_until=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=20),
            )  # fmt: skip
            return services.request_extension_decide(actor=office, extension=extension, approve=True)
        case A.REPLY:
            return services.request_reply(actor=lead, request=request, result="resolved", note="已解决")
        case A.VERIFY:
            return services.request_verify(actor=office, request=request)
        case A.SEND_BACK:
            return services.request_send_back(actor=office, request=request, note="回复不完整")
        case A.CLOSE:
            return services.request_close(actor=office, request=request)
        case A.RATE:
            return services.request_rate(ticket=request.ticket, rating_code=RATING_CODE, rating="satisfied")
        case A.PAUSE:
            return services.request_pause(actor=office, request=request, reason="等待居民补充材料")
        case A.RESUME:
            ServiceRequest.objects.filter(pk=request.pk).update(
                paused_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
            )
            return services.request_resume(actor=office, request=request)
        case A.SUPERVISE:
            return services.request_supervise(actor=office, request=request, note="督办")
        case A.FLAG_ETHNIC:
            return services.request_flag_ethnic(
                actor=office, request=request, is_ethnic=True, reason="涉及风俗习惯投诉"
            )
        case A.NOTE:
            return services.request_note(actor=office, request=request, note="已电话联系")
    raise AssertionError(action)


CASES = [(action, status) for action in MATRIX_ACTIONS for status in RequestStatus]


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_every_action_from_every_status(world, action, status):
    request = request_in(world, status)
    transition = TRANSITIONS[action]
    events_before = RequestEvent.objects.filter(request=request).count()
    if status in transition.sources:
        perform(world, action, request)
        request.refresh_from_db()
        assert request.status == (transition.target or status)
        assert RequestEvent.objects.filter(request=request).count() > events_before
        last = RequestEvent.objects.filter(request=request).latest("id")
        assert last.action in {action, A.RESUME}
    else:
        with pytest.raises(ApplicationError) as caught:
            perform(world, action, request)
        assert caught.value.code == "invalid_transition"
        request.refresh_from_db()
        assert request.status == status
        assert RequestEvent.objects.filter(request=request).count() == events_before


def test_table_is_complete():
    for action in MATRIX_ACTIONS:
        assert TRANSITIONS[action].sources, action
    assert not TRANSITIONS[A.ACCEPT].sources & {S.CLOSED, S.REJECTED}


# ---------------------------------------------------------------- roles


OFFICE_ACTIONS = [(A.ACCEPT, S.SUBMITTED), (A.REJECT, S.SUBMITTED), (A.DISPATCH, S.ACCEPTED),
                  (A.TRANSFER, S.DISPATCHED), (A.VERIFY, S.REPLIED), (A.SEND_BACK, S.REPLIED),
                  (A.CLOSE, S.VERIFIED), (A.SUPERVISE, S.IN_PROGRESS), (A.FLAG_ETHNIC, S.IN_PROGRESS)]  # fmt: skip
LEAD_ACTIONS = [(A.SIGN, S.DISPATCHED), (A.RETURN, S.DISPATCHED), (A.START, S.SIGNED),
                (A.EXTENSION_REQUEST, S.IN_PROGRESS), (A.REPLY, S.IN_PROGRESS)]  # fmt: skip


def _as(world, actor, action, request):
    """``perform`` with another actor."""
    original = world.office, world.dept_user
    world.office = world.dept_user = actor
    try:
        return perform(world, action, request)
    finally:
        world.office, world.dept_user = original


@pytest.mark.parametrize(("action", "status"), OFFICE_ACTIONS)
@pytest.mark.parametrize("who", ["dept_user", "dept2_user", "grid_user"])
def test_only_office_takes_office_actions(world, action, status, who):
    request = request_in(world, status, assisting=[world.dept2])
    with pytest.raises(ApplicationError) as caught:
        _as(world, getattr(world, who), action, request)
    assert caught.value.code == "forbidden"
    request.refresh_from_db()
    assert request.status == status


@pytest.mark.parametrize(("action", "status"), LEAD_ACTIONS)
@pytest.mark.parametrize("who", ["office", "dept2_user", "grid_user"])
def test_only_lead_department_takes_lead_actions(world, action, status, who):
    # dept2 assists: it can see the request and add notes, but not act for the lead.
    request = request_in(world, status, assisting=[world.dept2])
    with pytest.raises(ApplicationError) as caught:
        _as(world, getattr(world, who), action, request)
    assert caught.value.code == "forbidden"


def test_assisting_department_adds_notes(world):
    request = request_in(world, S.IN_PROGRESS, assisting=[world.dept2])
    services.request_note(actor=world.dept2_user, request=request, note="已配合走访")
    event = request.events.latest("id")
    assert event.action == A.NOTE and event.department == world.dept2 and event.actor == world.dept2_user


def test_leader_and_foreign_office_get_404(world):
    request = request_in(world, S.SUBMITTED)
    for actor in (world.tree.leader, world.tree.office_b, world.far_dept_user, world.tree.nobody):
        with pytest.raises(NotVisible):
            services.request_accept(actor=actor, request=request)
    assert ServiceRequest.objects.get(pk=request.pk).status == S.SUBMITTED


def test_department_not_involved_gets_404(world):
    request = request_in(world, S.DISPATCHED)  # lead: dept; dept2 not involved
    with pytest.raises(NotVisible):
        services.request_sign(actor=world.dept2_user, request=request)
    with pytest.raises(NotVisible):
        services.request_note(actor=world.dept2_user, request=request, note="x")
