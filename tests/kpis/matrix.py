"""The performance evaluation's part of the permission matrix: a scorecard for Sales and the
open monthly cycle with Sales' evaluation (in self-assessment)."""

import datetime as dt
from decimal import Decimal

from kpis import evaluation_services as ev
from kpis.evaluation import CycleKind
from tests.hardening.test_permission_matrix import (
    ROW_REFUSAL,
    SCOPED,
    Case,
    get,
    may_record,
    pk_of,
    signed_in,
)

G, P = "GET", "POST"


def build(s):
    author = s.author
    template = ev.template_save(actor=author, department=s.sales)
    item = ev.item_add(actor=author, template=template, kind="qualitative", title="Quality",
                       weight=Decimal(100))
    cycle, _ = ev.open_cycle(kind=CycleKind.MONTHLY, day=dt.date(2026, 9, 1))
    evaluation = cycle.evaluations.get(department=s.sales)
    s.add("scorecard_template", template)
    s.add("scorecard_item", item)
    s.add("evaluation_cycle", cycle)
    s.add("evaluation", evaluation)
    s.add("objective", ev.objective_add(evaluation=evaluation, actor=author, title="Grow",
                                        target="+5 %", weight=Decimal(100)))


EVALUATION = {"obj": get("evaluation"), "hidden": "kpis.view_evaluation"}


def agrees_objectives(user, s):
    return (user.has_perm("kpis.self_assess", s.evaluation)
            or user.has_perm("kpis.review_evaluation", s.evaluation))


def _action(name):
    return lambda s: {"pk": s.pk("evaluation"), "action": name}


def _item_body(s):
    return {"kind": "qualitative", "title": "Teamwork", "weight": "10", "rule": "linear",
            "cap": "120", "bands": "[]"}


