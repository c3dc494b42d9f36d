"""Exception handlers, registered once on the NinjaAPI: every endpoint answers errors the same way."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError

from shiliu.core.errors import ApplicationError


def register_exception_handlers(api) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return api.create_response(request, {"detail": str(exc.message), "field": exc.field}, status=400)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        # Missing and out-of-scope objects (NotVisible) look the same.
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return api.create_response(
            request, {"detail": _("You do not have permission to perform this action.")}, status=403
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = api.create_response(
            request, {"detail": _("Authentication credentials were missing or not valid.")}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
