"""The planning department dashboard: the plan pipeline board and its transition buttons,
reviews overdue, open deviations, data-collection duties overdue and this week's meeting."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from committee.selectors import roles_of
from opsplan import dashboards
from opsplan.models import AuditEvent
from plans import services
from plans.choices import PlanState
from plans.models import Deviation, Plan, PlanRevision
from plans.panels.planning import CARDS_PER_COLUMN, LIST_LIMIT
from tests.plans import builders

pytestmark = pytest.mark.django_db

BOARD = "/dashboards/planning/"
BACK = "/dashboards/planning/#panel-pipeline"
API = "/api/v1/me/dashboards/planning/"


# --- helpers ---------------------------------------------------------------------------------

def _panel(key, user):
    board = dashboards.DASHBOARDS["planning"]
    return next(p for p in dashboards.panels_for(board, user) if p.key == key)


def _data(key, user):
    request = RequestFactory().get(BOARD)
    request.user = user
    return _panel(key, user).data(request, None)


def _queries(key, user) -> int:
    request = RequestFactory().get(BOARD)
    request.user = user
    roles_of(user)  # the person's roles are read once per request, before any panel
    panel = _panel(key, user)
    with CaptureQueriesContext(connection) as queries:
        panel.data(request, None)
    return len(queries)


def _column(data, state):
    return next(c for c in data["columns"] if c["state"] == state)


def _card(data, plan):
    for column in data["columns"]:
        for card in column["cards"]:
            if card["id"] == plan.pk:
                return column["state"], card
    return None, None


def _page_buttons(html, plan) -> set[str]:
    """The transition names the page offers on one plan's card."""
    card = re.search(rf'<li class="pipeline-card" id="plan-card-{plan.pk}".*?</li>\s*</ul>\s*'
                     rf'</li>|<li class="pipeline-card" id="plan-card-{plan.pk}".*?</li>',
                     html, re.S)
    assert card, f"no card for plan {plan.pk}"
    return set(re.findall(rf"/plans/{plan.pk}/transitions/([a-z_]+)/", card.group(0)))


def _complete_plan(author, sales, unit_staff, title):
    plan = builders.drafting(author, title=title)
    return builders.complete_draft(plan, author, sales, unit_staff)


# --- the pipeline ----------------------------------------------------------------------------

def test_pipeline_counts_equal_the_plan_lists_counts_per_state(
        client, api, author, planning_manager, reviewer, marketing, sales, unit_staff):
    builders.new_plan(author, title="Fresh one")
    builders.new_plan(author, title="Fresh two")
    builders.drafting(author, title="Drafted")
    builders.in_review(author, [marketing], sales, unit_staff, title="Reviewed")
    doomed = builders.drafting(author, title="Doomed")
    services.plan_cancel(plan=doomed, actor=planning_manager, reason="No longer needed.")
    builders.new_plan(planning_manager, title="Unit plan", level="unit", department=sales)

    client.force_login(author)
    data = api.as_(author).get(API).json()["panels"][0]["data"]
    every = {c["state"]: c["count"] for c in [*data["columns"], *data["closed"]]}
    assert set(every) == set(PlanState.values)
    for state, count in every.items():
        listed = client.get(f"/plans/?state={state}").context["page"].paginator.count
        assert count == listed, state
    assert every["needs_analysis"] == 3 and every["cancelled"] == 1
    assert data["total"] == 6
    assert data["chart"]["counts"] == [every[s] for s in data["chart"]["states"]]
    page = client.get(BOARD).content.decode()
    assert 'id="pipeline-chart"' in page and 'id="pipeline-table"' in page


def test_each_column_shows_its_oldest_plans_and_links_to_all_of_them(author):
    plans = [builders.new_plan(author, title=f"Plan {i:02d}") for i in range(10)]
    data = _data("pipeline", author)
    column = _column(data, "needs_analysis")
    assert column["count"] == 10 and column["more"]
    assert [c["id"] for c in column["cards"]] == [p.pk for p in plans[:CARDS_PER_COLUMN]]
    assert column["list_url"] == "/plans/?state=needs_analysis"
    assert not _column(data, "drafting")["more"]


