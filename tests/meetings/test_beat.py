"""A real beat (django-celery-beat's schedule in the database, behind the project's beat lock)
and a real worker create the weekly meeting from a short test schedule; beat fires every
second, and still there is exactly one meeting for the week."""

import time

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from meetings.choices import MeetingKind
from meetings.models import Meeting
from tests.services import wait_until

pytestmark = pytest.mark.services


def test_beat_and_a_worker_create_the_weekly_meeting_once(postgres, celery_processes,
                                                          planning_manager, unit_head):
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="test: weekly meeting every second",
                                task="meetings.create_weekly", interval=every_second,
                                queue=celery_processes.queue)
    PeriodicTask.objects.exclude(name="test: weekly meeting every second").update(
        enabled=False)

    celery_processes.worker()
    celery_processes.beat()

    wait_until(Meeting.objects.filter(kind=MeetingKind.WEEKLY).exists, celery_processes, 60,
               "beat and the worker to create the weekly meeting")
    time.sleep(3)  # several more fires of the schedule
    meeting = Meeting.objects.get(kind=MeetingKind.WEEKLY)
    assert meeting.chair == planning_manager
    assert meeting.participants.filter(user=unit_head).exists()
    assert "Sent task" in celery_processes.output() or "Scheduler" in celery_processes.output()
