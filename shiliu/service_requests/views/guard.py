"""Spam resistance for the public pages, without a captcha.

Four cheap checks, each defeating a different kind of robot: a honeypot field people never see (form fillers
type into every input), a signed render timestamp with a minimum fill time (scripts post instantly; a replayed
form goes stale), a per-address rate limit in the cache (floods), and suppression of the same text sent again
within a day (copy-paste spam and double submissions). Length limits are on the form fields.

The counters live in Django's cache. With the default local-memory cache each worker process counts on its own,
so the real limit is the setting times the number of workers; a shared cache (Redis, database) makes it exact.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from shiliu.core.views import client_ip

SALT = "service_requests.public_form"


def min_fill_seconds() -> int:
    return getattr(settings, "REQUESTS_PUBLIC_MIN_FILL_SECONDS", 4)


def max_form_age_seconds() -> int:
    return getattr(settings, "REQUESTS_PUBLIC_MAX_FORM_AGE_SECONDS", 6 * 3600)


def rate_limit() -> tuple[int, int]:
    """(submissions, window in seconds) allowed per address."""
    return (
        getattr(settings, "REQUESTS_PUBLIC_RATE_LIMIT", 5),
        getattr(settings, "REQUESTS_PUBLIC_RATE_WINDOW_SECONDS", 3600),
    )


def duplicate_window_seconds() -> int:
    return getattr(settings, "REQUESTS_PUBLIC_DUPLICATE_WINDOW_SECONDS", 24 * 3600)


def render_token() -> str:
    """A signed timestamp put in a hidden field when the form is rendered."""
    return signing.dumps({"t": time.time()}, salt=SALT)


def token_problem(token: str) -> str | None:
    """None if the form was rendered by us at least ``min_fill_seconds`` ago and not too long ago."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=max_form_age_seconds())
        rendered = float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "stale"
    if time.time() - rendered < min_fill_seconds():
        return "too_fast"
    return None


def _address_key(request, scope: str) -> str:
    ip = client_ip(request) or "unknown"
    return f"sr:rate:{scope}:{hashlib.sha256(ip.encode()).hexdigest()[:32]}"


def rate_exceeded(request, scope: str = "submit", limit: int | None = None) -> bool:
    """Whether this address has used up its submissions for the current window (does not count). ``limit``
    overrides the request form's setting (a quiz taken by a whole community hall behind one address)."""
    if limit is None:
        limit, _window = rate_limit()
    return (cache.get(_address_key(request, scope)) or 0) >= limit


def rate_count(request, scope: str = "submit", window: int | None = None) -> None:
    """Count one attempt from this address (``window`` in seconds overrides the request form's setting)."""
    if window is None:
        _limit, window = rate_limit()
    key = _address_key(request, scope)
    if cache.add(key, 1, window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def _text_key(text: str) -> str:
    normal = "".join((text or "").split()).lower()
    return "sr:dup:" + hashlib.sha256(normal.encode()).hexdigest()


def is_duplicate_text(text: str) -> bool:
    return cache.get(_text_key(text)) is not None


def remember_text(text: str) -> None:
    cache.set(_text_key(text), 1, duplicate_window_seconds())
