"""GeoReport v2 wire formats: the same data as JSON (the Spark convention) or as schemaless UTF-8 XML.

Responses are built from plain Python values: lists of dicts (``services``, ``service_requests``) or one dict
(``service_definition``). Lists of dicts become a root element holding one child element per item; nested lists
name their items by the table in ``ITEM_NAMES``. Errors are the spec's list of ``{code, description}``.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# The element name of one item of each list (by the list's element name).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """An error answered in the spec's format: HTTP ``status`` and a list of ``{code, description}``."""

    def __init__(self, status: int, description: str, *, code: int | None = None):
        super().__init__(description)
        self.status = status
        self.description = str(description)
        self.code = code if code is not None else status


def w3_datetime(value: datetime | None) -> str | None:
    """The w3 subset of ISO 8601 with the zone offset, in the platform's time zone (seconds precision)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3_datetime(value) or ""
    return str(value)


def _append(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ET.Element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, item_name, item)
    else:
        element.text = _text(value)


def to_xml(root_name: str, value) -> bytes:
    root = ET.Element(root_name)
    _fill(root, root_name, value)
    ET.indent(root)
    return (XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n").encode()


def _json_default(value):
    if isinstance(value, datetime):
        return w3_datetime(value)
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def to_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=_json_default).encode()


def render(fmt: str, root_name: str, value, *, status: int = 200) -> HttpResponse:
    """``value`` as ``fmt``; ``root_name`` names the XML root (JSON has no root: the list or object itself)."""
    body = to_xml(root_name, value) if fmt == XML else to_json(value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def render_error(fmt: str, error: Open311Error) -> HttpResponse:
    return render(
        fmt, "errors", [{"code": error.code, "description": error.description}], status=error.status
    )
