"""The costs app's part of the permission matrix (tests/hardening/test_permission_matrix.py):
``build(s)`` adds this app's sample records to the shared world, ``RULES`` maps each of the
app's route names to its Cases (one per HTTP method)."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.hardening.test_permission_matrix import SCOPED, Case, get, pk_of, signed_in

G, P, U, A, D = "GET", "POST", "PUT", "PATCH", "DELETE"


def build(s):
    """Add this app's samples: ``s.add(name, obj)``; personas and core samples exist."""
    from costs import services
    from costs.models import (
        BudgetLine,
        BudgetPeriod,
        CostEntry,
        CostTarget,
        EntryImport,
        Overrun,
        Reward,
        SavingMeasure,
        Suggestion,
        VarianceExplanation,
    )
    from costs.money import period_starts, split_even

    running, sales = s.running_plan, s.sales
    unit_head, unit_staff = s.unit_head, s.unit_staff
    # a line of the Sales plan in needs analysis (editable), through the service
    s.add("budget_line", services.budget_line_save(
        plan=s.unit_plan, actor=unit_head, category="material", department=sales,
        description="Samples", basis="history", amount=Decimal("600.00"),
        split_kind="monthly", split_mode="even"))
    # the running plan's budget (it went through the revision before the costs app existed
    # in this world): written directly
    line = BudgetLine.objects.create(plan=running, category="marketing", department=sales,
                                     description="Fairs", basis="goal",
                                     amount=Decimal("1200.00"))
    starts = period_starts("monthly", running.period_start, running.period_end)
    BudgetPeriod.objects.bulk_create([BudgetPeriod(line=line, period_start=a, amount=b)
                                      for a, b in zip(starts, split_even(line.amount,
                                                                         len(starts)),
                                                      strict=True)])
    s.add("running_line", line)
    s.add("cost_entry", CostEntry.objects.create(
        plan=running, category="marketing", department=sales, incurred_on=running.period_start,
        amount=Decimal("100.00"), reference="INV-1", recorded_by=unit_head,
        attachment=ContentFile(b"voucher INV-1", name="inv-1.txt")))
    s.add("cost_target", CostTarget.objects.create(
        plan=running, department=sales, position="head", owner=unit_head,
        category="marketing", amount=Decimal("1000.00")))
    s.add("explanation", VarianceExplanation.objects.create(
        plan=running, category="marketing", month=running.period_start, text="Early fair",
        written_by=unit_head))
    s.add("overrun", Overrun.objects.create(
        plan=running, category="personnel", budget=Decimal(0), spent=Decimal(5),
        action="deviation", state="recorded"))
    s.add("measure", SavingMeasure.objects.create(
        title="Fewer couriers", kind="spend_control", department=sales, owner=unit_staff,
        expected_saving=Decimal(100)))
    s.add("suggestion", Suggestion.objects.create(
        title="Duplex printing", description="Print on both sides.", submitted_by=unit_staff))
    s.add("accepted_suggestion", Suggestion.objects.create(
        title="Returnable crates", description="Crates.", submitted_by=unit_staff,
        state="accepted", feasibility=4))
    rewarded = Suggestion.objects.create(title="LED lights", description="LED.",
                                         submitted_by=unit_staff, state="rewarded")
    s.add("reward", Reward.objects.create(
        suggestion=rewarded, kind="amount", amount=Decimal(50), realised_saving=Decimal(1000),
        rule="5%", granted_by=s.planning_manager))
    s.add("cost_batch", EntryImport.objects.create(
        user=unit_staff, filename="costs.csv", rows=[{
            "plan": str(running.pk), "kind": "actual", "category": "marketing",
            "department": "sales", "date": str(running.period_start), "amount": "5",
            "reference": "", "note": ""}], errors=[]))


def owns_cost_batch(user, s):
    return user.is_authenticated and user.pk == s.cost_batch.user_id


def may_record_cost(user, s):
    from costs.models import CostEntry

    return user.has_perm("costs.record_actual", CostEntry(plan=s.running_plan,
                                                          department=s.sales))


def _line_form(s):
    return {"category": "material", "department": s.pk("sales"), "description": "Samples",
            "basis": "history", "amount": "600.00", "split_kind": "monthly",
            "split_mode": "even"}


