"""Cross-cutting request rules that every view must obey, whoever wrote it."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

EXEMPT_URL_NAMES = ("accounts:password_change", "accounts:logout", "accounts:login")
EXEMPT_PREFIXES = ("/static/", "/i18n/")


class PasswordChangeRequiredMiddleware:
    """A user flagged ``must_change_password`` reaches nothing but the password change page (and logout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
            if request.path not in exempt and not request.path.startswith(EXEMPT_PREFIXES):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Change your password before using the platform.")}, status=403
                    )
                return redirect("accounts:password_change")
        return self.get_response(request)
