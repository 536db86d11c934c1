"""The risks app's part of the permission matrix (tests/hardening/test_permission_matrix.py):
``build(s)`` adds this app's sample records to the shared world, ``RULES`` maps each of the
app's route names to its Cases (one per HTTP method)."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.hardening.test_permission_matrix import SCOPED, Case, get, pk_of

G, P, U, A, D = "GET", "POST", "PUT", "PATCH", "DELETE"


def build(s):
    """Add this app's samples: ``s.add(name, obj)``; personas and core samples exist."""
    from risks import services
    from risks.models import ChecklistItem, RiskAction
    from tests.risks.builders import ensure_matrix

    matrix = ensure_matrix()
    s.add("risk_matrix", matrix)
    # a high risk of Sales, recorded by its staff, assessed, with "accept" as response
    risk = services.risk_create(actor=s.unit_staff, title="Distributor leaves",
                                category="competition", department=s.sales,
                                owner=s.unit_staff)
    services.risk_assess(risk=risk, actor=s.unit_staff, kind="inherent", likelihood=4,
                         impact=4)
    risk = services.risk_respond(risk=risk, actor=s.unit_staff, strategy="accept")
    s.add("sales_risk", risk)
    s.add("risk_assessment", risk.inherent)
    s.add("risk_action", services.action_save(
        risk=risk, action=RiskAction(), actor=s.unit_staff, title="Second distributor",
        owner=s.unit_staff, due_on=dt.date(2027, 3, 1)))
    # a risk of another unit (North), by the planning manager, with an open acceptance vote
    north = services.risk_create(actor=s.planning_manager, title="Northern permit lapses",
                                 category="legal", department=s.north)
    services.risk_assess(risk=north, actor=s.planning_manager, kind="inherent", likelihood=5,
                         impact=5)
    north = services.risk_respond(risk=north, actor=s.planning_manager, strategy="accept")
    acceptance = services.risk_accept(risk=north, actor=s.planning_manager,
                                      reason="Renewal is certain")
    s.add("north_risk", north)
    s.add("north_assessment", north.inherent)
    s.add("risk_acceptance", acceptance)
    s.add("checklist_item", ChecklistItem.objects.create(
        category="market", question="Could demand fall by 10 %?"))
    # a risk of the Sales plan (needs analysis: its budget is editable) with a costed action
    linked = services.risk_create(actor=s.unit_head, title="Supplier fails",
                                  category="market", department=s.sales, plans=[s.unit_plan])
    s.add("linked_risk", linked)
    s.add("costed_action", services.action_save(
        risk=linked, action=RiskAction(), actor=s.unit_head, title="Second supplier",
        cost=Decimal("300.00")))


SALES_RISK = {"obj": get("sales_risk"), "kwargs": pk_of("sales_risk"),
              "hidden": "risks.view_risk"}
NORTH_RISK = {"obj": get("north_risk"), "kwargs": pk_of("north_risk"),
              "hidden": "risks.view_risk", "variant": "other_unit"}
ACTION = {"obj": get("risk_action"), "hidden": "risks.view_riskaction"}
ACTION_ROUTE = {"kwargs": lambda s: {"pk": s.pk("sales_risk"), "action_pk": s.pk("risk_action")},
                "hidden": "risks.view_risk", "hidden_obj": get("sales_risk")}
MATRIX = {"obj": get("risk_matrix"), "kwargs": pk_of("risk_matrix")}
ITEM = {"obj": get("checklist_item"), "kwargs": pk_of("checklist_item", "item_pk")}
HIDDEN_RISK_IN_BODY = ("The risk is named in the body: one the user may not see is an unknown "
                       "reference (400 'No such risk'), not a 404 of the URL.")


def _risk_form(s):
    return {"title": "Price war", "category": "competition", "method": "brainstorming",
            "department": s.pk("sales")}


def _assess(s):
    return {"kind": "inherent", "likelihood": 2, "impact": 3}


def _matrix_form(s):
    return {"likelihood_labels": "A\nB\nC", "impact_labels": "A\nB\nC",
            "cells": "low low low\nlow medium high\nmedium high critical",
            "colour_low": "#00aa00", "colour_medium": "#aaaa00", "colour_high": "#aa5500",
            "colour_critical": "#aa0000"}


def _matrix_body(s):
    return {"likelihood_labels": [{"label": x} for x in "ABC"],
            "impact_labels": [{"label": x} for x in "ABC"],
            "cells": [["low"] * 3, ["medium"] * 3, ["high"] * 3]}


def _csv(s):
    return {"file": SimpleUploadedFile(
        "risks.csv", b"title,category,department\nImported,market,sales\n",
        content_type="text/csv")}


def _may_move_to_plan(user, s):
    return user.has_perm("risks.change_riskaction", s.risk_action) and user.has_perm(
        "plans.steer_plan", s.unit_plan)


_may_move_to_plan.__name__ = "risks.change_riskaction and plans.steer_plan on unit_plan"


