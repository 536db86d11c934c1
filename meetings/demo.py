"""Demo meetings, made through the services: last week's operations meeting held, minuted
and approved with a decision and follow-ups (one still open, so it is carried over), this
week's meeting scheduled with its agenda built from the demo data, this month's summary
meeting, and an urgent ad-hoc meeting."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings import services
from meetings.choices import Attendance, MeetingKind, Urgency
from meetings.models import Meeting

ORDER = 80


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def seed(ctx):
    if Meeting.objects.exists():
        return
    today = timezone.localdate()
    manager, chair = _user("planning.manager"), _user("chair")
    if manager is None or chair is None:
        return
    last, _created = services.schedule_weekly(today - dt.timedelta(days=7))
    services.start(meeting=last, actor=manager)
    for participant in last.participants.select_related("user"):
        services.set_attendance(
            meeting=last, actor=manager, participant=participant,
            attendance=Attendance.EXCUSED if participant.user.username == "service.head"
            else Attendance.PRESENT)
    first_item = last.agenda.order_by("order").first()
    if first_item is not None:
        services.save_minutes(item=first_item, actor=manager,
                              minutes="Progress on track; the unit asked for help with "
                                      "supplier lead times.")
    present = [p.user for p in last.participants.select_related("user")
               if p.attendance == Attendance.PRESENT]
    services.record_decision(meeting=last, actor=manager, decided_by=present,
                             text="Move two field sales staff to the northern region for Q1.",
                             agenda_item=first_item)
    sales_head = _user("sales.head") or manager
    services.add_follow_up(meeting=last, actor=manager, owner=sales_head,
                           title="Report the effect of the staff move on lead conversion",
                           due_date=today + dt.timedelta(days=10))
    done = services.add_follow_up(meeting=last, actor=manager, owner=manager,
                                  title="Send the revised weekly report template",
                                  due_date=today - dt.timedelta(days=2))
    services.close_follow_up(follow_up=done, actor=manager, note="Sent on Tuesday.")
    services.finish(meeting=last, actor=manager)
    services.approve_minutes(meeting=last, actor=manager)

    services.schedule_weekly(today)
    first_day = services.first_working_day(today.year, today.month)
    services.schedule_monthly(first_day)
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    services.call_adhoc(actor=manager, title="Supplier delay on the spring range",
                        subject="A key supplier announced a three-week delay: decide on "
                                "the launch date and customer communication.",
                        urgency=Urgency.URGENT, starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=1), location="Room 3",
                        invitees=[u for u in (_user("product.head"), _user("sales.head"),
                                              _user("marketing.head")) if u])
    ctx.counts["meetings"] = Meeting.objects.count()
    ctx.counts["weekly meetings"] = Meeting.objects.filter(kind=MeetingKind.WEEKLY).count()
