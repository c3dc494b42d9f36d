"""A figure for dashboards and reports, with the records behind it (every figure is traceable)."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet


class Figure:
    """``value`` is computed from ``records`` (or from their aggregate); ``url`` lists those records.

    ``records`` and ``url`` may be given as zero-argument callables: the drill-down queryset and its link are then
    only built when someone asks for them, which keeps a call that computes many figures cheap.
    """

    __slots__ = ("_records", "_url", "breakdown", "key", "label", "value")

    def __init__(
        self,
        key: str,
        label: str,
        value: Any,
        records: QuerySet | Callable[[], QuerySet] | None = None,
        url: str | Callable[[], str] = "",
        breakdown: dict | None = None,
    ):
        self.key = key
        self.label = label
        self.value = value
        self._records = records
        self._url = url
        self.breakdown = breakdown if breakdown is not None else {}

    @property
    def records(self) -> QuerySet | None:
        if callable(self._records):
            self._records = self._records()
        return self._records

    @property
    def url(self) -> str:
        if callable(self._url):
            self._url = self._url()
        return self._url

    def __repr__(self):
        return f"Figure({self.key!r}, {self.value!r})"
