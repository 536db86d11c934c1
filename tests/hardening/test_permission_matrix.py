"""A generated permission matrix over every route of the URL conf (NetBox style).

Design
------
* ``test_every_route_has_a_rule`` walks ``get_resolver()`` and collects every named route
  (``namespace:name``). Each one must be in ``RULES`` or in ``EXCLUDED`` (a short, justified
  list). A new endpoint without a rule fails CI with a message saying where to add it; a rule
  for a route that no longer exists fails too, and so does an API method (a DRF ``actions``
  entry, e.g. a new ``DELETE``) that no ``Case`` of its route exercises.
* ``RULES`` maps a route name to its ``Case``\\s: one per HTTP method (plus a few variants
  on other sample objects). A case names the URL kwargs, the body, and the expected rule:
  a permission evaluated as ``user.has_perm(perm, obj)``, a callable ``(user, samples) ->
  bool``, or ``SCOPED`` (a list: open to everyone signed in, its content scoped by the
  selectors). ``hidden=`` makes a refusal a 404 when the user may not even see the object
  (plans of another unit, committee-only indicators, someone else's upload).
* ``test_matrix`` is one test per cell: persona x route x method (x variant). The expected
  answer is computed from the rules *before* the request:
    - anonymous: 302 to the login page (HTML) or 401 (API);
    - hidden (the user fails ``hidden``): ``hidden_status`` (404 unless the case says why not);
    - allowed: not 401/403/404/405/5xx and not a redirect to the login page (2xx, 3xx, or a
      400/409 validation or state answer all count as allowed);
    - refused: ``denied_status`` (403 unless the case says why not).
  Refused and anonymous writes must also leave the data exactly as it was (a fingerprint of
  every row of the project's apps, taken before and after).
* The world (personas, plans at four stages, indicators, measurements, a decision, an upload)
  is built once per module inside an outer transaction that is rolled back at the end; each
  cell runs in pytest-django's savepoint and is rolled back after it, so every cell meets the
  same world whatever the previous one did. Samples are re-read from the database on each
  access, and users are fresh objects per cell (role caches live on user objects).
* ``test_mass_assignment_*``: protected fields sent to the API's create/update endpoints are
  ignored or refused, and another department or plan the user may not use is refused.
* ``test_csrf_*``: every HTML route accepting POST (and the excluded auth/language routes)
  refuses a POST without a CSRF token with Django's CSRF 403 and changes nothing; the same for
  the API's unsafe methods under session authentication.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from committee.choices import DepartmentKind, Position, SeatRole
from committee.models import CommitteeSeat, Decision, Department, Membership
from kpis.models import DeviationSignal, ImportBatch, Indicator, Measurement, Rollup, Target
from plans import services as plan_services
from plans.choices import PlanLevel
from plans.models import ActionItem, Competitor, Plan, Resource
from tests.factories import (
    PASSWORD,
    CommitteeFactory,
    DepartmentFactory,
    MembershipFactory,
    PlanningDepartmentFactory,
    SeatFactory,
    UserFactory,
)
from tests.plans import builders

User = get_user_model()
TODAY = dt.date.today().isoformat()
TASKS_SESSION_KEY = "opsplan_tasks"  # opsplan.progress._KEY

PERSONAS = ("anonymous", "outsider", "unit_staff", "unit_head", "author", "planning_manager",
            "reviewer", "committee_member", "chair", "auditor", "integration")

# --- routes deliberately outside the matrix ----------------------------------------------------

EXCLUDED_NAMESPACES = {
    "admin": "Django admin: guarded by AdminSite (is_staff + model permissions for superusers "
             "and staff), not by the rules predicates; not an interface of the personas.",
}
EXCLUDED = {
    "api-schema": "OpenAPI schema: public documentation of the endpoints by design, holds no "
                  "data; every operation in it is fuzzed by test_api_fuzz.",
    "api-docs": "Swagger UI shell (static HTML that loads api-schema).",
    "set_language": "The language switch must work signed out (the login page offers it); it "
                    "only sets a cookie and the caller's own preference. CSRF-checked below.",
    "healthz": "Liveness probe for the load balancer, unauthenticated by design; answers only "
               "reachability of the database and broker.",
    "login": "Must be reachable signed out. CSRF-checked below.",
    "logout": "Ends the caller's own session only. CSRF-checked below.",
    "password_change": "Django's view, login_required, acts only on the caller's own account "
                       "(no object to authorise). CSRF-checked below.",
    "password_change_done": "Static confirmation page of the caller's own password change.",
}


def _excluded(name: str) -> bool:
    return name in EXCLUDED or name.split(":", 1)[0] in EXCLUDED_NAMESPACES


def _is_static_serve(pattern: URLPattern) -> bool:
    # django.conf.urls.static.static(): unnamed, only with DEBUG, serves MEDIA_ROOT files.
    return getattr(pattern.callback, "__module__", "") == "django.views.static"


def url_conf() -> tuple[dict[str, list[URLPattern]], list[str]]:
    """Every named route (``namespace:name``) with its patterns, and the unnamed ones."""
    named: dict[str, list[URLPattern]] = {}
    unnamed: list[str] = []

    def walk(resolver, namespace, prefix):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                if inner.split(":", 1)[0] in EXCLUDED_NAMESPACES:
                    continue
                walk(entry, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                if entry.name is None:
                    if not _is_static_serve(entry):
                        unnamed.append(prefix + str(entry.pattern))
                    continue
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                named.setdefault(name, []).append(entry)

    walk(get_resolver(), "", "")
    return named, unnamed


def declared_api_methods(patterns: list[URLPattern]) -> set[str]:
    """The HTTP methods a DRF route answers (its router ``actions`` or its APIView's
    handlers), without the ones every view has (OPTIONS, HEAD)."""
    methods: set[str] = set()
    for pattern in patterns:
        actions = getattr(pattern.callback, "actions", None)
        if actions:
            # DRF adds 'head' to the shared dict on the first GET: implied, like OPTIONS
            methods |= {m.upper() for m in actions if m not in ("options", "head")}
            continue
        cls = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class",
                                                                 None)
        if cls is not None and hasattr(cls, "http_method_names"):
            methods |= {m.upper() for m in cls.http_method_names
                        if m not in ("options", "head", "trace") and hasattr(cls, m)}
    return methods


def is_api(name: str) -> bool:
    return name == "api-root" or name.split(":", 1)[0].endswith("-api")


# --- the world ---------------------------------------------------------------------------------

class Samples:
    """Named sample records, re-read from the database on every access (a cell may have
    changed them before its savepoint was rolled back); plain values as they are."""

    def __init__(self):
        self._refs: dict[str, tuple[type, Any]] = {}
        self._values: dict[str, Any] = {}

    def add(self, name, obj):
        self._refs[name] = (type(obj), obj.pk)

    def value(self, name, value):
        self._values[name] = value

    def pk(self, name):
        return self._refs[name][1]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._refs:
            model, pk = self._refs[name]
            return model._default_manager.get(pk=pk)
        if name in self._values:
            return self._values[name]
        raise AttributeError(name)

    def user(self, persona):
        if persona == "anonymous":
            return AnonymousUser()
        return User.objects.get(pk=self.pk(persona))


def _member(username, department, position):
    user = UserFactory(username=username)
    MembershipFactory(user=user, department=department, position=position)
    return user


def build_world() -> Samples:
    s = Samples()
    planning = PlanningDepartmentFactory()
    sales = DepartmentFactory(code="sales", name="Sales", kind=DepartmentKind.BUSINESS_UNIT)
    marketing = DepartmentFactory(code="marketing", name="Marketing",
                                  kind=DepartmentKind.BUSINESS_UNIT)
    audit = DepartmentFactory(code="audit", name="Internal Audit", kind=DepartmentKind.OTHER)
    north = DepartmentFactory(code="north", name="North region",
                              kind=DepartmentKind.BUSINESS_UNIT)
    committee = CommitteeFactory()
    for name, obj in (("planning", planning), ("sales", sales), ("marketing", marketing),
                      ("audit", audit), ("north", north), ("committee", committee)):
        s.add(name, obj)

    # the personas of tests/conftest.py, same departments and positions
    people = {
        "planning_manager": _member("manager", planning, Position.MANAGER),
        "author": _member("author", planning, Position.SPECIALIST),
        "reviewer": _member("reviewer", marketing, Position.HEAD),
        "unit_head": _member("unit_head", sales, Position.HEAD),
        "unit_staff": _member("unit_staff", sales, Position.STAFF),
        "auditor": _member("auditor", audit, Position.AUDITOR),
        "outsider": UserFactory(username="outsider"),
        "integration": _member("integration", sales, Position.INTEGRATION),
        "committee_member": UserFactory(username="member"),
        "chair": UserFactory(username="chair"),
    }
    SeatFactory(committee=committee, user=people["committee_member"], role=SeatRole.MEMBER)
    SeatFactory(committee=committee, user=people["chair"], role=SeatRole.CHAIR)
    Token.objects.create(user=people["integration"])
    for name, user in people.items():
        s.add(name, user)

    # records the organisation routes end or edit (nobody's persona)
    north_staff = _member("north_staff", north, Position.STAFF)
    s.add("north_staff", north_staff)
    s.add("north_membership", Membership.objects.get(user=north_staff))
    spare = UserFactory(username="spare_member")
    s.add("spare_seat", SeatFactory(committee=committee, user=spare, role=SeatRole.MEMBER))

    author, unit_head, unit_staff = people["author"], people["unit_head"], people["unit_staff"]
    # a company plan in needs analysis, by the planning specialist
    plan = builders.new_plan(author, title="Company plan")
    builders.add_goal(plan, author)
    s.add("plan", plan)
    # a sales unit plan in needs analysis, by the head of sales, with one of every part
    unit_plan = builders.new_plan(unit_head, title="Sales plan", level=PlanLevel.UNIT,
                                  department=sales)
    s.add("unit_plan", unit_plan)
    s.add("goal", builders.add_goal(unit_plan, unit_head))
    s.add("competitor", plan_services.part_save(plan=unit_plan, part=Competitor(),
                                                actor=unit_head, name="Rival"))
    s.add("resource", plan_services.part_save(plan=unit_plan, part=Resource(),
                                              actor=unit_head, kind="people"))
    s.add("action", plan_services.part_save(
        plan=unit_plan, part=ActionItem(), actor=unit_head, title="Visit clients",
        department=sales, person=unit_staff, deadline=unit_plan.period_start + dt.timedelta(30)))
    s.add("strategy", unit_plan.strategies.get(kind="product"))
    from django.core.files.base import ContentFile

    from plans.models import Attachment

    s.add("attachment", plan_services.part_save(
        plan=unit_plan, part=Attachment(), actor=unit_head, title="Market study",
        section="market", file=ContentFile(b"study", name="study.txt")))
    # a unit plan of another unit (north), in internal review by Marketing
    other = builders.in_review(people["planning_manager"], [marketing], sales, unit_staff,
                               title="North plan", level=PlanLevel.UNIT, department=north)
    s.add("other_unit_plan", other)
    s.add("review", other.reviews.get(department=marketing))
    # a company plan at the committee, with its open decision
    at_committee = builders.in_review(author, [marketing], sales, unit_staff,
                                      title="Committee plan")
    at_committee = builders.approve_reviews(at_committee, {marketing.pk: people["reviewer"]})
    at_committee = plan_services.plan_submit_to_committee(plan=at_committee, actor=author)
    s.add("plan_at_committee", at_committee)
    s.add("decision", Decision.objects.about(at_committee).get(state="open"))

    # Plans II: a company plan in execution, published, Sales' acknowledgement awaited; and
    # one in monitoring with a weekly report, an analysed deviation and a past adjustment
    def approved(title):
        plan = builders.in_review(author, [marketing], sales, unit_staff, title=title)
        plan = builders.approve_reviews(plan, {marketing.pk: people["reviewer"]})
        plan = plan_services.plan_submit_to_committee(plan=plan, actor=author)
        plan = builders.committee_approves(plan, people["chair"], people["committee_member"])
        return plan_services.plan_publish(plan=plan, actor=people["planning_manager"])

    executing = approved("Executing plan")
    s.add("executing_plan", executing)
    s.add("pending_ack", executing.acknowledgements.get())
    running = approved("Running plan")
    plan_services.acknowledgement_confirm(acknowledgement=running.acknowledgements.get(),
                                          actor=unit_head)
    running = Plan.objects.get(pk=running.pk)
    s.add("running_plan", running)
    s.add("running_action", running.actions.get())
    s.add("report", plan_services.report_create(
        plan=running, department=sales, iso_year=2027, iso_week=5, actor=unit_head,
        summary="On track"))
    deviation = plan_services.deviation_report(plan=running, actor=author, title="Leads low",
                                               cause_category="weak_execution",
                                               goals=list(running.goals.all()))
    s.add("deviation", deviation)
    s.add("note", plan_services.monitoring_note_add(plan=running, actor=author,
                                                    source="onsite_check", note="Visited"))
    from plans.models import Adjustment

    s.add("adjustment", Adjustment.objects.create(
        plan=running, kind="strategy_change", description="Earlier attempt", base_revision=1,
        state="rejected", created_by=people["planning_manager"]))

    # indicators: one for all staff owned by Sales, one for the committee only
    indicator = Indicator.objects.create(code="orders", name_en="Orders", name_zh="订单",
                                         unit="CNY", owner_department=sales, visibility="all")
    secret = Indicator.objects.create(code="secret", name_en="Secret", name_zh="机密",
                                      unit="x", owner_department=planning,
                                      visibility="committee")
    s.add("indicator", indicator)
    s.add("secret", secret)
    month = dt.date(2026, 1, 1)
    s.add("measurement", Measurement.objects.create(
        indicator=indicator, department=sales, period_start=month, value=Decimal(100),
        recorded_by=unit_staff))
    s.add("secret_measurement", Measurement.objects.create(
        indicator=secret, department=planning, period_start=month, value=Decimal(5),
        recorded_by=author))
    s.add("target", Target.objects.create(indicator=indicator, department=sales, grain="month",
                                          period_start=month, target=Decimal(120),
                                          red_threshold=Decimal(100)))
    s.add("secret_target", Target.objects.create(
        indicator=secret, department=planning, grain="month", period_start=month,
        target=Decimal(10), red_threshold=Decimal(6)))
    s.add("secret_rollup", Rollup.objects.create(indicator=secret, department=planning,
                                                 grain="month", period_start=month,
                                                 value=Decimal(5), count=1))
    s.add("secret_signal", DeviationSignal.objects.create(
        indicator=secret, department=planning, grain="month", period_start=month,
        value=Decimal(5), target=Decimal(10)))
    # an upload awaiting confirmation, owned by the sales staff member
    s.add("batch", ImportBatch.objects.create(
        user=unit_staff, filename="data.csv",
        rows=[{"indicator": "orders", "department": "sales", "period": "2026-02",
               "value": "5", "note": "", "reason": ""}],
        errors=[], result={"row_count": 1, "error_count": 0}))
    # a background task started by the planning manager (its session may watch it)
    s.value("task_id", str(uuid.uuid4()))
    s.value("task_owner", "planning_manager")
    for module in app_matrices():
        module.build(s)  # each app's own samples (tests/<app>/matrix.py)
    return s


def app_matrices():
    """Apps may keep their part of the matrix beside their tests: ``tests/<app>/matrix.py``
    with ``build(s)`` (adds samples to the world; the personas and the core samples are
    there already) and ``RULES`` (route name -> Cases, merged into RULES below)."""
    import importlib
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    return [importlib.import_module(f"tests.{path.parent.name}.matrix")
            for path in sorted(tests.glob("*/matrix.py"))]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at the end; every test runs
    in its own savepoint (pytest-django's ``db``) on top of it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def samples(world, db):
    cache.clear()  # throttle counters
    return world


# --- rules -------------------------------------------------------------------------------------

SCOPED = "scoped"


def signed_in(user, s) -> bool:
    return user.is_authenticated and user.is_active


def owns_batch(user, s) -> bool:
    return user.is_authenticated and user.pk == s.batch.user_id


def owns_task(user, s) -> bool:
    return user.is_authenticated and user.pk == s.pk(s.task_owner)


def task_session(user, s) -> dict:
    """Only the task's starter has it in their session (opsplan.progress.remember_task)."""
    return {TASKS_SESSION_KEY: [s.task_id]} if owns_task(user, s) else {}