def _line_body(s):
    return {"plan": s.pk("unit_plan"), **_line_form(s)}


def _target_form(s):
    return {"department": s.pk("sales"), "position": "staff", "owner": s.pk("unit_staff"),
            "category": "material", "amount": "100.00"}


def _target_body(s):
    return {"plan": s.pk("running_plan"), **_target_form(s)}


def _entry_form(s):
    return {"kind": "actual", "category": "marketing", "department": s.pk("sales"),
            "incurred_on": s.running_plan.period_start.isoformat(), "amount": "10.00"}


def _entry_body(s):
    return {"plan": s.pk("running_plan"), "category": "marketing", "department": "sales",
            "incurred_on": s.running_plan.period_start.isoformat(), "amount": "10.00"}


def _bulk_body(s):
    return {"rows": [{"plan": str(s.pk("running_plan")), "category": "marketing",
                      "department": "sales", "date": s.running_plan.period_start.isoformat(),
                      "amount": "10.00"}]}


def _explain_form(s):
    return {"category": "marketing", "month": s.running_plan.period_start.strftime("%Y-%m"),
            "text": "Why."}


def _explain_body(s):
    return {"plan": s.pk("running_plan"), "category": "marketing",
            "month": s.running_plan.period_start.isoformat(), "text": "Why."}


def _measure_form(s):
    return {"title": "Night tariff", "kind": "utilisation", "department": s.pk("sales"),
            "owner": s.pk("unit_staff"), "expected_saving": "100.00", "status": "planned"}


def _csv_upload(s):
    text = ("plan,category,department,date,amount\n"
            f"{s.pk('running_plan')},marketing,sales,{s.running_plan.period_start},5\n")
    return {"file": SimpleUploadedFile("costs.csv", text.encode(), content_type="text/csv")}


RUNNING = {"obj": get("running_plan"), "kwargs": pk_of("running_plan"),
           "hidden": "plans.view_plan"}
UNIT = {"obj": get("unit_plan"), "kwargs": pk_of("unit_plan"), "hidden": "plans.view_plan"}
LINE = {"obj": get("unit_plan"), "kwargs": pk_of("budget_line"), "hidden": "plans.view_plan"}
TARGET = {"obj": get("running_plan"), "kwargs": pk_of("cost_target"),
          "hidden": "plans.view_plan"}
ENTRY = {"obj": get("cost_entry"), "kwargs": pk_of("cost_entry"), "hidden": "plans.view_plan",
         "hidden_obj": get("running_plan")}
IN_BODY = {"hidden": "plans.view_plan", "hidden_status": 400,
           "why": "The plan is named in the body: one the user may not see is an unknown "
                  "reference (400 'No such plan'), not a 404 of the URL."}
MEASURE = {"obj": get("measure"), "kwargs": pk_of("measure"), "hidden": "costs.view_savings"}
SUGGESTION = {"obj": get("suggestion"), "kwargs": pk_of("suggestion"),
              "hidden": "costs.view_suggestion"}
ACCEPTED = {"obj": get("accepted_suggestion"), "kwargs": pk_of("accepted_suggestion"),
            "hidden": "costs.view_suggestion"}
BATCH = {"kwargs": pk_of("cost_batch"), "hidden": owns_cost_batch}
DEPARTMENT = {"obj": get("sales"), "kwargs": lambda s: {"code": "sales"},
              "hidden": "costs.view_department_costs"}
ROW_REFUSAL = ("An entry the user may not record is a row error of the batch (400 naming row, "
               "column and reason), as for uploads.")


def _part(obj_name, model, plan_name, put, patch):
    part = {"obj": get(obj_name), "kwargs": pk_of(obj_name), "hidden": "plans.view_plan",
            "hidden_obj": get(plan_name)}
    return [Case(G, f"costs.view_{model}", **part), Case(U, f"costs.change_{model}",
                                                        data=put, **part),
            Case(A, f"costs.change_{model}", data=patch, **part),
            Case(D, f"costs.delete_{model}", **part)]


