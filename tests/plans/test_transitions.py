"""Each transition: allowed, forbidden by role, refused in the wrong state, refused when its
guard fails; and segregation of duties."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committee import services as committee_services
from committee.models import Decision
from opsplan.errors import Conflict
from opsplan.models import AuditEvent, Notification
from plans import services
from plans.choices import PlanState, ReviewState, Verdict
from plans.models import PlanRevision
from tests.plans import builders

pytestmark = pytest.mark.django_db


# --- start_drafting ------------------------------------------------------------------------

def test_start_drafting_needs_a_smart_goal(author):
    plan = builders.new_plan(author)
    with pytest.raises(ValidationError) as exc:
        services.plan_start_drafting(plan=plan, actor=author)
    assert "goals" in exc.value.message_dict
    builders.add_goal(plan, author)
    plan = services.plan_start_drafting(plan=plan, actor=author)
    assert plan.state == PlanState.DRAFTING
    event = AuditEvent.objects.get(action="plans.plan.start_drafting")
    assert event.data["from"] == "needs_analysis"
    assert event.data["to"] == "drafting"
    assert event.actor == author


def test_start_drafting_is_refused_to_other_roles(author, unit_staff, reviewer, chair):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    for other in (unit_staff, reviewer, chair):
        with pytest.raises(PermissionDenied):
            services.plan_start_drafting(plan=plan, actor=other)


def test_start_drafting_in_the_wrong_state_is_a_conflict(author):
    plan = builders.drafting(author)
    with pytest.raises(Conflict):
        services.plan_start_drafting(plan=plan, actor=author)


def test_planning_manager_may_steer_someone_elses_plan(author, planning_manager):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    assert services.plan_start_drafting(plan=plan, actor=planning_manager).state == "drafting"


# --- SMART goals ----------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "message"), [
    ("measure", "", "measurable"),
    ("unit", "", "measurable"),
    ("deadline", None, "time-bound"),
    ("target", 90, "exceed the baseline"),
])
def test_goal_that_is_not_smart_is_refused(author, field, value, message):
    plan = builders.new_plan(author)
    with pytest.raises(ValidationError) as exc:
        builders.add_goal(plan, author, **{field: value})
    assert message in str(exc.value)
    assert not plan.goals.exists()


def test_goal_deadline_must_be_inside_the_plan_period(author):
    import datetime as dt

    plan = builders.new_plan(author)
    with pytest.raises(ValidationError) as exc:
        builders.add_goal(plan, author, deadline=dt.date(2030, 1, 1))
    assert "deadline" in exc.value.message_dict


def test_action_person_must_belong_to_the_department(author, sales, reviewer):
    from plans.models import ActionItem

    plan = builders.drafting(author)
    with pytest.raises(ValidationError) as exc:
        services.part_save(plan=plan, part=ActionItem(), actor=author, title="x",
                           department=sales, person=reviewer, deadline=plan.period_start)
    assert "person" in exc.value.message_dict


# --- submit_for_review ---------------------------------------------------------------------

def test_submit_for_review_names_what_is_incomplete(author, marketing):
    plan = builders.drafting(author)
    with pytest.raises(ValidationError) as exc:
        services.plan_submit_for_review(plan=plan, actor=author,
                                        reviewing_departments=[marketing])
    assert {"strategies", "actions"} <= set(exc.value.message_dict)
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFTING
    assert plan.revision == 0


def test_incomplete_action_item_blocks_review(author, marketing, sales, unit_staff):
    from plans.models import ActionItem

    plan = builders.drafting(author)
    builders.complete_draft(plan, author, sales, unit_staff)
    action = plan.actions.get()
    services.part_save(plan=plan, part=action, actor=author, expected_result="")
    with pytest.raises(ValidationError) as exc:
        services.plan_submit_for_review(plan=plan, actor=author,
                                        reviewing_departments=[marketing])
    assert "expected result" in str(exc.value.message_dict["actions"])
    assert ActionItem.objects.count() == 1


def test_reviewers_must_include_another_department(author, planning_department, sales,
                                                   unit_staff):
    plan = builders.drafting(author)
    builders.complete_draft(plan, author, sales, unit_staff)
    with pytest.raises(ValidationError) as exc:
        services.plan_submit_for_review(plan=plan, actor=author,
                                        reviewing_departments=[planning_department])
    assert "reviewing_departments" in exc.value.message_dict


def test_submit_for_review_starts_a_revision_with_a_snapshot(plan_in_review, reviewer):
    plan = plan_in_review
    assert plan.state == PlanState.INTERNAL_REVIEW
    assert plan.revision == 1
    snapshot = PlanRevision.objects.get(plan=plan, number=1).snapshot
    assert snapshot["goals"][0]["title"] == "Grow revenue"
    assert plan.reviews.get().state == ReviewState.PENDING
    assert Notification.objects.filter(recipient=reviewer).exists()


def test_submit_for_review_refused_to_unit_staff(author, marketing, sales, unit_staff):
    plan = builders.drafting(author)
    builders.complete_draft(plan, author, sales, unit_staff)
    with pytest.raises(PermissionDenied):
        services.plan_submit_for_review(plan=plan, actor=unit_staff,
                                        reviewing_departments=[marketing])


# --- reviews -------------------------------------------------------------------------------

def test_author_cannot_review_their_own_plan(plan_in_review, author, marketing):
    from committee.choices import Position
    from tests.factories import MembershipFactory

    MembershipFactory(user=author, department=marketing, position=Position.HEAD)
    from committee.selectors import forget_roles

    forget_roles(author)
    with pytest.raises(PermissionDenied):
        services.review_submit(review=plan_in_review.reviews.get(), actor=author,
                               verdict=Verdict.APPROVE, **builders.SCORES)


def test_only_the_reviewing_department_reviews(plan_in_review, unit_head):
    with pytest.raises(PermissionDenied):
        services.review_submit(review=plan_in_review.reviews.get(), actor=unit_head,
                               verdict=Verdict.APPROVE, **builders.SCORES)


def test_review_needs_every_score(plan_in_review, reviewer):
    with pytest.raises(ValidationError) as exc:
        services.review_submit(review=plan_in_review.reviews.get(), actor=reviewer,
                               verdict=Verdict.APPROVE, feasibility=4)
    assert {"rationality", "innovation", "risk"} <= set(exc.value.message_dict)


def test_requested_changes_send_the_plan_back_with_comments(author, reviewer, marketing, sales,
                                                            unit_head, unit_staff):
    plan = builders.in_review(author, [marketing, sales], sales, unit_staff)
    marketing_review = plan.reviews.get(department=marketing)
    services.review_submit(review=marketing_review, actor=reviewer,
                           verdict=Verdict.REQUEST_CHANGES, feasibility=2,
                           feasibility_comment="Break the target down by month.",
                           rationality=3, innovation=3, risk=3)
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFTING
    assert plan.reviews.get(department=sales).state == ReviewState.SUPERSEDED
    assert Notification.objects.filter(recipient=author).exists()
    # the next submission is a new revision with fresh reviews
    plan = services.plan_submit_for_review(plan=plan, actor=author,
                                           reviewing_departments=[marketing])
    assert plan.revision == 2
    assert plan.reviews.filter(revision=2, state=ReviewState.PENDING).count() == 1


def test_requesting_changes_needs_a_comment(plan_in_review, reviewer):
    with pytest.raises(ValidationError):
        services.review_submit(review=plan_in_review.reviews.get(), actor=reviewer,
                               verdict=Verdict.REQUEST_CHANGES, **builders.SCORES)


# --- submit_to_committee --------------------------------------------------------------------

def test_committee_submission_needs_every_review_approved(plan_in_review, author, committee):
    with pytest.raises(ValidationError) as exc:
        services.plan_submit_to_committee(plan=plan_in_review, actor=author)
    assert "pending" in str(exc.value.message_dict["reviews"])


def test_committee_submission_opens_a_decision_without_the_author(plan_at_committee, author):
    plan = plan_at_committee
    assert plan.state == PlanState.COMMITTEE_APPROVAL
    decision = plan.current_decision()
    assert decision.is_open
    assert decision.subject_revision == 1
    assert list(decision.excluded_voters.all()) == [author]


def test_committee_submission_refused_in_drafting(author, committee):
    plan = builders.drafting(author)
    with pytest.raises(Conflict):
        services.plan_submit_to_committee(plan=plan, actor=author)


# --- votes, approve, reject ----------------------------------------------------------------

def test_author_on_the_committee_cannot_vote_on_their_plan(plan_at_committee, author, committee):
    from tests.factories import SeatFactory

    SeatFactory(committee=committee, user=author)
    from committee.selectors import forget_roles

    forget_roles(author)
    with pytest.raises(PermissionDenied):
        committee_services.decision_vote(decision=plan_at_committee.current_decision(),
                                         voter=author, choice="approve")


def test_non_members_cannot_vote(plan_at_committee, reviewer):
    with pytest.raises(PermissionDenied):
        committee_services.decision_vote(decision=plan_at_committee.current_decision(),
                                         voter=reviewer, choice="approve")


def test_unanimous_approval_moves_the_plan_to_execution(plan_at_committee, chair,
                                                        committee_member):
    decision = plan_at_committee.current_decision()
    committee_services.decision_vote(decision=decision, voter=chair, choice="approve")
    decision.refresh_from_db()
    assert decision.is_open  # 1 of 2: the other vote could still tie it
    committee_services.decision_vote(decision=decision, voter=committee_member,
                                     choice="approve", comment="Good.")
    decision.refresh_from_db()
    plan = plan_at_committee.__class__.objects.get(pk=plan_at_committee.pk)
    assert decision.state == "approved"
    assert plan.state == PlanState.EXECUTION
    assert plan.approved_revision == 1
    assert AuditEvent.objects.filter(action="plans.plan.approve").count() == 1


def test_rejection_returns_the_plan_with_reasons(plan_at_committee, chair, committee_member):
    decision = plan_at_committee.current_decision()
    committee_services.decision_vote(decision=decision, voter=chair, choice="reject",
                                     comment="Targets unrealistic.")
    committee_services.decision_vote(decision=decision, voter=committee_member,
                                     choice="reject", comment="Agree.")
    plan = plan_at_committee.__class__.objects.get(pk=plan_at_committee.pk)
    assert plan.state == PlanState.DRAFTING
    assert "Targets unrealistic." in Decision.objects.get(pk=decision.pk).summary


def test_rejecting_needs_reasons(plan_at_committee, chair):
    with pytest.raises(ValidationError) as exc:
        committee_services.decision_vote(decision=plan_at_committee.current_decision(),
                                         voter=chair, choice="reject")
    assert "comment" in exc.value.message_dict


def test_tie_is_settled_by_the_chairs_casting_vote(plan_at_committee, chair, committee_member):
    decision = plan_at_committee.current_decision()
    committee_services.decision_vote(decision=decision, voter=chair, choice="approve")
    committee_services.decision_vote(decision=decision, voter=committee_member,
                                     choice="reject", comment="Too costly.")
    decision.refresh_from_db()
    assert decision.is_open
    with pytest.raises(ValidationError) as exc:
        committee_services.decision_close(decision=decision, actor=chair)
    assert "casting_vote" in exc.value.message_dict
    committee_services.decision_close(decision=decision, actor=chair, casting_vote="approve")
    decision.refresh_from_db()
    assert decision.state == "approved"
    assert decision.casting_vote == "approve"
    assert plan_at_committee.__class__.objects.get(pk=plan_at_committee.pk).state == "execution"


def test_only_the_chair_closes_and_only_with_a_quorum(plan_at_committee, chair,
                                                     committee_member):
    decision = plan_at_committee.current_decision()
    with pytest.raises(PermissionDenied):
        committee_services.decision_close(decision=decision, actor=committee_member)
    with pytest.raises(ValidationError):
        committee_services.decision_close(decision=decision, actor=chair)


def test_voting_on_a_closed_decision_is_a_conflict(plan_at_committee, chair, committee_member):
    decision = plan_at_committee.current_decision()
    committee_services.decision_vote(decision=decision, voter=chair, choice="approve")
    committee_services.decision_vote(decision=decision, voter=committee_member,
                                     choice="approve")
    with pytest.raises(Conflict):
        committee_services.decision_vote(decision=decision, voter=chair, choice="reject",
                                         comment="changed my mind")


def test_approve_without_an_approved_decision_is_refused(plan_at_committee, chair):
    with pytest.raises(ValidationError) as exc:
        services.plan_approve(plan=plan_at_committee, actor=chair)
    assert "decision" in exc.value.message_dict


# --- frozen content ------------------------------------------------------------------------

def test_content_is_frozen_outside_analysis_and_drafting(plan_in_review, author):
    with pytest.raises(Conflict):
        services.plan_update(plan=plan_in_review, actor=author, title="Changed")
    with pytest.raises(Conflict):
        builders.add_goal(plan_in_review, author)
    plan_in_review.refresh_from_db()
    assert plan_in_review.title == "Annual plan"


# --- cancel -------------------------------------------------------------------------------

def test_cancel_needs_manager_or_chair_and_a_reason(plan_at_committee, author, chair,
                                                    planning_manager):
    with pytest.raises(PermissionDenied):
        services.plan_cancel(plan=plan_at_committee, actor=author, reason="No longer needed")
    with pytest.raises(ValidationError):
        services.plan_cancel(plan=plan_at_committee, actor=chair, reason=" ")
    plan = services.plan_cancel(plan=plan_at_committee, actor=chair, reason="Strategy changed")
    assert plan.state == PlanState.CANCELLED
    assert plan.cancel_reason == "Strategy changed"
    assert Decision.objects.get().state == "withdrawn"
    with pytest.raises(Conflict):
        services.plan_cancel(plan=plan, actor=planning_manager, reason="again")


# --- one way to change state ---------------------------------------------------------------

def test_nothing_but_the_services_calls_a_transition():
    """Transitions are called only from plans/services.py (ARCHITECTURE.md §3)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    names = ["start_drafting", "submit_for_review", "return_to_drafting",
             "submit_to_committee", "approve", "reject", "cancel"]
    call = re.compile(r"\.(" + "|".join(names) + r")\(")
    offenders = []
    for path in root.glob("*/**/*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "tests/", "var/")) or rel == "plans/services.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if call.search(line) and "def " not in line and "_transition(" not in line:
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []


def test_state_cannot_be_assigned_directly(author):
    plan = builders.new_plan(author)
    with pytest.raises(AttributeError):
        plan.state = PlanState.EXECUTION


def test_a_closed_decisions_tally_stays_as_it_was(plan_at_committee, chair, committee_member,
                                                  committee):
    from committee.services import decision_tally
    from tests.factories import SeatFactory, UserFactory

    decision = plan_at_committee.current_decision()
    for member in (chair, committee_member):
        committee_services.decision_vote(decision=decision, voter=member, choice="approve")
    decision.refresh_from_db()
    before = decision_tally(decision)
    SeatFactory(committee=committee, user=UserFactory(username="newcomer"))
    committee_member.committee_seats.update(ended_on=plan_at_committee.period_start)
    decision.refresh_from_db()
    assert decision_tally(decision) == before == type(before)(2, approve=2)