def test_a_cards_age_counts_from_when_the_plan_entered_its_state(author):
    before = timezone.now()
    fresh = builders.new_plan(author, title="Waiting")
    assert fresh.state_changed_at >= before  # a new plan enters needs analysis on creation
    moved = builders.new_plan(author, title="Just drafted")
    builders.add_goal(moved, author)
    long_ago = timezone.now() - dt.timedelta(days=5, hours=1)
    Plan.objects.filter(pk__in=[fresh.pk, moved.pk]).update(created_at=long_ago,
                                                            state_changed_at=long_ago)
    moved = services.plan_start_drafting(plan=moved, actor=author)
    moved.refresh_from_db()
    # the transition stamps the time, as its audit event does
    event = AuditEvent.objects.filter(action="plans.plan.start_drafting",
                                      subject_id=str(moved.pk)).get()
    assert abs(moved.state_changed_at - event.created_at) < dt.timedelta(seconds=5)
    data = _data("pipeline", author)
    assert _card(data, fresh)[1]["days_in_state"] == 5  # never moved: since its creation
    # moved to drafting just now, whatever its creation date
    assert _card(data, moved)[1]["days_in_state"] == 0


def test_each_column_shows_the_plans_longest_in_their_state_first(author):
    plans = [builders.new_plan(author, title=f"Plan {i:02d}") for i in range(10)]
    now = timezone.now()
    # created in one order, but waiting in the reverse one: time in state decides
    for i, plan in enumerate(plans):
        Plan.objects.filter(pk=plan.pk).update(state_changed_at=now - dt.timedelta(days=i))
    column = _column(_data("pipeline", author), "needs_analysis")
    assert [c["id"] for c in column["cards"]] == [
        p.pk for p in reversed(plans)][:CARDS_PER_COLUMN]
    assert [c["days_in_state"] for c in column["cards"]] == list(
        range(9, 9 - CARDS_PER_COLUMN, -1))


def test_the_migration_back_fills_time_in_state_from_the_audit_log(author):
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("plans.migrations.0006_plan_state_changed_at")
    never_moved = builders.new_plan(author, title="Never moved")
    moved = builders.drafting(author, title="Moved")
    long_ago = timezone.now() - dt.timedelta(days=40)
    Plan.objects.filter(pk__in=[never_moved.pk, moved.pk]).update(
        created_at=long_ago, state_changed_at=timezone.now() - dt.timedelta(days=1))
    migration.backfill(django_apps, connection.schema_editor())
    never_moved.refresh_from_db()
    moved.refresh_from_db()
    assert never_moved.state_changed_at == long_ago  # no transition: its creation
    event = AuditEvent.objects.get(action="plans.plan.start_drafting",
                                   subject_id=str(moved.pk))
    assert moved.state_changed_at == event.created_at


@pytest.mark.parametrize(("person", "stage", "expected"), [
    ("author", "drafting", {"submit_for_review"}),
    ("planning_manager", "drafting", {"submit_for_review", "cancel"}),
    ("auditor", "drafting", set()),
    ("author", "internal_review", {"submit_to_committee"}),
    ("planning_manager", "internal_review", {"submit_to_committee", "cancel"}),
    ("author", "needs_analysis", {"start_drafting"}),
])
def test_the_buttons_are_exactly_the_transitions_the_person_may_do(
        request, client, person, stage, expected, author, reviewer, marketing, sales,
        unit_staff, planning_manager, auditor):
    if stage == "needs_analysis":
        plan = builders.new_plan(author)
    elif stage == "drafting":
        plan = builders.drafting(author)
    else:
        plan = builders.in_review(author, [marketing], sales, unit_staff)
    user = request.getfixturevalue(person)
    allowed = {t["name"] for t in services.available_transitions(plan, user)}
    assert allowed == expected  # the plan page's own rule agrees with the expectation
    state, card = _card(_data("pipeline", user), plan)
    assert state == stage
    assert {t["name"] for t in card["transitions"]} == expected
    client.force_login(user)
    assert _page_buttons(client.get(BOARD).content.decode(), plan) == expected
    for t in card["transitions"]:
        # a note is all these need: posted at once; the others open their form, then return
        assert t["direct"] == (t["name"] in {"start_drafting", "submit_to_committee"})
        if not t["direct"]:
            assert t["url"].endswith("?next=%2Fdashboards%2Fplanning%2F%23panel-pipeline")


