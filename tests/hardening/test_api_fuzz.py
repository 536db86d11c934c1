"""Property-based fuzzing of the whole REST API against its own OpenAPI schema.

Schemathesis loads ``/api/schema/`` from the WSGI application and, for every operation in it,
generates requests (valid and invalid) and sends them in-process to ``opsplan.wsgi.application``
with a DRF token. Every response must:

* never be a server error (no 5xx at all: ``not_a_server_error``),
* match the documented body schema (``response_schema_conformance``),
* have a documented content type (``content_type_conformance``),
* have a documented status code (``status_code_conformance``),
* and the same request without credentials, or with invalid ones, must not succeed
  (``ignored_auth``).

Each operation is one test item, run twice: as a privileged persona (the planning manager,
who is also a committee member) and as an unprivileged one (business-unit staff).

Data: the demo company (``seed_demo``) is loaded once for the module, inside a transaction that
is rolled back when the module ends; each test item runs in a savepoint rolled back after it, so
every operation meets the same realistic records whatever the fuzzer did before (ending the
persona's own membership, deactivating its account, ...). The application runs in-process in
the test's thread and therefore shares its database connection and sees the uncommitted data,
as with ``django.test.Client``. Path parameters are drawn half of the time from records that
exist, so that detail, action and transition endpoints are exercised beyond 404.

Knobs (environment): ``OPSPLAN_FUZZ_EXAMPLES`` (generated examples per operation and persona,
default 50; schemathesis' coverage cases come on top) and ``OPSPLAN_FUZZ_SEED`` (fixed by
default, so that a run is reproducible). One operation: ``-k "reviews and submit"`` (the node
ids contain the path, which pytest cannot take on its command line).

The schema is loaded eagerly at collection: ``schemathesis.pytest.from_fixture`` (lazy loading)
does not work with pytest 9.2 in schemathesis 4.32 (it reads ``Function._nodeid``, now gone).
"""

from __future__ import annotations

import io
import os
import traceback

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test.utils import override_settings
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from opsplan.wsgi import application

EXAMPLES = int(os.environ.get("OPSPLAN_FUZZ_EXAMPLES", "50"))
SEED = int(os.environ.get("OPSPLAN_FUZZ_SEED", "20260501"))
PASSWORD = "fuzz-password-2026"
PERSONAS = {
    "privileged": "planning.manager",  # planning department manager and committee member
    "unprivileged": "sales.staff1",  # staff of a business unit
}
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
    ignored_auth,
]
# Schemathesis' WSGI client sends `Host: localhost`.
HOSTS = ["localhost", "testserver"]

pytestmark = pytest.mark.django_db

# Loaded when the module is collected (no database is needed to serve the schema).
with override_settings(ALLOWED_HOSTS=HOSTS):
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, config=schemathesis.Config(seed=SEED)
    )

# operation path -> path parameter -> values naming existing records (filled after seeding)
EXISTING: dict[str, dict[str, list]] = {}


def _existing_values(path: str, names: list[str]) -> dict[str, list]:
    """For an operation's path parameters, the values that name existing records."""
    sample = path
    for name in names:
        sample = sample.replace("{" + name + "}", "1" if name == "id" else "x")
    try:
        view = getattr(resolve(sample).func, "cls", None)
    except Resolver404:
        return {}
    model = getattr(getattr(getattr(view, "serializer_class", None), "Meta", None), "model", None)
    if model is None:
        return {}
    lookup = getattr(view, "lookup_field", "pk")
    values = {}
    for name in names:
        field = "pk" if name == "id" and lookup == "pk" else lookup if name == lookup else None
        if field is None:
            continue
        found = list(model._default_manager.order_by("pk").values_list(field, flat=True)[:500])
        if found:
            values[name] = found
    return values


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # Runs at generation time, once the demo company exists.
    values = EXISTING.get(context.operation.path)
    if not values:
        return st.just(path_parameters)
    existing = st.fixed_dictionaries({n: st.sampled_from(v) for n, v in values.items()})
    return st.one_of(
        st.just(path_parameters),
        existing.map(lambda drawn: {**(path_parameters or {}), **drawn}),
    )


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo company, loaded once, rolled back when the module is done."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            VAR_DIR=tmp_path_factory.mktemp("fuzz-var"),  # seed_demo writes demo-logins.txt
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())
            tokens = {}
            for persona, username in PERSONAS.items():
                user = get_user_model().objects.get(username=username)
                tokens[persona] = Token.objects.get_or_create(user=user)[0].key
            for result in schema.get_all_operations():
                if not isinstance(result, Ok):
                    continue  # reported by its own failing test item
                operation = result.ok()
                names = [p.name for p in operation.path_parameters]
                if names:
                    EXISTING[operation.path] = _existing_values(operation.path, names)
            yield tokens
        finally:
            EXISTING.clear()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def in_process_app(settings):
    """Serve requests in the test's thread and transaction, as django.test.Client does."""
    settings.ALLOWED_HOSTS = HOSTS
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    got_request_exception.connect(record, weak=False, dispatch_uid="opsplan-api-fuzz")
    try:
        yield errors
    finally:
        got_request_exception.disconnect(dispatch_uid="opsplan-api-fuzz")
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@pytest.mark.parametrize("persona", sorted(PERSONAS))
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api(case, persona, demo_company, in_process_app):
    # Throttle counters live in the cache; a fuzz run is not a client to throttle.
    cache.clear()
    in_process_app.clear()
    try:
        case.call_and_validate(headers={"Authorization": f"Token {demo_company[persona]}"},
                               checks=CHECKS)
    except BaseException as exc:
        for trace in in_process_app:
            exc.add_note(f"\nServer-side traceback:\n{trace}")
        raise
