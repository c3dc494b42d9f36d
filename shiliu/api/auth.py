"""The two ways into the API: a personal token (``Authorization: Bearer sl_...``) or the browser session.

The token is tried first so that a script sending a token is never refused for a missing CSRF token just
because it also carries a session cookie.
"""

from datetime import timedelta
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from shiliu.accounts.models import ApiToken

TOKEN_PREFIX = "sl_"
# last_used_at is informative; writing it on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        api_token = (
            ApiToken.objects.select_related("user", "user__area").filter(digest=ApiToken.hash(token)).first()
        )
        if api_token is None or not api_token.is_valid or not api_token.user.is_active:
            return None
        now = timezone.now()
        stale = now - LAST_USED_RESOLUTION
        if api_token.last_used_at is None or api_token.last_used_at < stale:
            ApiToken.objects.filter(pk=api_token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
            ).update(last_used_at=now)
        # Code below the API (services, history) reads request.user.
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """Django's session, with CSRF enforced on unsafe methods (ninja's check, with a translatable message)."""

    def _get_key(self, request):
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("CSRF check failed. Reload the page and try again."))
        return request.COOKIES.get(self.param_name)


token_auth = ApiTokenAuth()
session_auth = SessionAuth(csrf=True)
AUTH = [token_auth, session_auth]


def docs_access(view):
    """The API documentation is for signed-in users: by session (the browser) or by token (scripts)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated or token_auth(request):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return wrapped
