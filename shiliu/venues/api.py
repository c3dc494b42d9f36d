"""JSON endpoints of venues (read through the selectors, hence the scope engine)."""

from ninja import Router

router = Router(tags=["venues"])
