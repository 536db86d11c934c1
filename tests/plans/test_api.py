"""The plans API: scope (403/404), transitions (available list, 409, 400 naming what is
missing), parts frozen after submission, reviews and votes."""

import pytest

from plans.models import Plan
from tests.plans import builders

pytestmark = pytest.mark.django_db


def test_create_plan_and_read_it_back(api, author):
    api.as_(author)
    response = api.post("/api/v1/plans/", {
        "title": "Q2 plan", "level": "company", "period_kind": "quarterly",
        "period_start": "2027-04-01",
    })
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "needs_analysis"
    assert body["period_end"] == "2027-06-30"
    assert body["author"] == author.pk


def test_mass_assignment_of_state_author_and_revision_is_ignored(api, author, unit_staff):
    api.as_(author)
    response = api.post("/api/v1/plans/", {
        "title": "Sneaky", "level": "company", "period_kind": "annual",
        "period_start": "2027-01-01", "state": "execution", "author": unit_staff.pk,
        "revision": 9, "approved_revision": 9,
    })
    assert response.status_code == 201
    plan = Plan.objects.get(title="Sneaky")
    assert (plan.state, plan.author, plan.revision, plan.approved_revision) == \
        ("needs_analysis", author, 0, None)


def test_unit_plan_needs_a_business_unit(api, author):
    response = api.as_(author).post("/api/v1/plans/", {
        "title": "Unit plan", "level": "unit", "period_kind": "annual",
        "period_start": "2027-01-01",
    })
    assert response.status_code == 400
    assert "department" in response.json()["errors"]


def test_unit_staff_cannot_create_plans(api, unit_staff):
    response = api.as_(unit_staff).post("/api/v1/plans/", {
        "title": "X", "level": "company", "period_kind": "annual", "period_start": "2027-01-01",
    })
    assert response.status_code == 403


def test_scope_hides_unit_plans_from_other_units(api, author, unit_staff, marketing,
                                                 reviewer):
    unit_plan = builders.new_plan(author, title="Marketing plan", level="unit",
                                  department=marketing)
    company_plan = builders.new_plan(author, title="Company plan")
    api.as_(unit_staff)
    listed = {p["title"] for p in api.get("/api/v1/plans/").json()["results"]}
    assert listed == {"Company plan"}
    assert api.get(f"/api/v1/plans/{unit_plan.pk}/").status_code == 404
    assert api.get(f"/api/v1/plans/{company_plan.pk}/").status_code == 200
    api.as_(reviewer)  # heads marketing
    assert api.get(f"/api/v1/plans/{unit_plan.pk}/").status_code == 200


def test_outsider_without_any_role_sees_no_plan(api, author, outsider):
    plan = builders.new_plan(author)
    api.as_(outsider)
    assert api.get("/api/v1/plans/").json()["count"] == 0
    assert api.get(f"/api/v1/plans/{plan.pk}/").status_code == 404


def test_selector_and_rule_agree(author, unit_staff, reviewer, outsider, chair, auditor,
                                 marketing, sales):
    from plans.selectors import visible_plans

    plans = [builders.new_plan(author, title="c"),
             builders.new_plan(author, title="m", level="unit", department=marketing),
             builders.new_plan(author, title="s", level="unit", department=sales)]
    for user in (author, unit_staff, reviewer, outsider, chair, auditor):
        visible = set(visible_plans(user))
        for plan in plans:
            assert (plan in visible) == user.has_perm("plans.view_plan", plan), (user, plan)


def test_available_transitions_explain_what_is_missing(api, author):
    plan = builders.new_plan(author)
    body = api.as_(author).get(f"/api/v1/plans/{plan.pk}/transitions/").json()
    start = next(t for t in body if t["name"] == "start_drafting")
    assert start["ready"] is False
    assert start["problems"]
    assert "cancel" not in {t["name"] for t in body}  # the author may not cancel


def test_transition_endpoint_runs_the_service(api, author):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    response = api.as_(author).post(
        f"/api/v1/plans/{plan.pk}/transitions/start_drafting/", {"note": "ready"})
    assert response.status_code == 200
    assert response.json()["state"] == "drafting"
    again = api.post(f"/api/v1/plans/{plan.pk}/transitions/start_drafting/", {})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_transition_guard_failure_is_a_400_naming_what_is_missing(api, author, marketing):
    plan = builders.drafting(author)
    response = api.as_(author).post(
        f"/api/v1/plans/{plan.pk}/transitions/submit_for_review/",
        {"reviewing_departments": [marketing.pk]})
    assert response.status_code == 400
    assert {"strategies", "actions"} <= set(response.json()["errors"])


