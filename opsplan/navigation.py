"""The navigation bar: entries register here, each guarded by a permission.

Apps add their entries from their ``AppConfig.ready`` so the base layout never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str
    permission: str | None = None
    order: int = 100


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(user) -> list[NavItem]:
    return [
        item for item in sorted(_items.values(), key=lambda i: (i.order, i.key))
        if item.permission is None or user.has_perm(item.permission)
    ]