def _may_make_cost_line(user, s):
    """Sees the action; the budget's rule on the chosen plan decides. A plan the user cannot
    see is an unknown choice (400), like any hidden reference in a body."""
    if not user.has_perm("risks.view_riskaction", s.costed_action):
        return False
    return user.has_perm("costs.edit_budget", s.unit_plan) or not user.has_perm(
        "plans.view_plan", s.unit_plan)


_may_make_cost_line.__name__ = ("risks.view_riskaction and (costs.edit_budget on unit_plan, "
                                "or unit_plan hidden: 400)")


def _cost_line_body(s):
    return {"plan": s.pk("unit_plan"), "category": "other", "department": s.pk("sales"),
            "basis": "goal"}


COSTED_ROUTE = {"kwargs": lambda s: {"pk": s.pk("linked_risk"),
                                     "action_pk": s.pk("costed_action")},
                "obj": get("costed_action"), "hidden": "risks.view_risk",
                "hidden_obj": get("linked_risk")}


RULES = {
    # --- pages -------------------------------------------------------------------------------
    "risks:list": [Case(G, "risks.list_risks")],
    "risks:create": [Case(m, "risks.add_risk", data=_risk_form) for m in (G, P)],
    "risks:detail": [Case(G, "risks.view_risk", **SALES_RISK),
                     Case(G, "risks.view_risk", **NORTH_RISK)],
    "risks:edit": [Case(m, "risks.change_risk", data=_risk_form, **SALES_RISK)
                   for m in (G, P)],
    "risks:assess": [*(Case(m, "risks.assess_risk", data=_assess, **SALES_RISK)
                       for m in (G, P)),
                     Case(P, "risks.assess_risk", data=_assess, **NORTH_RISK)],
    "risks:respond": [Case(m, "risks.respond_risk", data=lambda s: {"strategy": "reduce"},
                           **SALES_RISK) for m in (G, P)],
    "risks:accept": [Case(m, "risks.accept_risk", data=lambda s: {"reason": "Bearable"},
                          **SALES_RISK) for m in (G, P)],
    "risks:action-add": [Case(m, "risks.change_risk", data=lambda s: {
        "title": "Insure", "status": "open"}, **SALES_RISK) for m in (G, P)],
    "risks:action-edit": [Case(m, "risks.change_riskaction", obj=get("risk_action"),
                               data=lambda s: {"title": "Insure", "status": "done"},
                               **ACTION_ROUTE) for m in (G, P)],
    "risks:action-cost-line": [
        Case(G, "risks.view_riskaction", **COSTED_ROUTE),
        Case(P, _may_make_cost_line, data=_cost_line_body, **COSTED_ROUTE)],
    "risks:action-delete": [Case(P, "risks.delete_riskaction", obj=get("risk_action"),
                                 data=lambda s: {}, **ACTION_ROUTE)],
    "risks:transition": [Case(m, "risks.close_risk",
                              kwargs=lambda s: {"pk": s.pk("sales_risk"), "name": "close"},
                              obj=get("sales_risk"), hidden="risks.view_risk",
                              data=lambda s: {"reason": "Gone"}) for m in (G, P)],
    "risks:heatmap": [Case(G, "risks.list_risks")],
    "risks:export": [Case(G, "risks.list_risks")],
    "risks:import": [Case(G, "risks.import_risks"),
                     Case(P, "risks.import_risks", data=_csv)],
    "risks:import-template": [Case(G, "risks.import_risks")],
    "risks:matrix-list": [Case(G, "risks.view_riskmatrix")],
    "risks:matrix-detail": [Case(G, "risks.view_riskmatrix", **MATRIX)],
    "risks:matrix-create": [Case(m, "risks.configure", data=_matrix_form) for m in (G, P)],
    "risks:matrix-remap": [Case(m, "risks.configure", data=lambda s: {}, **MATRIX)
                           for m in (G, P)],
    "risks:checklist": [Case(G, "risks.view_checklistitem")],
    "risks:checklist-add": [Case(m, "risks.configure", data=lambda s: {
        "category": "legal", "question": "New law?", "order": 1, "is_active": "on"})
        for m in (G, P)],
    "risks:checklist-edit": [Case(m, "risks.configure", data=lambda s: {
        "category": "market", "question": "Demand down?", "order": 1, "is_active": "on"},
        **ITEM) for m in (G, P)],
    "risks:checklist-spawn": [Case(m, "risks.add_risk", data=lambda s: {
        "title": "Demand falls", "department": s.pk("sales")}, **ITEM) for m in (G, P)],

    # --- API ---------------------------------------------------------------------------------
    "risks-api:api-root": [Case(G, SCOPED)],
    "risks-api:risk-list": [
        Case(G, SCOPED),
        Case(P, "risks.add_risk", data=lambda s: {"title": "Price war",
                                                  "category": "competition",
                                                  "department": s.pk("sales")})],
    "risks-api:risk-detail": [
        Case(G, "risks.view_risk", **SALES_RISK),
        Case(G, "risks.view_risk", **NORTH_RISK),
        Case(U, "risks.change_risk", data=lambda s: {
            "title": "Distributor leaves", "category": "competition",
            "department": s.pk("sales")}, **SALES_RISK),
        Case(A, "risks.change_risk", data=lambda s: {"description": "Changed"},
             **SALES_RISK)],
    "risks-api:risk-assess": [Case(P, "risks.assess_risk", data=_assess, **SALES_RISK),
                              Case(P, "risks.assess_risk", data=_assess, **NORTH_RISK)],
    "risks-api:risk-respond": [Case(P, "risks.respond_risk", data=lambda s: {
        "strategy": "reduce"}, **SALES_RISK)],
    "risks-api:risk-accept": [Case(P, "risks.accept_risk", data=lambda s: {
        "reason": "Bearable"}, **SALES_RISK)],
    "risks-api:risk-transitions": [Case(G, "risks.view_risk", **SALES_RISK)],
    "risks-api:risk-transition": [Case(P, "risks.close_risk",
                                       kwargs=lambda s: {"pk": s.pk("sales_risk"),
                                                         "name": "close"},
                                       obj=get("sales_risk"), hidden="risks.view_risk",
                                       data=lambda s: {"reason": "Gone"})],
    "risks-api:risk-history": [Case(G, "risks.view_risk", **SALES_RISK)],
    "risks-api:risk-heatmap": [Case(G, SCOPED)],
    "risks-api:risk-export": [Case(G, SCOPED)],
    "risks-api:risk-import-rows": [Case(P, "risks.import_risks", data=lambda s: {
        "rows": [{"title": "Imported", "category": "market", "department": "sales"}]})],
    "risks-api:matrix-list": [Case(G, SCOPED),
                              Case(P, "risks.configure", data=_matrix_body)],
    "risks-api:matrix-detail": [Case(G, "risks.view_riskmatrix", **MATRIX)],
    "risks-api:matrix-remap-preview": [Case(G, "risks.configure", **MATRIX)],
    "risks-api:matrix-remap": [Case(P, "risks.configure", data=lambda s: {}, **MATRIX)],
    "risks-api:assessment-list": [Case(G, SCOPED)],
    "risks-api:assessment-detail": [
        Case(G, "risks.view_assessment", obj=get("north_assessment"),
             kwargs=pk_of("north_assessment"), hidden="risks.view_assessment")],
    "risks-api:acceptance-list": [Case(G, SCOPED)],
    "risks-api:acceptance-detail": [
        Case(G, "risks.view_acceptance", obj=get("risk_acceptance"),
             kwargs=pk_of("risk_acceptance"), hidden="risks.view_acceptance")],
    "risks-api:action-list": [
        Case(G, SCOPED),
        Case(P, "risks.change_risk", obj=get("sales_risk"), hidden="risks.view_risk",
             hidden_status=400, why=HIDDEN_RISK_IN_BODY, data=lambda s: {
                 "risk": s.pk("sales_risk"), "title": "Insure", "cost": "1200.00"})],
    "risks-api:action-detail": [
        Case(G, "risks.view_riskaction", kwargs=pk_of("risk_action"), **ACTION),
        Case(U, "risks.change_riskaction", kwargs=pk_of("risk_action"), data=lambda s: {
            "risk": s.pk("sales_risk"), "title": "Insure", "status": "open"}, **ACTION),
        Case(A, "risks.change_riskaction", kwargs=pk_of("risk_action"),
             data=lambda s: {"status": "done"}, **ACTION),
        Case(D, "risks.delete_riskaction", kwargs=pk_of("risk_action"), **ACTION)],
    "risks-api:action-to-plan": [
        Case(P, _may_move_to_plan, kwargs=pk_of("risk_action"), data=lambda s: {
            "plan": s.pk("unit_plan"), "department": s.pk("sales")}, **ACTION)],
    "risks-api:action-to-cost-line": [
        Case(P, _may_make_cost_line, kwargs=pk_of("costed_action"), data=_cost_line_body,
             obj=get("costed_action"), hidden="risks.view_riskaction")],
    "risks-api:checklist-list": [
        Case(G, SCOPED),
        Case(P, "risks.configure", data=lambda s: {"category": "legal",
                                                   "question": "New law?"})],
    "risks-api:checklist-detail": [
        Case(G, "risks.view_checklistitem", obj=get("checklist_item"),
             kwargs=pk_of("checklist_item")),
        Case(U, "risks.configure", kwargs=pk_of("checklist_item"), data=lambda s: {
            "category": "market", "question": "Demand down?"}),
        Case(A, "risks.configure", kwargs=pk_of("checklist_item"),
             data=lambda s: {"order": 3}),
        Case(D, "risks.configure", kwargs=pk_of("checklist_item"))],
    "risks-api:checklist-spawn": [
        Case(P, "risks.add_risk", kwargs=pk_of("checklist_item"), data=lambda s: {
            "title": "Demand falls", "department": s.pk("sales")})],
}
