"""Shapes shared by every router: errors and the envelope of a paginated list."""

from django.conf import settings
from django.utils.functional import Promise
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


class FigureOut(Schema):
    """A dashboard figure: its value and the web list of the records behind it (every figure is traceable)."""

    key: str
    label: str
    value: float | int | None
    url: str = Field("", description="The web page listing the records this figure counts.")
    breakdown: dict[str, float | int | str | None] = Field(
        default_factory=dict, description="Parts of the figure by code (e.g. by type), or a rate's formula."
    )


def figure_out(figure) -> dict:
    """A ``core.figures.Figure`` as ``FigureOut``: nested Figures in the breakdown become their values."""
    breakdown = {}
    for key, part in (figure.breakdown or {}).items():
        value = getattr(part, "value", part)
        if isinstance(value, Promise):  # a lazily translated text, such as a rate's formula
            value = str(value)
        breakdown[str(key)] = value if isinstance(value, int | float | str | type(None)) else float(value)
    value = figure.value
    if value is not None and not isinstance(value, int | float):
        value = float(value)
    return {"key": figure.key, "label": str(figure.label), "value": value, "url": figure.url,
            "breakdown": breakdown}  # fmt: skip
