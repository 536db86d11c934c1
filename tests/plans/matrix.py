"""The plans app's own part of the permission matrix (tests/hardening/test_permission_matrix):
the business-unit desk's weekly-report route. The core plans routes live in the hardening
module itself; the world's running plan (Sales answers for its action) is all it needs."""

from tests.hardening.test_permission_matrix import RUNNING, Case, may_post_report

G, P = "GET", "POST"


def build(s):
    """No samples of its own: the running plan and its report are in the world already."""


RULES = {
    # The desk posts the plan page's report form through the same service; the one rule is
    # the units this person may report for on the plan (plans.add_weeklyreport).
    "plans:desk-report": [
        Case(m, may_post_report(), data=lambda s: {
            "unit": s.pk("sales"), "iso_year": 2027, "iso_week": 10, "summary": "Fine"},
             **RUNNING) for m in (G, P)],
}