def may_transition(name, plan_name="unit_plan"):
    """The FSM transition permission (plans.models: ``permission=`` of the transition)."""
    def check(user, s):
        plan = getattr(s, plan_name)
        meta = getattr(plan, name)._django_fsm
        return bool(meta.has_transition_perm(plan, plan.state, user))

    check.__name__ = f"the {name} transition's permission on {plan_name}"
    return check


def may_record(indicator_name, department_name):
    def check(user, s):
        probe = Measurement(indicator=getattr(s, indicator_name),
                            department=getattr(s, department_name))
        return user.has_perm("kpis.record_measurement", probe)

    check.__name__ = f"kpis.record_measurement for {indicator_name}/{department_name}"
    return check


@dataclasses.dataclass(frozen=True)
class Case:
    method: str
    allow: str | Callable  # a permission, SCOPED, or callable(user, samples) -> bool
    obj: Callable | None = None  # the object the permission is asked about
    kwargs: Callable | None = None  # samples -> URL kwargs
    data: Callable | None = None  # samples -> body
    query: str = ""
    hidden: str | Callable | None = None  # fails this -> hidden_status (not even visible)
    hidden_obj: Callable | None = None  # defaults to obj
    hidden_status: int = 404
    denied_status: int = 403
    session: Callable | None = None  # (user, samples) -> session values to seed
    variant: str = ""
    why: str = ""  # why a status differs from the defaults

    @property
    def label(self):
        return f"{self.method}-{self.variant}" if self.variant else self.method


