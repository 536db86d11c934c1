"""The meetings app's part of the permission matrix (tests/hardening/test_permission_matrix.py).
The world gets a scheduled weekly meeting chaired by the planning manager (the unit heads
invited), a running one with an agenda item, a seat and a follow-up, and a monthly meeting."""

import datetime as dt

from meetings import services
from meetings.models import CalendarFeed
from tests.hardening.test_permission_matrix import SCOPED, Case, get, pk_of, signed_in

G, P = "GET", "POST"


def build(s):
    manager, head = s.planning_manager, s.unit_head
    scheduled, _ = services.schedule_weekly(dt.date(2027, 3, 1))
    running, _ = services.schedule_weekly(dt.date(2027, 2, 22))
    services.start(meeting=running, actor=manager)
    item = services.add_agenda_item(meeting=running, actor=manager, title="Budget")
    follow_up = services.add_follow_up(meeting=running, actor=manager, title="Call",
                                       owner=head, due_date=dt.date(2027, 3, 5))
    monthly, _ = services.schedule_monthly(dt.date(2027, 2, 1))
    s.add("meeting", scheduled)
    s.add("running_meeting", running)
    s.add("agenda_item", item)
    s.add("seat", running.participants.get(user=head))
    s.add("follow_up", follow_up)
    if monthly is not None:
        s.add("monthly_meeting", monthly)
    s.value("feed_token", CalendarFeed.objects.create(user=head).token)
    s.add("issue", services.issue_raise(actor=s.unit_staff, title="Late data",
                                        raised_by_department=s.sales, owner=manager))
    s.add("stakeholder", services.stakeholder_save(actor=manager, name="Acme", kind="supplier",
                                                   channel="visit", every_days=30, owner=head))


SCHEDULED = {"obj": get("meeting"), "hidden": "meetings.view_meeting"}
RUNNING = {"obj": get("running_meeting"), "hidden": "meetings.view_meeting"}
MONTHLY = {"obj": get("monthly_meeting"), "hidden": "meetings.view_meeting"}


def _adhoc_form(s):
    return {"title": "Urgent", "subject": "Decide", "urgency": "urgent",
            "starts_at": "2027-04-01T10:00", "ends_at": "2027-04-01T11:00",
            "invitees": [s.pk("unit_head")]}


def _adhoc_json(s):
    return {**_adhoc_form(s), "starts_at": "2027-04-01T10:00:00+08:00",
            "ends_at": "2027-04-01T11:00:00+08:00"}


def _running(**kwargs):
    return lambda s: {"pk": s.pk("running_meeting"), **{k: (v(s) if callable(v) else v)
                                                         for k, v in kwargs.items()}}