def test_a_transition_posted_from_the_board_moves_the_plan_and_returns_to_the_board(
        client, author, reviewer, marketing, sales, unit_staff, committee, chair,
        committee_member):
    plan = builders.in_review(author, [marketing], sales, unit_staff)
    plan = builders.approve_reviews(plan, {marketing.pk: reviewer})
    client.force_login(author)
    answer = client.post(f"/plans/{plan.pk}/transitions/submit_to_committee/", {"next": BACK})
    assert answer.status_code == 302 and answer["Location"] == BACK
    plan.refresh_from_db()
    assert plan.state == PlanState.COMMITTEE_APPROVAL
    board = client.get(BOARD)
    page = board.content.decode()
    assert "Done: Submit to the committee. The plan is now “Committee approval”." in page
    assert _card(board.context["panels"][0]["data"], plan)[0] == "committee_approval"


def test_a_transition_with_a_form_returns_to_the_board_after_it(
        client, author, reviewer, marketing, sales, unit_staff):
    plan = _complete_plan(author, sales, unit_staff, "Ready for review")
    client.force_login(author)
    url = f"/plans/{plan.pk}/transitions/submit_for_review/?next=%2Fdashboards%2Fplanning%2F"
    assert client.get(url).status_code == 200
    answer = client.post(url, {"reviewing_departments": [marketing.pk]})
    assert answer.status_code == 302 and answer["Location"] == "/dashboards/planning/"
    plan.refresh_from_db()
    assert plan.state == PlanState.INTERNAL_REVIEW


def test_a_refused_transition_says_why_on_the_board_and_changes_nothing(
        client, author, reviewer, marketing, sales, unit_staff):
    plan = builders.in_review(author, [marketing], sales, unit_staff)
    client.force_login(author)
    events = AuditEvent.objects.count()
    answer = client.post(f"/plans/{plan.pk}/transitions/submit_to_committee/", {"next": BACK},
                         follow=True)
    assert answer.redirect_chain == [(BACK, 302)]
    page = answer.content.decode()
    assert "Not done: Submit to the committee." in page
    assert "Reviews still pending: Marketing." in page  # the guard's own reason
    plan.refresh_from_db()
    assert plan.state == PlanState.INTERNAL_REVIEW
    assert AuditEvent.objects.count() == events


def test_a_refused_start_of_drafting_names_the_missing_goal(client, author):
    plan = builders.new_plan(author)  # no SMART goal yet
    client.force_login(author)
    answer = client.post(f"/plans/{plan.pk}/transitions/start_drafting/", {"next": BACK},
                         follow=True)
    assert "Add at least one SMART goal" in answer.content.decode()
    plan.refresh_from_db()
    assert plan.state == PlanState.NEEDS_ANALYSIS


