"""Dashboards: one page (and one API answer) per audience, assembled from panels.

The plumbing knows no app. Each app contributes panels to a dashboard from a module
``<app>/panels/<dashboard>.py`` that calls :func:`register`; the modules are discovered on first
use, so imports keep flowing downwards (an app only reads its own data and lower apps').

A panel's ``data(request, scope)`` returns plain, JSON-ready values (str, int, Decimal, dates,
lazy strings, lists and dicts of those, URLs included). The page renders them with the panel's
template and the API returns the very same values, so both show one truth under one rule.
Each ``data`` keeps its query count fixed whatever the data size (tests assert it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class Dashboard:
    key: str
    title: Any  # lazy translation
    description: Any
    permission: str  # a `rules` permission, checked with user.has_perm(permission)
    # Optional: the scope a dashboard shows, chosen from the request (e.g. the business unit of
    # the desk). Returns None when the person has nothing in scope (the page says what to do).
    scope: Callable[[Any], Any] | None = None
    order: int = 100


@dataclass(frozen=True)
class Panel:
    dashboard: str
    key: str
    title: Any
    template: str
    data: Callable[[Any, Any], dict]
    order: int = 100
    permission: str | None = None  # extra permission for this panel alone
    wide: bool = False  # spans the full width of the grid
    extra: dict = field(default_factory=dict)


DASHBOARDS: dict[str, Dashboard] = {}
_panels: dict[tuple[str, str], Panel] = {}


def define(dashboard: Dashboard) -> Dashboard:
    DASHBOARDS[dashboard.key] = dashboard
    return dashboard


def register(panel: Panel) -> Panel:
    _panels[(panel.dashboard, panel.key)] = panel
    return panel


@cache
def discover() -> None:
    """Import every installed app's ``panels`` package, then its module per dashboard (once).

    A package's ``__init__`` may :func:`define` dashboards (``committee.panels`` defines them,
    as the roles they are for live there); every app may then add panels to any of them.
    """
    packages = []
    for config in apps.get_app_configs():
        try:
            packages.append(importlib.import_module(f"{config.name}.panels"))
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.panels":
                raise
    for package in packages:
        for key in list(DASHBOARDS):
            try:
                importlib.import_module(f"{package.__name__}.{key}")
            except ModuleNotFoundError as missing:
                if missing.name != f"{package.__name__}.{key}":
                    raise


def dashboards_for(user) -> list[Dashboard]:
    discover()
    return [d for d in sorted(DASHBOARDS.values(), key=lambda d: (d.order, d.key))
            if user.has_perm(d.permission)]


def panels_for(dashboard: Dashboard, user) -> list[Panel]:
    discover()
    found = [p for p in _panels.values() if p.dashboard == dashboard.key
             and (p.permission is None or user.has_perm(p.permission))]
    return sorted(found, key=lambda p: (p.order, p.key))


def build(dashboard: Dashboard, request) -> tuple[Any, list[tuple[Panel, dict]]]:
    """The scope and each visible panel with its data, for the page and the API alike."""
    scope = dashboard.scope(request) if dashboard.scope else None
    if dashboard.scope and scope is None:
        return None, []
    return scope, [(panel, panel.data(request, scope))
                   for panel in panels_for(dashboard, request.user)]