def _check(rule, obj_getter, user, s) -> bool:
    if rule == SCOPED:
        return signed_in(user, s)
    if callable(rule):
        return bool(rule(user, s))
    return user.has_perm(rule, obj_getter(s) if obj_getter else None)


def pk_of(name, key="pk"):
    return lambda s: {key: s.pk(name)}


def get(name):
    return lambda s: getattr(s, name)


def plan_of(name):
    return lambda s: getattr(s, name).plan


G, P, U, A, D = "GET", "POST", "PUT", "PATCH", "DELETE"


def may_post_report(plan_name="running_plan"):
    def check(user, s):
        from plans.selectors import report_units

        return bool(report_units(getattr(s, plan_name), user))

    check.__name__ = f"a unit of the user reports on {plan_name}"
    return check


# HTML form bodies
def _department_form(s):
    return {"code": "north", "name": "North region", "kind": "business_unit", "is_active": "on"}


def _indicator_form(code, owner):
    def data(s):
        return {"code": code, "name_en": code.title(), "name_zh": code, "unit": "x",
                "kind": "quantitative", "direction": "higher", "aggregation": "sum",
                "owner_department": getattr(s, owner).pk, "frequency": "monthly",
                "source": "internal_system", "visibility": "committee", "is_active": "on"}
    return data


def _plan_form(s):
    return {"title": "Sales plan", "level": "unit", "department": s.pk("sales"),
            "period_kind": "annual", "period_start": "2027-01-01"}


def _review_form(s):
    return {"feasibility": 4, "rationality": 4, "innovation": 3, "risk": 4,
            "verdict": "approve"}


def _csv_upload(s):
    return {"file": SimpleUploadedFile(
        "data.csv", b"indicator,department,period,value\norders,sales,2026-03,7\n",
        content_type="text/csv")}


def _goal_body(s):
    return {"plan": s.pk("unit_plan"), "title": "Win customers", "measure": "Customers",
            "unit": "customers", "baseline": "10", "target": "20", "deadline": "2027-12-31"}


def _action_body(s):
    return {"plan": s.pk("unit_plan"), "title": "Call clients", "department": s.pk("sales"),
            "person": s.pk("unit_staff"), "deadline": "2027-03-01"}


def _bulk_body(s):
    return {"rows": [{"indicator": "orders", "department": "sales", "period": "2026-03",
                      "value": "7"}]}


UNIT_PLAN = {"obj": get("unit_plan"), "hidden": "plans.view_plan"}
OTHER_PLAN = {"obj": get("other_unit_plan"), "hidden": "plans.view_plan"}
SECRET = {"obj": get("secret"), "hidden": "kpis.view_indicator"}
BATCH = {"kwargs": pk_of("batch"), "hidden": owns_batch}
PART_ROUTE = {"kwargs": lambda s: {"pk": s.pk("unit_plan"), "kind": "competitor",
                                   "part_pk": s.pk("competitor")}}
DECISION = {"obj": get("decision"), "kwargs": pk_of("decision"),
            "hidden": "committee.view_decision"}
RUNNING = {"obj": get("running_plan"), "kwargs": pk_of("running_plan"),
           "hidden": "plans.view_plan"}
RUNNING_IN_BODY = {"obj": get("running_plan"), "hidden": "plans.view_plan",
                   "hidden_status": 400}
ROW_REFUSAL = ("A measurement the user may not supply is a row error of the batch (400 "
               "naming row, column and reason), as documented for bulk and uploads.")
HIDDEN_PLAN_IN_BODY = ("The plan is named in the body: one the user may not see is an unknown "
                       "reference (400 'No such plan'), not a 404 of the URL.")


def _api_part(basename, model, create_body, put_body, patch_body, delete=True,
              create=True):
    """The list and detail routes of one kind of plan part (plans.api.views.PartMixin);
    the sample is named like the route's basename."""
    part = {"obj": get(basename), "kwargs": pk_of(basename), "hidden": f"plans.view_{model}"}
    listing = [Case(G, SCOPED)]
    if create:
        listing.append(Case(P, "plans.steer_plan", obj=get("unit_plan"), data=create_body,
                            hidden="plans.view_plan", hidden_status=400,
                            why=HIDDEN_PLAN_IN_BODY))
    detail = [Case(G, f"plans.view_{model}", **part),
              Case(U, f"plans.change_{model}", data=put_body, **part),
              Case(A, f"plans.change_{model}", data=patch_body, **part)]
    if delete:
        detail.append(Case(D, f"plans.delete_{model}", **part))
    return {f"plans-api:{basename}-list": listing, f"plans-api:{basename}-detail": detail}


