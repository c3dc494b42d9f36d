"""JSON endpoints of creation (read through the selectors, hence the scope engine)."""

from ninja import Router

router = Router(tags=["creation"])