RULES = {
    "meetings:list": [Case(G, SCOPED)],
    "meetings:create": [Case(G, "meetings.call_meeting"),
                        Case(P, "meetings.call_meeting", data=_adhoc_form)],
    "meetings:calendar": [Case(G, signed_in), Case(P, signed_in)],
    "meetings:detail": [Case(G, "meetings.view_meeting", kwargs=pk_of("meeting"), **SCHEDULED)],
    "meetings:invitation": [Case(G, "meetings.view_meeting", kwargs=pk_of("meeting"),
                                 **SCHEDULED)],
    "meetings:reschedule": [Case(m, "meetings.change_meeting", kwargs=pk_of("meeting"),
                                 data=lambda s: {"starts_at": "2027-03-01T10:00",
                                                 "ends_at": "2027-03-01T11:00"}, **SCHEDULED)
                            for m in (G, P)],
    "meetings:transition": [Case(m, "meetings.change_meeting",
                                 kwargs=lambda s: {"pk": s.pk("meeting"), "name": "start"},
                                 **SCHEDULED) for m in (G, P)],
    "meetings:agenda-add": [Case(m, "meetings.change_meeting", kwargs=pk_of("running_meeting"),
                                 data=lambda s: {"title": "More"}, **RUNNING) for m in (G, P)],
    "meetings:minutes": [Case(m, "meetings.change_meeting",
                              kwargs=_running(item_pk=lambda s: s.pk("agenda_item")),
                              data=lambda s: {"minutes": "Agreed."}, **RUNNING)
                         for m in (G, P)],
    "meetings:attendance": [Case(m, "meetings.change_meeting",
                                 kwargs=_running(participant_pk=lambda s: s.pk("seat")),
                                 data=lambda s: {"attendance": "present"}, **RUNNING)
                            for m in (G, P)],
    "meetings:decision-add": [Case(m, "meetings.change_meeting",
                                   kwargs=pk_of("running_meeting"),
                                   data=lambda s: {"text": "Go.",
                                                   "decided_by": [s.pk("planning_manager")]},
                                   **RUNNING) for m in (G, P)],
    "meetings:follow-up-add": [Case(m, "meetings.change_meeting",
                                    kwargs=pk_of("running_meeting"),
                                    data=lambda s: {"title": "Do", "owner": s.pk("unit_head"),
                                                    "due_date": "2027-04-01"}, **RUNNING)
                               for m in (G, P)],
    "meetings:follow-up-close": [Case(m, "meetings.change_followup", obj=get("follow_up"),
                                      kwargs=pk_of("follow_up", "follow_up_pk"),
                                      data=lambda s: {"note": "Done."},
                                      hidden="meetings.view_meeting",
                                      hidden_obj=get("running_meeting")) for m in (G, P)],
    "meetings:report": [Case(G, "meetings.view_meeting", kwargs=pk_of("monthly_meeting"),
                             **MONTHLY)],
    "meetings:report-export": [Case(G, "meetings.view_meeting",
                                    kwargs=pk_of("monthly_meeting"), **MONTHLY)],

    "meetings-api:api-root": [Case(G, signed_in)],
    "meetings-api:meeting-list": [Case(G, SCOPED),
                                  Case(P, "meetings.call_meeting", data=_adhoc_json)],
    "meetings-api:meeting-detail": [Case(G, "meetings.view_meeting", kwargs=pk_of("meeting"),
                                         **SCHEDULED)],
    "meetings-api:meeting-transitions": [Case(G, "meetings.view_meeting",
                                              kwargs=pk_of("meeting"), **SCHEDULED)],
    "meetings-api:meeting-transition": [Case(P, "meetings.change_meeting",
                                             kwargs=lambda s: {"pk": s.pk("meeting"),
                                                               "name": "start"},
                                             **SCHEDULED)],
    "meetings-api:meeting-reschedule": [Case(P, "meetings.change_meeting",
                                             kwargs=pk_of("meeting"),
                                             data=lambda s: {
                                                 "starts_at": "2027-03-01T10:00:00+08:00",
                                                 "ends_at": "2027-03-01T11:00:00+08:00"},
                                             **SCHEDULED)],
    "meetings-api:meeting-attendance": [Case(P, "meetings.change_meeting",
                                             kwargs=pk_of("running_meeting"),
                                             data=lambda s: {"participant": s.pk("seat"),
                                                             "attendance": "present"},
                                             **RUNNING)],
    "meetings-api:meeting-minutes": [Case(P, "meetings.change_meeting",
                                          kwargs=pk_of("running_meeting"),
                                          data=lambda s: {"item": s.pk("agenda_item"),
                                                          "minutes": "Agreed."}, **RUNNING)],
    "meetings-api:meeting-decide": [Case(P, "meetings.change_meeting",
                                         kwargs=pk_of("running_meeting"),
                                         data=lambda s: {
                                             "text": "Go.",
                                             "decided_by": [s.pk("planning_manager")]},
                                         **RUNNING)],
    "meetings-api:meeting-follow-up": [Case(P, "meetings.change_meeting",
                                            kwargs=pk_of("running_meeting"),
                                            data=lambda s: {"title": "Do",
                                                            "owner": s.pk("unit_head"),
                                                            "due_date": "2027-04-01"},
                                            **RUNNING)],
    "meetings-api:follow-up-list": [Case(G, SCOPED)],
    "meetings-api:follow-up-detail": [Case(G, "meetings.view_meeting",
                                           obj=get("running_meeting"),
                                           kwargs=pk_of("follow_up"),
                                           hidden="meetings.view_meeting")],
    "meetings-api:follow-up-done": [Case(P, "meetings.change_followup", obj=get("follow_up"),
                                         kwargs=pk_of("follow_up"),
                                         data=lambda s: {"note": "Done."},
                                         hidden="meetings.view_meeting",
                                         hidden_obj=get("running_meeting"))],
}

ISSUE = {"obj": get("issue")}
STAKEHOLDER = {"obj": get("stakeholder")}


def _issue_form(s):
    return {"title": "Need data", "raised_by_department": s.pk("sales"),
            "owner": s.pk("planning_manager")}