RULES: dict[str, list[Case]] = {
    # --- opsplan ---------------------------------------------------------------------------
    "home": [Case(G, signed_in)],
    "notifications": [Case(G, signed_in), Case(P, signed_in)],
    "task-status": [Case(G, owns_task, kwargs=lambda s: {"task_id": s.task_id},
                         hidden=owns_task, session=task_session)],
    "api-root": [Case(G, signed_in)],

    # --- committee: pages --------------------------------------------------------------------
    "committee:organisation": [Case(G, "committee.view_organisation")],
    "committee:department-create": [
        Case(G, "committee.add_department"),
        Case(P, "committee.add_department", data=lambda s: {
            "code": "west", "name": "West", "kind": "business_unit", "is_active": "on"})],
    "committee:department-detail": [Case(G, "committee.view_department", obj=get("north"),
                                         kwargs=lambda s: {"code": "north"})],
    "committee:department-edit": [
        Case(m, "committee.change_department", obj=get("north"),
             kwargs=lambda s: {"code": "north"}, data=_department_form) for m in (G, P)],
    "committee:membership-add": [Case(P, "committee.add_membership",
                                      kwargs=lambda s: {"code": "north"},
                                      data=lambda s: {"user": s.pk("outsider"),
                                                      "position": "staff",
                                                      "started_on": TODAY})],
    "committee:membership-end": [Case(P, "committee.change_membership",
                                      obj=get("north_membership"),
                                      kwargs=pk_of("north_membership"),
                                      data=lambda s: {"ended_on": TODAY})],
    "committee:people": [Case(G, "committee.view_user")],
    "committee:person-create": [
        Case(G, "committee.add_user"),
        Case(P, "committee.add_user", data=lambda s: {"username": "newbie",
                                                      "display_name": "New Person",
                                                      "is_active": "on"})],
    "committee:person-detail": [Case(G, "committee.view_user", obj=get("north_staff"),
                                     kwargs=pk_of("north_staff"))],
    "committee:person-edit": [
        Case(m, "committee.change_user", obj=get("north_staff"), kwargs=pk_of("north_staff"),
             data=lambda s: {"username": "north_staff", "display_name": "North Staff",
                             "is_active": "on"}) for m in (G, P)],
    "committee:committee-edit": [
        Case(m, "committee.change_committee", obj=get("committee"), kwargs=pk_of("committee"),
             data=lambda s: {"name": "Operations Planning Committee", "description": "Duties"})
        for m in (G, P)],
    "committee:seat-add": [
        Case(m, "committee.add_committeeseat", kwargs=pk_of("committee"),
             data=lambda s: {"user": s.pk("outsider"), "role": "member", "started_on": TODAY})
        for m in (G, P)],
    "committee:seat-end": [Case(P, "committee.change_committeeseat", obj=get("spare_seat"),
                                kwargs=pk_of("spare_seat"),
                                data=lambda s: {"ended_on": TODAY})],
    "committee:decisions": [Case(G, "committee.view_decision")],
    "committee:decision-vote": [Case(P, "committee.vote_decision",
                                     data=lambda s: {"choice": "approve"}, **DECISION)],
    "committee:decision-close": [Case(P, "committee.close_decision", data=lambda s: {},
                                      **DECISION)],

    # --- committee: API ----------------------------------------------------------------------
    "committee-api:api-root": [Case(G, signed_in)],
    "committee-api:department-list": [
        Case(G, SCOPED),
        Case(P, "committee.add_department", data=lambda s: {
            "code": "west", "name": "West", "kind": "business_unit"})],
    "committee-api:department-detail": [
        Case(G, "committee.view_department", obj=get("north"), kwargs=pk_of("north")),
        Case(U, "committee.change_department", obj=get("north"), kwargs=pk_of("north"),
             data=lambda s: {"code": "north", "name": "North region",
                             "kind": "business_unit"}),
        Case(A, "committee.change_department", obj=get("north"), kwargs=pk_of("north"),
             data=lambda s: {"description": "The north"}),
        Case(D, "committee.delete_department", obj=get("north"), kwargs=pk_of("north"))],
    "committee-api:person-list": [
        Case(G, SCOPED),
        Case(P, "committee.add_user", data=lambda s: {"username": "newbie",
                                                      "display_name": "New Person"})],
    "committee-api:person-detail": [
        Case(G, "committee.view_user", obj=get("north_staff"), kwargs=pk_of("north_staff")),
        Case(U, "committee.change_user", obj=get("north_staff"), kwargs=pk_of("north_staff"),
             data=lambda s: {"username": "north_staff", "display_name": "North Staff"}),
        Case(A, "committee.change_user", obj=get("north_staff"), kwargs=pk_of("north_staff"),
             data=lambda s: {"display_name": "N. Staff"})],
    "committee-api:membership-list": [
        Case(G, SCOPED),
        Case(P, "committee.add_membership", data=lambda s: {
            "user": s.pk("outsider"), "department": s.pk("north"), "position": "staff"})],
    "committee-api:membership-detail": [
        Case(G, "committee.view_membership", obj=get("north_membership"),
             kwargs=pk_of("north_membership"))],
    "committee-api:membership-end": [
        Case(P, "committee.change_membership", obj=get("north_membership"),
             kwargs=pk_of("north_membership"), data=lambda s: {})],
    "committee-api:committee-list": [Case(G, SCOPED)],
    "committee-api:committee-detail": [
        Case(G, "committee.view_committee", obj=get("committee"), kwargs=pk_of("committee")),
        Case(U, "committee.change_committee", obj=get("committee"), kwargs=pk_of("committee"),
             data=lambda s: {"name": "Operations Planning Committee"}),
        Case(A, "committee.change_committee", obj=get("committee"), kwargs=pk_of("committee"),
             data=lambda s: {"description": "Duties"})],
    "committee-api:seat-list": [
        Case(G, SCOPED),
        Case(P, "committee.add_committeeseat", data=lambda s: {
            "committee": s.pk("committee"), "user": s.pk("outsider"), "role": "member"})],
    "committee-api:seat-detail": [Case(G, "committee.view_committeeseat", obj=get("spare_seat"),
                                       kwargs=pk_of("spare_seat"))],
    "committee-api:seat-end": [Case(P, "committee.change_committeeseat", obj=get("spare_seat"),
                                    kwargs=pk_of("spare_seat"), data=lambda s: {})],
    "committee-api:decision-list": [Case(G, "committee.view_decision")],
    "committee-api:decision-detail": [Case(G, "committee.view_decision", **DECISION)],
    "committee-api:decision-vote": [Case(P, "committee.vote_decision",
                                         data=lambda s: {"choice": "approve"}, **DECISION)],
    "committee-api:decision-close": [Case(P, "committee.close_decision", data=lambda s: {},
                                          **DECISION)],

    # --- plans: pages ------------------------------------------------------------------------
    "plans:list": [Case(G, "plans.list_plans")],
    "plans:create": [
        Case(G, "plans.add_plan"),
        Case(P, "plans.add_plan", data=lambda s: {
            "title": "Next year", "level": "company", "period_kind": "annual",
            "period_start": "2028-01-01"})],
    "plans:detail": [
        Case(G, "plans.view_plan", kwargs=pk_of("unit_plan"), **UNIT_PLAN),
        Case(G, "plans.view_plan", kwargs=pk_of("other_unit_plan"), variant="other_unit",
             **OTHER_PLAN),
        Case(G, "plans.view_plan", obj=get("plan_at_committee"),
             kwargs=pk_of("plan_at_committee"), hidden="plans.view_plan",
             variant="at_committee"),
        Case(G, "plans.view_plan", variant="running", **RUNNING),
        Case(G, "plans.view_plan", obj=get("executing_plan"), kwargs=pk_of("executing_plan"),
             hidden="plans.view_plan", variant="executing")],
    "plans:edit": [Case(m, "plans.steer_plan", kwargs=pk_of("unit_plan"), data=_plan_form,
                        **UNIT_PLAN) for m in (G, P)],
    "plans:analysis": [Case(m, "plans.steer_plan", kwargs=pk_of("unit_plan"),
                            data=lambda s: {"trends": "Growing"}, **UNIT_PLAN)
                       for m in (G, P)],
    "plans:strategies": [Case(m, "plans.steer_plan", kwargs=pk_of("unit_plan"),
                              data=lambda s: {"product": "p", "price": "q", "channel": "c",
                                              "promotion": "r"}, **UNIT_PLAN)
                         for m in (G, P)],
    "plans:transition": [
        *(Case(m, may_transition("cancel"),
               kwargs=lambda s: {"pk": s.pk("unit_plan"), "name": "cancel"},
               data=lambda s: {"reason": "No longer needed"}, **UNIT_PLAN) for m in (G, P)),
        *(Case(m, may_transition("start_drafting", "plan"),
               obj=get("plan"), hidden="plans.view_plan",
               kwargs=lambda s: {"pk": s.pk("plan"), "name": "start_drafting"},
               data=lambda s: {"note": ""}, variant="start_drafting") for m in (G, P)),
        *(Case(m, may_transition("start_adjustment", "running_plan"),
               obj=get("running_plan"), hidden="plans.view_plan",
               kwargs=lambda s: {"pk": s.pk("running_plan"), "name": "start_adjustment"},
               data=lambda s: {"kind": "strategy_change", "deviations": [s.pk("deviation")],
                               "description": "Shift"}, variant="start_adjustment")
          for m in (G, P)),
        *(Case(m, may_transition("force_monitoring", "executing_plan"),
               obj=get("executing_plan"), hidden="plans.view_plan",
               kwargs=lambda s: {"pk": s.pk("executing_plan"), "name": "force_monitoring"},
               data=lambda s: {"reason": "Trade fair"}, variant="force_monitoring")
          for m in (G, P)),
    ],
    "plans:part-add": [Case(m, "plans.steer_plan",
                            kwargs=lambda s: {"pk": s.pk("unit_plan"), "kind": "competitor"},
                            data=lambda s: {"name": "Rival two"}, **UNIT_PLAN)
                       for m in (G, P)],
    "plans:part-edit": [Case(m, "plans.change_competitor", obj=get("competitor"),
                             hidden="plans.view_plan", hidden_obj=get("unit_plan"),
                             data=lambda s: {"name": "Rival"}, **PART_ROUTE)
                        for m in (G, P)],
    "plans:part-delete": [Case(P, "plans.delete_competitor", obj=get("competitor"),
                               hidden="plans.view_plan", hidden_obj=get("unit_plan"),
                               data=lambda s: {}, **PART_ROUTE)],
    "plans:attachment": [Case(G, "plans.view_plan", kwargs=lambda s: {
        "pk": s.pk("unit_plan"), "attachment_pk": s.pk("attachment")}, **UNIT_PLAN)],
    "plans:review": [Case(m, "plans.review_plan", obj=get("review"),
                          kwargs=pk_of("review", "review_pk"), data=_review_form,
                          hidden="plans.view_plan", hidden_obj=plan_of("review"))
                     for m in (G, P)],

    # Plans II pages
    "plans:publish": [Case(m, "plans.publish_plan", data=lambda s: {"note": ""},
                           why="allowed on a plan in monitoring: 409, already running",
                           **RUNNING) for m in (G, P)],
    "plans:acknowledge": [Case(P, "plans.acknowledge", obj=get("pending_ack"),
                               kwargs=pk_of("pending_ack", "ack_pk"), data=lambda s: {},
                               hidden="plans.view_plan", hidden_obj=get("executing_plan"))],
    "plans:action-progress": [
        Case(m, "plans.update_progress", obj=get("running_action"),
             kwargs=lambda s: {"pk": s.pk("running_plan"), "action_pk": s.pk("running_action")},
             data=lambda s: {"status": "in_progress", "percent_complete": "10"},
             hidden="plans.view_plan", hidden_obj=get("running_plan")) for m in (G, P)],
    "plans:reports": [Case(G, "plans.view_plan", **RUNNING)],
    "plans:report-add": [
        Case(m, may_post_report(), data=lambda s: {
            "unit": s.pk("sales"), "iso_year": 2027, "iso_week": 9, "summary": "Fine"},
             **RUNNING) for m in (G, P)],
    "plans:report-edit": [
        Case(m, "plans.change_weeklyreport", obj=get("report"),
             kwargs=pk_of("report", "report_pk"), data=lambda s: {"summary": "Changed"},
             hidden="plans.view_plan", hidden_obj=get("running_plan")) for m in (G, P)],
    "plans:deviation-add": [
        Case(m, "plans.report_deviation", data=lambda s: {"title": "Costs up"}, **RUNNING)
        for m in (G, P)],
    "plans:deviation-edit": [
        Case(m, "plans.change_deviation", obj=get("deviation"),
             kwargs=pk_of("deviation", "deviation_pk"),
             data=lambda s: {"title": "Leads low", "cause_category": "market_change"},
             hidden="plans.view_plan", hidden_obj=get("running_plan")) for m in (G, P)],
    "plans:revisions": [Case(G, "plans.view_plan", **RUNNING)],
    "plans:derive": [
        Case(m, "plans.derive_plan", data=lambda s: {
            "department": s.pk("sales"), "period_kind": "annual",
            "period_start": "2027-01-01"}, **RUNNING) for m in (G, P)],
    "plans:note-add": [
        Case(m, "plans.report_deviation", data=lambda s: {
            "source": "onsite_check", "observed_on": TODAY, "note": "Shelves empty"},
             **RUNNING) for m in (G, P)],

    # --- plans: API --------------------------------------------------------------------------
    # Shadowed: PlanViewSet is registered at the router's root, so /api/v1/plans/ resolves to
    # plan-list and this case exercises the plan list (the router's root view is unreachable).
    "plans-api:api-root": [Case(G, signed_in, why="same URL as plans-api:plan-list")],
    "plans-api:plan-list": [
        Case(G, SCOPED),
        Case(P, "plans.add_plan", data=lambda s: {
            "title": "Next year", "level": "company", "period_kind": "annual",
            "period_start": "2028-01-01"})],
    "plans-api:plan-detail": [
        Case(G, "plans.view_plan", kwargs=pk_of("unit_plan"), **UNIT_PLAN),
        Case(G, "plans.view_plan", kwargs=pk_of("other_unit_plan"), variant="other_unit",
             **OTHER_PLAN),
        Case(U, "plans.change_plan", kwargs=pk_of("unit_plan"),
             data=lambda s: {**_plan_form(s), "summary": "s"}, **UNIT_PLAN),
        Case(A, "plans.change_plan", kwargs=pk_of("unit_plan"),
             data=lambda s: {"summary": "Summary"}, **UNIT_PLAN)],
    "plans-api:plan-history": [Case(G, "plans.view_plan", kwargs=pk_of("unit_plan"),
                                    **UNIT_PLAN)],
    "plans-api:plan-transitions": [Case(G, "plans.view_plan", kwargs=pk_of("unit_plan"),
                                        **UNIT_PLAN)],
    "plans-api:plan-transition": [Case(P, may_transition("cancel"),
                                       kwargs=lambda s: {"pk": s.pk("unit_plan"),
                                                         "name": "cancel"},
                                       data=lambda s: {"reason": "No longer needed"},
                                       **UNIT_PLAN)],
    **_api_part("goal", "goal", _goal_body,
                lambda s: {k: v for k, v in _goal_body(s).items() if k != "plan"},
                lambda s: {"title": "Grow revenue more"}),
    **_api_part("competitor", "competitor",
                lambda s: {"plan": s.pk("unit_plan"), "name": "Rival two"},
                lambda s: {"name": "Rival"}, lambda s: {"strengths": "Cheap"}),
    **_api_part("resource", "resource",
                lambda s: {"plan": s.pk("unit_plan"), "kind": "finance"},
                lambda s: {"kind": "people"}, lambda s: {"gaps": "Too few"}),
    **_api_part("action", "actionitem", _action_body,
                lambda s: {k: v for k, v in _action_body(s).items() if k != "plan"},
                lambda s: {"steps": "Call"}),
    **_api_part("strategy", "strategy", None, lambda s: {"content": "Products"},
                lambda s: {"content": "Products"}, delete=False, create=False),
    "plans-api:plan-revisions": [Case(G, "plans.view_plan", **RUNNING)],
    "plans-api:plan-diff": [Case(G, "plans.view_plan", **RUNNING)],
    "plans-api:plan-monitoring": [Case(G, "plans.view_plan", **RUNNING)],
    "plans-api:plan-publish": [Case(P, "plans.publish_plan", data=lambda s: {},
                                    why="allowed on a plan in monitoring: 409", **RUNNING)],
    "plans-api:plan-derive": [Case(P, "plans.derive_plan", data=lambda s: {
        "department": s.pk("sales"), "period_kind": "annual", "period_start": "2027-01-01"},
        **RUNNING)],
    "plans-api:action-progress": [Case(P, "plans.update_progress", obj=get("running_action"),
                                       kwargs=pk_of("running_action"),
                                       data=lambda s: {"status": "in_progress",
                                                       "percent_complete": 10},
                                       hidden="plans.view_actionitem")],
    "plans-api:acknowledgement-list": [Case(G, SCOPED)],
    "plans-api:acknowledgement-detail": [Case(G, "plans.view_acknowledgement",
                                              obj=get("pending_ack"),
                                              kwargs=pk_of("pending_ack"),
                                              hidden="plans.view_acknowledgement")],
    "plans-api:acknowledgement-acknowledge": [Case(P, "plans.acknowledge",
                                                   obj=get("pending_ack"),
                                                   kwargs=pk_of("pending_ack"),
                                                   data=lambda s: {"note": "Received"},
                                                   hidden="plans.view_acknowledgement")],
    "plans-api:report-list": [
        Case(G, SCOPED),
        Case(P, may_post_report(), data=lambda s: {
            "plan": s.pk("running_plan"), "department": s.pk("sales"), "iso_year": 2027,
            "iso_week": 9, "summary": "Fine"}, why=HIDDEN_PLAN_IN_BODY, **RUNNING_IN_BODY)],
    "plans-api:report-detail": [
        Case(G, "plans.view_weeklyreport", obj=get("report"), kwargs=pk_of("report"),
             hidden="plans.view_weeklyreport"),
        *(Case(m, "plans.change_weeklyreport", obj=get("report"), kwargs=pk_of("report"),
               data=lambda s: {"summary": "Changed"}, hidden="plans.view_weeklyreport")
          for m in (U, A))],
    "plans-api:deviation-list": [
        Case(G, SCOPED),
        Case(P, "plans.report_deviation", data=lambda s: {
            "plan": s.pk("running_plan"), "title": "Costs up"}, why=HIDDEN_PLAN_IN_BODY,
             **RUNNING_IN_BODY)],
    "plans-api:deviation-detail": [
        Case(G, "plans.view_deviation", obj=get("deviation"), kwargs=pk_of("deviation"),
             hidden="plans.view_deviation"),
        *(Case(m, "plans.change_deviation", obj=get("deviation"), kwargs=pk_of("deviation"),
               data=lambda s: {"title": "Leads low", "evidence": "CRM"},
               hidden="plans.view_deviation") for m in (U, A))],
    "plans-api:adjustment-list": [
        Case(G, SCOPED),
        Case(P, may_transition("start_adjustment", "running_plan"), data=lambda s: {
            "plan": s.pk("running_plan"), "kind": "strategy_change", "description": "Shift",
            "deviations": [s.pk("deviation")]}, why=HIDDEN_PLAN_IN_BODY, **RUNNING_IN_BODY)],
    "plans-api:adjustment-detail": [Case(G, "plans.view_adjustment", obj=get("adjustment"),
                                         kwargs=pk_of("adjustment"),
                                         hidden="plans.view_adjustment")],
    "plans-api:monitoring-note-list": [
        Case(G, SCOPED),
        Case(P, "plans.report_deviation", data=lambda s: {
            "plan": s.pk("running_plan"), "source": "customer_feedback", "note": "Calls"},
             why=HIDDEN_PLAN_IN_BODY, **RUNNING_IN_BODY)],
    "plans-api:monitoring-note-detail": [Case(G, "plans.view_monitoringnote", obj=get("note"),
                                              kwargs=pk_of("note"),
                                              hidden="plans.view_monitoringnote")],
    "plans-api:review-list": [Case(G, SCOPED)],
    "plans-api:review-detail": [Case(G, "plans.view_review", obj=get("review"),
                                     kwargs=pk_of("review"), hidden="plans.view_review")],
    "plans-api:review-submit": [Case(P, "plans.review_plan", obj=get("review"),
                                     kwargs=pk_of("review"), data=_review_form,
                                     hidden="plans.view_review")],

    # --- kpis: pages -------------------------------------------------------------------------
    "kpis:catalog": [Case(G, "kpis.list_indicators")],
    "kpis:indicator-create": [Case(m, "kpis.add_indicator",
                                   data=_indicator_form("newkpi", "planning"))
                              for m in (G, P)],
    "kpis:indicator-edit": [Case(m, "kpis.change_indicator",
                                 kwargs=lambda s: {"code": "secret"},
                                 data=_indicator_form("secret", "planning"), **SECRET)
                            for m in (G, P)],
    "kpis:target-add": [Case(m, "kpis.add_target", kwargs=lambda s: {"code": "secret"},
                             data=lambda s: {"department": "planning", "grain": "month",
                                             "period_start": "2026-05-01", "target": "10",
                                             "red_threshold": "5"}, **SECRET)
                        for m in (G, P)],
    "kpis:measurement-add": [
        Case(G, signed_in),
        Case(P, may_record("indicator", "sales"), denied_status=400, why=ROW_REFUSAL,
             data=lambda s: {"indicator": "orders", "department": "sales",
                             "period": "2026-03-01", "value": "7"})],
    "kpis:rollup-run": [Case(G, "kpis.add_indicator"),
                        Case(P, "kpis.add_indicator", data=lambda s: {})],
    "kpis:rollup-progress": [Case(G, owns_task, kwargs=lambda s: {"task_id": s.task_id},
                                  hidden=owns_task, session=task_session)],
    "kpis:upload": [Case(G, signed_in), Case(P, signed_in, data=_csv_upload)],
    "kpis:upload-template": [Case(G, signed_in)],
    "kpis:upload-preview": [Case(G, owns_batch, **BATCH)],
    "kpis:upload-confirm": [Case(P, owns_batch, data=lambda s: {}, **BATCH)],
    "kpis:upload-status": [Case(G, owns_batch, **BATCH)],
    "kpis:indicator": [Case(G, "kpis.view_indicator", kwargs=lambda s: {"code": "secret"},
                            **SECRET),
                       Case(G, "kpis.view_indicator", obj=get("indicator"),
                            hidden="kpis.view_indicator",
                            kwargs=lambda s: {"code": "orders"}, variant="all_staff")],
    "kpis:indicator-export": [Case(G, "kpis.view_indicator",
                                   kwargs=lambda s: {"code": "secret"}, **SECRET)],
    "kpis:scorecards": [Case(G, SCOPED)],
    "kpis:scorecard": [Case(G, SCOPED, kwargs=lambda s: {"code": "planning"})],
    "kpis:scorecard-export": [Case(G, SCOPED, kwargs=lambda s: {"code": "planning"})],

    # --- kpis: API ---------------------------------------------------------------------------
    "kpis-api:api-root": [Case(G, signed_in)],
    "kpis-api:indicator-list": [
        Case(G, SCOPED),
        Case(P, "kpis.add_indicator", data=lambda s: {
            "code": "newkpi", "name_en": "New", "name_zh": "新", "unit": "x",
            "owner_department": s.pk("planning")})],
    "kpis-api:indicator-detail": [
        Case(G, "kpis.view_indicator", kwargs=lambda s: {"code": "secret"}, **SECRET),
        Case(U, "kpis.change_indicator", kwargs=lambda s: {"code": "secret"},
             data=lambda s: {"code": "secret", "name_en": "Secret", "name_zh": "机密",
                             "unit": "x", "owner_department": s.pk("planning"),
                             "visibility": "committee"}, **SECRET),
        Case(A, "kpis.change_indicator", kwargs=lambda s: {"code": "secret"},
             data=lambda s: {"definition": "Defined"}, **SECRET),
        Case(D, "kpis.delete_indicator", kwargs=lambda s: {"code": "secret"}, **SECRET)],
    "kpis-api:measurement-list": [Case(G, SCOPED)],
    "kpis-api:measurement-detail": [Case(G, "kpis.view_measurement",
                                          obj=get("secret_measurement"),
                                          kwargs=pk_of("secret_measurement"),
                                          hidden="kpis.view_measurement")],
    "kpis-api:measurement-bulk": [Case(P, may_record("indicator", "sales"), data=_bulk_body,
                                       denied_status=400, why=ROW_REFUSAL)],
    "kpis-api:rollup-list": [Case(G, SCOPED)],
    "kpis-api:rollup-detail": [Case(G, "kpis.view_indicator", obj=get("secret"),
                                    kwargs=pk_of("secret_rollup"),
                                    hidden="kpis.view_indicator")],
    "kpis-api:target-list": [
        Case(G, SCOPED),
        Case(P, "kpis.add_target", data=lambda s: {
            "indicator": s.pk("indicator"), "department": s.pk("sales"), "grain": "month",
            "period_start": "2026-04-01", "target": "10", "red_threshold": "5",
            "origin": "Board"})],
    "kpis-api:target-detail": [
        Case(G, "kpis.view_target", obj=get("secret_target"), kwargs=pk_of("secret_target"),
             hidden="kpis.view_target"),
        Case(U, "kpis.change_target", obj=get("secret_target"), kwargs=pk_of("secret_target"),
             data=lambda s: {"indicator": s.pk("secret"), "department": s.pk("planning"),
                             "grain": "month", "period_start": "2026-01-01", "target": "11",
                             "red_threshold": "6"}, hidden="kpis.view_target"),
        Case(A, "kpis.change_target", obj=get("secret_target"), kwargs=pk_of("secret_target"),
             data=lambda s: {"origin": "Board"}, hidden="kpis.view_target")],
    "kpis-api:signal-list": [Case(G, SCOPED)],
    "kpis-api:signal-detail": [Case(G, "kpis.view_indicator", obj=get("secret"),
                                    kwargs=pk_of("secret_signal"),
                                    hidden="kpis.view_indicator")],
}


