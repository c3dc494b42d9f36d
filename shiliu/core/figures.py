"""A figure for dashboards and reports, with the records behind it (every figure is traceable)."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


class Figure:
    """``value`` is computed from ``records`` (or from their aggregate); ``url`` lists those records.

    ``records`` may be given as a zero-argument callable returning the queryset: the drill-down queryset of a
    breakdown is then only built when someone asks for it, which keeps a page of many figures cheap.
    """

    __slots__ = ("_records", "breakdown", "key", "label", "url", "value")

    def __init__(
        self,
        key: str,
        label: str,
        value: Any,
        records: QuerySet | Callable[[], QuerySet] | None = None,
        url: str = "",
        breakdown: dict | None = None,
    ):
        self.key = key
        self.label = label
        self.value = value
        self._records = records
        self.url = url
        self.breakdown = breakdown if breakdown is not None else {}

    @property
    def records(self) -> QuerySet | None:
        if callable(self._records):
            self._records = self._records()
        return self._records

    def __repr__(self):
        return f"Figure({self.key!r}, {self.value!r})"
