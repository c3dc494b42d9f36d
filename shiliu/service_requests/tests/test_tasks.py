"""The deadline sweep: reminders before the deadline, overdue notices, supervision escalation; idempotent,
chunked, and a run that dies mid-chunk leaves that chunk untouched."""

import datetime

import pytest
from django.core.management import call_command

from shiliu.service_requests import tasks
from shiliu.service_requests.choices import RequestAction, RequestStatus
from shiliu.service_requests.models import RequestEvent, RequestReminder, ServiceRequest
from shiliu.service_requests.tasks import request_deadline_sweep, sweep_deadlines

from .factories import World, make_request

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
DUE = datetime.datetime(2025, 3, 5, 9, 30, tzinfo=UTC)
H = datetime.timedelta(hours=1)


@pytest.fixture
def world(tree):
    return World(tree)


def due_request(world, **extra):
    fields = {"next_step": "reply", "next_due": DUE, "reply_due": DUE, "remind_at": DUE - 2 * H,
              "escalate_at": DUE + 7 * H, "sweep_at": DUE - 2 * H} | extra  # fmt: skip
    return make_request(world.grid, status=RequestStatus.IN_PROGRESS, lead=world.dept, **fields)


def kinds(request):
    return sorted(RequestReminder.objects.filter(request=request).values_list("kind", flat=True))


def test_reminder_then_overdue_then_supervision_each_once(world):
    request = due_request(world)
    early = DUE - 3 * H
    assert sweep_deadlines(now=early)["requests"] == 0
    assert sweep_deadlines(now=DUE - H) == {"requests": 1, "reminders": 1, "chunks": 1}
    assert kinds(request) == ["reminder"]
    request.refresh_from_db()
    assert request.sweep_at == DUE
    assert sweep_deadlines(now=DUE - H)["reminders"] == 0  # nothing due again
    sweep_deadlines(now=DUE + H)
    assert kinds(request) == ["overdue", "reminder"]
    request.refresh_from_db()
    assert request.sweep_at == DUE + 7 * H and not request.is_supervised
    sweep_deadlines(now=DUE + 8 * H)
    request.refresh_from_db()
    assert kinds(request) == ["overdue", "reminder", "supervision"]
    assert request.is_supervised and request.supervised_at == DUE + 8 * H and request.sweep_at is None
    actions = list(RequestEvent.objects.filter(request=request).values_list("action", flat=True))
    assert actions == [RequestAction.REMIND, RequestAction.REMIND, RequestAction.ESCALATE]
    # Running again, even with a forced re-look, sends nothing twice.
    ServiceRequest.objects.filter(pk=request.pk).update(sweep_at=DUE - 2 * H)
    assert sweep_deadlines(now=DUE + 9 * H)["reminders"] == 0
    assert RequestReminder.objects.filter(request=request).count() == 3


def test_sweeping_late_jumps_to_the_current_stage(world):
    request = due_request(world)
    sweep_deadlines(now=DUE + 10 * H)  # the workers were down for a day
    assert kinds(request) == ["overdue", "supervision"]


def test_a_new_deadline_gets_its_own_reminders(world):
    request = due_request(world)
    sweep_deadlines(now=DUE + H)
    later = DUE + 48 * H
    ServiceRequest.objects.filter(pk=request.pk).update(next_due=later, remind_at=later - H, escalate_at=later + 7 * H,
                                                        sweep_at=later - H)  # fmt: skip
    sweep_deadlines(now=later)
    assert RequestReminder.objects.filter(request=request, kind="overdue").count() == 2


def test_chunks_and_a_killed_run(world, monkeypatch):
    requests = [due_request(world) for _ in range(5)]
    original = tasks._insert_events
    calls = {"n": 0}

    def dying(created, now):
        calls["n"] += 1
        original(created, now)
        if calls["n"] == 2:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(tasks, "_insert_events", dying)
    with pytest.raises(RuntimeError):
        sweep_deadlines(now=DUE + H, chunk_size=2)
    # First chunk committed; the second rolled back entirely (no reminder, no event, sweep_at unchanged).
    assert RequestReminder.objects.count() == 2
    assert RequestEvent.objects.filter(action=RequestAction.REMIND).count() == 2
    assert ServiceRequest.objects.filter(sweep_at=DUE - 2 * H).count() == 3
    monkeypatch.setattr(tasks, "_insert_events", original)
    assert sweep_deadlines(now=DUE + H, chunk_size=2) == {"requests": 3, "reminders": 3, "chunks": 2}
    assert all(kinds(r) == ["overdue"] for r in requests)
    assert sweep_deadlines(now=DUE + H, chunk_size=2)["reminders"] == 0


def test_unique_constraint_is_the_backstop(world):
    request = due_request(world)
    RequestReminder.objects.create(
        request=request, step="reply", kind="overdue", due=DUE, area_path=request.area_path
    )
    sweep_deadlines(now=DUE + H)
    assert RequestReminder.objects.filter(request=request).count() == 1


def test_task_and_command(world):
    due_request(world, sweep_at=datetime.datetime(2020, 1, 1, tzinfo=UTC), next_due=datetime.datetime(2020, 1, 2, tzinfo=UTC),
                remind_at=datetime.datetime(2020, 1, 1, tzinfo=UTC), escalate_at=datetime.datetime(2020, 1, 3, tzinfo=UTC))  # fmt: skip
    result = request_deadline_sweep.enqueue()
    assert result.return_value["reminders"] == 2  # overdue and supervision
    call_command("requests_sweep")
    assert RequestReminder.objects.count() == 2


def test_requests_from_the_services_are_picked_up(world):
    from shiliu.service_requests import services

    request = services.request_submit(actor=world.office, channel="phone", category="housing", area=world.grid,
                                      description="漏水")  # fmt: skip
    assert request.sweep_at == request.remind_at < request.next_due == request.accept_due
    sweep_deadlines(now=request.accept_due + datetime.timedelta(minutes=1))
    assert kinds(request) == ["overdue"]
    assert (
        tasks._next_sweep(ServiceRequest.objects.get(pk=request.pk), request.accept_due)
        == request.escalate_at
    )