# --- running a request -------------------------------------------------------------------------

def client_for(persona, user, *, api, csrf=False, session_api=False):
    if api:
        client = APIClient(enforce_csrf_checks=csrf, raise_request_exception=False)
        if persona == "anonymous":
            return client
        if session_api:
            client.force_login(user)
        elif persona == "integration":
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
        else:
            client.force_authenticate(user=user)
        return client
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    if persona != "anonymous":
        client.force_login(user)
    return client


def seed_session(client, values):
    if values:
        session = client.session
        session.update(values)
        session.save()


def send(client, case, s, url, *, api):
    data = case.data(s) if case.data else None
    method = case.method.lower()
    if case.query:
        url = f"{url}?{case.query}"
    if api:
        return getattr(client, method)(url, data, format="json")
    if case.method == "GET":
        return client.get(url)
    return getattr(client, method)(url, data or {})


def fingerprint():
    """Every row of the project's apps, except the audit trail of refusals and sessions
    (a refusal is audited on purpose) and login bookkeeping."""
    state = {}
    project = [config.label for config in apps.get_app_configs()  # the apps of this project
               if Path(config.path).parent == Path(django_settings.BASE_DIR)]
    for label in (*project, "authtoken"):
        for model in apps.get_app_config(label).get_models():
            qs = model._default_manager.order_by("pk")
            if model._meta.label == "opsplan.AuditEvent":
                qs = qs.exclude(action="auth.denied")
            rows = list(qs.values())
            for row in rows:
                row.pop("last_login", None)
            state[model._meta.label] = rows
    return state


