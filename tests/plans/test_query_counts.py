"""Pages and API lists cost a fixed number of queries, however many rows they show.

Each test measures a request with 3 rows, adds rows up to 300 (bulk-created for speed) and
measures it again: the counts must be equal. A count that grows with the rows is an N+1; the
failure message names the query that repeats. API lists are read with ``page_size=500`` so
every row is serialised; the plan list page shows its fixed 25 a page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committee.choices import DecisionKind, DecisionState, Majority, SeatRole, VoteChoice
from committee.models import CommitteeSeat, Decision, Vote
from kpis.models import Indicator
from opsplan.models import AuditEvent
from plans.choices import (
    PeriodKind,
    PlanLevel,
    PlanState,
    ReviewState,
    StrategyKind,
    Verdict,
)
from plans.models import (
    ActionItem,
    Attachment,
    Competitor,
    Goal,
    Plan,
    Resource,
    Review,
    Strategy,
    period_end_for,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 3, 300
START = dt.date(2027, 1, 1)
END = period_end_for(PeriodKind.ANNUAL, START)
STATES = [PlanState.NEEDS_ANALYSIS, PlanState.DRAFTING, PlanState.INTERNAL_REVIEW,
          PlanState.COMMITTEE_APPROVAL, PlanState.EXECUTION, PlanState.CANCELLED]


# --- measuring ---------------------------------------------------------------------------------

def _shape(sql: str) -> str:
    """A query with its literals and IN-lists blanked, so repeats of one query group."""
    sql = re.sub(r"IN \([^)]*\)", "IN (…)", sql)
    sql = re.sub(r"'[^']*'", "?", sql)
    return re.sub(r"\b\d+\b", "?", sql)


def _queries(fetch):
    with CaptureQueriesContext(connection) as ctx:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in ctx.captured_queries], response


def assert_constant(fetch, grow, check=None):
    """``grow(n)`` adds n rows; the request ``fetch()`` costs as many queries with SMALL rows
    as with LARGE. ``check(response, rows)`` may confirm the rows were really shown."""
    grow(SMALL)
    fetch()  # warm process-wide caches (content types, translations, templates)
    small, response = _queries(fetch)
    if check:
        check(response, SMALL)
    grow(LARGE - SMALL)
    large, response = _queries(fetch)
    if check:
        check(response, LARGE)
    if len(small) != len(large):
        grown = Counter(map(_shape, large)) - Counter(map(_shape, small))
        repeated = "\n".join(f"  +{n}× {sql[:400]}" for sql, n in grown.most_common(5))
        pytest.fail(f"{len(small)} queries with {SMALL} rows, {len(large)} with {LARGE}; "
                    f"the queries that grew:\n{repeated}", pytrace=False)


# --- rows, bulk-created ------------------------------------------------------------------------

class Rows:
    """Bulk builders. Plans are company plans (visible to every role), Sales unit plans (the
    unit staff's own) and Marketing unit plans (hidden from Sales staff) in turn."""

    def __init__(self, author, sales, marketing, staff):
        self.author, self.sales, self.marketing, self.staff = author, sales, marketing, staff
        self.made = 0

    def plans(self, n, **fields) -> list[Plan]:
        rows = []
        for _ in range(n):
            i = self.made = self.made + 1
            level, department = [(PlanLevel.COMPANY, None), (PlanLevel.UNIT, self.sales),
                                 (PlanLevel.UNIT, self.marketing)][i % 3]
            data = {"title": f"Plan {i:04}", "level": level, "department": department,
                    "period_kind": PeriodKind.ANNUAL, "period_start": START,
                    "period_end": END, "author": self.author, "state": STATES[i % len(STATES)],
                    "revision": 1, "summary": "A plan.", **fields}
            rows.append(Plan(**data))
        plans = Plan.objects.bulk_create(rows)
        Strategy.objects.bulk_create([Strategy(plan=p, kind=k, content="Text.")
                                      for p in plans for k in StrategyKind.values])
        return plans

    def goals(self, plan, n, *, indicators=False) -> list[Goal]:
        """n goals; with ``indicators`` each is measured by its own catalog indicator."""
        first = Indicator.objects.count()
        measured_by = Indicator.objects.bulk_create([
            Indicator(code=f"ind-{first + i}", name_en=f"Indicator {first + i}",
                      name_zh="指标", unit="CNY", owner_department=self.sales)
            for i in range(n)]) if indicators else [None] * n
        return Goal.objects.bulk_create([
            Goal(plan=plan, title=f"Goal {i}", indicator=indicator, measure="Revenue",
                 unit="CNY", baseline=Decimal(100), target=Decimal(120), deadline=END)
            for i, indicator in enumerate(measured_by)])

    def actions(self, plan, n, goals) -> list[ActionItem]:
        actions = ActionItem.objects.bulk_create([
            ActionItem(plan=plan, title=f"Action {i}", department=self.sales, person=self.staff,
                       deadline=END, steps="Steps.", resources="People.",
                       expected_result="A result.") for i in range(n)])
        through = ActionItem.goals.through
        through.objects.bulk_create([through(actionitem=a, goal=g)
                                     for a in actions for g in goals[:2]])
        return actions

    def reviews(self, plan, n, *, first_revision=1) -> list[Review]:
        return Review.objects.bulk_create([
            Review(plan=plan, revision=first_revision + i, department=self.marketing,
                   state=ReviewState.DONE, reviewer=self.author, feasibility=4, rationality=4,
                   innovation=3, risk=4, feasibility_comment="Fine.", verdict=Verdict.APPROVE)
            for i in range(n)])

    def spread(self, n, make):
        """n parts over new plans, ten to a plan: parts of one plan and across plans."""
        while n > 0:
            plan = self.plans(1)[0]
            take = min(n, 10)
            make(plan, take)
            n -= take


def users(n, prefix):
    User = get_user_model()
    start = User.objects.filter(username__startswith=prefix).count()
    return User.objects.bulk_create([User(username=f"{prefix}{start + i}", password="!",
                                          display_name=f"{prefix.title()} {start + i}")
                                     for i in range(n)])


@pytest.fixture
def rows(author, sales, marketing, unit_staff):
    return Rows(author, sales, marketing, unit_staff)


@pytest.fixture
def personas(author, unit_staff):
    """A planning specialist (sees every plan) and a unit staff member (sees a scoped list)."""
    return {"specialist": author, "unit_staff": unit_staff}


PERSONAS = ["specialist", "unit_staff"]


# --- pages -------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", PERSONAS)
def test_plan_list_page(client, rows, personas, persona):
    parent = rows.plans(1)[0]
    client.force_login(personas[persona])
    url = reverse("plans:list")

    def check(response, n):
        page = response.context["page"]
        assert len(page.object_list) == min(page.paginator.count, 25)
        assert page.paginator.count >= n * (2 if persona == "unit_staff" else 3) // 3

    assert_constant(lambda: client.get(url), lambda n: rows.plans(n, parent=parent), check)


@pytest.fixture
def drafting_plan(rows):
    return rows.plans(1, title="Big plan", level=PlanLevel.COMPANY, department=None,
                      state=PlanState.DRAFTING)[0]


def grow_plan(rows, plan, n, *, first_revision):
    """n of each part of one plan (goals measured by indicators, which the page links), and
    n derived plans and history entries about it."""
    goals = rows.goals(plan, n, indicators=True)
    rows.actions(plan, n, goals)
    Competitor.objects.bulk_create([
        Competitor(plan=plan, name=f"Competitor {first_revision + i}", market_share=Decimal(5),
                   strengths="Brand.", weaknesses="Price.") for i in range(n)])
    Attachment.objects.bulk_create([
        Attachment(plan=plan, title=f"Report {first_revision + i}", file=f"plans/{i}.pdf",
                   uploaded_by=rows.author) for i in range(n)])
    rows.reviews(plan, n, first_revision=first_revision)
    rows.plans(n, parent=plan)
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=rows.author, actor_label="author", action="plans.goal.update",
                   subject_type=ContentType.objects.get_for_model(Plan),
                   subject_id=str(plan.pk), subject_label=plan.title,
                   data={"id": i, "title": "Goal"}) for i in range(n)])


