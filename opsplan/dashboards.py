"""Dashboards: one page (and one API answer) per audience, assembled from panels.

The plumbing knows no app. Each app contributes panels to a dashboard from a module
``<app>/panels/<dashboard>.py`` that calls :func:`register`; the modules are discovered on first
use, so imports keep flowing downwards (an app only reads its own data and lower apps').

A panel's ``data(request, scope)`` returns plain, JSON-ready values (str, int, Decimal, dates,
lazy strings, lists and dicts of those, URLs included). The page renders them with the panel's
template and the API returns the very same values, so both show one truth under one rule.
Each ``data`` keeps its query count fixed whatever the data size (tests assert it).

Panel data is cached per person, language, time zone and scope for
``OPSPLAN_DASHBOARD_CACHE_SECONDS`` (60 by default; 0 turns it off). Every audited change
(any service's write goes through ``opsplan.audit.record``) and every rollup run call
:func:`changed`, which starts a new generation of keys: a dashboard never shows data older
than the last recorded change, and at most the time-to-live older than unaudited background
work. Rendered panels and whole dashboard pages (:func:`cached_page`) are cached too, under the
same generations plus the person's unread-notification count. Cached HTML never holds a
request's secrets: its CSRF tokens and CSP nonce are stored as marks and filled in afresh for
each request that serves it (:func:`storable`, :func:`servable`), so a token always belongs to
the requester's current CSRF secret and stays masked anew per response. A page with flash
messages waiting is rendered, never served from the cache (the messages must be shown once).
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.safestring import mark_safe


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
    cache: bool = True  # False: always computed (data depending on more than person + scope)
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


GENERATION_KEY = "dashboards:generation"


def changed() -> None:
    """Something the dashboards show changed: later requests compute their panels afresh."""
    from opsplan.cache import new_generation

    new_generation(GENERATION_KEY)


def read_ahead_keys(user_id: str) -> list[str]:
    """The generation, read with the other small keys of a signed-in request."""
    return [GENERATION_KEY]


def generation() -> int:
    """The dashboards' current generation (read once per request, see opsplan.cache.read)."""
    from opsplan import cache

    return cache.generation(GENERATION_KEY)


def _ttl() -> int:
    return int(getattr(settings, "OPSPLAN_DASHBOARD_CACHE_SECONDS", 60))


def _key(panel: Panel, request, scope, generation) -> str:
    from django.utils import timezone, translation

    return ":".join(str(part) for part in (
        "dashboards", generation, panel.dashboard, panel.key, request.user.pk,
        translation.get_language(), timezone.get_current_timezone_name(),
        getattr(scope, "pk", scope)))


# --- cached HTML: a request's CSRF tokens and CSP nonce are marks, filled in when served ------

_CSRF_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")'
                         r'[A-Za-z0-9]{64}(")')
# NUL cannot come from people: Django's and DRF's character fields refuse it.
CSRF_MARK = "\x00csrf-token\x00"
NONCE_MARK = "\x00csp-nonce\x00"


def storable(html: str, request) -> str:
    """``html`` as rendered for ``request``, fit for the shared cache: its CSRF tokens and the
    request's CSP nonce (when rendering used it) replaced by marks."""
    from django.middleware.csp import get_nonce
    from django.utils.functional import empty

    html = _CSRF_TOKEN.sub(lambda m: f"{m.group(1)}{CSRF_MARK}{m.group(2)}", html)
    nonce = get_nonce(request)
    if nonce is not None and getattr(nonce, "_wrapped", empty) is not empty:
        html = html.replace(f'nonce="{nonce}"', f'nonce="{NONCE_MARK}"')
    return html


def servable(html: str, request) -> str:
    """Cached ``html`` (see :func:`storable`) with this request's CSRF token and CSP nonce."""
    if CSRF_MARK in html:
        from django.middleware.csrf import get_token

        html = html.replace(CSRF_MARK, get_token(request))
    if NONCE_MARK in html:
        from django.middleware.csp import get_nonce

        html = html.replace(NONCE_MARK, str(get_nonce(request)))
    return html


