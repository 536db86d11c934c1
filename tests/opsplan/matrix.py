"""The plumbing's routes added after the core matrix: notification choices (page and API)."""

from tests.hardening.test_permission_matrix import Case, signed_in

RULES = {
    "notification-preferences": [Case("GET", signed_in),
                                 Case("POST", signed_in, data=lambda s: {"reminder-in_app": "on"})],
    "opsplan-api:notification-preferences": [
        Case("GET", signed_in),
        Case("PUT", signed_in, data=lambda s: [{"event": "reminder", "in_app": True,
                                                 "by_email": False}])],
}


def build(s):
    """Nothing to add: the routes act on the signed-in person's own choices."""
