"""Background jobs: a worker killed halfway is retried or failed, never left running, never applied twice."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shiliu.exchange import jobs, services
from shiliu.exchange.models import ExchangeJob, JobKind, JobStatus
from shiliu.orgs.models import Unit
from shiliu.orgs.sheets import UnitSheet
from shiliu.orgs.tests.factories import credit_code

from .helpers import UNIT_HEADERS, xlsx


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, not even `except Exception` handlers."""


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.JOB_STALE_SECONDS = 120
    settings.JOB_MAX_ATTEMPTS = 2


def staged_import(tree, tmp_path, n=3) -> ExchangeJob:
    """An import job whose upload is in place, as after a dry run and a click on commit (not yet run)."""
    upload_id = uuid.uuid4().hex
    path = services.upload_path(upload_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [[f"任务单位{i}", "企业", "990101001001", credit_code(800 + i)] for i in range(n)]
    xlsx(path, UNIT_HEADERS, rows)
    return ExchangeJob.objects.create(
        kind=JobKind.IMPORT, sheet="units", user=tree.office_a, upload_id=upload_id,
        source_file=f"{services.UPLOAD_DIR}/{upload_id}.xlsx",
    )  # fmt: skip


def imported():
    return Unit.objects.filter(name__startswith="任务单位").count()


def age(job, seconds=600):
    ExchangeJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=seconds))


def test_killed_during_commit_writes_nothing_then_sweep_reruns_it_exactly_once(tree, tmp_path, monkeypatch):
    job = staged_import(tree, tmp_path)
    original = UnitSheet.apply

    def apply_then_die(self, *, actor, plan):
        original(self, actor=actor, plan=plan)
        assert imported() == 3  # the rows were written inside the transaction...
        raise Killed()

    monkeypatch.setattr(UnitSheet, "apply", apply_then_die)
    with pytest.raises(Killed):
        jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert imported() == 0  # ...and rolled back with it
    assert job.status == JobStatus.RUNNING and job.attempts == 1

    monkeypatch.setattr(UnitSheet, "apply", original)
    assert jobs.jobs_sweep() == []  # heartbeat still fresh: not touched
    age(job)
    assert jobs.jobs_sweep() == [str(job.pk)]  # queued again and (ImmediateBackend) run at once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert imported() == 3

    # A late duplicate delivery of the task does nothing.
    assert jobs.job_run(job_id=job.pk) == "skipped"
    age(job)
    jobs.jobs_sweep()
    assert imported() == 3
    job.refresh_from_db()
    assert job.attempts == 2


def test_out_of_attempts_is_marked_failed_with_a_message(tree, tmp_path):
    job = staged_import(tree, tmp_path)
    ExchangeJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=2)
    age(job)
    call_command("exchange_sweep", stdout=StringIO())
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message and job.finished_at
    assert imported() == 0


def test_sweep_marks_the_stuck_task_row_failed(tree, tmp_path):
    job = staged_import(tree, tmp_path)
    task_row = DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [str(job.pk)], "kwargs": {}},
        task_path="shiliu.exchange.tasks.run_exchange_job", backend_name="default", run_after=timezone.now(),
        exception_class_path="", traceback="",
    )  # fmt: skip
    ExchangeJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, task_result_id=str(task_row.pk)
    )
    age(job)
    jobs.jobs_sweep()
    task_row.refresh_from_db()
    assert task_row.status == "FAILED" and "sweeper" in task_row.traceback
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and imported() == 3


def test_a_run_that_lost_its_job_writes_nothing(tree, tmp_path):
    job = staged_import(tree, tmp_path)
    claimed = jobs._job_claim(job.pk)
    assert claimed.attempts == 1
    # Meanwhile the sweeper gave the job to another run.
    ExchangeJob.objects.filter(pk=job.pk).update(attempts=2)
    with pytest.raises(jobs.JobSuperseded):
        services.import_commit(
            actor=tree.office_a, sheet="units", path=services.private_path(job.source_file), job=claimed
        )
    assert imported() == 0


def test_job_with_invalid_rows_fails_with_the_problems(tree, tmp_path):
    job = staged_import(tree, tmp_path)
    xlsx(services.private_path(job.source_file), UNIT_HEADERS, [["坏行", "火星", "990101001001"]])
    jobs.job_enqueue(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        {"sheet": "Sheet1", "row": 2, "column": "单位类型", "message": job.errors[0]["message"]}
    ]


def test_killed_export_is_rerun(tree):
    job = ExchangeJob.objects.create(
        kind=JobKind.EXPORT, sheet="units", user=tree.office_b, status=JobStatus.RUNNING, attempts=1
    )
    age(job)
    jobs.jobs_sweep()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress_total == 1
    assert services.private_path(job.result_file).exists()


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(tree, tmp_path):
    job = staged_import(tree, tmp_path)
    ExchangeJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert jobs.job_run(job_id=job.pk) == "skipped"
    assert imported() == 0


def test_old_uploads_and_exports_are_pruned_but_not_those_of_pending_jobs(tree, tmp_path):
    pending = staged_import(tree, tmp_path)
    old_upload = services.upload_path(uuid.uuid4().hex)
    old_upload.write_bytes(b"x")
    export = services.private_path(f"{services.EXPORT_DIR}/{uuid.uuid4()}.xlsx")
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_bytes(b"x")
    later = timezone.now() + timedelta(days=30)
    assert jobs.files_prune(now=later) == 2
    assert not old_upload.exists() and not export.exists()
    assert services.private_path(pending.source_file).exists()