RULES = {
    # --- pages ---------------------------------------------------------------------------------
    "costs:index": [Case(G, signed_in)],
    "costs:plan": [Case(G, "costs.view_plan_costs", **RUNNING)],
    "costs:report": [Case(G, "costs.view_plan_costs", **RUNNING)],
    "costs:export": [Case(G, "costs.view_plan_costs", **RUNNING)],
    "costs:line-add": [Case(m, "costs.edit_budget", data=_line_form, **UNIT) for m in (G, P)],
    "costs:line-edit": [Case(m, "costs.edit_budget", data=_line_form, **LINE) for m in (G, P)],
    "costs:line-delete": [Case(P, "costs.edit_budget", **LINE)],
    "costs:target-add": [Case(m, "costs.set_targets", data=_target_form, **RUNNING)
                         for m in (G, P)],
    "costs:target-edit": [Case(m, "costs.set_targets", data=_target_form, **TARGET)
                          for m in (G, P)],
    "costs:target-delete": [Case(P, "costs.set_targets", **TARGET)],
    "costs:entry-attachment": [Case(G, "costs.view_costentry", **ENTRY)],
    "costs:entry-add": [
        Case(G, "plans.view_plan", why="the form is shown to whoever sees a running plan; "
                                        "recording is checked on POST", **RUNNING),
        Case(P, may_record_cost, data=_entry_form, **RUNNING)],
    "costs:explain": [Case(m, "costs.explain_variance", data=_explain_form, **RUNNING)
                      for m in (G, P)],
    "costs:department": [Case(G, "costs.view_department_costs", **DEPARTMENT)],
    "costs:policies": [Case(G, signed_in)],
    "costs:policy-edit": [Case(m, "costs.set_policy", kwargs=lambda s: {"category": "marketing"},
                               data=lambda s: {"warn_percent": "80", "overrun_percent": "100",
                                               "overrun_action": "decision"})
                          for m in (G, P)],
    "costs:upload": [Case(G, signed_in), Case(P, signed_in, data=_csv_upload)],
    "costs:upload-preview": [Case(G, owns_cost_batch, **BATCH)],
    "costs:upload-confirm": [Case(P, owns_cost_batch, data=lambda s: {}, **BATCH)],
    "costs:measures": [Case(G, "costs.view_savings")],
    "costs:measure-add": [Case(m, "costs.add_measure", data=_measure_form) for m in (G, P)],
    "costs:measure-edit": [Case(m, "costs.change_measure", data=_measure_form, **MEASURE)
                           for m in (G, P)],
    "costs:measure-confirm": [Case(P, "costs.confirm_savings",
                                   data=lambda s: {"realised_saving": "90"}, **MEASURE)],
    "costs:suggestions": [Case(G, signed_in)],
    "costs:suggestion-add": [Case(m, "costs.submit_suggestion",
                                  data=lambda s: {"title": "Idea", "description": "Do it."})
                             for m in (G, P)],
    "costs:suggestion": [Case(G, "costs.view_suggestion", **SUGGESTION)],
    "costs:suggestion-edit": [Case(m, "costs.change_suggestion",
                                   data=lambda s: {"title": "Idea", "description": "Do it."},
                                   **SUGGESTION) for m in (G, P)],
    "costs:suggestion-evaluate": [Case(P, "costs.evaluate_suggestion", data=lambda s: {
        "accept": "accept", "feasibility": "4"}, **SUGGESTION)],
    "costs:suggestion-measure": [Case(P, "costs.evaluate_suggestion", data=lambda s: {
        "kind": "process", "department": s.pk("sales"), "owner": s.pk("unit_staff")},
        **ACCEPTED)],

    # --- API -----------------------------------------------------------------------------------
    "costs-api:api-root": [Case(G, SCOPED)],
    "costs-api:line-list": [Case(G, SCOPED),
                            Case(P, "costs.edit_budget", obj=get("unit_plan"), data=_line_body,
                                 **IN_BODY)],
    "costs-api:line-detail": _part("budget_line", "budgetline", "unit_plan", _line_body,
                                   lambda s: {"description": "More samples"}),
    "costs-api:target-list": [Case(G, SCOPED),
                              Case(P, "costs.set_targets", obj=get("running_plan"),
                                   data=_target_body, **IN_BODY)],
    "costs-api:target-detail": _part("cost_target", "costtarget", "running_plan",
                                     _target_body, lambda s: {"amount": "900.00"}),
    "costs-api:entry-list": [Case(G, SCOPED),
                             Case(P, may_record_cost, obj=get("running_plan"), data=_entry_body,
                                  **IN_BODY)],
    "costs-api:entry-detail": [Case(G, "costs.view_costentry", obj=get("cost_entry"),
                                    kwargs=pk_of("cost_entry"), hidden="plans.view_plan",
                                    hidden_obj=get("running_plan"))],
    "costs-api:entry-attachment": [
        Case(G, "costs.view_costentry", **ENTRY),
        Case(P, "costs.record_actual", data=lambda s: {}, **ENTRY)],
    "costs-api:entry-bulk": [Case(P, may_record_cost, data=_bulk_body, denied_status=400,
                                  why=ROW_REFUSAL)],
    "costs-api:explanation-list": [Case(G, SCOPED),
                                   Case(P, "costs.explain_variance", obj=get("running_plan"),
                                        data=_explain_body, **IN_BODY)],
    "costs-api:explanation-detail": [Case(G, "costs.view_varianceexplanation",
                                          obj=get("explanation"), kwargs=pk_of("explanation"),
                                          hidden="plans.view_plan",
                                          hidden_obj=get("running_plan"))],
    "costs-api:overrun-list": [Case(G, SCOPED)],
    "costs-api:overrun-detail": [Case(G, "costs.view_overrun", obj=get("overrun"),
                                      kwargs=pk_of("overrun"), hidden="plans.view_plan",
                                      hidden_obj=get("running_plan"))],
    "costs-api:policy-list": [Case(G, SCOPED)],
    "costs-api:policy-detail": [
        Case(G, signed_in, kwargs=lambda s: {"category": "marketing"}),
        Case(U, "costs.set_policy", kwargs=lambda s: {"category": "marketing"},
             data=lambda s: {"warn_percent": "80", "overrun_percent": "100",
                             "overrun_action": "decision"}),
        Case(A, "costs.set_policy", kwargs=lambda s: {"category": "marketing"},
             data=lambda s: {"warn_percent": "85"})],
    "costs-api:measure-list": [Case(G, SCOPED),
                               Case(P, "costs.add_savingmeasure", data=_measure_form)],
    "costs-api:measure-detail": [
        Case(G, "costs.view_savingmeasure", **MEASURE),
        Case(U, "costs.change_savingmeasure", data=_measure_form, **MEASURE),
        Case(A, "costs.change_savingmeasure", data=lambda s: {"status": "in_progress"},
             **MEASURE)],
    "costs-api:measure-confirm": [Case(P, "costs.confirm_savings",
                                       data=lambda s: {"realised_saving": "90"}, **MEASURE)],
    "costs-api:suggestion-list": [Case(G, SCOPED),
                                  Case(P, "costs.submit_suggestion", data=lambda s: {
                                      "title": "Idea", "description": "Do it."})],
    "costs-api:suggestion-detail": [
        Case(G, "costs.view_suggestion", **SUGGESTION),
        Case(U, "costs.change_suggestion", data=lambda s: {"title": "Idea",
                                                            "description": "Do it."},
             **SUGGESTION),
        Case(A, "costs.change_suggestion", data=lambda s: {"title": "Idea"}, **SUGGESTION)],
    "costs-api:suggestion-evaluate": [Case(P, "costs.evaluate_suggestion", data=lambda s: {
        "accept": True, "feasibility": 4}, **SUGGESTION)],
    "costs-api:suggestion-measure": [Case(P, "costs.evaluate_suggestion", data=lambda s: {
        "kind": "process", "department": s.pk("sales"), "owner": s.pk("unit_staff")},
        **ACCEPTED)],
    "costs-api:reward-list": [Case(G, SCOPED)],
    "costs-api:reward-detail": [Case(G, "costs.view_reward", obj=get("reward"),
                                     kwargs=pk_of("reward"), hidden="costs.view_savings")],
    "costs-api:plan-detail": [Case(G, "costs.view_plan_costs", **RUNNING)],
    "costs-api:plan-variance": [Case(G, "costs.view_plan_costs", **RUNNING)],
    "costs-api:department-detail": [Case(G, "costs.view_department_costs", **DEPARTMENT)],
}
