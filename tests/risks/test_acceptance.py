"""Responses and acceptance: a high or critical risk is accepted only by a committee
Decision; a later assessment makes the acceptance outdated; the status flow with reasons."""

import pytest
from django.core.exceptions import PermissionDenied

from committee import services as committee_services
from committee.models import Decision
from opsplan.errors import Conflict
from risks import services
from risks.models import Acceptance, Risk
from tests.risks import builders

pytestmark = pytest.mark.django_db


def _accepting(actor, department, likelihood, impact):
    risk = builders.responding(actor, department, strategy="accept", likelihood=likelihood,
                               impact=impact)
    return Risk.objects.get(pk=risk.pk)


def test_a_medium_risk_is_accepted_by_the_unit_head_without_the_committee(unit_head, sales,
                                                                            matrix):
    risk = _accepting(unit_head, sales, 2, 3)
    acceptance = services.risk_accept(risk=risk, actor=unit_head, reason="Cheap to bear")
    assert (acceptance.state, acceptance.level, acceptance.decision) == ("accepted", "medium",
                                                                         None)
    assert not Decision.objects.exists()


def test_a_high_risk_needs_a_committee_decision(unit_head, sales, chair, committee_member,
                                               matrix):
    risk = _accepting(unit_head, sales, 4, 4)
    acceptance = services.risk_accept(risk=risk, actor=unit_head, reason="Cost of avoiding "
                                                                         "is higher")
    assert acceptance.state == "pending"
    decision = Decision.objects.about(risk).get()
    assert (decision.kind, decision.state) == ("risk_acceptance", "open")
    assert acceptance.decision == decision
    for voter in (chair, committee_member):
        committee_services.decision_vote(decision=decision, voter=voter, choice="approve")
    acceptance.refresh_from_db()
    assert acceptance.state == "accepted" and acceptance.decided_at is not None
    # now it may be monitored
    services.risk_assess(risk=risk, actor=unit_head, kind="residual", likelihood=4, impact=4)
    # ... but the new assessment made the acceptance outdated
    acceptance.refresh_from_db()
    assert acceptance.state == "outdated"
    with pytest.raises(Conflict, match="acceptance"):
        services.risk_transition(risk=risk, actor=unit_head, name="monitor")


def test_a_rejected_acceptance_is_recorded(unit_head, sales, chair, committee_member, matrix):
    risk = _accepting(unit_head, sales, 5, 5)
    acceptance = services.risk_accept(risk=risk, actor=unit_head, reason="Too costly")
    for voter in (chair, committee_member):
        committee_services.decision_vote(decision=acceptance.decision, voter=voter,
                                         choice="reject", comment="Reduce it instead")
    acceptance.refresh_from_db()
    assert acceptance.state == "rejected"


def test_a_pending_acceptance_is_withdrawn_when_the_risk_is_assessed_again(unit_head, sales,
                                                                           chair, matrix):
    risk = _accepting(unit_head, sales, 4, 4)
    acceptance = services.risk_accept(risk=risk, actor=unit_head, reason="Accept")
    services.risk_assess(risk=risk, actor=unit_head, kind="inherent", likelihood=5, impact=5)
    acceptance.refresh_from_db()
    assert acceptance.state == "outdated"
    assert acceptance.decision.state == "withdrawn"
    # a fresh acceptance can be requested at the new level
    again = services.risk_accept(risk=risk, actor=unit_head, reason="Still accept")
    assert (again.state, again.level) == ("pending", "critical")


def test_accepting_needs_accept_as_response_and_the_right_person(unit_head, unit_staff, sales,
                                                                 matrix):
    risk = builders.responding(unit_head, sales, strategy="reduce")
    with pytest.raises(Conflict, match="accept"):
        services.risk_accept(risk=risk, actor=unit_head, reason="x")
    risk = _accepting(unit_head, sales, 2, 2)
    with pytest.raises(PermissionDenied):
        services.risk_accept(risk=risk, actor=unit_staff, reason="x")
    assert not Acceptance.objects.exists()


