"""Hooks between the apps above plans that must not import each other.

risks and costs are siblings (``plans ← risks, costs``): neither imports the other. A risk
response action can become a line of a plan's cost budget (§4.3 → §4.4), so the two meet here,
on the plan they share:

* costs registers its maker from ``CostsConfig.ready()`` with :func:`register_cost_line_maker`
  (the function that drafts a budget line under the budget's own rules: permission to edit the
  plan's budget, content editable, audit) and the category and basis choices it accepts;
* risks calls :func:`cost_lines` to offer the choices and to draft the line, and keeps a generic
  link to what it got back. Without costs installed, :func:`cost_lines` answers ``None`` and
  risks says cost budgets are not available.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CostLineMaker:
    """``make(*, plan, actor, category, department, description, amount, basis, basis_note,
    request)`` drafts one budget line of ``plan`` and returns it (a model instance); it raises
    PermissionDenied, ValidationError (field names of the line) or Conflict like any service."""

    make: Callable
    categories: Sequence[tuple[str, str]]
    bases: Sequence[tuple[str, str]]


_cost_line_maker: CostLineMaker | None = None


def register_cost_line_maker(maker: CostLineMaker) -> None:
    global _cost_line_maker
    _cost_line_maker = maker


def cost_lines() -> CostLineMaker | None:
    return _cost_line_maker
