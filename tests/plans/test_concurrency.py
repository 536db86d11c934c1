"""Races on the committee transitions: two people press the same button at the same moment.

Each service locks its row (``select_for_update``), re-reads the state under the lock and refuses
with Conflict (409) when the state moved on. These tests run two threads, each with its own
database connection, released together by a ``threading.Barrier``. On even rounds the test
also holds the contended row lock itself until both threads are blocked on it, so they are
certain to meet at the lock; on odd rounds they race freely. PostgreSQL only: SQLite has no
row locks (and serialises whole transactions instead).
"""

from __future__ import annotations

import os
import random
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework.test import APIClient

from committee import services as committee_services
from committee.choices import DecisionState, SeatRole
from committee.models import Decision, Vote
from committee.selectors import roles_of
from opsplan.errors import Conflict
from opsplan.models import AuditEvent, Notification
from plans import services
from plans.choices import PlanState
from plans.models import Plan
from tests.factories import SeatFactory, UserFactory
from tests.plans import builders

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres")]

# 100 rounds per race (OPSPLAN_RACE_ROUNDS to change), each with 2–10 racers (a fixed seed, so
# a failure replays): on even rounds the racers queue on the row lock, on odd ones they run free.
ROUNDS = int(os.environ.get("OPSPLAN_RACE_ROUNDS", "100"))
RACERS = random.Random(20261124)


def racers(*kinds):
    """2–10 racers, the given kinds repeated in turn (double-clicks, second tabs, colleagues)."""
    count = RACERS.randint(2, 10)
    return [kinds[i % len(kinds)] for i in range(count)]
# What the API answers with 409: the service's Conflict, or django-fsm's own refusals.
CONFLICTS = (Conflict, ConcurrentTransition, TransitionNotAllowed)


# --- the race ----------------------------------------------------------------------------------

def _user(user):
    """A fresh copy of the user for one thread, its roles read before the race starts."""
    fresh = get_user_model().objects.get(pk=user.pk)
    roles_of(fresh)
    return fresh


def _wait_until_blocked(pids, timeout=10.0):
    """Until every backend in ``pids`` waits for a lock (pg_locks is live, not a snapshot)."""
    pids = list(pids)
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks "
                           "WHERE NOT granted AND pid = ANY(%s)", [pids])
            if cursor.fetchone()[0] == len(pids):
                return
            time.sleep(0.01)
    pytest.fail(f"the racing threads never both waited for the lock (pids {sorted(pids)})")


def _thread(index, setup, outcomes, pids, released):
    """One racer: set up, report its database backend, wait to be released, act."""
    try:
        action = setup()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids[index] = cursor.fetchone()[0]
        released()
        outcomes[index] = ("ok", action())
    except Exception as exc:  # reported to the test, which asserts on it
        outcomes[index] = ("error", exc)
    finally:
        connection.close()


def _join(threads):
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"


def race(*setups, gate=None):
    """Run each ``setup() -> action`` in its own thread and return what each action returned
    or raised, as ("ok", value) or ("error", exception), in the order given.

    Setups run first (reading users, warming caches); the actions start together at a
    barrier. With ``gate`` (a queryset of the contended row), this thread holds that row's
    lock until every action is blocked on it, then lets them go.
    """
    count = len(setups)
    barrier = threading.Barrier(count + (1 if gate is not None else 0), timeout=20)
    outcomes: list = [None] * count
    pids: dict[int, int] = {}
    threads = [threading.Thread(target=_thread, args=(i, s, outcomes, pids, barrier.wait),
                                daemon=True) for i, s in enumerate(setups)]
    if gate is None:
        for thread in threads:
            thread.start()
    else:
        with transaction.atomic():
            list(gate.select_for_update())
            for thread in threads:
                thread.start()
            barrier.wait()
            _wait_until_blocked(pids.values())
    _join(threads)
    return outcomes


def in_turn(*setups, gate):
    """Like :func:`race`, but deterministic: while this thread holds ``gate``'s row lock, each
    action starts only once the one before it is blocked, so they queue in the order given."""
    outcomes: list = [None] * len(setups)
    pids: dict[int, int] = {}
    threads = []
    with transaction.atomic():
        list(gate.select_for_update())
        for index, setup in enumerate(setups):
            go = threading.Event()
            thread = threading.Thread(target=_thread, daemon=True,
                                      args=(index, setup, outcomes, pids, go.wait))
            thread.start()
            threads.append(thread)
            deadline = time.monotonic() + 20
            while index not in pids and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.005)
            go.set()
            _wait_until_blocked([pids[index]])
    _join(threads)
    return outcomes


