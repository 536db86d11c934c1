"""Who may do what with risks. One rule each, used by pages, the API and templates alike;
list scoping mirrors ``can_view_risk`` in risks.selectors."""

import rules

from committee.choices import Position
from committee.rules import (
    has_any_role,
    is_admin,
    is_auditor,
    is_committee_member,
    is_planning_manager,
    is_planning_staff,
    is_planning_supervisor,
    is_signed_in,
)
from committee.selectors import department_positions_of

# Positions that act for a department on its risks; auditors and integrations read only.
WORK_POSITIONS = {Position.HEAD, Position.STAFF, Position.MANAGER, Position.SUPERVISOR,
                  Position.SPECIALIST}
LEAD_POSITIONS = {Position.HEAD, Position.MANAGER}


def _holds(user, department_id, positions) -> bool:
    return bool(set(department_positions_of(user).get(department_id, ())) & set(positions))


@rules.predicate
def in_risk_department(user, risk):
    return risk is not None and risk.department_id in department_positions_of(user)


@rules.predicate
def works_in_risk_department(user, risk):
    return risk is not None and _holds(user, risk.department_id, WORK_POSITIONS)


@rules.predicate
def leads_risk_department(user, risk):
    return risk is not None and _holds(user, risk.department_id, LEAD_POSITIONS)


@rules.predicate
def owns_risk(user, risk):
    return risk is not None and (risk.owner_id == user.pk or risk.created_by_id == user.pk)


@rules.predicate
def sees_a_linked_plan(user, risk):
    """Whoever sees a plan sees its risks (reviewers score "risk" with them in view)."""
    if risk is None or risk.pk is None:
        return False
    from plans.rules import can_view_plan

    return any(can_view_plan(user, plan) for plan in risk.plans.all())


@rules.predicate
def is_open(user, risk):
    return risk is not None and risk.status != "closed"


is_planning_lead = is_planning_manager | is_planning_supervisor
can_configure = is_signed_in & (is_planning_lead | is_admin)
can_view_risk = is_signed_in & (
    is_planning_staff | is_committee_member | is_auditor | is_admin | in_risk_department
    | owns_risk | sees_a_linked_plan)
# Anyone in the planning department or a business unit records risks (for their department).
can_add_risk = is_signed_in & has_any_role & ~is_auditor | is_admin
can_edit_risk = is_signed_in & (is_planning_staff | is_admin | works_in_risk_department
                                | owns_risk)
# Accepting or closing a risk: the planning department's leads or the department's head.
can_decide_risk = is_signed_in & (is_planning_lead | is_admin | leads_risk_department)


@rules.predicate
def can_record_for(user, department):
    """Record a risk owned by this department: the planning department records for anyone;
    others for a department they work in."""
    if department is None:
        return False
    if is_planning_staff(user) or user.is_superuser:
        return True
    return _holds(user, department.pk, WORK_POSITIONS)


@rules.predicate
def can_view_part(user, part):
    return part is not None and can_view_risk(user, part.risk)


@rules.predicate
def can_edit_part(user, part):
    return part is not None and can_edit_risk(user, part.risk)


rules.add_perm("risks.list_risks", is_signed_in)
rules.add_perm("risks.configure", can_configure)
rules.add_perm("risks.record_for", can_record_for)
rules.add_perm("risks.assess_risk", can_edit_risk)
rules.add_perm("risks.respond_risk", can_edit_risk)
rules.add_perm("risks.accept_risk", can_decide_risk)
rules.add_perm("risks.close_risk", can_decide_risk)
rules.add_perm("risks.import_risks", can_add_risk)
