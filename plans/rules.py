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
from plans.choices import (
    EDITABLE_STATES,
    OPEN_DEVIATION_STATES,
    RUNNING_STATES,
    AckState,
    PlanLevel,
    PlanState,
    ReviewState,
)

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

# --- execution, progress, deviations, adjustment, completion, cascades -----------------------

# Positions that may act for a department on its plan work (acknowledge, report progress);
# auditors read only.
UNIT_WORK_POSITIONS = {Position.HEAD, Position.MANAGER, Position.SUPERVISOR, Position.STAFF,
                       Position.INTEGRATION}
SIGNING_POSITIONS = REVIEWER_POSITIONS | {Position.INTEGRATION}


def _holds(user, department_id, positions) -> bool:
    return bool(set(department_positions_of(user).get(department_id, ())) & set(positions))


@rules.predicate
def is_running(user, plan):
    return plan is not None and plan.state in RUNNING_STATES


can_force_monitoring = is_signed_in & (is_planning_manager | is_admin)
# The planning department starts adjustments (§3.5) and the planning manager closes plans.
can_adjust_plan = is_signed_in & (is_planning_lead | is_admin)
can_complete_plan = is_signed_in & (is_planning_manager | is_admin)
can_publish_plan = is_signed_in & (is_planning_lead | is_admin) & is_running
# Reporting a deviation: whoever takes part in running the plan.
can_report_deviation = is_signed_in & is_running & (
    is_planning_staff | is_admin | is_author | heads_plan_unit | belongs_to_plan_unit
    | is_committee_member)


@rules.predicate
def can_acknowledge(user, ack):
    """A head, manager or supervisor of the department (or its integration account) confirms
    its action items, while the acknowledgement is awaited."""
    if ack is None or ack.state != AckState.PENDING:
        return False
    if ack.plan.state not in RUNNING_STATES:
        return False
    return _holds(user, ack.department_id, SIGNING_POSITIONS)


@rules.predicate
def can_update_progress(user, action):
    """Progress of an action item: its responsible department's people, its responsible
    person, and whoever steers the plan, while the plan runs."""
    if action is None or action.plan.state not in RUNNING_STATES:
        return False
    return (action.person_id == user.pk or _holds(user, action.department_id, UNIT_WORK_POSITIONS)
            or bool(can_steer_plan(user, action.plan)))


@rules.predicate
def can_post_report(user, report):
    """A business unit's head or delegate posts its own weekly report on a running plan it
    may see. ``report`` is a probe carrying plan and department."""
    if report is None or report.plan.state not in RUNNING_STATES:
        return False
    if report.department is None or report.department.kind != "business_unit":
        return False
    return _holds(user, report.department_id, UNIT_WORK_POSITIONS) and bool(
        can_view_plan(user, report.plan))


@rules.predicate
def can_edit_report(user, report):
    """The unit changes its report until the week is locked."""
    if report is None or report.locked_at is not None:
        return False
    return _holds(user, report.department_id, UNIT_WORK_POSITIONS)


@rules.predicate
def can_analyse_deviation(user, deviation):
    """The planning department, the deviation's owner and whoever steers the plan record the
    analysis while the deviation is open."""
    if deviation is None or deviation.state not in OPEN_DEVIATION_STATES:
        return False
    return (deviation.owner_id == user.pk or bool(is_planning_staff(user))
            or bool(can_steer_plan(user, deviation.plan)))


@rules.predicate
def can_view_assessment(user, assessment):
    return assessment is not None and can_view_plan(user, assessment.goal.plan)


@rules.predicate
def is_approved_company_plan(user, plan):
    return (plan is not None and plan.approved_revision is not None
            and plan.state in (*RUNNING_STATES, PlanState.COMPLETED))


# Deriving a plan from an approved one (§2 cascades): whoever may plan at all and may see the
# parent; the unit is checked by plans.plan_for in the service.
can_derive_plan = is_signed_in & can_view_plan & is_approved_company_plan & (
    is_planning_staff | is_unit_head | is_admin)

rules.add_perm("plans.force_monitoring", can_force_monitoring)
rules.add_perm("plans.adjust_plan", can_adjust_plan)
rules.add_perm("plans.complete_plan", can_complete_plan)
rules.add_perm("plans.publish_plan", can_publish_plan)
rules.add_perm("plans.report_deviation", can_report_deviation)
rules.add_perm("plans.acknowledge", can_acknowledge)
rules.add_perm("plans.update_progress", can_update_progress)
rules.add_perm("plans.post_report", can_post_report)
rules.add_perm("plans.derive_plan", can_derive_plan)

# Lists are open to everyone signed in and scoped by plans.selectors.visible_plans.
rules.add_perm("plans.list_plans", is_signed_in)
rules.add_perm("plans.steer_plan", can_steer_plan)
rules.add_perm("plans.plan_for", can_plan_for)
rules.add_perm("plans.cancel_plan", can_cancel_plan)
rules.add_perm("plans.decide_plan", can_decide_plan)
rules.add_perm("plans.review_plan", can_review)
