"""Typed access to environment variables.

Every reader names the variable in its error, so a bad or missing value stops start-up with a
message that says exactly what to fix.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_MISSING = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads settings from a mapping (``os.environ`` by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self.environ = os.environ if environ is None else environ

    def _parse(self, name: str, default: object, parse: Callable[[str], T], kind: str) -> T:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":  # an empty value counts as unset
            if default is _MISSING:
                raise ImproperlyConfigured(f"{name} is required but not set.")
            return default  # defaults are written already typed
        try:
            return parse(raw.strip())
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(f"{name} must be {kind}, got {raw!r}.") from exc

    def str(self, name: str, default: object = _MISSING) -> str:
        return self._parse(name, default, str, "a string")

    def bool(self, name: str, default: object = _MISSING) -> bool:
        def parse(value: str) -> bool:
            lowered = value.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(value)

        return self._parse(name, default, parse, "a boolean (1/0, true/false, yes/no, on/off)")

    def int(self, name: str, default: object = _MISSING) -> int:
        return self._parse(name, default, int, "an integer")

    def list(self, name: str, default: object = _MISSING) -> list[str]:
        def parse(value: str) -> list[str]:
            return [item.strip() for item in value.split(",") if item.strip()]

        return self._parse(name, default, parse, "a comma-separated list")

    def url(self, name: str, default: object = _MISSING, schemes: tuple[str, ...] = ()) -> str:
        def parse(value: str) -> str:
            scheme, sep, _rest = value.partition("://")
            if not sep or not scheme or (schemes and scheme not in schemes):
                raise ValueError(value)
            return value

        kind = "a URL" + (f" with scheme {' or '.join(schemes)}" if schemes else "")
        return self._parse(name, default, parse, kind)
