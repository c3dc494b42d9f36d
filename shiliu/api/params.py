"""Query parameters of the list and figure endpoints, shared by every router."""

from __future__ import annotations

import datetime
from enum import Enum

from django.utils.translation import gettext as _
from ninja import Field, Schema

from shiliu.core.errors import ApplicationError


def query_filters(params: Schema, *, false_as: str = "0") -> dict[str, str]:
    """Typed query parameters back to the string mapping the selectors share with the web filters (booleans as
    "1" / ``false_as``, enums by value, dates ISO; empty values left out)."""
    out = {}
    for key, value in params.dict(exclude_none=True).items():
        if isinstance(value, bool):
            value = "1" if value else false_as
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if value != "":
            out[key] = str(value)
    return out


def check_period(start: datetime.date | None, end: datetime.date | None, *, field: str = "start") -> None:
    """A period's start must not lie after its end (400 naming ``field``)."""
    if start and end and start > end:
        raise ApplicationError(_("The start must not be after the end."), field=field)


class PeriodParams(Schema):
    """The query of a figures endpoint: an area subtree and a period (each optional)."""

    area: int | None = Field(None, description="Only this area and below (default: the caller's scope).")
    start: datetime.date | None = Field(None, description="First day of the period.")
    end: datetime.date | None = Field(None, description="Last day of the period.")
