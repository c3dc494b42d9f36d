"""Background tasks (django-tasks): a single task runs any exchange job by id."""

from django_tasks import task


@task(takes_context=True)
def run_exchange_job(context, job_id: str) -> str:
    from .jobs import job_run

    return job_run(job_id=job_id, task_result_id=str(context.task_result.id))
