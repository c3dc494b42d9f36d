"""Role-based navigation. Apps register entries here through their AppConfig.ready()."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from shiliu.core.scope import scope_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = ""
    roles: frozenset | None = None  # None: every signed-in role
    group: str = ""
    order: int = 100
    children: tuple = field(default_factory=tuple)


_REGISTRY: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _REGISTRY:
            _REGISTRY.append(item)


def menu_for(request) -> list[dict]:
    scope = scope_of(request.user)
    role = scope.role
    menu = []
    for item in sorted(_REGISTRY, key=lambda i: (i.order, str(i.label))):
        if item.roles is not None and role not in item.roles and not scope.unrestricted:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        menu.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
    # Only the entry whose URL is the longest prefix of the current path is active: "/requests/" must not light
    # up beside "/requests/visits/".
    matches = [entry for entry in menu if entry["url"] != "/" and request.path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return menu