def one_winner(outcomes):
    """Exactly one action succeeded and every other was refused as a conflict (409)."""
    wins = [value for kind, value in outcomes if kind == "ok"]
    losses = [value for kind, value in outcomes if kind == "error"]
    assert len(wins) == 1, f"expected exactly one success, got {outcomes!r}"
    assert all(isinstance(exc, CONFLICTS) for exc in losses), (
        f"the loser must get a 409-type conflict, got {losses!r}")
    return wins[0], losses


# --- building plans ----------------------------------------------------------------------------

@pytest.fixture
def people(author, reviewer, marketing, sales, unit_staff, planning_manager, chair,
           committee_member, committee):
    """The cast: an author, a reviewer, a manager, and a committee of a chair and two members
    (simple majority, quorum one half: two of the three eligible members must vote)."""
    second_member = UserFactory(username="member2")
    SeatFactory(committee=committee, user=second_member, role=SeatRole.MEMBER)
    return {"author": author, "reviewer": reviewer, "marketing": marketing, "sales": sales,
            "unit_staff": unit_staff, "manager": planning_manager, "chair": chair,
            "member": committee_member, "member2": second_member}


def reviewed_plan(people, round_no) -> Plan:
    """A complete plan in internal review whose every review approves it."""
    plan = builders.in_review(people["author"], [people["marketing"]], people["sales"],
                              people["unit_staff"], title=f"Race plan {round_no}")
    return builders.approve_reviews(plan, {people["marketing"].pk: people["reviewer"]})


def plan_at_committee(people, round_no) -> tuple[Plan, Decision]:
    plan = services.plan_submit_to_committee(plan=reviewed_plan(people, round_no),
                                             actor=people["author"])
    assert plan.state == PlanState.COMMITTEE_APPROVAL
    return plan, Decision.objects.about(plan).open().get()


def _events(action, subject):
    return AuditEvent.objects.filter(action=action, subject_id=str(subject.pk))


# --- (a) the committee's decision is applied once -------------------------------------------

def _close_as(person, decision):
    def setup():
        actor = _user(person)
        return lambda: committee_services.decision_close(
            decision=Decision(pk=decision.pk), actor=actor)
    return setup


def _vote_as(person, decision):
    def setup():
        voter = _user(person)
        return lambda: committee_services.decision_vote(
            decision=Decision(pk=decision.pk), voter=voter, choice="approve")
    return setup


