"""Demo data plumbing: each app contributes a ``<app>/demo.py`` with ``ORDER`` and ``seed(ctx)``.

``seed_demo`` runs them in order inside one transaction. Seeders must be idempotent: look up by
natural key, create what is missing, change nothing a person edited since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass
class DemoContext:
    password: str
    created_logins: list[tuple[str, str]] = field(default_factory=list)  # (username, role)
    tokens: list[tuple[str, str]] = field(default_factory=list)  # (username, token)
    counts: dict[str, int] = field(default_factory=dict)
    shared: dict = field(default_factory=dict)  # what one seeder hands the next


def seeders():
    found = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if module.__name__ != __name__:
            found.append(module)
    return sorted(found, key=lambda m: m.ORDER)