def test_transition_forbidden_is_403_and_unknown_is_404(api, author, unit_staff):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    api.as_(unit_staff)
    assert api.post(f"/api/v1/plans/{plan.pk}/transitions/start_drafting/").status_code == 403
    assert api.post(f"/api/v1/plans/{plan.pk}/transitions/approve/").status_code == 404
    plan.refresh_from_db()
    assert plan.state == "needs_analysis"


def test_parts_are_frozen_after_submission(api, plan_in_review, author):
    goal = plan_in_review.goals.get()
    api.as_(author)
    response = api.patch(f"/api/v1/plans/goals/{goal.pk}/", {"title": "Changed"})
    assert response.status_code == 409
    created = api.post("/api/v1/plans/goals/", {
        "plan": plan_in_review.pk, "title": "New", "measure": "m", "unit": "u",
        "baseline": "1", "target": "2", "deadline": "2027-06-30"})
    assert created.status_code == 409
    goal.refresh_from_db()
    assert goal.title == "Grow revenue"


def test_parts_of_invisible_plans_cannot_be_added(api, author, unit_staff, marketing):
    plan = builders.new_plan(author, level="unit", department=marketing)
    response = api.as_(unit_staff).post("/api/v1/plans/goals/", {
        "plan": plan.pk, "title": "x", "measure": "m", "unit": "u", "baseline": "1",
        "target": "2", "deadline": "2027-06-30"})
    assert response.status_code == 400
    assert "plan" in response.json()["errors"]


def test_goal_validation_names_the_field(api, author):
    plan = builders.new_plan(author)
    response = api.as_(author).post("/api/v1/plans/goals/", {
        "plan": plan.pk, "title": "x", "measure": "m", "unit": "u", "baseline": "10",
        "target": "5", "deadline": "2027-06-30"})
    assert response.status_code == 400
    assert "target" in response.json()["errors"]


def test_review_and_vote_through_the_api(api, plan_in_review, reviewer, author, chair,
                                         committee_member):
    review = plan_in_review.reviews.get()
    api.as_(reviewer)
    response = api.post(f"/api/v1/plans/reviews/{review.pk}/submit/", {
        **builders.SCORES, "verdict": "approve"})
    assert response.status_code == 200, response.json()
    api.as_(author)
    assert api.post(f"/api/v1/plans/{plan_in_review.pk}/transitions/submit_to_committee/"
                    ).status_code == 200
    decision_id = Plan.objects.get(pk=plan_in_review.pk).current_decision().pk
    assert api.post(f"/api/v1/committee/decisions/{decision_id}/vote/",
                    {"choice": "approve"}).status_code == 403  # the author
    for member in (chair, committee_member):
        response = api.as_(member).post(f"/api/v1/committee/decisions/{decision_id}/vote/",
                                        {"choice": "approve", "comment": "Yes"})
        assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert Plan.objects.get(pk=plan_in_review.pk).state == "execution"
    late = api.post(f"/api/v1/committee/decisions/{decision_id}/vote/", {"choice": "reject",
                                                                          "comment": "late"})
    assert late.status_code == 409


def test_history_lists_every_change(api, plan_in_review, author):
    body = api.as_(author).get(f"/api/v1/plans/{plan_in_review.pk}/history/").json()
    actions = [e["action"] for e in body["results"]]
    assert actions[0] == "plans.plan.create"
    assert "plans.plan.start_drafting" in actions
    assert actions[-1] == "plans.plan.submit_for_review"


def test_history_includes_the_committees_votes(api, plan_at_committee, chair, committee_member,
                                               author):
    from committee import services as committee_services

    decision = plan_at_committee.current_decision()
    committee_services.decision_vote(decision=decision, voter=chair, choice="approve",
                                     comment="Sound plan")
    body = api.as_(author).get(f"/api/v1/plans/{plan_at_committee.pk}/history/").json()
    actions = [e["action"] for e in body["results"]]
    assert "committee.decision.open" in actions
    vote = next(e for e in body["results"] if e["action"] == "committee.vote.cast")
    assert (vote["actor"], vote["data"]["choice"]) == ("chair", "approve")