@pytest.mark.parametrize("persona", PERSONAS)
def test_plan_detail_page_in_drafting(client, rows, personas, persona, drafting_plan):
    plan = drafting_plan
    Resource.objects.create(plan=plan, kind="people", strengths="A team.", gaps="Two posts.")
    client.force_login(personas[persona])
    url = reverse("plans:detail", args=[plan.pk])
    made = {"n": 0}

    def grow(n):
        grow_plan(rows, plan, n, first_revision=made["n"] + 1)
        made["n"] += n

    def check(response, n):
        shown = response.context["plan"]
        assert len(shown.goals.all()) == len(shown.actions.all()) == n
        assert len(shown.reviews.all()) == len(shown.competitors.all()) == n

    assert_constant(lambda: client.get(url), grow, check)


@pytest.mark.parametrize("persona", [*PERSONAS, "chair"])
def test_plan_detail_page_at_the_committee(client, rows, personas, persona, committee, chair):
    """A plan awaiting the committee: the vote, the tally and every vote cast are shown."""
    plan = rows.plans(1, title="Voted plan", level=PlanLevel.COMPANY, department=None,
                      state=PlanState.COMMITTEE_APPROVAL, revision=1)[0]
    decision = Decision.objects.create(
        committee=committee, kind=DecisionKind.PLAN_APPROVAL, title=plan.title, subject=plan,
        subject_revision=1, quorum_share=Decimal("0.50"), majority=Majority.SIMPLE)
    decision.excluded_voters.set([rows.author])
    client.force_login({**personas, "chair": chair}[persona])
    url = reverse("plans:detail", args=[plan.pk])
    made = {"n": 0}

    def grow(n):
        grow_plan(rows, plan, n, first_revision=made["n"] + 1)
        made["n"] += n
        voters = users(n, "voter")
        CommitteeSeat.objects.bulk_create([CommitteeSeat(committee=committee, user=u,
                                                         role=SeatRole.MEMBER) for u in voters])
        Vote.objects.bulk_create([Vote(decision=decision, voter=u, choice=VoteChoice.APPROVE)
                                  for u in voters])

    def check(response, n):
        assert response.context["tally"]["approve"] == n
        assert response.context["decision"] == decision

    assert_constant(lambda: client.get(url), grow, check)


