"""API lists page with the shared keyset paginator (``shiliu.core.pagination``), made strict for scripts.

The web lists forgive a stale or malformed cursor by showing the first page; a script following
``next_cursor`` in a loop must instead get an error or an empty last page, never page one again.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shiliu.core.errors import ApplicationError
from shiliu.core.pagination import FORWARD, KeysetPage, decode_cursor, keyset_page

MAX_PAGE_SIZE = 200


def check_sort(sort: str | None, *, allowed: tuple[str, ...]) -> str:
    """The list's first declared sort key is its default; anything undeclared is refused."""
    if not sort:
        return allowed[0]
    if sort not in allowed:
        raise ApplicationError(
            _("Unknown sort key {sort}; use one of: {allowed}.").format(
                sort=sort, allowed=", ".join(allowed)
            ),
            field="sort",
        )
    return sort


def api_page(queryset, *, sort: str, cursor: str | None, page_size: int) -> KeysetPage:
    state = None
    if cursor:
        state = decode_cursor(cursor)
        if state is None or state.get("k") != sort:
            raise ApplicationError(_("The cursor is not valid for this list."), field="cursor")
    page = keyset_page(queryset, sort=sort, cursor=cursor, page_size=max(1, min(page_size, MAX_PAGE_SIZE)))
    if state is not None and state["d"] == FORWARD and not page.has_prev:
        # The shared paginator fell back to the first page: nothing is left after the cursor.
        return KeysetPage(rows=[], has_prev=True, page_size=page.page_size, sort=sort)
    return page


def list_page(queryset, page, sorts: tuple[str, ...]) -> dict:
    """One page of a list endpoint (``page`` a ``PageParams``): the checked sort, the keyset page, the envelope."""
    from .schemas import page_response

    rows = api_page(
        queryset, sort=check_sort(page.sort, allowed=sorts), cursor=page.cursor, page_size=page.limit
    )
    return page_response(rows, count=queryset.count())
