"""Helpers shared by the sheets of areas, units and statistics."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from shiliu.core.scope import scope_of
from shiliu.exchange.engine import (
    Report,
    Row,
    Sheet,
)

from ..models import Area

CHUNK = 5000  # parameters per IN (...) query; SQLite allows 32,766


def chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def areas_by_code(codes: Iterable[str]) -> dict[str, Area]:
    found: dict[str, Area] = {}
    for part in chunks({c for c in codes if c}):
        found.update({a.code: a for a in Area.objects.filter(code__in=part)})
    return found


def scope_label(actor) -> str:
    scope = scope_of(actor)
    area = getattr(actor, "area", None)
    if scope.unrestricted or area is None:
        return ""
    return f"{area.name}（{area.code}）"


def out_of_scope_message(actor, code: str) -> str:
    return _("The area {code} is outside your scope; you can only import records within {scope}.").format(
        code=code, scope=scope_label(actor) or _("your own area")
    )


def sorted_queryset(qs, filters, allowed: Iterable[str]):
    sort = (filters or {}).get("sort")
    if sort in allowed:
        return qs.order_by(sort, "-id" if sort.startswith("-") else "id")
    return qs


CHANGE_SAMPLE = 200


def sample_change(report: Report, row: Row, label: str, changed: list[tuple], sheet: Sheet) -> None:
    if len(report.changes) >= CHANGE_SAMPLE:
        return
    report.changes.append(
        {
            "row": row.number,
            "record": label,
            "fields": [
                {"column": sheet.header_of(key), "old": str(old or ""), "new": str(new or "")}
                for key, old, new in changed
            ],
        }
    )
