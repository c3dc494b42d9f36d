"""A figure for dashboards and reports, with the records behind it (every figure is traceable)."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet


@dataclass
class Figure:
    """``value`` is computed from ``records`` (or from their aggregate); ``url`` lists those records."""

    key: str
    label: str
    value: Any
    records: QuerySet | None = None
    url: str = ""
    breakdown: dict = field(default_factory=dict)