def describe(response) -> str:
    detail = f"{response.status_code}"
    if response.status_code in (301, 302, 303):
        detail += f" -> {response.get('Location')}"
    exc = getattr(response, "exc_info", None)
    if exc and exc[1] is not None:
        detail += f" raised {type(exc[1]).__name__}: {exc[1]}"
    elif response.status_code >= 400 and hasattr(response, "content"):
        body = response.content[:300].decode(errors="replace").replace("\n", " ")
        detail += f" body: {body}"
    return detail


def expectation(case, persona, user, s, *, api):
    """('anonymous'|'hidden'|'allowed'|'refused', explanation)."""
    if persona == "anonymous":
        return "anonymous", "anonymous"
    if case.hidden is not None and not _check(case.hidden, case.hidden_obj or case.obj, user,
                                              s):
        return "hidden", f"cannot see the object ({_name(case.hidden)})"
    if _check(case.allow, case.obj, user, s):
        return "allowed", f"has {_name(case.allow)}"
    return "refused", f"lacks {_name(case.allow)}"


def _name(rule):
    return getattr(rule, "__name__", None) or str(rule)


def verdict(kind, case, response, *, api) -> str | None:
    """None when the response matches the expectation, else what was wrong."""
    status = response.status_code
    login = reverse(django_settings.LOGIN_URL)
    to_login = status in (301, 302, 303) and response.get("Location", "").startswith(login)
    if kind == "anonymous":
        if api:
            return None if status == 401 else "expected 401"
        return None if to_login else f"expected 302 to {login}"
    if kind == "hidden":
        return None if status == case.hidden_status else f"expected {case.hidden_status}"
    if kind == "refused":
        return None if status == case.denied_status else f"expected {case.denied_status}"
    if status >= 500 or status in (401, 403, 404, 405) or to_login or (
            400 < status < 500 and status != 409):
        return "expected allowed (2xx/3xx, or 400/409 for a validation/state answer)"
    return None