# --- API lists ---------------------------------------------------------------------------------

def _api_check(persona):
    def check(response, n):
        body = response.json()
        assert len(body["results"]) == body["count"]
        if persona == "specialist":
            assert body["count"] >= n
        else:
            assert body["count"] > 0
    return check


def _api(api, user, url):
    api.force_authenticate(user=user)
    return lambda: api.get(url, {"page_size": 500})


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_plan_list(api, rows, personas, persona):
    parent = rows.plans(1)[0]
    assert_constant(_api(api, personas[persona], "/api/v1/plans/"),
                    lambda n: rows.plans(n, parent=parent), _api_check(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_goal_list(api, rows, personas, persona):
    assert_constant(_api(api, personas[persona], "/api/v1/plans/goals/"),
                    lambda n: rows.spread(n, lambda plan, k: rows.goals(plan, k, indicators=True)),
                    _api_check(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_action_list(api, rows, personas, persona):
    def make(plan, n):
        rows.actions(plan, n, rows.goals(plan, 2))

    assert_constant(_api(api, personas[persona], "/api/v1/plans/actions/"),
                    lambda n: rows.spread(n, make), _api_check(persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_review_list(api, rows, personas, persona):
    assert_constant(_api(api, personas[persona], "/api/v1/plans/reviews/"),
                    lambda n: rows.spread(n, rows.reviews), _api_check(persona))


@pytest.mark.parametrize("persona", ["specialist", "chair"])
def test_api_decision_list(api, rows, personas, persona, committee, chair, committee_member):
    """Decisions on many plans, each with votes and an excluded author."""
    plan_type = ContentType.objects.get_for_model(Plan)

    def grow(n):
        plans = rows.plans(n, state=PlanState.EXECUTION)
        decisions = Decision.objects.bulk_create([
            Decision(committee=committee, kind=DecisionKind.PLAN_APPROVAL, title=p.title,
                     subject_type=plan_type, subject_id=p.pk, subject_revision=1,
                     state=[DecisionState.OPEN, DecisionState.APPROVED][i % 2],
                     quorum_share=Decimal("0.50"), majority=Majority.SIMPLE)
            for i, p in enumerate(plans)])
        Vote.objects.bulk_create([Vote(decision=d, voter=voter, choice=VoteChoice.APPROVE)
                                  for d in decisions for voter in (chair, committee_member)])
        through = Decision.excluded_voters.through
        through.objects.bulk_create([through(decision=d, user=rows.author) for d in decisions])

    assert_constant(_api(api, {**personas, "chair": chair}[persona],
                         "/api/v1/committee/decisions/"), grow, _api_check("specialist"))
