"""Who may do what with plans. One rule each, used by pages, the API, FSM ``permission=``
callables and templates alike; list scoping mirrors ``can_view_plan`` in selectors."""

import rules

from committee.choices import Position
from committee.rules import (
    has_any_role,
    is_admin,
    is_auditor,
    is_committee_chair,
    is_committee_member,
    is_planning_manager,
    is_planning_staff,
    is_planning_supervisor,
    is_signed_in,
    is_unit_head,
)
from committee.selectors import department_positions_of
from plans.choices import EDITABLE_STATES, PlanLevel, ReviewState

# Positions that may sign a department's review opinion.
REVIEWER_POSITIONS = {Position.HEAD, Position.MANAGER, Position.SUPERVISOR}


@rules.predicate
def is_author(user, plan):
    return plan is not None and plan.author_id == user.pk


@rules.predicate
def is_company_plan(user, plan):
    return plan is not None and plan.level == PlanLevel.COMPANY


@rules.predicate
def belongs_to_plan_unit(user, plan):
    return (plan is not None and plan.department_id is not None
            and plan.department_id in department_positions_of(user))


@rules.predicate
def heads_plan_unit(user, plan):
    return (plan is not None and plan.department_id is not None
            and Position.HEAD in department_positions_of(user).get(plan.department_id, ()))


@rules.predicate
def reviews_plan(user, plan):
    """The user's department is asked to review this plan (any revision)."""
    if plan is None:
        return False
    mine = department_positions_of(user)
    return any(r.department_id in mine for r in plan.reviews.all())


@rules.predicate
def is_editable(user, plan):
    return plan is not None and plan.state in EDITABLE_STATES


is_planning_lead = is_planning_manager | is_planning_supervisor

can_view_plan = is_signed_in & (
    is_planning_staff | is_committee_member | is_auditor | is_admin | is_author
    | (is_company_plan & has_any_role) | belongs_to_plan_unit | reviews_plan
)
can_add_plan = is_signed_in & (is_planning_staff | is_unit_head | is_admin)
# Who drafts and steers a plan through review: its author, the planning department's leads,
# and for a unit plan the unit's head.
can_steer_plan = is_signed_in & (is_author | is_planning_lead | heads_plan_unit | is_admin)
can_edit_plan = can_steer_plan & is_editable
can_cancel_plan = is_signed_in & (is_planning_manager | is_committee_chair | is_admin)
can_decide_plan = is_signed_in & is_committee_member


@rules.predicate
def can_review(user, review):
    """Sign a department's review: a head, manager or supervisor of the reviewing department,
    never the plan's author (segregation of duties), while the review is pending."""
    if review is None or review.state != ReviewState.PENDING:
        return False
    if review.plan.author_id == user.pk:
        return False
    return bool(REVIEWER_POSITIONS & set(department_positions_of(user).get(review.department_id,
                                                                          ())))


@rules.predicate
def can_view_part(user, part):
    return part is not None and can_view_plan(user, part.plan)


@rules.predicate
def can_steer_part(user, part):
    """Change a piece of a plan: whoever steers the plan (the service refuses with 409 while
    the plan is frozen, so people learn why rather than meeting a bare 403)."""
    return part is not None and can_steer_plan(user, part.plan)


@rules.predicate
def can_view_review(user, review):
    return review is not None and can_view_plan(user, review.plan)


@rules.predicate
def heads_department(user, department):
    return department is not None and Position.HEAD in department_positions_of(user).get(
        department.pk, ())


# Who may plan for a unit (or, with no unit, for the company): the planning department plans
# for everyone; a business unit's head plans for that unit only.
can_plan_for = is_signed_in & (is_planning_staff | is_admin | heads_department)

# Lists are open to everyone signed in and scoped by plans.selectors.visible_plans.
rules.add_perm("plans.list_plans", is_signed_in)
rules.add_perm("plans.steer_plan", can_steer_plan)
rules.add_perm("plans.plan_for", can_plan_for)
rules.add_perm("plans.cancel_plan", can_cancel_plan)
rules.add_perm("plans.decide_plan", can_decide_plan)
rules.add_perm("plans.review_plan", can_review)
