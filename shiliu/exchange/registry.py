"""Sheets declared by the apps (``<app>/sheets.py``), by name. Filled in ExchangeConfig.ready()."""

from __future__ import annotations

from shiliu.core.errors import NotVisible

from .engine import Sheet

_SHEETS: dict[str, Sheet] = {}


def register(sheet_class: type[Sheet]) -> type[Sheet]:
    """Class decorator: ``@register`` on a Sheet subclass makes it available under ``sheet_class.name``."""
    sheet = sheet_class()
    if not sheet.name:
        raise ValueError(f"{sheet_class.__name__} has no name")
    _SHEETS[sheet.name] = sheet
    return sheet_class


def get_sheet(name: str) -> Sheet:
    """The declared sheet, or the same 404 as a missing object."""
    try:
        return _SHEETS[name]
    except KeyError:
        raise NotVisible() from None


def all_sheets() -> list[Sheet]:
    return list(_SHEETS.values())
