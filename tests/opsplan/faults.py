"""Plumbing tasks in the worker-fault harness (tests/hardening/faults.py)."""

from __future__ import annotations

from django.core import mail

from opsplan.models import Notification, ServiceHeartbeat
from opsplan.notifications import notify
from tests.hardening.faults import Redelivered, Run


def prepare_heartbeat(request):
    return Run(args=["fault-test"], state=lambda: ServiceHeartbeat.objects.filter(
        name="fault-test").count())


def prepare_email(request):
    author = request.getfixturevalue("author")
    notify([author], "A plan waits for you", url="/plans/")
    ids = list(Notification.objects.values_list("pk", flat=True))
    return Run(args=[ids], state=lambda: (len(mail.outbox), sorted(
        Notification.objects.filter(emailed_at__isnull=False).values_list("pk", flat=True))))


SCENARIOS = [
    Redelivered("opsplan.heartbeat", prepare_heartbeat),
    Redelivered("opsplan.email_notifications", prepare_email),
]

EXEMPT = {
    "opsplan.ping": "Returns a constant and writes nothing: nothing to lose or duplicate.",
    "opsplan.flush_outbox": "At least once by design: a task sent just before the worker dies "
                            "is sent again on the next flush; every task it can send is itself "
                            "in this harness as killed or redelivered.",
}