def _has_messages(request) -> bool:
    from django.contrib.messages import get_messages

    return bool(len(get_messages(request)))  # counts without marking them shown


def cached_page(request, render: Callable[[], Any]):
    """A dashboard page (``render()`` makes it) served from the cache while nothing it shows
    can have changed: per person, language, time zone, full path (scope choice included),
    generation of recorded changes and unread-notification count (the top bar shows it).

    The caller checks the permission first, on every request: the cache never decides who may
    see a page. Only GET and HEAD are cached; pages with flash messages waiting are always
    rendered.
    """
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.utils import timezone, translation

    from opsplan.notifications import unread_count

    ttl = _ttl()
    if ttl <= 0 or request.method not in ("GET", "HEAD") or _has_messages(request):
        return render()
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:24]
    key = ":".join(str(part) for part in (
        "dashboards:page", generation(), request.user.pk,
        translation.get_language(), timezone.get_current_timezone_name(),
        unread_count(request), path))
    html = cache.get(key)
    if html is not None:
        return HttpResponse(servable(html, request))
    response = render()
    if response.status_code == 200 and not response.streaming:
        cache.set(key, storable(response.content.decode(response.charset), request), ttl)
    return response


def render_panels(dashboard: Dashboard, request) -> tuple[Any, list[tuple[Panel, Any, str]]]:
    """The scope and each visible panel with its data and its HTML, cached like the data (the
    page). The data is None when the HTML came from the cache."""
    from django.core.cache import cache
    from django.template.loader import render_to_string

    def render(panel, data, scope):
        return render_to_string(panel.template, {"data": data, "scope": scope,
                                                 "panel": panel}, request=request)

    ttl = _ttl()
    if ttl <= 0:
        scope, built = build(dashboard, request)
        return scope, [(panel, data, render(panel, data, scope)) for panel, data in built]
    scope = dashboard.scope(request) if dashboard.scope else None
    if dashboard.scope and scope is None:
        return None, []
    panels = panels_for(dashboard, request.user)
    current = generation()
    keys = {panel.key: f"{_key(panel, request, scope, current)}:html"
            for panel in panels if panel.cache}
    found = cache.get_many(list(keys.values())) if keys else {}
    missing = [panel for panel in panels if keys.get(panel.key) not in found]
    data = dict(_data_of(missing, request, scope, current, ttl)) if missing else {}
    result, fresh = [], {}
    for panel in panels:
        key = keys.get(panel.key)
        if key in found:
            # our own template's output, cached; only an alphanumeric token and nonce go in
            html = mark_safe(servable(found[key], request))  # noqa: S308
            result.append((panel, None, html))
            continue
        html = render(panel, data[panel.key], scope)
        if key is not None:
            fresh[key] = storable(html, request)
        result.append((panel, data[panel.key], html))
    if fresh:
        cache.set_many(fresh, ttl)
    return scope, result


def _data_of(panels, request, scope, generation, ttl):
    """(panel key, data) for these panels, from the cache or computed (and then cached)."""
    from django.core.cache import cache

    keys = {panel.key: _key(panel, request, scope, generation)
            for panel in panels if panel.cache}
    found = cache.get_many(list(keys.values())) if keys else {}
    fresh = {}
    for panel in panels:
        key = keys.get(panel.key)
        if key in found:
            yield panel.key, found[key]
            continue
        data = panel.data(request, scope)
        if key is not None:
            fresh[key] = data
        yield panel.key, data
    if fresh:
        cache.set_many(fresh, ttl)


def build(dashboard: Dashboard, request) -> tuple[Any, list[tuple[Panel, dict]]]:
    """The scope and each visible panel with its data, for the page and the API alike."""

    scope = dashboard.scope(request) if dashboard.scope else None
    if dashboard.scope and scope is None:
        return None, []
    panels = panels_for(dashboard, request.user)
    ttl = _ttl()
    if ttl <= 0:
        return scope, [(panel, panel.data(request, scope)) for panel in panels]
    data = dict(_data_of(panels, request, scope, generation(), ttl))
    return scope, [(panel, data[panel.key]) for panel in panels]

