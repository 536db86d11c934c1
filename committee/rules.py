"""Who may do what in the organisation, as ``rules`` predicates.

Predicates answer ``user.has_perm(perm, obj)`` for views, DRF permissions, FSM ``permission=``
callables and templates alike: one rule, every interface.
"""

import rules

from committee.choices import Role


def _has_role(role: Role):
    @rules.predicate(name=f"has_role_{role.value}")
    def predicate(user):
        from committee.selectors import roles_of

        return role in roles_of(user)

    return predicate


is_signed_in = rules.is_authenticated & rules.is_active
is_committee_chair = _has_role(Role.COMMITTEE_CHAIR)
is_committee_member = _has_role(Role.COMMITTEE_MEMBER)
is_planning_manager = _has_role(Role.PLANNING_MANAGER)
is_planning_supervisor = _has_role(Role.PLANNING_SUPERVISOR)
is_planning_specialist = _has_role(Role.PLANNING_SPECIALIST)
is_unit_head = _has_role(Role.UNIT_HEAD)
is_unit_staff = _has_role(Role.UNIT_STAFF)
is_auditor = _has_role(Role.AUDITOR)
is_integration = _has_role(Role.INTEGRATION)

@rules.predicate
def has_any_role(user):
    """Holds any current position or seat (a signed-in account with none sees only itself)."""
    from committee.selectors import roles_of

    return bool(roles_of(user))


is_planning_staff = is_planning_manager | is_planning_supervisor | is_planning_specialist
is_admin = rules.is_superuser

# The planning department's manager keeps the organisation (departments, people, committee).
can_edit_organisation = is_signed_in & (is_planning_manager | is_admin)


@rules.predicate
def is_head_of(user, department):
    """The user heads this department today."""
    from committee.choices import Position
    from committee.selectors import department_positions_of

    if department is None:
        return False
    return Position.HEAD in department_positions_of(user).get(department.pk, ())


@rules.predicate
def is_member_of(user, department):
    """The user holds any current position in this department."""
    from committee.selectors import department_positions_of

    if department is None:
        return False
    return department.pk in department_positions_of(user)


# --- committee decisions -----------------------------------------------------------------

@rules.predicate
def decision_is_open(user, decision):
    return decision is not None and decision.state == "open"


@rules.predicate
def has_conflict_of_interest(user, decision):
    """Excluded from this vote, e.g. as the author of the plan it decides."""
    if decision is None:
        return False
    return any(u.pk == user.pk for u in decision.excluded_voters.all())


@rules.predicate
def sits_on_its_committee(user, decision):
    from committee.selectors import committee_ids_of

    return decision is not None and decision.committee_id in committee_ids_of(user)


can_view_decisions = is_signed_in & (is_committee_member | is_planning_staff | is_auditor
                                     | is_admin)
can_vote = (is_signed_in & sits_on_its_committee & decision_is_open
            & ~has_conflict_of_interest)
can_close_decision = (is_signed_in & is_committee_chair & sits_on_its_committee & decision_is_open
                      & ~has_conflict_of_interest)

rules.add_perm("committee.view_organisation", is_signed_in)
rules.add_perm("committee.change_own_settings", is_signed_in)
rules.add_perm("committee.change_organisation", can_edit_organisation)

# --- dashboards (opsplan.dashboards; the pages and the API check the same permission) ------
# Auditors read everything, so they see the committee's and the planning department's
# dashboards too; the business-unit desk is the unit's own working page.
can_view_committee_dashboard = is_signed_in & (is_committee_member | is_committee_chair
                                               | is_auditor | is_admin)
can_view_planning_dashboard = is_signed_in & (is_planning_staff | is_auditor | is_admin)
can_view_unit_desk = is_signed_in & (is_unit_head | is_unit_staff)
can_view_audit_trail = is_signed_in & (is_auditor | is_admin)

rules.add_perm("committee.view_committee_dashboard", can_view_committee_dashboard)
rules.add_perm("committee.view_planning_dashboard", can_view_planning_dashboard)
rules.add_perm("committee.view_unit_desk", can_view_unit_desk)
rules.add_perm("opsplan.view_audit_trail", can_view_audit_trail)
