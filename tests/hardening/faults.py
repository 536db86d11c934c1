"""The worker-fault harness's registry: what each Celery task must survive.

Every task the Celery app knows (``opsplan.celery.app.tasks``) must appear here, or
``test_every_task_has_a_fault_scenario`` fails naming it. Apps declare their scenarios in
``tests/<app>/faults.py`` as ``SCENARIOS`` (a list) and ``EXEMPT`` (task name → reason); this
module discovers them, so a task added later joins the harness with a few lines in its own
app's tests and no change to the harness.

Two kinds of scenario:

``Killed``
    A long task run by a real worker (prefork, one child) that is SIGKILLed while the task is
    in the middle of its work, ``kills`` times: alternately only the pool child (the worker
    sees the child lost and, with ``acks_late`` + ``reject_on_worker_lost``, requeues at once)
    and the whole worker with its pool (the message stays unacknowledged in Redis and is
    delivered to the restarted worker once the visibility timeout has passed). The task must
    then finish and ``check`` finds no missing and no duplicated rows.

``Redelivered``
    A task delivered twice, as happens when a worker dies after the work committed but before
    the acknowledgement: the second run must leave the same state as the first (``state``
    returns what the task writes, compared after each run).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]


@dataclasses.dataclass
class Run:
    """What a scenario's ``prepare`` returns: the task's arguments and the check to make."""

    args: list = dataclasses.field(default_factory=list)
    kwargs: dict = dataclasses.field(default_factory=dict)
    check: Callable[[], None] = lambda: None
    state: Callable[[], Any] = lambda: None


@dataclasses.dataclass
class Killed:
    task: str
    prepare: Callable[[Any], Run]  # receives pytest's ``request`` (for fixtures)
    kills: int = 4
    description: str = ""

    @property
    def id(self):
        return f"killed:{self.task}"


@dataclasses.dataclass
class Redelivered:
    task: str
    prepare: Callable[[Any], Run]
    description: str = ""

    @property
    def id(self):
        return f"redelivered:{self.task}"


def discover() -> tuple[list, dict[str, str]]:
    """Every app's ``tests/<app>/faults.py``: (scenarios, exemptions)."""
    scenarios: list = []
    exempt: dict[str, str] = {}
    for path in sorted(TESTS.glob("*/faults.py")):
        if path.parent.name == "hardening":
            continue
        module = importlib.import_module(f"tests.{path.parent.name}.faults")
        scenarios += getattr(module, "SCENARIOS", [])
        exempt.update(getattr(module, "EXEMPT", {}))
    return scenarios, exempt


def celery_app():
    """The project's Celery app with every app's tasks module imported."""
    from opsplan.celery import app

    app.loader.import_default_modules()
    app.autodiscover_tasks(force=True)
    return app


def registered_tasks() -> set[str]:
    return {name for name in celery_app().tasks if not name.startswith("celery.")}
