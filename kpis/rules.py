"""Who may read and supply indicator data (§4.2: access rights that keep data secure). The
catalog's visibility is enforced here for pages, the API and exports alike; lists mirror it in
kpis.selectors.readable_indicators."""

import rules

from committee.rules import (
    has_any_role,
    is_admin,
    is_auditor,
    is_committee_chair,
    is_committee_member,
    is_planning_manager,
    is_planning_staff,
    is_signed_in,
)
from committee.selectors import department_positions_of

SEES_EVERY_INDICATOR = is_planning_staff | is_auditor | is_admin


@rules.predicate
def _visible_by_catalog(user, indicator):
    if indicator is None:
        return False
    mine = department_positions_of(user)
    if indicator.owner_department_id in mine or indicator.collector_id == user.pk:
        return True
    if indicator.visibility == "all":
        return has_any_role(user)
    if indicator.visibility == "committee":
        return is_committee_member(user)
    return any(d.pk in mine for d in indicator.readers.all())


can_read_indicator = is_signed_in & (SEES_EVERY_INDICATOR | _visible_by_catalog)
can_keep_catalog = is_signed_in & (is_planning_staff | is_admin)


@rules.predicate
def _supplies(user, measurement):
    """The collector, the owning department, or the measured department itself."""
    if measurement is None:
        return False
    mine = department_positions_of(user)
    indicator = measurement.indicator
    return (indicator.collector_id == user.pk or indicator.owner_department_id in mine
            or measurement.department_id in mine)


@rules.predicate
def can_read_measurement(user, measurement):
    return measurement is not None and can_read_indicator(user, measurement.indicator)


@rules.predicate
def can_read_part(user, part):
    return part is not None and can_read_indicator(user, part.indicator)


can_record_measurement = is_signed_in & can_read_measurement & (is_planning_staff | is_admin
                                                                | _supplies)
can_record_any = is_signed_in

rules.add_perm("kpis.list_indicators", is_signed_in)
rules.add_perm("kpis.record_measurement", can_record_measurement)


# --- performance evaluation (§4.5) ------------------------------------------------------------

@rules.predicate
def heads_evaluated_department(user, evaluation):
    from committee.choices import Position

    if evaluation is None:
        return False
    positions = department_positions_of(user).get(evaluation.department_id, frozenset())
    return bool(positions & {Position.HEAD, Position.MANAGER})


@rules.predicate
def is_published(user, evaluation):
    return evaluation is not None and evaluation.cycle.state == "published"


@rules.predicate
def in_self_assessment(user, evaluation):
    return evaluation is not None and evaluation.cycle.state == "self_assessment"



RUNS_EVALUATION = is_planning_staff | is_admin
# The planning department runs the cycles; the committee calibrates and sees everything; the
# auditor reads everything; a department head sees the own department's evaluation (to assess
# itself, and its results once published) and nothing of other departments.
sees_all_evaluations = RUNS_EVALUATION | is_committee_member | is_auditor
can_view_evaluation = is_signed_in & (sees_all_evaluations | heads_evaluated_department)
can_self_assess = is_signed_in & heads_evaluated_department & in_self_assessment
can_review_evaluation = is_signed_in & RUNS_EVALUATION
can_calibrate = is_signed_in & (is_committee_member | is_admin)
can_publish_cycle = is_signed_in & (is_committee_chair | is_planning_manager | is_admin)

rules.add_perm("kpis.list_evaluations", is_signed_in)
rules.add_perm("kpis.keep_scorecards", can_keep_catalog)
rules.add_perm("kpis.run_cycles", can_review_evaluation)
rules.add_perm("kpis.view_evaluation", can_view_evaluation)
rules.add_perm("kpis.self_assess", can_self_assess)
rules.add_perm("kpis.review_evaluation", can_review_evaluation)
rules.add_perm("kpis.calibrate_evaluation", can_calibrate)
rules.add_perm("kpis.publish_cycle", can_publish_cycle)
