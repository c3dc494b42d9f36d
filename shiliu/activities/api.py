"""JSON endpoints of activities (read through the selectors, hence the scope engine)."""

from ninja import Router

router = Router(tags=["activities"])
