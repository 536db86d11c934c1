"""Permissions by department: who sees, records, assesses, accepts and configures; the
selector and the rule agree; pages and the API answer alike."""

import pytest

from risks import services
from risks.models import Risk
from risks.selectors import visible_risks
from tests.plans import builders as plan_builders
from tests.risks import builders

pytestmark = pytest.mark.django_db


def test_a_unit_sees_its_own_risks_not_another_units(api, client, unit_staff, sales_risk,
                                                     marketing_risk):
    api.as_(unit_staff)
    listed = {r["title"] for r in api.get("/api/v1/risks/").json()["results"]}
    assert listed == {sales_risk.title}
    assert api.get(f"/api/v1/risks/{marketing_risk.pk}/").status_code == 404
    assert api.get(f"/api/v1/risks/{sales_risk.pk}/").status_code == 200
    client.force_login(unit_staff)
    assert client.get(f"/risks/{marketing_risk.pk}/").status_code == 404
    page = client.get("/risks/").content.decode()
    assert sales_risk.title in page and marketing_risk.title not in page


def test_planning_committee_and_auditor_see_everything(planning_manager, chair, auditor,
                                                       sales_risk, marketing_risk):
    for user in (planning_manager, chair, auditor):
        assert set(visible_risks(user)) == {sales_risk, marketing_risk}


def test_auditor_reads_only(api, auditor, sales_risk):
    api.as_(auditor)
    assert api.get(f"/api/v1/risks/{sales_risk.pk}/").status_code == 200
    response = api.post(f"/api/v1/risks/{sales_risk.pk}/assess/",
                        {"kind": "inherent", "likelihood": 2, "impact": 2})
    assert response.status_code == 403
    assert api.post("/api/v1/risks/", {"title": "x", "category": "market",
                                       "department": sales_risk.department_id}).status_code \
        == 403


def test_a_unit_records_risks_only_for_itself(api, unit_staff, sales, marketing, author):
    api.as_(unit_staff)
    response = api.post("/api/v1/risks/", {"title": "Price war", "category": "competition",
                                           "department": marketing.pk})
    assert response.status_code == 400 and "department" in response.json()["errors"]
    response = api.post("/api/v1/risks/", {"title": "Price war", "category": "competition",
                                           "department": sales.pk, "status": "closed",
                                           "inherent_level": "low", "created_by": author.pk})
    assert response.status_code == 201, response.json()
    risk = Risk.objects.get(pk=response.json()["id"])
    assert (risk.status, risk.inherent_level, risk.created_by) == ("identified", "", unit_staff)
    # the planning department records for anyone
    response = api.as_(author).post("/api/v1/risks/", {
        "title": "Campaign", "category": "market", "department": marketing.pk})
    assert response.status_code == 201


def test_staff_of_another_unit_cannot_assess(api, unit_staff, marketing_risk, reviewer):
    # reviewer heads Marketing
    api.as_(reviewer)
    assert api.post(f"/api/v1/risks/{marketing_risk.pk}/assess/", {
        "kind": "inherent", "likelihood": 2, "impact": 2}).status_code == 201
    api.as_(unit_staff)
    assert api.post(f"/api/v1/risks/{marketing_risk.pk}/assess/", {
        "kind": "inherent", "likelihood": 2, "impact": 2}).status_code == 404


def test_whoever_sees_a_plan_sees_its_risks(author, reviewer, unit_staff, marketing, sales,
                                            matrix):
    """Reviewers of a plan score "risk" with its risks in view."""
    from risks.selectors import risks_for_plan

    plan = plan_builders.in_review(author, [marketing], sales, unit_staff,
                                   title="North plan", level="unit", department=sales)
    risk = builders.new_risk(author, sales, title="Linked", plans=[plan])
    assert risks_for_plan(plan, reviewer) == [risk]  # reviewer heads Marketing
    assert reviewer.has_perm("risks.view_risk", risk)


def test_outsider_sees_nothing_and_records_nothing(api, outsider, sales_risk, sales):
    api.as_(outsider)
    assert api.get("/api/v1/risks/").json()["count"] == 0
    assert api.post("/api/v1/risks/", {"title": "x", "category": "market",
                                       "department": sales.pk}).status_code == 403


def test_selector_and_rule_agree(unit_staff, unit_head, reviewer, outsider, chair, auditor,
                                 author, planning_manager, sales, marketing, matrix):
    plan = plan_builders.new_plan(author, title="Company plan")
    risks = [builders.new_risk(unit_staff, sales),
             builders.new_risk(reviewer, marketing, title="m"),
             builders.new_risk(author, marketing, title="linked", plans=[plan])]
    for user in (unit_staff, unit_head, reviewer, outsider, chair, auditor, author,
                 planning_manager):
        fresh = type(user).objects.get(pk=user.pk)
        visible = set(visible_risks(fresh))
        for risk in risks:
            assert (risk in visible) == fresh.has_perm("risks.view_risk", risk), (user, risk)


def test_only_planning_leads_configure(api, author, planning_manager, unit_head, matrix):
    body = {"likelihood_labels": builders.labels(3), "impact_labels": builders.labels(3),
            "cells": builders.levels(3, 3)}
    assert api.as_(unit_head).post("/api/v1/risks/matrices/", body).status_code == 403
    assert api.as_(author).post("/api/v1/risks/matrices/", body).status_code == 403
    assert api.as_(planning_manager).post("/api/v1/risks/matrices/", body).status_code == 201


def test_a_closed_risk_is_not_edited(api, unit_head, sales, matrix):
    risk = builders.assessed(unit_head, sales)
    services.risk_transition(risk=risk, actor=unit_head, name="close", reason="Gone")
    response = api.as_(unit_head).patch(f"/api/v1/risks/{risk.pk}/", {"title": "New"})
    assert response.status_code == 409
