"""Shapes shared by every router: errors and the envelope of a paginated list."""

from django.conf import settings
from ninja import Field, Schema

from .pagination import MAX_PAGE_SIZE


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class PageParams(Schema):
    cursor: str | None = Field(None, description="The next_cursor of the previous page.")
    limit: int = Field(settings.LIST_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    sort: str | None = None


# Error responses every endpoint may give; listed so that the OpenAPI document shows them.
LIST_ERRORS = {400: ErrorOut, 401: ErrorOut}
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def page_response(page, *, count: int) -> dict:
    return {
        "count": count,
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
        "items": page.rows,
    }