def test_a_next_address_off_the_site_is_ignored(client, author):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    client.force_login(author)
    answer = client.post(f"/plans/{plan.pk}/transitions/start_drafting/",
                         {"next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == f"/plans/{plan.pk}/"


def test_a_transition_the_person_may_not_do_is_forbidden_from_the_board_too(
        client, author, auditor):
    plan = builders.new_plan(author)
    builders.add_goal(plan, author)
    client.force_login(auditor)
    answer = client.post(f"/plans/{plan.pk}/transitions/start_drafting/", {"next": BACK})
    assert answer.status_code == 403
    plan.refresh_from_db()
    assert plan.state == PlanState.NEEDS_ANALYSIS


# --- reviews overdue -------------------------------------------------------------------------

def _age_revision(plan, days):
    PlanRevision.objects.filter(plan=plan, number=plan.revision).update(
        created_at=timezone.now() - dt.timedelta(days=days))


def test_reviews_overdue_are_those_still_awaited_after_the_review_period(
        settings, author, reviewer, marketing, sales, unit_staff, audit_department,
        planning_manager):
    settings.OPSPLAN_REVIEW_DAYS = 7
    from tests.factories import MembershipFactory

    MembershipFactory(department=audit_department, position="head")
    late = builders.in_review(author, [marketing, audit_department], sales, unit_staff,
                              title="Late")
    _age_revision(late, 10)
    # Marketing gave its review: only Internal Audit's is overdue
    review = late.reviews.get(department=marketing)
    services.review_submit(review=review, actor=reviewer, verdict="approve", feasibility=4,
                           rationality=4, innovation=3, risk=4)
    recent = builders.in_review(author, [marketing], sales, unit_staff, title="Recent")
    _age_revision(recent, 3)
    data = _data("reviews-overdue", planning_manager)
    assert data["total"] == 1
    [row] = data["rows"]
    assert (row["plan"], row["department"]) == ("Late", "Internal Audit")
    assert row["days_overdue"] == 3
    assert data["review_days"] == 7


def test_a_review_of_an_earlier_revision_is_not_overdue(
        author, reviewer, marketing, sales, unit_staff, planning_manager):
    plan = builders.in_review(author, [marketing], sales, unit_staff)
    _age_revision(plan, 30)
    review = plan.reviews.get()
    services.review_submit(review=review, actor=reviewer, verdict="request_changes",
                           feasibility=2, rationality=2, innovation=2, risk=2,
                           feasibility_comment="Redo the numbers.")
    assert _data("reviews-overdue", planning_manager)["rows"] == []


# --- open deviations -------------------------------------------------------------------------

def _deviation(plan, title, state="open", days=0, **extra):
    return Deviation.objects.create(plan=plan, title=title, state=state,
                                    created_at=timezone.now() - dt.timedelta(days=days),
                                    **extra)


def test_open_deviations_are_the_unresolved_ones_with_plan_source_size_and_age(
        client, author, planning_manager):
    plan = builders.new_plan(author, title="Running plan")
    _deviation(plan, "Revenue behind", days=12, source="kpi_signal", gap=Decimal("-8.5"),
               gap_note="8.5 million below")
    _deviation(plan, "Campaign late", state="in_adjustment", days=2)
    _deviation(plan, "Fixed already", state="resolved", days=20)
    _deviation(plan, "Dropped", state="closed", days=25)
    data = _data("open-deviations", planning_manager)
    assert data["total"] == 2
    assert [r["title"] for r in data["rows"]] == ["Revenue behind", "Campaign late"]
    first = data["rows"][0]
    assert first["plan"] == "Running plan"
    assert str(first["source"]) == "Red KPI signal"
    assert first["gap"] == Decimal("-8.5") and first["age_days"] == 12
    client.force_login(planning_manager)
    page = client.get(BOARD).content.decode()
    assert "Revenue behind" in page and "Fixed already" not in page


def test_lists_show_a_fixed_number_of_rows_oldest_first_and_count_the_rest(
        client, author, planning_manager, reviewer, marketing, sales, unit_staff):
    plan = builders.new_plan(author, title="Busy plan")
    for i in range(LIST_LIMIT + 3):
        _deviation(plan, f"Deviation {i:02d}", days=100 - i)
    for i in range(2):
        late = builders.in_review(author, [marketing], sales, unit_staff, title=f"Late {i}")
        _age_revision(late, 30 - i)
    deviations = _data("open-deviations", planning_manager)
    assert deviations["total"] == LIST_LIMIT + 3
    assert [r["title"] for r in deviations["rows"]] == [
        f"Deviation {i:02d}" for i in range(LIST_LIMIT)]
    reviews = _data("reviews-overdue", planning_manager)
    assert [r["plan"] for r in reviews["rows"]] == ["Late 0", "Late 1"]
    assert reviews["total"] == 2 and reviews["list_url"] == "/plans/?state=internal_review"
    client.force_login(planning_manager)
    page = client.get(BOARD).content.decode()
    assert f"The {LIST_LIMIT} oldest of {LIST_LIMIT + 3} are shown." in page
    assert f"Deviation {LIST_LIMIT:02d}" not in page


# --- data-collection duties ------------------------------------------------------------------

def test_duties_overdue_are_the_indicators_missing_their_last_due_period(
        sales, marketing, unit_head, planning_manager):
    from kpis.models import Indicator, Measurement

    Indicator.objects.update(is_active=False)  # the seeded catalog is not this test's
    today = timezone.localdate()
    this_month = today.replace(day=1)
    due = (this_month - dt.timedelta(days=1)).replace(day=1)
    supplied = Indicator.objects.create(code="orders", name_en="Orders", name_zh="订单",
                                        unit="pcs", owner_department=sales)
    missing = Indicator.objects.create(code="visits", name_en="Visits", name_zh="拜访",
                                       unit="pcs", owner_department=marketing,
                                       collector=unit_head)
    late = Indicator.objects.create(code="leads", name_en="Leads", name_zh="线索", unit="pcs",
                                    owner_department=sales)
    Measurement.objects.create(indicator=supplied, department=sales, period_start=due,
                               value=Decimal(5), recorded_by=unit_head)
    # a value from before the due period does not count for it
    Measurement.objects.create(indicator=late, department=sales,
                               period_start=(due - dt.timedelta(days=1)).replace(day=1),
                               value=Decimal(5), recorded_by=unit_head)
    # supplied by a department other than the owner: the duty is still open
    Measurement.objects.create(indicator=missing, department=sales, period_start=due,
                               value=Decimal(5), recorded_by=unit_head)
    data = _data("duties-overdue", planning_manager)
    assert data["total"] == 2
    assert {r["code"] for r in data["rows"]} == {"visits", "leads"}
    visits = next(r for r in data["rows"] if r["code"] == "visits")
    assert visits["department"] == "Marketing" and visits["collector"] == str(unit_head)
    assert visits["period_start"] == due and visits["overdue_since"] == this_month
    assert visits["days_overdue"] == (today - this_month).days


# --- this week's meeting ---------------------------------------------------------------------

def test_this_weeks_meeting_with_its_agenda(client, planning_manager, unit_head):
    from meetings.models import AgendaItem
    from meetings.services import schedule_weekly

    today = timezone.localdate()
    schedule_weekly(today - dt.timedelta(days=7))  # last week's is not this week's
    meeting, created = schedule_weekly(today)
    assert created
    AgendaItem.objects.create(meeting=meeting, order=900, section="other",
                              title="Budget for the spring campaign", url="/plans/")
    data = _data("weekly-meeting", planning_manager)
    assert data["meeting"]["id"] == meeting.pk
    assert data["meeting"]["url"] == meeting.get_absolute_url()
    assert data["meeting"]["starts_at"] == meeting.starts_at
    assert str(data["meeting"]["state_label"]) == "Scheduled"
    titles = [item["title"] for item in data["agenda"]]
    assert titles[-1] == "Budget for the spring campaign"
    assert data["agenda_total"] == meeting.agenda.count()
    client.force_login(planning_manager)
    page = client.get(BOARD).content.decode()
    assert f'href="{meeting.get_absolute_url()}"' in page
    assert "Budget for the spring campaign" in page


def test_without_this_weeks_meeting_the_panel_offers_to_schedule_it(client, author, auditor):
    data = _data("weekly-meeting", author)
    assert data["meeting"] is None
    assert data["schedule_url"].startswith("/meetings/new/?title=Weekly+operations+meeting")
    client.force_login(author)
    assert data["schedule_url"].replace("&", "&amp;") in client.get(BOARD).content.decode()
    assert client.get(data["schedule_url"]).status_code == 200
    # the auditor may not call a meeting: no link
    assert _data("weekly-meeting", auditor)["schedule_url"] == ""


# --- constant query counts -------------------------------------------------------------------

def _small(author, planning_manager, marketing, sales, unit_staff):
    builders.new_plan(author, title="Only one")
    plan = builders.in_review(author, [marketing], sales, unit_staff, title="In review")
    _age_revision(plan, 30)
    _deviation(plan, "One deviation", days=3)


def _grow(author, planning_manager, marketing, sales, unit_staff, reviewer):
    from kpis.models import Indicator
    from meetings.models import AgendaItem
    from meetings.services import schedule_weekly

    for i in range(12):
        builders.new_plan(author, title=f"More {i}")
    for i in range(3):
        plan = builders.in_review(author, [marketing], sales, unit_staff, title=f"Review {i}")
        _age_revision(plan, 20 + i)
        for j in range(9):
            _deviation(plan, f"Deviation {i}-{j}", days=j)
    builders.drafting(author, title="Drafted")
    for i in range(25):
        Indicator.objects.create(code=f"extra_{i}", name_en=f"Extra {i}", name_zh=f"额外{i}",
                                 unit="pcs", owner_department=sales)
    meeting, _created = schedule_weekly(timezone.localdate())
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, order=100 + i, title=f"Item {i}")
                                    for i in range(20)])


