"""One application error type, mapped once to form errors (views) and to JSON errors (API)."""

from django.http import Http404


class ApplicationError(Exception):
    """A business rule refused the operation; ``message`` is shown to the user as is."""

    def __init__(
        self, message, *, field: str | None = None, code: str = "invalid", extra: dict | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code
        self.extra = extra or {}


class NotVisible(Http404):
    """Raised for objects that do not exist *or* lie outside the user's scope; both look the same."""
