"""The plumbing's routes added after the core matrix: notification choices, dashboards
(page and API), the audit trail (page, exports, API) and global search (page and API)."""

from tests.hardening.test_permission_matrix import SCOPED, Case, signed_in

AUDIT = "opsplan.view_audit_trail"

RULES = {
    "notification-preferences": [Case("GET", signed_in),
                                 Case("POST", signed_in, data=lambda s: {"reminder-in_app": "on"})],
    "opsplan-api:notification-preferences": [
        Case("GET", signed_in),
        Case("PUT", signed_in, data=lambda s: [{"event": "reminder", "in_app": True,
                                                 "by_email": False}])],
    # each person's own notifications (tests/opsplan/test_notifications_api.py)
    "opsplan-api:notifications": [Case("GET", signed_in),
                                  Case("GET", signed_in, query="unread=maybe", variant="bad",
                                       why="allowed: a 400 naming the field")],
    "opsplan-api:notifications-read": [Case("POST", signed_in)],
}

DASHBOARD_RULES = {"committee": "committee.view_committee_dashboard",
                   "planning": "committee.view_planning_dashboard",
                   "unit": "committee.view_unit_desk"}
for _route in ("dashboard", "opsplan-api:dashboard"):
    RULES[_route] = [
        Case("GET", perm, kwargs=lambda s, key=key: {"key": key}, variant=key)
        for key, perm in DASHBOARD_RULES.items()
    ] + [Case("GET", signed_in, kwargs=lambda s: {"key": "nowhere"}, variant="unknown",
              hidden=lambda user, s: False, why="no such dashboard: 404 for everyone")]


RULES.update({
    "audit-trail": [Case("GET", AUDIT), Case("GET", AUDIT, query="since=2026-02-30",
                                              variant="bad-date",
                                              why="allowed: a 400 naming the field")],
    "audit-export": [Case("GET", AUDIT, kwargs=lambda s, f=fmt: {"fmt": f}, variant=fmt)
                     for fmt in ("csv", "xlsx")],
    "audit-api:api-root": [Case("GET", signed_in)],
    "audit-api:event-list": [Case("GET", AUDIT)],
    "audit-api:event-detail": [Case("GET", AUDIT, kwargs=lambda s: {"pk": s.pk("audit_event")})],
    # results are scoped by each app's selectors (tests/opsplan/test_search.py)
    "search": [Case("GET", SCOPED, query="q=plan")],
    "search-api:search": [Case("GET", SCOPED, query="q=plan")],
})


def build(s):
    """One audit event to read; the other routes act on the signed-in person's own choices
    or search what the world holds."""
    from opsplan.audit import record

    s.add("audit_event", record(actor=s.user("chair"), action="committee.vote.cast",
                                subject=s.plan, data={"choice": "approve"}))