for _module in app_matrices():  # after RULES and the helpers above exist (they import them)
    _overlap = set(RULES) & set(_module.RULES)
    assert not _overlap, f"{_module.__name__} repeats rules for {sorted(_overlap)}"
    RULES.update(_module.RULES)
    EXCLUDED.update(getattr(_module, "EXCLUDED", {}))
CELLS = [pytest.param(persona, name, case, id=f"{persona}-{name}-{case.label}")
         for name, cases in RULES.items() for case in cases for persona in PERSONAS]


# --- the tests ---------------------------------------------------------------------------------

def test_every_route_has_a_rule():
    named, unnamed = url_conf()
    problems = []
    missing = sorted(n for n in named if not _excluded(n) and n not in RULES)
    if missing:
        problems.append(
            "Routes without a permission rule (add a Case for every method to RULES in "
            "tests/hardening/test_permission_matrix.py, or, if the route is public by design, "
            "to EXCLUDED with the reason):\n  " + "\n  ".join(missing))
    stale = sorted(n for n in RULES if n not in named)
    if stale:
        problems.append("RULES names routes that no longer exist:\n  " + "\n  ".join(stale))
    if unnamed:
        problems.append("Unnamed routes cannot be given a rule; name them:\n  "
                        + "\n  ".join(unnamed))
    for name, patterns in sorted(named.items()):
        if name not in RULES or not is_api(name):
            continue
        undeclared = declared_api_methods(patterns) - {c.method for c in RULES[name]}
        if undeclared:
            problems.append(f"{name} answers {sorted(undeclared)} but RULES has no Case for "
                            "it: add one.")
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize(("persona", "name", "case"), CELLS)
def test_matrix(persona, name, case, samples):
    s = samples
    api = is_api(name)
    user = s.user(persona)
    kind, why = expectation(case, persona, user, s, api=api)
    client = client_for(persona, user, api=api)
    if case.session and persona != "anonymous" and not api:
        seed_session(client, case.session(user, s))
    url = reverse(name, kwargs=case.kwargs(s) if case.kwargs else None)
    writes = case.method != "GET" and kind != "allowed"
    before = fingerprint() if writes else None
    response = send(client, case, s, url, api=api)
    problem = verdict(kind, case, response, api=api)
    assert problem is None, (
        f"[{persona} {case.method} {name}{' ' + case.variant if case.variant else ''}] "
        f"{kind} ({why}{'; ' + case.why if case.why else ''}): {problem}, got "
        f"{describe(response)}")
    if writes:
        assert fingerprint() == before, (
            f"[{persona} {case.method} {name}] was {kind} ({response.status_code}) but "
            "changed data")


# --- mass assignment ---------------------------------------------------------------------------

def api_as(s, persona):
    cache.clear()
    return client_for(persona, s.user(persona), api=True)


PROTECTED_PLAN_FIELDS = {"state": "execution", "revision": 7, "approved_revision": 7,
                         "cancel_reason": "forged", "period_end": "2099-12-31",
                         "created_at": "2000-01-01T00:00:00Z"}


def test_mass_assignment_plan_create_ignores_protected_fields(samples):
    s = samples
    response = api_as(s, "author").post(reverse("plans-api:plan-list"), {
        "title": "Forged", "level": "company", "period_kind": "annual",
        "period_start": "2028-01-01", "author": s.pk("planning_manager"),
        **PROTECTED_PLAN_FIELDS}, format="json")
    assert response.status_code == 201, describe(response)
    plan = Plan.objects.get(pk=response.json()["id"])
    assert (plan.state, plan.author_id, plan.revision, plan.approved_revision,
            plan.cancel_reason, plan.period_end) == (
        "needs_analysis", s.pk("author"), 0, None, "", dt.date(2028, 12, 31))


def test_mass_assignment_plan_update_ignores_protected_fields(samples):
    s = samples
    before = s.plan
    response = api_as(s, "author").patch(
        reverse("plans-api:plan-detail", args=[before.pk]),
        {"summary": "Changed", "author": s.pk("unit_staff"), **PROTECTED_PLAN_FIELDS},
        format="json")
    assert response.status_code == 200, describe(response)
    after = s.plan
    assert after.summary == "Changed"
    assert (after.state, after.author_id, after.revision, after.approved_revision,
            after.cancel_reason, after.period_end, after.created_at) == (
        before.state, before.author_id, before.revision, before.approved_revision,
        before.cancel_reason, before.period_end, before.created_at)


@pytest.mark.parametrize("interface", ["api", "html"])
def test_a_unit_head_cannot_create_a_plan_for_another_unit(samples, interface):
    """The head of Sales may start plans (plans.add_plan) but only for a unit they head:
    naming the North region is refused and stores nothing."""
    s = samples
    body = {"title": "Someone else's plan", "level": "unit", "department": s.pk("north"),
            "period_kind": "annual", "period_start": "2028-01-01"}
    before = Plan.objects.count()
    if interface == "api":
        response = api_as(s, "unit_head").post(reverse("plans-api:plan-list"), body,
                                               format="json")
    else:
        client = client_for("unit_head", s.user("unit_head"), api=False)
        response = client.post(reverse("plans:create"), body)
    stored = Plan.objects.count() - before
    assert response.status_code in (400, 403) and not stored, (
        f"unit_head created a plan for north: {describe(response)}, {stored} stored")


def test_a_unit_head_cannot_move_their_plan_to_another_unit(samples):
    s = samples
    response = api_as(s, "unit_head").patch(
        reverse("plans-api:plan-detail", args=[s.pk("unit_plan")]),
        {"department": s.pk("north")}, format="json")
    assert s.unit_plan.department_id == s.pk("sales"), (
        f"unit_head moved the Sales plan to north: {describe(response)}")
    assert response.status_code in (400, 403), describe(response)


@pytest.mark.parametrize("basename", ["goal", "competitor", "resource", "action", "strategy"])
def test_mass_assignment_a_part_never_moves_to_another_plan(samples, basename):
    s = samples
    part = getattr(s, basename)
    response = api_as(s, "unit_head").patch(
        reverse(f"plans-api:{basename}-detail", args=[part.pk]), {"plan": s.pk("plan")},
        format="json")
    assert response.status_code == 200, describe(response)
    assert type(part).objects.get(pk=part.pk).plan_id == s.pk("unit_plan")


def test_mass_assignment_an_action_cannot_link_goals_of_another_plan(samples):
    s = samples
    foreign_goal = s.plan.goals.get()
    before = ActionItem.objects.count()
    response = api_as(s, "unit_head").post(reverse("plans-api:action-list"), {
        **_action_body(s), "goals": [foreign_goal.pk]}, format="json")
    assert response.status_code == 400, describe(response)
    assert ActionItem.objects.count() == before


