"""Reads of exchange jobs. A job is visible to its owner only; anyone else gets the same 404 as a missing job."""

from shiliu.core.errors import NotVisible

from .models import ExchangeJob


def job_get(*, user, pk) -> ExchangeJob:
    if not getattr(user, "is_authenticated", False):
        raise NotVisible()
    try:
        return ExchangeJob.objects.get(pk=pk, user=user)
    except (ExchangeJob.DoesNotExist, ValueError):
        raise NotVisible() from None


def job_list(*, user, limit: int = 20):
    return ExchangeJob.objects.filter(user=user)[:limit]
