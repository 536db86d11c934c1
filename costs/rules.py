"""Who may do what with costs (§4.4). One rule each, for pages, the API and templates alike;
lists are scoped in costs.selectors the same way."""

import rules

from committee.rules import (
    has_any_role,
    is_admin,
    is_auditor,
    is_committee_member,
    is_member_of,
    is_planning_manager,
    is_planning_staff,
    is_planning_supervisor,
    is_signed_in,
    is_unit_head,
    is_unit_staff,
)
from committee.selectors import department_positions_of
from plans.rules import UNIT_WORK_POSITIONS, can_steer_plan, can_view_plan, heads_plan_unit

is_planning_lead = is_planning_manager | is_planning_supervisor


def _plan_of(obj):
    return getattr(obj, "plan", obj)


@rules.predicate
def sees_plan(user, obj):
    return obj is not None and bool(can_view_plan(user, _plan_of(obj)))


@rules.predicate
def steers_plan(user, obj):
    return obj is not None and bool(can_steer_plan(user, _plan_of(obj)))


@rules.predicate
def heads_unit_of_plan(user, obj):
    return obj is not None and bool(heads_plan_unit(user, _plan_of(obj)))


@rules.predicate
def works_in_entry_department(user, entry):
    """Holds a working position (head, staff, integration …) in the entry's department."""
    department_id = getattr(entry, "department_id", None)
    if department_id is None:
        return False
    return bool(set(department_positions_of(user).get(department_id, ())) & UNIT_WORK_POSITIONS)


@rules.predicate
def owns_a_target_of_plan(user, obj):
    from costs.models import CostTarget

    plan = _plan_of(obj)
    return plan is not None and CostTarget.objects.filter(plan=plan, owner=user).exists()


@rules.predicate
def heads_a_budget_department(user, obj):
    """Heads a department that holds budget lines of the plan (it answers for their spend)."""
    from committee.choices import Position
    from costs.models import BudgetLine

    plan = _plan_of(obj)
    headed = [d for d, positions in department_positions_of(user).items()
              if Position.HEAD in positions]
    return bool(plan is not None and headed and BudgetLine.objects.filter(
        plan=plan, department_id__in=headed).exists())


@rules.predicate
def owns(user, obj):
    return obj is not None and getattr(obj, "owner_id", None) == user.pk


@rules.predicate
def submitted_it(user, suggestion):
    return suggestion is not None and suggestion.submitted_by_id == user.pk


@rules.predicate
def heads_its_department(user, obj):
    from committee.choices import Position

    department_id = getattr(obj, "department_id", None)
    return department_id is not None and Position.HEAD in department_positions_of(user).get(
        department_id, ())


@rules.predicate
def suggestion_is_open(user, suggestion):
    return suggestion is not None and suggestion.state in ("submitted", "accepted")


@rules.predicate
def suggestion_is_submitted(user, suggestion):
    return suggestion is not None and suggestion.state == "submitted"


can_view_plan_costs = is_signed_in & sees_plan
can_edit_budget = is_signed_in & steers_plan  # frozen content: the service answers 409
can_set_targets = is_signed_in & sees_plan & (steers_plan | is_planning_lead | is_admin)
can_record_actual = is_signed_in & sees_plan & (
    is_planning_staff | is_admin | steers_plan | works_in_entry_department)
can_explain_variance = is_signed_in & sees_plan & (
    is_planning_staff | is_admin | steers_plan | heads_unit_of_plan | heads_a_budget_department
    | owns_a_target_of_plan)
can_set_policy = is_signed_in & (is_planning_manager | is_admin)
can_view_department_costs = is_signed_in & (
    is_planning_staff | is_committee_member | is_auditor | is_admin | is_member_of)

# saving measures and suggestions: the company's cost culture, open to everyone on staff
can_view_savings = is_signed_in & (has_any_role | is_admin)
can_add_measure = is_signed_in & (is_planning_staff | is_unit_head | is_admin)
can_change_measure = is_signed_in & (is_planning_staff | is_admin | owns | heads_its_department)
# segregation of duties: a measure's owner never confirms their own savings
can_confirm_savings = is_signed_in & (is_planning_lead | is_admin) & ~owns
can_submit_suggestion = is_signed_in & (
    is_planning_staff | is_unit_head | is_unit_staff | is_committee_member | is_admin)
can_view_suggestion = is_signed_in & (has_any_role | is_admin | submitted_it)
can_change_suggestion = is_signed_in & submitted_it & suggestion_is_submitted
can_evaluate_suggestion = (is_signed_in & (is_planning_staff | is_admin) & ~submitted_it
                           & suggestion_is_open)

rules.add_perm("costs.list_costs", is_signed_in)  # lists are scoped by costs.selectors
rules.add_perm("costs.view_plan_costs", can_view_plan_costs)
rules.add_perm("costs.edit_budget", can_edit_budget)
rules.add_perm("costs.set_targets", can_set_targets)
rules.add_perm("costs.record_actual", can_record_actual)
rules.add_perm("costs.explain_variance", can_explain_variance)
rules.add_perm("costs.set_policy", can_set_policy)
rules.add_perm("costs.view_department_costs", can_view_department_costs)
rules.add_perm("costs.view_savings", can_view_savings)
rules.add_perm("costs.confirm_savings", can_confirm_savings)
rules.add_perm("costs.submit_suggestion", can_submit_suggestion)
rules.add_perm("costs.evaluate_suggestion", can_evaluate_suggestion)
rules.add_perm("costs.add_measure", can_add_measure)
rules.add_perm("costs.change_measure", can_change_measure)
