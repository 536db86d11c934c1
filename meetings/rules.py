"""Who may do what with meetings: one rule each, used by pages, the API, FSM ``permission=``
callables and templates alike; list scoping mirrors ``can_view_meeting`` in selectors."""

import rules

from committee.rules import (
    is_admin,
    is_auditor,
    is_committee_member,
    is_planning_manager,
    is_planning_staff,
    is_signed_in,
    is_unit_head,
)


@rules.predicate
def is_participant(user, meeting):
    if meeting is None:
        return False
    return any(p.user_id == user.pk or p.delegate_id == user.pk
               for p in meeting.participants.all())


@rules.predicate
def is_chair_of(user, meeting):
    return meeting is not None and meeting.chair_id == user.pk


@rules.predicate
def owns_follow_up(user, follow_up):
    return follow_up is not None and follow_up.owner_id == user.pk


@rules.predicate
def chairs_follow_up_meeting(user, follow_up):
    return follow_up is not None and follow_up.meeting.chair_id == user.pk


@rules.predicate
def owns(user, obj):
    return obj is not None and getattr(obj, "owner_id", None) == user.pk


@rules.predicate
def raised_it(user, issue):
    return issue is not None and issue.raised_by_id == user.pk


@rules.predicate
def has_a_department(user):
    from committee.selectors import department_positions_of

    return bool(department_positions_of(user))


# Everyone who runs or oversees the governance process sees every meeting; others see the
# meetings they are invited to (or attend as a delegate).
sees_all_meetings = is_planning_staff | is_committee_member | is_auditor | is_admin

can_view_meeting = is_signed_in & (sees_all_meetings | is_participant | is_chair_of)
can_call_meeting = is_signed_in & (is_planning_staff | is_unit_head | is_committee_member
                                   | is_admin)
can_run_meeting = is_signed_in & (is_chair_of | is_planning_manager | is_admin)
can_approve_minutes = is_signed_in & (is_chair_of | is_admin)
can_close_follow_up = is_signed_in & (owns_follow_up | chairs_follow_up_meeting
                                      | is_planning_manager | is_admin)

# communication (§4.6): anyone in a department raises a coordination issue; its owner, who
# raised it, or the planning staff resolve it. The planning staff keep the external
# communication plan; a stakeholder's owner logs contacts and may edit it.
can_raise_issue = is_signed_in & (has_a_department | is_admin)
can_resolve_issue = is_signed_in & (owns | raised_it | is_planning_staff | is_admin)
can_plan_communication = is_signed_in & (is_planning_staff | is_admin)
can_change_stakeholder = is_signed_in & (owns | is_planning_staff | is_admin)

rules.add_perm("meetings.list_meetings", is_signed_in)
rules.add_perm("meetings.call_meeting", can_call_meeting)
rules.add_perm("meetings.run_meeting", can_run_meeting)
rules.add_perm("meetings.approve_minutes", can_approve_minutes)
rules.add_perm("meetings.close_follow_up", can_close_follow_up)
rules.add_perm("meetings.use_calendar_feed", is_signed_in)
