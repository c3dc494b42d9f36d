"""Small lookups for the quiz templates."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None; dict keys may be ints or strings such as ``q12``."""
    if not mapping:
        return None
    return mapping.get(key, mapping.get(f"q{key}"))


@register.filter
def get_list(mapping, key):
    return (mapping or {}).get(key) or []
