"""The organisation's routes added after the core matrix: a person's own settings."""

from tests.hardening.test_permission_matrix import Case, signed_in

RULES = {
    "committee:my-settings": [
        Case("GET", signed_in),
        Case("POST", signed_in, data=lambda s: {"display_name": "Me", "language": "zh-hans",
                                                "time_zone": "Asia/Shanghai"})],
    "committee-api:my-settings": [
        Case("GET", signed_in),
        Case("PATCH", signed_in, data=lambda s: {"time_zone": "Europe/Berlin"})],
}


def build(s):
    """Nothing to add: the routes act on the signed-in person's own record."""
