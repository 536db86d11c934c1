"""Plan pages: the same rules as the API, forms that name the field, 409 pages for frozen
content, and only the buttons a person may press."""

import pytest
from django.urls import reverse

from plans.models import Plan
from tests.plans import builders

pytestmark = pytest.mark.django_db


def test_list_and_detail_respect_scope(client, author, unit_staff, marketing):
    hidden = builders.new_plan(author, title="Marketing plan", level="unit", department=marketing)
    shown = builders.new_plan(author, title="Company plan")
    client.force_login(unit_staff)
    page = client.get(reverse("plans:list"))
    assert [p.title for p in page.context["page"].object_list] == ["Company plan"]
    assert client.get(reverse("plans:detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("plans:detail", args=[shown.pk])).status_code == 200


def test_list_filters(client, author):
    builders.new_plan(author, title="Alpha")
    builders.drafting(author, title="Beta")
    client.force_login(author)
    page = client.get(reverse("plans:list"), {"state": "drafting"})
    assert [p.title for p in page.context["page"].object_list] == ["Beta"]
    page = client.get(reverse("plans:list"), {"q": "alp"})
    assert [p.title for p in page.context["page"].object_list] == ["Alpha"]


def test_create_plan_through_the_form(client, author):
    client.force_login(author)
    response = client.post(reverse("plans:create"), {
        "title": "Monthly push", "level": "company", "period_kind": "monthly",
        "period_start": "2027-02-01"})
    plan = Plan.objects.get(title="Monthly push")
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert str(plan.period_end) == "2027-02-28"
    assert plan.strategies.count() == 4


def test_form_errors_name_the_field(client, author):
    client.force_login(author)
    response = client.post(reverse("plans:create"), {
        "title": "", "level": "unit", "period_kind": "annual", "period_start": "2027-01-01"})
    assert response.status_code == 400
    assert {"title"} <= set(response.context["form"].errors)
    assert not Plan.objects.exists()


def test_smart_goal_form_refuses_an_unmeasurable_goal(client, author):
    plan = builders.new_plan(author)
    client.force_login(author)
    response = client.post(reverse("plans:part-add", args=[plan.pk, "goal"]), {
        "title": "Be better", "measure": "", "unit": "", "baseline": "1", "target": "2",
        "direction": "higher", "deadline": "2027-06-30"})
    assert response.status_code == 200
    assert "measure" in response.context["form"].errors
    assert not plan.goals.exists()


def test_frozen_plan_edit_is_a_409_page(client, plan_in_review, author):
    client.force_login(author)
    response = client.post(reverse("plans:edit", args=[plan_in_review.pk]), {
        "title": "Changed", "level": "company", "period_kind": "annual",
        "period_start": "2027-01-01"})
    assert response.status_code == 409
    assert "frozen" in response.content.decode()
    plan_in_review.refresh_from_db()
    assert plan_in_review.title == "Annual plan"


def test_buttons_match_the_rules(client, author, unit_staff, planning_manager):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    start = reverse("plans:transition", args=[plan.pk, "start_drafting"])
    cancel = reverse("plans:transition", args=[plan.pk, "cancel"])
    client.force_login(author)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert start in html
    assert cancel not in html
    assert reverse("plans:edit", args=[plan.pk]) in html
    client.force_login(unit_staff)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert start not in html
    assert reverse("plans:edit", args=[plan.pk]) not in html
    client.force_login(planning_manager)
    assert cancel in client.get(plan.get_absolute_url()).content.decode()


def test_transition_page_runs_the_service(client, author):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    client.force_login(author)
    url = reverse("plans:transition", args=[plan.pk, "start_drafting"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "Analysis done"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "drafting"


def test_transition_forbidden_is_403(client, author, unit_staff):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    client.force_login(unit_staff)
    response = client.post(reverse("plans:transition", args=[plan.pk, "start_drafting"]), {})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == "needs_analysis"


def test_submit_for_review_form_names_the_problem(client, author, marketing):
    plan = builders.drafting(author)
    client.force_login(author)
    response = client.post(reverse("plans:transition", args=[plan.pk, "submit_for_review"]),
                           {"reviewing_departments": [marketing.pk]})
    assert response.status_code == 400
    assert "strategies" in response.content.decode().lower() or \
        response.context["form"].non_field_errors()


def test_review_page_for_the_reviewer_only(client, plan_in_review, reviewer, unit_head):
    review = plan_in_review.reviews.get()
    url = reverse("plans:review", args=[review.pk])
    client.force_login(unit_head)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    response = client.post(url, {**builders.SCORES, "verdict": "approve"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == "done"


def test_vote_from_the_plan_page(client, plan_at_committee, chair, committee_member):
    decision = plan_at_committee.current_decision()
    for member in (chair, committee_member):
        client.force_login(member)
        html = client.get(plan_at_committee.get_absolute_url()).content.decode()
        assert reverse("committee:decision-vote", args=[decision.pk]) in html
        client.post(reverse("committee:decision-vote", args=[decision.pk]),
                    {"choice": "approve", "comment": "Agreed"})
    plan_at_committee.refresh_from_db()
    assert plan_at_committee.state == "execution"
    html = client.get(plan_at_committee.get_absolute_url()).content.decode()
    assert reverse("committee:decision-vote", args=[decision.pk]) not in html


def test_decisions_page_is_for_the_committee_and_planners(client, plan_at_committee, chair,
                                                          unit_staff):
    client.force_login(unit_staff)
    assert client.get(reverse("committee:decisions")).status_code == 403
    client.force_login(chair)
    response = client.get(reverse("committee:decisions"))
    assert response.status_code == 200
    assert plan_at_committee.title in response.content.decode()
