"""Re-create the seeded defaults (categories, deadline rules) where a flushed test database lost them."""

from .choices import DEFAULT_CATEGORIES, DEFAULT_DEADLINE_RULES


def defaults_ensure() -> None:
    from .models import DeadlineRule, RequestCategory

    by_code = {}
    for code, name, sort in DEFAULT_CATEGORIES:
        by_code[code], _ = RequestCategory.objects.get_or_create(
            code=code, defaults={"name": name, "sort": sort}
        )
    for code, priority, step, amount, unit, remind in DEFAULT_DEADLINE_RULES:
        DeadlineRule.objects.get_or_create(
            category=by_code[code] if code else None, priority=priority, step=step,
            defaults={"amount": amount, "unit": unit, "remind_before_hours": remind},
        )  # fmt: skip