def test_accept_through_the_api_opens_the_decision(api, unit_head, sales, matrix, chair):
    risk = _accepting(unit_head, sales, 4, 5)
    response = api.as_(unit_head).post(f"/api/v1/risks/{risk.pk}/accept/", {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = api.post(f"/api/v1/risks/{risk.pk}/accept/", {"reason": "Accept"})
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "pending" and response.json()["decision_state"] == "open"
    assert api.post(f"/api/v1/risks/{risk.pk}/accept/", {"reason": "Again"}).status_code == 409


def test_status_flow_with_reasons(unit_head, sales, matrix):
    risk = builders.new_risk(unit_head, sales)
    assert risk.status == "identified"
    with pytest.raises(Conflict, match="Assess"):
        services.risk_respond(risk=risk, actor=unit_head, strategy="reduce")
    services.risk_assess(risk=risk, actor=unit_head, kind="inherent", likelihood=3, impact=3)
    with pytest.raises(Conflict, match="response"):
        services.risk_assess(risk=risk, actor=unit_head, kind="residual", likelihood=1,
                             impact=1)
    risk = services.risk_respond(risk=risk, actor=unit_head, strategy="reduce",
                                 target_level="low")
    assert risk.status == "responding"
    with pytest.raises(Conflict, match="residual"):
        services.risk_transition(risk=risk, actor=unit_head, name="monitor")
    services.risk_assess(risk=risk, actor=unit_head, kind="residual", likelihood=1, impact=2)
    risk = services.risk_transition(risk=risk, actor=unit_head, name="monitor")
    assert risk.status == "monitoring" and risk.residual_reached is True
    with pytest.raises(Exception, match="reason"):
        services.risk_transition(risk=risk, actor=unit_head, name="close")
    risk = services.risk_transition(risk=risk, actor=unit_head, name="close",
                                    reason="Distributor signed a 3-year contract")
    assert risk.status == "closed"
    with pytest.raises(Conflict):
        services.risk_assess(risk=risk, actor=unit_head, kind="inherent", likelihood=1,
                             impact=1)
    risk = services.risk_transition(risk=risk, actor=unit_head, name="reopen")
    assert risk.status == "monitoring"


def test_review_cadence_defaults_monthly_for_high_quarterly_otherwise(unit_head, sales,
                                                                      matrix):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    high = builders.assessed(unit_head, sales, likelihood=4, impact=4)
    low = builders.assessed(unit_head, sales, likelihood=1, impact=1)
    assert high.next_review_on == today + dt.timedelta(days=30)
    assert low.next_review_on == today + dt.timedelta(days=91)
    low = services.risk_respond(risk=low, actor=unit_head, strategy="accept",
                                review_every_days=7)
    assert low.next_review_on == today + dt.timedelta(days=7)


def test_response_actions_and_plan_action_items(api, unit_head, sales, unit_staff, author,
                                                matrix):
    from tests.plans import builders as plan_builders

    risk = builders.responding(unit_head, sales)
    response = api.as_(unit_head).post("/api/v1/risks/actions/", {
        "risk": risk.pk, "title": "Sign a second distributor", "owner": unit_staff.pk,
        "due_on": "2027-03-01", "cost": "25000.50"})
    assert response.status_code == 201, response.json()
    assert response.json()["cost"] == "25000.50"
    plan = plan_builders.drafting(author)
    action_id = response.json()["id"]
    # the unit head does not steer the company plan
    response = api.post(f"/api/v1/risks/actions/{action_id}/to-plan/",
                        {"plan": plan.pk, "department": sales.pk})
    assert response.status_code == 403
    services.risk_update(risk=risk, actor=unit_head, plans=[plan])
    response = api.as_(author).post(f"/api/v1/risks/actions/{action_id}/to-plan/",
                                    {"plan": plan.pk, "department": sales.pk})
    assert response.status_code == 201, response.json()
    assert plan.actions.get().title == "Sign a second distributor"


def test_a_risk_becoming_high_is_announced_once_after_commit(unit_head, sales, matrix,
                                                            django_capture_on_commit_callbacks):
    from risks.signals import risk_became_high

    seen = []

    def receiver(sender, risk, assessment, **kwargs):
        seen.append((risk.pk, assessment.level))

    risk_became_high.connect(receiver)
    try:
        risk = builders.new_risk(unit_head, sales)
        with django_capture_on_commit_callbacks(execute=True):
            services.risk_assess(risk=risk, actor=unit_head, kind="inherent", likelihood=4,
                                 impact=4)
        with django_capture_on_commit_callbacks(execute=True):
            services.risk_assess(risk=risk, actor=unit_head, kind="inherent", likelihood=5,
                                 impact=5)  # already high: not again
    finally:
        risk_became_high.disconnect(receiver)
    assert seen == [(risk.pk, "high")]