def test_mass_assignment_review_submit_ignores_protected_fields(samples):
    s = samples
    response = api_as(s, "reviewer").post(
        reverse("plans-api:review-submit", args=[s.pk("review")]),
        {**_review_form(s), "reviewer": s.pk("author"), "state": "superseded", "revision": 9,
         "department": s.pk("planning"), "plan": s.pk("plan"),
         "submitted_at": "2000-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 200, describe(response)
    review = s.review
    assert (review.reviewer_id, review.state, review.revision, review.department_id,
            review.plan_id) == (s.pk("reviewer"), "done", 1, s.pk("marketing"),
                                s.pk("other_unit_plan"))
    assert review.submitted_at > timezone.now() - dt.timedelta(hours=1)


def test_mass_assignment_department_id_is_read_only(samples):
    s = samples
    response = api_as(s, "planning_manager").patch(
        reverse("committee-api:department-detail", args=[s.pk("north")]),
        {"id": 99999, "description": "Changed"}, format="json")
    assert response.status_code == 200, describe(response)
    assert s.north.description == "Changed"
    assert not Department.objects.filter(pk=99999).exists()


def test_a_unit_head_cannot_change_a_department(samples):
    s = samples
    response = api_as(s, "unit_head").patch(
        reverse("committee-api:department-detail", args=[s.pk("sales")]),
        {"is_active": False, "name": "Mine now"}, format="json")
    assert response.status_code == 403, describe(response)
    assert (s.sales.is_active, s.sales.name) == (True, "Sales")


PRIVILEGE_FIELDS = {"is_superuser": True, "is_staff": True, "user_permissions": [1],
                    "groups": [1], "date_joined": "2000-01-01T00:00:00Z",
                    "last_login": "2000-01-01T00:00:00Z"}


def test_mass_assignment_person_create_cannot_grant_privileges(samples):
    s = samples
    response = api_as(s, "planning_manager").post(
        reverse("committee-api:person-list"),
        {"username": "newbie", "display_name": "New", **PRIVILEGE_FIELDS}, format="json")
    assert response.status_code == 201, describe(response)
    person = User.objects.get(username="newbie")
    assert not (person.is_superuser or person.is_staff)
    assert not person.user_permissions.exists() and not person.groups.exists()


def test_mass_assignment_person_update_cannot_grant_privileges(samples):
    s = samples
    response = api_as(s, "planning_manager").patch(
        reverse("committee-api:person-detail", args=[s.pk("unit_staff")]),
        {"display_name": "Changed", **PRIVILEGE_FIELDS}, format="json")
    assert response.status_code == 200, describe(response)
    person = s.unit_staff
    assert person.display_name == "Changed"
    assert not (person.is_superuser or person.is_staff)
    assert not person.user_permissions.exists() and not person.groups.exists()


def test_mass_assignment_password_is_not_changed_through_the_api(samples):
    s = samples
    response = api_as(s, "planning_manager").patch(
        reverse("committee-api:person-detail", args=[s.pk("unit_staff")]),
        {"password": "a-brand-new-password-42"}, format="json")
    assert response.status_code == 400, describe(response)
    assert s.unit_staff.check_password(PASSWORD)


def test_nobody_elevates_themselves_through_their_own_person_record(samples):
    s = samples
    response = api_as(s, "unit_staff").patch(
        reverse("committee-api:person-detail", args=[s.pk("unit_staff")]),
        {"display_name": "Boss", **PRIVILEGE_FIELDS}, format="json")
    assert response.status_code == 403, describe(response)
    person = s.unit_staff
    assert person.display_name != "Boss" and not person.is_superuser


def test_mass_assignment_membership_cannot_be_created_ended_or_with_an_id(samples):
    s = samples
    response = api_as(s, "planning_manager").post(
        reverse("committee-api:membership-list"),
        {"user": s.pk("outsider"), "department": s.pk("north"), "position": "staff",
         "ended_on": "2000-01-01", "id": 99999}, format="json")
    assert response.status_code == 201, describe(response)
    membership = Membership.objects.get(user=s.pk("outsider"))
    assert membership.ended_on is None and membership.pk != 99999


def test_a_unit_head_cannot_grant_themselves_a_position(samples):
    s = samples
    before = Membership.objects.count()
    response = api_as(s, "unit_head").post(
        reverse("committee-api:membership-list"),
        {"user": s.pk("unit_head"), "department": s.pk("planning"), "position": "manager"},
        format="json")
    assert response.status_code == 403, describe(response)
    assert Membership.objects.count() == before


def test_mass_assignment_seat_cannot_be_created_ended(samples):
    s = samples
    response = api_as(s, "planning_manager").post(
        reverse("committee-api:seat-list"),
        {"committee": s.pk("committee"), "user": s.pk("outsider"), "role": "member",
         "ended_on": "2000-01-01"}, format="json")
    assert response.status_code == 201, describe(response)
    assert CommitteeSeat.objects.get(user=s.pk("outsider")).ended_on is None


def test_mass_assignment_bulk_measurements_record_the_sender(samples):
    s = samples
    rows = [{"indicator": "orders", "department": "sales", "period": "2026-03",
             "value": "7", "recorded_by": s.pk("planning_manager"),
             "recorded_at": "2000-01-01T00:00:00Z", "id": 99999}]
    response = api_as(s, "unit_staff").post(reverse("kpis-api:measurement-bulk"),
                                            {"rows": rows}, format="json")
    assert response.status_code == 201, describe(response)
    stored = Measurement.objects.get(indicator__code="orders", period_start="2026-03-01")
    assert stored.recorded_by_id == s.pk("unit_staff") and stored.pk != 99999
    assert stored.recorded_at.year != 2000


@pytest.mark.parametrize(("persona", "indicator", "department"), [
    ("reviewer", "orders", "sales"),  # reads it (all staff), supplies neither side
    ("unit_staff", "secret", "planning"),  # cannot even read it
    ("unit_head", "secret", "sales"),
])
def test_bulk_measurements_for_a_department_the_user_may_not_supply(samples, persona,
                                                                     indicator, department):
    s = samples
    before = Measurement.objects.count()
    response = api_as(s, persona).post(
        reverse("kpis-api:measurement-bulk"),
        {"rows": [{"indicator": indicator, "department": department, "period": "2026-03",
                   "value": "7"}]}, format="json")
    assert response.status_code == 400, describe(response)
    assert Measurement.objects.count() == before


def test_mass_assignment_target_records_who_set_it(samples):
    s = samples
    response = api_as(s, "planning_manager").post(reverse("kpis-api:target-list"), {
        "indicator": s.pk("indicator"), "department": s.pk("sales"), "grain": "month",
        "period_start": "2026-04-01", "target": "10", "red_threshold": "5", "origin": "Board",
        "set_by": s.pk("unit_staff"), "id": 99999}, format="json")
    assert response.status_code == 201, describe(response)
    target = Target.objects.get(indicator=s.pk("indicator"), period_start="2026-04-01")
    assert target.set_by_id == s.pk("planning_manager") and target.pk != 99999


def test_a_target_update_cannot_move_it_to_an_unreadable_indicator(samples):
    """Only the planning department sets targets; a unit head's PATCH is refused whatever
    indicator it names."""
    s = samples
    before = fingerprint()
    response = api_as(s, "unit_head").patch(
        reverse("kpis-api:target-detail", args=[s.pk("target")]),
        {"indicator": s.pk("secret"), "target": "1"}, format="json")
    assert response.status_code == 403, describe(response)
    assert fingerprint() == before


# --- CSRF --------------------------------------------------------------------------------------

def _first_allowed(case, s, *, api):
    for persona in PERSONAS[1:]:
        kind, _why = expectation(case, persona, s.user(persona), s, api=api)
        if kind == "allowed":
            return persona
    return "planning_manager"


HTML_POSTS = [pytest.param(name, case, id=f"{name}-{case.label}")
              for name, cases in RULES.items() if not is_api(name)
              for case in cases if case.method == "POST"]
API_WRITES = [pytest.param(name, case, id=f"{name}-{case.label}")
              for name, cases in RULES.items() if is_api(name)
              for case in cases if case.method != "GET"]


def _csrf_refusal(response) -> bool:
    return response.status_code == 403 and b"CSRF" in response.content


@pytest.mark.parametrize(("name", "case"), HTML_POSTS)
def test_csrf_html_post_without_token_is_refused(name, case, samples):
    s = samples
    persona = _first_allowed(case, s, api=False)
    user = s.user(persona)
    client = client_for(persona, user, api=False, csrf=True)
    if case.session:
        seed_session(client, case.session(user, s))
    url = reverse(name, kwargs=case.kwargs(s) if case.kwargs else None)
    before = fingerprint()
    response = send(client, case, s, url, api=False)
    assert _csrf_refusal(response), (
        f"[{persona} POST {name}] a POST without a CSRF token was not refused: "
        f"{describe(response)}")
    assert fingerprint() == before, f"[{persona} POST {name}] changed data without CSRF"


@pytest.mark.parametrize(("name", "case"), API_WRITES)
def test_csrf_api_write_with_session_and_without_token_is_refused(name, case, samples):
    s = samples
    persona = _first_allowed(case, s, api=True)
    client = client_for(persona, s.user(persona), api=True, csrf=True, session_api=True)
    url = reverse(name, kwargs=case.kwargs(s) if case.kwargs else None)
    before = fingerprint()
    response = send(client, case, s, url, api=True)
    assert _csrf_refusal(response), (
        f"[{persona} {case.method} {name}] a session-authenticated write without a CSRF token "
        f"was not refused: {describe(response)}")
    assert fingerprint() == before


def test_csrf_login_without_token_is_refused(samples):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post(reverse("login"), {"username": "author", "password": PASSWORD})
    assert _csrf_refusal(response), describe(response)
    assert "_auth_user_id" not in client.session


def test_csrf_logout_without_token_is_refused(samples):
    client = client_for("author", samples.user("author"), api=False, csrf=True)
    response = client.post(reverse("logout"))
    assert _csrf_refusal(response), describe(response)
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_csrf_password_change_without_token_is_refused(samples):
    s = samples
    client = client_for("author", s.user("author"), api=False, csrf=True)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "another-horse-battery-77",
        "new_password2": "another-horse-battery-77"})
    assert _csrf_refusal(response), describe(response)
    assert s.author.check_password(PASSWORD)


def test_csrf_set_language_without_token_is_refused(samples):
    s = samples
    client = client_for("author", s.user("author"), api=False, csrf=True)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert _csrf_refusal(response), describe(response)
    assert s.author.language == ""