@pytest.mark.parametrize("key", ["pipeline", "reviews-overdue", "open-deviations",
                                 "duties-overdue", "weekly-meeting"])
def test_each_panel_costs_the_same_queries_for_little_and_much_data(
        key, author, planning_manager, reviewer, marketing, sales, unit_staff):
    from meetings.services import schedule_weekly

    _small(author, planning_manager, marketing, sales, unit_staff)
    if key == "weekly-meeting":
        schedule_weekly(timezone.localdate())
    small = _queries(key, planning_manager)
    _grow(author, planning_manager, marketing, sales, unit_staff, reviewer)
    large = _queries(key, planning_manager)
    assert small == large, (small, large)
    assert large <= 4


# --- the API twin ----------------------------------------------------------------------------

def test_the_api_answers_the_same_panels_and_values_as_the_page(
        client, api, author, reviewer, marketing, sales, unit_staff):
    plan = builders.in_review(author, [marketing], sales, unit_staff, title="Twin")
    _deviation(plan, "Twin deviation")
    client.force_login(author)
    page = client.get(BOARD)
    body = api.as_(author).get(API).json()
    assert [p["key"] for p in body["panels"]] == [
        "pipeline", "reviews-overdue", "open-deviations", "duties-overdue", "weekly-meeting"]
    page_data = {item["panel"].key: item["data"] for item in page.context["panels"]}
    pipeline = body["panels"][0]["data"]
    assert ([c["count"] for c in pipeline["columns"]]
            == [c["count"] for c in page_data["pipeline"]["columns"]])
    state, card = _card(pipeline, plan)
    assert state == "internal_review" and card["title"] == "Twin"
    assert [t["name"] for t in card["transitions"]] == ["submit_to_committee"]
    deviations = body["panels"][2]["data"]
    assert [r["title"] for r in deviations["rows"]] == ["Twin deviation"]
    assert deviations["total"] == page_data["open-deviations"]["total"]


def test_people_outside_the_planning_department_cannot_open_it(client, api, unit_head):
    client.force_login(unit_head)
    assert client.get(BOARD).status_code == 403
    assert api.as_(unit_head).get(API).status_code == 403
