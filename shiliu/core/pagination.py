"""Keyset pagination: pages are found by the last row's sort value and id, never by OFFSET.

A cursor is opaque to users: URL-safe base64 of a small JSON object holding the sort key, the direction, the
boundary row's sort value and its id. Deep pages cost the same as the first one given an index on
(sort field, id). Null sort values are treated as the smallest values in both directions, so ascending lists
show them first and descending lists show them last; blank strings sort as ordinary strings.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q

FORWARD = "n"
BACKWARD = "p"


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None = None
    prev_cursor: str | None = None
    has_next: bool = False
    has_prev: bool = False
    page_size: int = 25
    sort: str = "-id"
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _resolve(model: type[models.Model], lookup: str) -> tuple[models.Field, bool]:
    """The model field at the end of ``lookup`` and whether any step of it can be NULL."""
    nullable = False
    current = model
    parts = lookup.split("__")
    target = None
    for index, part in enumerate(parts):
        target = current._meta.get_field(part)
        nullable = nullable or bool(getattr(target, "null", False))
        if target.is_relation and index < len(parts) - 1:
            current = target.related_model
    if target is None:
        raise FieldDoesNotExist(lookup)
    return target, nullable


def _row_value(row, lookup: str):
    value = row
    for part in lookup.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    if isinstance(value, models.Model):
        value = value.pk
    return value


def _dump(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def encode_cursor(*, sort: str, direction: str, value, pk) -> str:
    payload = json.dumps(
        {"k": sort, "d": direction, "v": _dump(value), "i": _dump(pk)}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict | None:
    """The cursor's content, or None for a missing or malformed cursor (which then means the first page)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("d") not in (FORWARD, BACKWARD) or "i" not in data:
        return None
    return data


def _after(lookup: str, value, pk, *, descending: bool, nullable: bool) -> Q:
    """Rows strictly after (value, pk) in the given direction, nulls counting as the smallest values."""
    pk_next = Q(pk__lt=pk) if descending else Q(pk__gt=pk)
    if lookup == "pk":
        return pk_next
    if value is None:
        tail = Q(**{f"{lookup}__isnull": True}) & pk_next
        return tail if descending else tail | Q(**{f"{lookup}__isnull": False})
    beyond = Q(**{f"{lookup}__lt" if descending else f"{lookup}__gt": value})
    # The redundant range bound lets the database start its index scan at the boundary instead of the top.
    bound = Q(**{f"{lookup}__lte" if descending else f"{lookup}__gte": value})
    cond = bound & (beyond | (Q(**{lookup: value}) & pk_next))
    if descending and nullable:
        cond |= Q(**{f"{lookup}__isnull": True})
    return cond


def _ordering(lookup: str, *, descending: bool, nullable: bool) -> list:
    if lookup == "pk":
        return ["-pk" if descending else "pk"]
    if nullable:
        expr = F(lookup).desc(nulls_last=True) if descending else F(lookup).asc(nulls_first=True)
    else:
        expr = F(lookup).desc() if descending else F(lookup).asc()
    return [expr, "-pk" if descending else "pk"]


def keyset_page(queryset: models.QuerySet, *, sort: str, cursor: str | None, page_size: int) -> KeysetPage:
    """One page of ``queryset`` ordered by ``sort`` (a field lookup, ``-`` for descending) with id as tiebreaker."""
    descending = sort.startswith("-")
    lookup = sort.lstrip("-")
    model = queryset.model
    if lookup in ("id", "pk", model._meta.pk.name):
        lookup, target, nullable = "pk", model._meta.pk, False
    else:
        target, nullable = _resolve(model, lookup)

    state = decode_cursor(cursor)
    if state is not None and state.get("k") != sort:
        state = None
    value = pk = None
    if state is not None:
        try:
            pk = model._meta.pk.to_python(state["i"])
            value = None if state.get("v") is None or lookup == "pk" else target.to_python(state["v"])
        except (ValidationError, TypeError, ValueError):
            state = None

    if state is None:
        rows = list(
            queryset.order_by(*_ordering(lookup, descending=descending, nullable=nullable))[: page_size + 1]
        )
        has_next, has_prev = len(rows) > page_size, False
        rows = rows[:page_size]
    elif state["d"] == FORWARD:
        qs = queryset.filter(_after(lookup, value, pk, descending=descending, nullable=nullable))
        rows = list(
            qs.order_by(*_ordering(lookup, descending=descending, nullable=nullable))[: page_size + 1]
        )
        has_next, has_prev = len(rows) > page_size, True
        rows = rows[:page_size]
    else:
        qs = queryset.filter(_after(lookup, value, pk, descending=not descending, nullable=nullable))
        rows = list(
            qs.order_by(*_ordering(lookup, descending=not descending, nullable=nullable))[: page_size + 1]
        )
        has_prev, has_next = len(rows) > page_size, True
        rows = rows[:page_size][::-1]
        if not has_prev and len(rows) < page_size:
            # Rows were added or removed since the cursor was made: show the first page in full.
            return keyset_page(queryset, sort=sort, cursor=None, page_size=page_size)

    if not rows and state is not None:
        return keyset_page(queryset, sort=sort, cursor=None, page_size=page_size)
    page = KeysetPage(rows=rows, has_next=has_next, has_prev=has_prev, page_size=page_size, sort=sort)
    if rows and has_next:
        last = rows[-1]
        page.next_cursor = encode_cursor(
            sort=sort,
            direction=FORWARD,
            value=None if lookup == "pk" else _row_value(last, lookup),
            pk=last.pk,
        )
    if rows and has_prev:
        first = rows[0]
        page.prev_cursor = encode_cursor(
            sort=sort,
            direction=BACKWARD,
            value=None if lookup == "pk" else _row_value(first, lookup),
            pk=first.pk,
        )
    return page


def capped_count(queryset: models.QuerySet, cap: int) -> tuple[int, bool]:
    """Count up to ``cap`` rows cheaply; returns (count, exact). Beyond the cap the exact figure is asked for
    separately, so that a list of a whole province stays fast while every smaller total is exact."""
    counted = queryset.order_by()[: cap + 1].count()
    return (cap, False) if counted > cap else (counted, True)
