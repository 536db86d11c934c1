"""A demo risk register (§4.3): the 5 × 5 matrix, a dozen risks across categories and states
linked to the demo plans, with assessments, responses and actions; one high risk accepted by
a committee decision; one action's cost made a line of its plan's cost budget. Made through
the services so the history is what real use records."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from committee.models import Department
from plans.models import Plan
from risks import services
from risks.default_matrix import CELLS, COLOURS, IMPACT, LIKELIHOOD
from risks.models import Risk, RiskAction

ORDER = 40

# title, category, method, department, recorder, plan, inherent (l, i), response,
# residual (l, i), state
RISKS = [
    ("Key distributor moves to a competitor", "competition", "brainstorming", "sales",
     "sales.head", "Annual operating plan", (4, 4), "reduce", (2, 3), "monitoring"),
    ("Competitor price cut of 15 %", "competition", "case_analysis", "sales", "sales.staff1",
     "Q1 market expansion", (3, 4), "reduce", None, "responding"),
    ("Demand in tier-2 cities below forecast", "market", "checklist", "marketing",
     "marketing.head", "Q1 market expansion", (3, 3), None, None, "assessed"),
    ("Spring campaign misses its audience", "market", "brainstorming", "marketing",
     "marketing.staff1", "Brand promotion plan", (2, 3), "reduce", (1, 3), "monitoring"),
    ("Analytics add-on ships late", "technical", "review", "product", "product.head",
     "Annual operating plan", (4, 3), "reduce", None, "responding"),
    ("Ticketing system outage during peak season", "technical", "checklist", "service",
     "service.head", "Customer service excellence programme", (2, 5), "transfer", (2, 2),
     "monitoring"),
    ("Marketing spend over-runs the 6 % cap", "financial", "case_analysis", "finance",
     "finance.head", "Brand promotion plan", (3, 3), "avoid", None, "responding"),
    ("Large customer pays 90 days late", "financial", "meeting", "finance", "finance.staff1",
     "Annual operating plan", (5, 4), "accept", None, "accepted"),
    ("New consumer-protection rules from 1 March", "legal", "checklist", "planning",
     "planning.spec1", "Annual operating plan", (4, 3), "reduce", None, "responding"),
    ("Cross-border data export review", "legal", "review", "product", "product.staff1",
     None, (2, 4), None, None, "assessed"),
    ("Two key-account positions stay open", "other", "brainstorming", "sales", "sales.staff2",
     "Sales unit work plan", None, None, None, "identified"),
    ("Legacy product relaunch cancelled", "market", "meeting", "planning", "planning.spec2",
     "Legacy product relaunch", (1, 2), "accept", None, "closed"),
]


def _user(username):
    return get_user_model().objects.get(username=username)


def seed(ctx):
    from committee import services as committee_services

    manager = _user("planning.manager")
    matrix = services.current_matrix()
    if matrix is None:
        matrix = services.matrix_create(actor=manager, name="5 × 5",
                                        likelihood_labels=LIKELIHOOD, impact_labels=IMPACT,
                                        cells=CELLS, colours=COLOURS)
    made = 0
    for (title, category, method, dept, recorder, plan_title, inherent, strategy, residual,
         state) in RISKS:
        if Risk.objects.filter(title=title).exists():
            continue
        actor = _user(recorder)
        department = Department.objects.get(code=dept)
        plan = Plan.objects.filter(title=plan_title).first() if plan_title else None
        risk = services.risk_create(actor=manager if dept == "planning" else actor,
                                    title=title, category=category, method=method,
                                    department=department, owner=actor,
                                    plans=[plan] if plan else [],
                                    description=f"{title}: identified by "
                                                f"{method.replace('_', ' ')}.")
        actor = manager if dept == "planning" else actor
        made += 1
        if inherent:
            services.risk_assess(risk=risk, actor=actor, kind="inherent",
                                 likelihood=inherent[0], impact=inherent[1],
                                 probability=Decimal(15 * inherent[0]),
                                 financial_impact=Decimal(200_000 * inherent[1] ** 2),
                                 note="Initial assessment.")
        if strategy:
            risk = services.risk_respond(
                risk=risk, actor=actor, strategy=strategy, target_level="medium"
                if strategy != "accept" else "",
                response_plan=f"{strategy.title()}: owner reports monthly.")
            if strategy != "accept":
                services.action_save(risk=risk, action=RiskAction(), actor=actor,
                                     title=f"First step against: {title[:60]}",
                                     owner=_user(recorder), cost=Decimal("25000.00"),
                                     due_on=timezone.localdate() + dt.timedelta(days=45))
        if residual:
            services.risk_assess(risk=risk, actor=actor, kind="residual",
                                 likelihood=residual[0], impact=residual[1],
                                 note="After the response.")
            services.risk_transition(risk=risk, actor=actor, name="monitor")
        if state == "accepted":
            head = _user("finance.head")
            acceptance = services.risk_accept(risk=risk, actor=head, reason=(
                "Credit insurance costs more than the expected loss; the customer has "
                "always paid in the end."))
            for voter in ("chair", "planning.manager", "product.head", "sales.head"):
                decision = type(acceptance.decision).objects.get(pk=acceptance.decision_id)
                if decision.is_open:
                    committee_services.decision_vote(decision=decision, voter=_user(voter),
                                                     choice="approve")
        if state == "closed":
            services.risk_transition(risk=risk, actor=manager, name="close",
                                     reason="The relaunch was cancelled; nothing to protect.")
    ctx.counts["risks"] = made
    # A response action costed into the budget of its plan (risks → plans.hooks → costs).
    action = RiskAction.objects.filter(risk__title="Analytics add-on ships late",
                                       cost_line_id__isnull=True).first()
    annual = Plan.objects.filter(title="Annual operating plan").first()
    if action is not None and annual is not None:
        services.action_to_cost_line(action=action, plan=annual, category="personnel",
                                     actor=_user("planning.spec1"))
        ctx.counts["risk actions in a cost budget"] = 1