RULES = {
    "kpis:cycles": [Case(G, signed_in),
                    Case(P, "kpis.run_cycles", data=lambda s: {"kind": "monthly",
                                                               "day": "2026-08-15"})],
    "kpis:cycle": [Case(G, signed_in, kwargs=pk_of("evaluation_cycle")),
                   Case(P, "kpis.run_cycles", kwargs=pk_of("evaluation_cycle"))],
    "kpis:cycle-export": [Case(G, signed_in, kwargs=pk_of("evaluation_cycle"))],
    "kpis:evaluation": [Case(G, "kpis.view_evaluation", kwargs=pk_of("evaluation"),
                             **EVALUATION)],
    "kpis:evaluation-action": [
        Case(P, "kpis.self_assess", kwargs=_action("self-assess"),
             data=lambda s: {"self_assessment": "A good month."}, **EVALUATION),
        Case(P, agrees_objectives, kwargs=_action("objective"), variant="objective",
             data=lambda s: {"title": "Win", "target": "3", "weight": "10"}, **EVALUATION),
        Case(P, "kpis.review_evaluation", kwargs=_action("feedback-request"),
             variant="feedback-request", data=lambda s: {
                 "group": "customer", "external_email": "c@example.com", "days_valid": "7"},
             **EVALUATION)],
    "kpis:scorecard-templates": [Case(G, signed_in)],
    "kpis:scorecard-template": [Case(G, signed_in, kwargs=lambda s: {"code": "sales"}),
                                Case(P, "kpis.keep_scorecards",
                                     kwargs=lambda s: {"code": "sales"}, data=_item_body)],
    "kpis:scorecard-item-remove": [Case(P, "kpis.keep_scorecards", kwargs=lambda s: {
        "code": "sales", "item_pk": s.pk("scorecard_item")})],

    "kpis-api:scorecard-template-list": [
        Case(G, SCOPED),
        Case(P, "kpis.keep_scorecards", data=lambda s: {"department": "marketing"})],
    "kpis-api:scorecard-template-detail": [
        Case(G, signed_in, kwargs=pk_of("scorecard_template")),
        Case("PUT", "kpis.keep_scorecards", kwargs=pk_of("scorecard_template"),
             data=lambda s: {"department": "sales", "kpi_weight": "70", "mbo_weight": "20",
                             "feedback_weight": "10", "scale": 5}),
        Case("PATCH", "kpis.keep_scorecards", kwargs=pk_of("scorecard_template"),
             data=lambda s: {"scale": 4})],
    "kpis-api:scorecard-template-add-item": [Case(P, "kpis.keep_scorecards",
                                                  kwargs=pk_of("scorecard_template"),
                                                  data=lambda s: {"kind": "qualitative",
                                                                  "title": "Teamwork",
                                                                  "weight": "10"})],
    "kpis-api:scorecard-template-remove-item": [Case(P, "kpis.keep_scorecards",
                                                     kwargs=pk_of("scorecard_template"),
                                                     data=lambda s: {
                                                         "item": s.pk("scorecard_item")})],
    "kpis-api:cycle-list": [Case(G, SCOPED),
                            Case(P, "kpis.run_cycles", data=lambda s: {"kind": "monthly",
                                                                       "day": "2026-08-15"})],
    "kpis-api:cycle-detail": [Case(G, signed_in, kwargs=pk_of("evaluation_cycle"))],
    "kpis-api:cycle-advance": [Case(P, "kpis.run_cycles", kwargs=pk_of("evaluation_cycle"))],
    "kpis-api:evaluation-list": [Case(G, SCOPED)],
    "kpis-api:evaluation-detail": [Case(G, "kpis.view_evaluation", kwargs=pk_of("evaluation"),
                                        **EVALUATION)],
    "kpis-api:evaluation-self-assess": [Case(P, "kpis.self_assess", kwargs=pk_of("evaluation"),
                                             data=lambda s: {"self_assessment": "Good."},
                                             **EVALUATION)],
    "kpis-api:evaluation-objectives": [Case(P, agrees_objectives, kwargs=pk_of("evaluation"),
                                            data=lambda s: {"title": "Win", "target": "3",
                                                            "weight": "10"}, **EVALUATION)],
    "kpis-api:evaluation-objective-score": [Case(P, "kpis.self_assess",
                                                 kwargs=pk_of("evaluation"),
                                                 data=lambda s: {"objective": s.pk("objective"),
                                                                 "achievement": "90"},
                                                 **EVALUATION)],
    # in self-assessment these are refused by the stage (409) for everyone who sees them
    **{f"kpis-api:evaluation-{name}": [Case(P, "kpis.view_evaluation",
                                            kwargs=pk_of("evaluation"), data=body, **EVALUATION,
                                            why="wrong stage: 409 for all who see it")]
       for name, body in (("rate", lambda s: {"item": 1, "rating": 3}),
                          ("override", lambda s: {"item": 1, "score": "50", "reason": "x"}),
                          ("calibrate", lambda s: {"score": "50", "reason": "x"}))},
    "kpis-api:evaluation-feedback-requests": [Case(P, "kpis.review_evaluation",
                                                   kwargs=pk_of("evaluation"),
                                                   data=lambda s: {"group": "customer",
                                                                   "external_email":
                                                                   "c@example.com"},
                                                   **EVALUATION)],
    "kpis-api:evaluation-feedback": [Case(G, "kpis.view_evaluation", kwargs=pk_of("evaluation"),
                                          **EVALUATION)],
}

EXCLUDED = {
    "kpis:feedback": "The 360-degree questionnaire by one-time link: external reviewers have no "
                     "account; internal requests redirect to sign-in (tests/kpis/"
                     "test_evaluation_pages.py).",
    "kpis-api:feedback-answer": "The same questionnaire for integrations: the token is the "
                                "credential; unknown 404, used or expired 409 (tests/kpis/"
                                "test_evaluation_pages.py).",
}


# The business-unit desk reports a value through the data entry page's form and service: the
# same rule as kpis:measurement-add (a refusal is a row error of the batch, 400).
RULES["kpis:desk-measurement"] = [
    Case(P, may_record("indicator", "sales"), denied_status=400, why=ROW_REFUSAL,
         data=lambda s: {"indicator": "orders", "department": "sales", "period": "2026-03-01",
                         "value": "7"})]