def _stakeholder_body(s):
    return {"name": "Bank", "kind": "partner", "channel": "meeting", "every_days": 30,
            "owner": s.pk("unit_head"), "is_active": True}


def _contact_body(s):
    return {"on": "2026-11-20", "channel": "visit", "summary": "Met."}


def may_move_to_plan(user, s):
    return (user.has_perm("meetings.change_followup", s.follow_up)
            and user.has_perm("plans.steer_plan", s.plan))


RULES.update({
    "meetings:follow-up-to-plan": [
        Case(G, "meetings.change_followup", obj=get("follow_up"),
             kwargs=pk_of("follow_up", "follow_up_pk"), hidden="meetings.view_meeting",
             hidden_obj=get("running_meeting")),
        Case(P, may_move_to_plan, kwargs=pk_of("follow_up", "follow_up_pk"),
             data=lambda s: {"plan": s.pk("plan"), "department": s.pk("sales")},
             hidden="meetings.view_meeting", hidden_obj=get("running_meeting"))],
    "meetings-api:follow-up-to-plan": [
        Case(P, may_move_to_plan, kwargs=pk_of("follow_up"),
             data=lambda s: {"plan": s.pk("plan"), "department": s.pk("sales")},
             hidden="meetings.view_meeting", hidden_obj=get("running_meeting"))],
    "meetings:issues": [Case(G, signed_in)],
    "meetings:issue-raise": [Case(G, "meetings.add_coordinationissue"),
                             Case(P, "meetings.add_coordinationissue", data=_issue_form)],
    "meetings:issue-resolve": [Case(m, "meetings.change_coordinationissue",
                                    kwargs=pk_of("issue", "issue_pk"),
                                    data=lambda s: {"resolution": "Done."}, **ISSUE)
                               for m in (G, P)],
    "meetings:stakeholders": [Case(G, signed_in)],
    "meetings:stakeholder-create": [Case(G, "meetings.add_stakeholder"),
                                    Case(P, "meetings.add_stakeholder",
                                         data=lambda s: {**_stakeholder_body(s),
                                                         "is_active": "on"})],
    "meetings:stakeholder": [Case(G, "meetings.view_stakeholder", kwargs=pk_of("stakeholder"),
                                  **STAKEHOLDER),
                             Case(P, "meetings.change_stakeholder", kwargs=pk_of("stakeholder"),
                                  data=_contact_body, **STAKEHOLDER)],
    "meetings:stakeholder-edit": [Case(m, "meetings.change_stakeholder",
                                       kwargs=pk_of("stakeholder"),
                                       data=lambda s: {**_stakeholder_body(s),
                                                       "is_active": "on"}, **STAKEHOLDER)
                                  for m in (G, P)],
    "meetings-api:issue-list": [Case(G, SCOPED),
                                Case(P, "meetings.add_coordinationissue", data=_issue_form)],
    "meetings-api:issue-detail": [Case(G, signed_in, kwargs=pk_of("issue"))],
    "meetings-api:issue-resolve": [Case(P, "meetings.change_coordinationissue",
                                        kwargs=pk_of("issue"),
                                        data=lambda s: {"resolution": "Done."}, **ISSUE)],
    "meetings-api:stakeholder-list": [Case(G, SCOPED),
                                      Case(P, "meetings.add_stakeholder",
                                           data=_stakeholder_body)],
    "meetings-api:stakeholder-detail": [
        Case(G, signed_in, kwargs=pk_of("stakeholder")),
        Case("PUT", "meetings.change_stakeholder", kwargs=pk_of("stakeholder"),
             data=_stakeholder_body, **STAKEHOLDER),
        Case("PATCH", "meetings.change_stakeholder", kwargs=pk_of("stakeholder"),
             data=lambda s: {"every_days": 60}, **STAKEHOLDER)],
    "meetings-api:stakeholder-contacts": [
        Case(G, "meetings.view_stakeholder", kwargs=pk_of("stakeholder"), **STAKEHOLDER),
        Case(P, "meetings.change_stakeholder", kwargs=pk_of("stakeholder"),
             data=_contact_body, **STAKEHOLDER)],
})

EXCLUDED = {
    "meetings:feed": "A calendar app's subscription: no session, the secret address is the "
                     "credential (tests/meetings/test_views_api.py: a wrong or renewed token "
                     "is a 404).",
}
