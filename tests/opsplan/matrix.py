"""The plumbing's routes added after the core matrix: notification choices and dashboards
(page and API)."""

from tests.hardening.test_permission_matrix import Case, signed_in

RULES = {
    "notification-preferences": [Case("GET", signed_in),
                                 Case("POST", signed_in, data=lambda s: {"reminder-in_app": "on"})],
    "opsplan-api:notification-preferences": [
        Case("GET", signed_in),
        Case("PUT", signed_in, data=lambda s: [{"event": "reminder", "in_app": True,
                                                 "by_email": False}])],
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


def build(s):
    """Nothing to add: the routes act on the signed-in person's own choices."""
