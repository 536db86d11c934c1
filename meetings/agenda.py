"""Agendas built from the data.

Each source is a function ``(meeting) -> list[Entry]`` registered for the meeting kinds it
feeds, in discussion order. The meetings app sits on top of the others (ARCHITECTURE.md §2), so
it reads their selectors; a source whose app is not installed simply contributes nothing. Other
apps may register more sources with ``register`` from their ``AppConfig.ready``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.choices import FollowUpState, MeetingKind, Section


@dataclasses.dataclass
class Entry:
    section: str
    title: str
    detail: str = ""
    url: str = ""
    source: str = ""


@dataclasses.dataclass
class Source:
    name: str
    kinds: tuple[str, ...]
    build: Callable
    order: int


_SOURCES: dict[str, Source] = {}


def register(name: str, kinds, build, order: int) -> None:
    _SOURCES[name] = Source(name, tuple(kinds), build, order)


def sources_for(kind: str) -> list[Source]:
    return sorted((s for s in _SOURCES.values() if kind in s.kinds), key=lambda s: s.order)


def build(meeting) -> list[Entry]:
    entries: list[Entry] = []
    for source in sources_for(meeting.kind):
        entries += source.build(meeting)
    return entries


def previous_week(day: dt.date) -> tuple[int, int]:
    """The ISO (year, week) before the one holding ``day``: a Monday meeting reviews it."""
    iso = (day - dt.timedelta(days=7)).isocalendar()
    return iso.year, iso.week


# --- sources -----------------------------------------------------------------------------------

def follow_ups(meeting) -> list[Entry]:
    """Follow-ups still open from earlier meetings of the same kind are carried over."""
    from meetings.models import FollowUp

    open_items = (FollowUp.objects.filter(state=FollowUpState.OPEN,
                                          meeting__kind=meeting.kind,
                                          meeting__starts_at__lt=meeting.starts_at)
                  .exclude(meeting=meeting).select_related("owner", "meeting")
                  .order_by("due_date", "pk"))
    return [Entry(Section.FOLLOW_UPS, f.title,
                  _("Owner: %(owner)s · due %(due)s · agreed at “%(meeting)s”") % {
                      "owner": f.owner, "due": f.due_date.isoformat(), "meeting": f.meeting},
                  url=f.meeting.get_absolute_url(), source=f"meetings.follow_up:{f.pk}")
            for f in open_items]


def weekly_reports(meeting) -> list[Entry]:
    if not apps.is_installed("plans"):
        return []
    from plans.models import WeeklyReport

    year, week = previous_week(timezone.localtime(meeting.starts_at).date())
    reports = (WeeklyReport.objects.filter(iso_year=year, iso_week=week)
               .select_related("plan", "department").order_by("department__name", "plan__title"))
    entries = []
    for report in reports:
        late = _(" (late)") if report.late else ""
        entries.append(Entry(Section.PROGRESS, f"{report.department} · {report.plan}{late}",
                             report.summary, url=report.plan.get_absolute_url(),
                             source=f"plans.report:{report.pk}"))
        if report.problems or report.help_needed:
            detail = "\n".join(part for part in (
                report.problems and _("Problems: %s") % report.problems,
                report.help_needed and _("Help needed: %s") % report.help_needed) if part)
            entries.append(Entry(Section.PROBLEMS, f"{report.department} · {report.plan}",
                                 detail, url=report.plan.get_absolute_url(),
                                 source=f"plans.report-problems:{report.pk}"))
    return entries


def next_week_plans(meeting) -> list[Entry]:
    if not apps.is_installed("plans"):
        return []
    from plans.models import WeeklyReport

    year, week = previous_week(timezone.localtime(meeting.starts_at).date())
    reports = (WeeklyReport.objects.filter(iso_year=year, iso_week=week)
               .exclude(next_week="").select_related("plan", "department")
               .order_by("department__name", "plan__title"))
    return [Entry(Section.PLANS, f"{r.department} · {r.plan}", r.next_week,
                  url=r.plan.get_absolute_url(), source=f"plans.report-next:{r.pk}")
            for r in reports]


def overdue_actions(meeting) -> list[Entry]:
    if not apps.is_installed("plans"):
        return []
    from plans.choices import RUNNING_STATES
    from plans.models import ActionItem

    day = timezone.localtime(meeting.starts_at).date()
    items = (ActionItem.objects.filter(plan__state__in=RUNNING_STATES, deadline__lt=day)
             .exclude(status="done").select_related("plan", "department", "person")
             .order_by("deadline", "pk"))
    return [Entry(Section.OVERDUE, f"{a.title} ({a.plan})",
                  _("%(department)s · %(person)s · due %(due)s · %(percent)s%% done") % {
                      "department": a.department, "person": a.person or "—",
                      "due": a.deadline.isoformat(), "percent": a.percent_complete},
                  url=a.plan.get_absolute_url(), source=f"plans.action:{a.pk}")
            for a in items]


def red_indicators(meeting) -> list[Entry]:
    if not apps.is_installed("kpis"):
        return []
    from kpis.models import DeviationSignal

    signals = (DeviationSignal.objects.filter(state="open")
               .select_related("indicator", "department").order_by("indicator__code", "pk"))
    return [Entry(Section.RED_KPIS, f"{s.indicator} · {s.department}",
                  _("%(period)s: %(value)s against a target of %(target)s") % {
                      "period": s.period_start.isoformat(), "value": s.value,
                      "target": s.target},
                  url=s.indicator.get_absolute_url(), source=f"kpis.signal:{s.pk}")
            for s in signals]


def open_deviations(meeting) -> list[Entry]:
    if not apps.is_installed("plans"):
        return []
    from plans.choices import OPEN_DEVIATION_STATES
    from plans.models import Deviation

    found = (Deviation.objects.filter(state__in=OPEN_DEVIATION_STATES)
             .select_related("plan", "owner").order_by("due_date", "pk"))
    return [Entry(Section.DEVIATIONS, f"{d.title} ({d.plan})",
                  " · ".join(str(x) for x in (d.get_cause_category_display(), d.owner,
                                              d.due_date) if x),
                  url=d.plan.get_absolute_url(), source=f"plans.deviation:{d.pk}")
            for d in found]


def new_high_risks(meeting) -> list[Entry]:
    """High and critical risks recorded since the previous meeting of this kind."""
    if not apps.is_installed("risks"):
        return []
    try:
        from risks.selectors import new_high_risks as risks_since
    except ImportError:
        return []
    from meetings.models import Meeting

    previous = (Meeting.objects.filter(kind=meeting.kind, starts_at__lt=meeting.starts_at)
                .exclude(pk=meeting.pk).order_by("-starts_at").first())
    since = previous.starts_at if previous else meeting.starts_at - dt.timedelta(days=7)
    return [Entry(Section.RISKS, str(risk), "", url=getattr(risk, "get_absolute_url",
                                                            lambda: "")(),
                  source=f"risks.risk:{risk.pk}")
            for risk in risks_since(since)]


def decisions_due(meeting) -> list[Entry]:
    from committee.models import Decision

    due = Decision.objects.open().select_related("committee").order_by("opened_at", "pk")
    return [Entry(Section.DECISIONS_DUE, d.title,
                  _("Open since %(date)s") % {"date": timezone.localtime(d.opened_at).date()},
                  url="", source=f"committee.decision:{d.pk}")
            for d in due]


def goal_completion(meeting) -> list[Entry]:
    from meetings.report import plan_goal_completion

    return [Entry(Section.GOALS, row["plan"].title,
                  _("%(met)s of %(total)s goals on target · %(done)s of %(actions)s actions "
                    "done") % row, url=row["plan"].get_absolute_url(),
                  source=f"plans.plan:{row['plan'].pk}")
            for row in plan_goal_completion()]


def subject(meeting) -> list[Entry]:
    if not meeting.subject:
        return []
    return [Entry(Section.SUBJECT, meeting.title, meeting.subject, source="meetings.subject")]


WEEKLY, MONTHLY, ADHOC = MeetingKind.WEEKLY, MeetingKind.MONTHLY, MeetingKind.ADHOC
register("subject", [ADHOC], subject, 0)
register("follow_ups", [WEEKLY, MONTHLY, ADHOC], follow_ups, 10)
register("weekly_reports", [WEEKLY], weekly_reports, 20)
register("overdue_actions", [WEEKLY, MONTHLY], overdue_actions, 30)
register("red_indicators", [WEEKLY, MONTHLY], red_indicators, 40)
register("open_deviations", [WEEKLY, MONTHLY], open_deviations, 50)
register("new_high_risks", [WEEKLY, MONTHLY], new_high_risks, 60)
register("goal_completion", [MONTHLY], goal_completion, 70)
register("decisions_due", [MONTHLY], decisions_due, 80)
register("next_week_plans", [WEEKLY], next_week_plans, 90)
