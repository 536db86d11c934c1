"""Weekly progress reports (§4.1): one per unit, plan and ISO week; locking; late posts; the
Friday reminder to exactly the units that did not post; pages and API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from committee.choices import Position
from opsplan.errors import Conflict
from opsplan.models import Notification
from plans import services
from plans.models import ActionItem, WeeklyReport
from tests.factories import MembershipFactory, UserFactory

WEEK = (2027, 5)


def _post(plan, unit_head, sales, week=WEEK, **extra):
    action = plan.actions.get(department=sales)
    return services.report_create(
        plan=plan, department=sales, iso_year=week[0], iso_week=week[1], actor=unit_head,
        summary="Two distributors met.", problems="Slow contract review",
        help_needed="Legal support", next_week="Sign the first distributor",
        lines=[{"action": action, "status": "in_progress", "percent_complete": 40,
                "note": "On track"}], **extra)


def test_report_updates_action_progress(plan_in_monitoring, unit_head, sales):
    report = _post(plan_in_monitoring, unit_head, sales)
    action = ActionItem.objects.get(plan=plan_in_monitoring)
    assert (action.status, action.percent_complete) == ("in_progress", 40)
    assert report.lines.get().note == "On track"
    assert not report.late  # 2027 lies ahead


def test_one_report_per_unit_plan_and_week(plan_in_monitoring, unit_head, unit_staff, sales):
    _post(plan_in_monitoring, unit_head, sales)
    with pytest.raises(Conflict):
        _post(plan_in_monitoring, unit_staff, sales)
    _post(plan_in_monitoring, unit_head, sales, week=(2027, 6))  # another week is fine
    assert WeeklyReport.objects.count() == 2


def test_only_the_units_people_post(plan_in_monitoring, reviewer, sales, auditor):
    for outsider in (reviewer, auditor):
        with pytest.raises(PermissionDenied):
            _post(plan_in_monitoring, outsider, sales)


def test_reports_only_on_running_plans(plan_in_review, unit_head, sales):
    with pytest.raises(Conflict):
        services.report_create(plan=plan_in_review, department=sales, iso_year=2027,
                               iso_week=5, actor=unit_head)


def test_lock_at_meeting_start_then_late_posts(plan_in_monitoring, unit_head, sales,
                                               marketing):
    report = _post(plan_in_monitoring, unit_head, sales)
    assert services.lock_week(*WEEK) == 1
    assert services.lock_week(*WEEK) == 0  # idempotent
    report.refresh_from_db()
    assert report.locked_at is not None
    assert not unit_head.has_perm("plans.change_weeklyreport", report)
    with pytest.raises(Conflict):
        services.report_update(report=report, actor=unit_head, summary="Changed")
    # a unit that posts into a locked week is late, and locked at once
    head = UserFactory(username="marketing_head2")
    MembershipFactory(user=head, department=marketing, position=Position.HEAD)
    ActionItem.objects.filter(plan=plan_in_monitoring).update(department=marketing)
    late = services.report_create(plan=plan_in_monitoring, department=marketing,
                                  iso_year=WEEK[0], iso_week=WEEK[1], actor=head)
    assert late.late and late.locked_at is not None


def test_default_lock_time_passes(plan_in_monitoring, unit_head, sales):
    report = _post(plan_in_monitoring, unit_head, sales)
    deadline = services.week_deadline(*WEEK)
    assert timezone.localtime(deadline).strftime("%a %H:%M") == "Mon 09:00"
    assert services.lock_due_weeks(now=deadline - dt.timedelta(minutes=1)) == 0
    assert services.lock_due_weeks(now=deadline) == 1
    report.refresh_from_db()
    assert report.locked_at is not None
    # a week whose lock time has passed takes late posts
    assert services.week_deadline(2020, 1) < timezone.now()


def test_reminder_targets_exactly_the_units_that_did_not_post(
        plan_in_monitoring, unit_head, sales, marketing, planning_manager, author, reviewer):
    plan = plan_in_monitoring
    # a second action for Marketing, whose head is ``reviewer``
    services_action = ActionItem.objects.create(
        plan=plan, title="Campaign", department=marketing, person=reviewer,
        deadline=plan.period_end, steps="s", resources="r", expected_result="e")
    assert services_action.pk
    friday = dt.date(2027, 2, 5)
    year, week, _day = friday.isocalendar()
    _post(plan, unit_head, sales, week=(year, week))
    Notification.objects.all().delete()
    reminded = services.remind_missing_reports(today=friday)
    assert reminded == [(plan.pk, marketing.pk)]
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "reviewer"]
    assert services.remind_missing_reports(today=friday) == []  # once per week


def test_duplicate_report_is_409_in_the_api(plan_in_monitoring, unit_head, sales, api):
    action = plan_in_monitoring.actions.get()
    body = {"plan": plan_in_monitoring.pk, "department": sales.pk, "iso_year": 2027,
            "iso_week": 5, "problems": "None",
            "lines": [{"action": action.pk, "status": "in_progress", "percent_complete": 20}]}
    url = reverse("plans-api:report-list")
    first = api.as_(unit_head).post(url, body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["lines"][0]["percent_complete"] == 20
    second = api.as_(unit_head).post(url, body, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"


def test_bad_week_is_a_field_error_in_the_api(plan_in_monitoring, unit_head, sales, api):
    response = api.as_(unit_head).post(reverse("plans-api:report-list"), {
        "plan": plan_in_monitoring.pk, "department": sales.pk, "iso_year": 2027,
        "iso_week": 53}, format="json")  # 2027 has 52 ISO weeks
    assert response.status_code == 400
    assert "iso_week" in response.json()["errors"]


def test_duplicate_report_is_a_form_error_in_the_page(plan_in_monitoring, unit_head, sales,
                                                      client):
    action = plan_in_monitoring.actions.get()
    client.force_login(unit_head)
    url = reverse("plans:report-add", args=[plan_in_monitoring.pk])
    body = {"unit": sales.pk, "iso_year": 2027, "iso_week": 5, "summary": "Fine",
            f"action_{action.pk}_status": "in_progress", f"action_{action.pk}_percent": 30}
    first = client.post(url, body)
    assert first.status_code == 302
    second = client.post(url, body)
    assert second.status_code == 409
    assert "already posted" in second.context["form"].errors["iso_week"][0]
    page = client.get(plan_in_monitoring.get_absolute_url())
    assert b"Fine" in page.content and b"2027-W05" in page.content


def test_report_list_page_queries_are_constant(plan_in_monitoring, unit_head, sales, client,
                                               django_assert_max_num_queries):
    for week in range(1, 4):
        _post(plan_in_monitoring, unit_head, sales, week=(2027, week))
    client.force_login(unit_head)
    url = reverse("plans:reports", args=[plan_in_monitoring.pk])
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for week in range(4, 30):
        _post(plan_in_monitoring, unit_head, sales, week=(2027, week))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_api_report_ignores_protected_fields_and_foreign_actions(plan_in_monitoring,
                                                                 plan_in_review, unit_head,
                                                                 sales, author, api):
    foreign = plan_in_review.actions.get()
    url = reverse("plans-api:report-list")
    body = {"plan": plan_in_monitoring.pk, "department": sales.pk, "iso_year": 2027,
            "iso_week": 7, "late": True, "locked_at": "2000-01-01T00:00:00Z",
            "author": author.pk, "submitted_at": "2000-01-01T00:00:00Z"}
    refused = api.as_(unit_head).post(url, {**body, "lines": [
        {"action": foreign.pk, "status": "done", "percent_complete": 100}]}, format="json")
    assert refused.status_code == 400 and foreign.title not in refused.content.decode()
    assert not WeeklyReport.objects.exists()
    response = api.as_(unit_head).post(url, body, format="json")
    assert response.status_code == 201, response.content
    report = WeeklyReport.objects.get()
    assert (report.late, report.locked_at, report.author) == (False, None, unit_head)
    assert report.submitted_at.year == timezone.now().year