# Before the race: who has voted already; then: the two racing actions. In every scenario
# the quorum is present and either racing action alone settles the vote as approved.
SCENARIOS = {
    # chair approves, a member abstains (a 1-1 tie is still possible): the chair closes twice,
    # e.g. a double-click or two browser tabs
    "chair closes twice": ([("chair", "approve"), ("member", "abstain")],
                           [(_close_as, "chair"), (_close_as, "chair")]),
    # chair approves (quorum not yet present): each member's approval would settle the vote
    "two final votes": ([("chair", "approve")],
                        [(_vote_as, "member"), (_vote_as, "member2")]),
    # the last member's vote settles it while the chair closes it
    "final vote against the chair closing": ([("chair", "approve"), ("member", "abstain")],
                                             [(_vote_as, "member2"), (_close_as, "chair")]),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_a_decision_outcome_is_applied_exactly_once(people, scenario):
    before, racing = SCENARIOS[scenario]
    for round_no in range(ROUNDS):
        plan, decision = plan_at_committee(people, round_no)
        for who, choice in before:
            committee_services.decision_vote(decision=decision, voter=people[who],
                                             choice=choice)
        decision.refresh_from_db()
        assert decision.state == DecisionState.OPEN, "the vote must still be open before the race"

        field = racers(*racing)
        outcomes = race(*(make(people[who], decision) for make, who in field),
                        gate=Decision.objects.filter(pk=decision.pk) if round_no % 2 == 0
                        else None)
        one_winner(outcomes)

        decision.refresh_from_db()
        plan.refresh_from_db()
        assert decision.state == DecisionState.APPROVED
        assert plan.state == PlanState.EXECUTION
        assert plan.approved_revision == plan.revision
        assert _events("plans.plan.approve", plan).count() == 1
        assert _events("committee.decision.approved", decision).count() == 1
        assert Decision.objects.about(plan).count() == 1
        # the loser left no trace: a vote is recorded if and only if its audit event is
        votes = Vote.objects.filter(decision=decision).count()
        cast = _events("committee.vote.cast", decision).count()
        assert votes == cast == len(before) + sum(make is _vote_as and _won(outcomes, i)
                                                  for i, (make, _who) in enumerate(field))
        _no_duplicate_notifications()
        # the people following the plan heard about the approval once
        assert Notification.objects.filter(
            recipient=people["author"], message__contains=f"“{plan.title}” is approved",
        ).count() == 1


def _won(outcomes, index):
    return outcomes[index][0] == "ok"


# --- (b) submitting to the committee opens one decision ----------------------------------------

def _submit_as(person, plan):
    def setup():
        actor = _user(person)
        return lambda: services.plan_submit_to_committee(plan=Plan(pk=plan.pk), actor=actor)
    return setup


def _no_duplicate_notifications():
    """Every change notifies each person once: no one got the same message twice."""
    repeated = (Notification.objects.values("recipient", "message").annotate(n=Count("id"))
                .filter(n__gt=1))
    assert not repeated.exists(), list(repeated)


def _assert_submitted_once(plan, author):
    _no_duplicate_notifications()
    assert Notification.objects.filter(message__contains=plan.title).exists()
    plan.refresh_from_db()
    assert plan.state == PlanState.COMMITTEE_APPROVAL
    decisions = Decision.objects.about(plan)
    assert decisions.count() == 1
    decision = decisions.open().get()
    assert decision.subject_revision == plan.revision
    assert list(decision.excluded_voters.all()) == [author]
    assert _events("plans.plan.submit_to_committee", plan).count() == 1
    assert _events("committee.decision.open", decision).count() == 1


def test_submitting_to_the_committee_at_once_opens_one_decision(people):
    for round_no in range(ROUNDS):
        plan = reviewed_plan(people, round_no)
        field = racers(people["author"], people["manager"])
        outcomes = race(*(_submit_as(person, plan) for person in field),
                        gate=Plan.objects.filter(pk=plan.pk) if round_no % 2 == 0 else None)
        winner, losers = one_winner(outcomes)
        assert winner.state == PlanState.COMMITTEE_APPROVAL
        assert all(isinstance(loser, Conflict) for loser in losers)
        _assert_submitted_once(plan, people["author"])


# --- (c) the same race over the API: one 200, one 409 ------------------------------------------

def _post_as(person, plan):
    url = f"/api/v1/plans/{plan.pk}/transitions/submit_to_committee/"

    def setup():
        client = APIClient()
        client.force_authenticate(user=_user(person))
        return lambda: client.post(url, {"note": "Ready for the committee."}, format="json")
    return setup


def test_submitting_to_the_committee_at_once_over_the_api_is_one_200_and_the_rest_409(people):
    for round_no in range(ROUNDS):
        plan = reviewed_plan(people, round_no)
        field = racers(people["author"], people["manager"])
        outcomes = race(*(_post_as(person, plan) for person in field),
                        gate=Plan.objects.filter(pk=plan.pk) if round_no % 2 == 0 else None)
        assert all(kind == "ok" for kind, _ in outcomes), outcomes
        responses = sorted((response for _, response in outcomes),
                           key=lambda response: response.status_code)
        assert [r.status_code for r in responses] == [200] + [409] * (len(field) - 1), [
            r.content for r in responses]
        ok, *conflicts = responses
        assert ok.json()["state"] == PlanState.COMMITTEE_APPROVAL
        assert all(c.json()["status"] == 409 and c.json()["code"] == "conflict"
                   for c in conflicts)
        _assert_submitted_once(plan, people["author"])


# --- (d) cancelling while the vote closes: a lock-order deadlock -------------------------------

def _cancel_as(person, plan):
    def setup():
        actor = _user(person)
        return lambda: services.plan_cancel(plan=Plan(pk=plan.pk), actor=actor,
                                            reason="Superseded.")
    return setup


def test_cancelling_while_the_chair_closes_the_vote_is_no_deadlock(people):
    """The planning manager cancels the plan while the chair closes its vote. Either order is
    fine (approved then cancelled, or cancelled and the close refused with 409), but neither
    person may meet a deadlock error."""
    plan, decision = plan_at_committee(people, 0)
    for who, choice in [("chair", "approve"), ("member", "abstain")]:
        committee_services.decision_vote(decision=decision, voter=people[who], choice=choice)
    # the cancel queues for the plan first; the close takes the decision, then queues for
    # the plan too: the interleaving that two people pressing at once produce
    outcomes = in_turn(_cancel_as(people["manager"], plan), _close_as(people["chair"], decision),
                       gate=Plan.objects.filter(pk=plan.pk))

    errors = [value for kind, value in outcomes if kind == "error"]
    assert all(isinstance(exc, CONFLICTS) for exc in errors), (
        f"each must succeed or get a 409-type conflict, got {errors!r}")
    plan.refresh_from_db()
    decision.refresh_from_db()
    assert plan.state == PlanState.CANCELLED
    assert decision.state in (DecisionState.APPROVED, DecisionState.WITHDRAWN)
    assert _events("plans.plan.approve", plan).count() == (
        1 if decision.state == DecisionState.APPROVED else 0)
