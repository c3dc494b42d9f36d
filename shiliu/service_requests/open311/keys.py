"""API keys of Open311 clients (the apps and hotlines that file requests): only a hash is stored, each key is
bound to an area its requests must lie in, and each key has an hourly submission limit."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Open311Client, ServiceRequest
from .formats import Open311Error

# last_used_at is informative; writing it on every request would turn each submission into two writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)
RATE_WINDOW = timedelta(hours=1)


def client_for_key(raw: str | None) -> Open311Client:
    """The active client holding ``raw``; a missing, unknown or deactivated key is the same 403."""
    raw = (raw or "").strip()
    client = None
    if raw:
        client = Open311Client.objects.select_related("area").filter(digest=Open311Client.hash(raw)).first()
    if client is None or not client.is_active:
        raise Open311Error(403, _("api_key is missing or not valid."))
    now = timezone.now()
    stale = now - LAST_USED_RESOLUTION
    if client.last_used_at is None or client.last_used_at < stale:
        Open311Client.objects.filter(pk=client.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
        ).update(last_used_at=now)
    return client


def hourly_limit(client: Open311Client) -> int:
    limit = getattr(client, "rate_limit_per_hour", None)
    return limit if limit is not None else getattr(settings, "OPEN311_RATE_LIMIT_PER_HOUR", 100)


def check_rate(client: Open311Client) -> None:
    """Refuse a submission past the client's limit of the last hour. Counted from the requests themselves, so
    the limit holds across processes and restarts without a shared cache."""
    limit = hourly_limit(client)
    since = timezone.now() - RATE_WINDOW
    recent = ServiceRequest.objects.filter(open311_client=client, submitted_at__gte=since).count()
    if recent >= limit:
        raise Open311Error(
            429,
            _("Too many requests from this api_key: at most {limit} per hour. Try again later.").format(
                limit=limit
            ),
        )
