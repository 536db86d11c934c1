"""Meeting tasks in the worker-fault harness (tests/hardening/faults.py): each delivered twice
changes nothing the second time (meetings are keyed by kind and slot, invitations by person
and sequence)."""

import datetime as dt

from django.core import mail

from meetings.models import Meeting, Participant
from opsplan.models import Notification
from tests.hardening.faults import Redelivered, Run


def _state():
    return (sorted(Meeting.objects.values_list("kind", "slot")),
            Participant.objects.count(), Notification.objects.count(), len(mail.outbox))


def prepare_weekly(request):
    request.getfixturevalue("planning_manager")
    request.getfixturevalue("unit_head")
    return Run(args=["2026-11-25"], state=_state)


def prepare_monthly(request):
    request.getfixturevalue("chair")
    request.getfixturevalue("unit_head")
    return Run(args=["2026-11-02"], state=_state)


def prepare_invitations(request):
    from meetings import services

    request.getfixturevalue("unit_head")
    request.getfixturevalue("planning_manager")
    meeting, _ = services.schedule_weekly(dt.date(2026, 11, 23))
    return Run(args=[meeting.pk, meeting.sequence], state=_state)


def prepare_contacts(request):
    from django.utils import timezone

    from meetings import services
    from meetings.models import ContactReminder

    manager = request.getfixturevalue("planning_manager")
    supplier = services.stakeholder_save(actor=manager, name="Acme", kind="supplier",
                                         channel="visit", every_days=7, owner=manager)
    services.contact_log(stakeholder=supplier, actor=manager, channel="visit", summary="x",
                         on=timezone.localdate() - dt.timedelta(days=30))
    return Run(state=lambda: (ContactReminder.objects.count(), Notification.objects.count()))


SCENARIOS = [
    Redelivered("meetings.remind_overdue_contacts", prepare_contacts),
    Redelivered("meetings.create_weekly", prepare_weekly),
    Redelivered("meetings.create_monthly", prepare_monthly),
    Redelivered("meetings.send_invitations", prepare_invitations),
]
