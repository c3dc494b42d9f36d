"""Background tasks (django-tasks) of demonstration creation."""

from django_tasks import task


@task()
def gap_lists_compute(area_id: int | None = None, year: int | None = None) -> dict:
    """Compute gap-list snapshots for every unit and area with an applicable published system (in one area's
    subtree when ``area_id`` is given) and every open candidate; see ``gaps.compute_snapshots``."""
    from shiliu.orgs.models import Area

    from .gaps import compute_snapshots

    area = Area.objects.get(pk=area_id) if area_id else None
    return compute_snapshots(area=area, year=year)


@task()
def titles_expire_sweep() -> int:
    """Mark titles past their validity end as expired (daily; idempotent)."""
    from .services.titles import titles_expire

    return titles_expire()
