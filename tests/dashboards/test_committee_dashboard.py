"""The committee dashboard: the approval inbox and voting from it (htmx and plain forms), the
company scorecard, top risks, cost variance and next meetings; each panel's query count stays
fixed whatever the data; the API twin and the decisions API's ``awaiting_me`` filter."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committee.choices import DecisionKind, SeatRole
from committee.models import Decision, Vote
from committee.selectors import awaiting_vote
from committee.services import decision_open, decision_vote
from opsplan import dashboards
from plans import services as plan_services
from tests.factories import DepartmentFactory, SeatFactory, UserFactory
from tests.plans import builders

pytestmark = pytest.mark.django_db

DASHBOARD = "/dashboards/committee/"


@pytest.fixture
def plan_at_committee(author, reviewer, marketing, sales, unit_staff, chair, committee_member):
    plan = builders.in_review(author, [marketing], sales, unit_staff, title="Growth plan")
    plan = builders.approve_reviews(plan, {marketing.pk: reviewer})
    return plan_services.plan_submit_to_committee(plan=plan, actor=author)


@pytest.fixture
def decision(plan_at_committee):
    return Decision.objects.about(plan_at_committee).get(state="open")


def _panel_data(key, user):
    """A panel's data as the dashboard builds it, for a fresh copy of the user (no role cache
    carried over, as in a real request)."""
    dashboards.discover()
    panel = next(p for p in dashboards.panels_for(dashboards.DASHBOARDS["committee"], user)
                 if p.key == key)
    request = RequestFactory().get(DASHBOARD)
    request.user = get_user_model().objects.get(pk=user.pk)
    return panel.data(request, None)


def _queries(key, user):
    fresh = get_user_model().objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as captured:
        _panel_data(key, fresh)
    return len(captured)


# --- the approval inbox ------------------------------------------------------------------------

def test_the_inbox_lists_only_what_awaits_my_vote(client, committee, chair, committee_member,
                                                 decision, author):
    other = decision_open(subject=DepartmentFactory(), kind=DecisionKind.BUDGET_OVERRUN,
                          title="Over-run of marketing", actor=None, excluded=[chair])
    closed = decision_open(subject=DepartmentFactory(), kind=DecisionKind.RISK_ACCEPTANCE,
                           title="Accept a risk", actor=None)
    closed.state = "withdrawn"
    closed.save()
    decision_vote(decision=other, voter=committee_member, choice="abstain")

    member_rows = _panel_data("approval-inbox", committee_member)["rows"]
    assert [r["id"] for r in member_rows] == [decision.pk]  # voted on `other`; `closed` shut
    row = member_rows[0]
    assert row["kind"] == DecisionKind.PLAN_APPROVAL
    assert row["subject_url"].endswith(f"/plans/{decision.subject_id}/#decision")
    assert row["votes"] == {"approve": 0, "reject": 0, "abstain": 0, "cast": 0, "eligible": 2,
                            "quorum": 1}
    assert row["deadline"] == timezone.localdate() + dt.timedelta(days=7)  # OPSPLAN_VOTE_DAYS
    assert row["overdue"] is False and row["age_days"] == 0

    # the chair is excluded from `other` (conflict of interest) and has voted on nothing
    assert [r["id"] for r in _panel_data("approval-inbox", chair)["rows"]] == [decision.pk]

    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert "Growth plan (r1)" in page and "Over-run of marketing" not in page
    assert f'hx-post="{reverse("committee:decision-vote", args=[decision.pk])}"' in page


def test_the_author_on_the_committee_never_finds_their_own_plan_in_the_inbox(
        committee, author, decision):
    SeatFactory(committee=committee, user=author, role=SeatRole.MEMBER)
    assert _panel_data("approval-inbox", author)["rows"] == []
    assert not author.has_perm("committee.vote_decision", decision)


def test_the_inbox_agrees_with_the_voting_rule(committee, chair, committee_member, author,
                                               decision, auditor):
    SeatFactory(committee=committee, user=author, role=SeatRole.MEMBER)
    decision_open(subject=DepartmentFactory(), kind=DecisionKind.BUDGET_OVERRUN, title="B",
                  actor=None, excluded=[committee_member])
    for person in (chair, committee_member, author, auditor):
        person = get_user_model().objects.get(pk=person.pk)
        voted = set(Vote.objects.filter(voter=person).values_list("decision_id", flat=True))
        expected = {d.pk for d in Decision.objects.all()
                    if person.has_perm("committee.vote_decision", d) and d.pk not in voted}
        assert set(awaiting_vote(person).values_list("pk", flat=True)) == expected, person


def test_an_empty_inbox_says_what_happens_next(client, committee_member):
    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert "Nothing awaits your vote" in page and "you are notified" in page


def test_a_plan_adjustment_links_to_its_diff(committee, chair, committee_member, author):
    plan = DepartmentFactory()  # any subject; only a plan has revisions to compare
    adjustment = decision_open(subject=plan, kind=DecisionKind.PLAN_ADJUSTMENT, title="Adj",
                               actor=None, revision=2)
    row = next(r for r in _panel_data("approval-inbox", chair)["rows"]
               if r["id"] == adjustment.pk)
    assert row["diff_url"] is None  # a department has no revisions page


def test_a_real_plan_adjustment_links_to_the_revisions_diff(decision, chair, committee_member):
    plan = decision.subject
    decision.kind = DecisionKind.PLAN_ADJUSTMENT
    decision.subject_revision = 2
    decision.save()
    type(plan).objects.filter(pk=plan.pk).update(approved_revision=1)
    row = _panel_data("approval-inbox", chair)["rows"][0]
    assert row["diff_url"] == f"/plans/{plan.pk}/revisions/?a=1&b=2#diff"


def test_the_inbox_links_subjects_of_every_kind_in_a_fixed_number_of_queries(
        client, committee, chair, committee_member, decision):
    def inbox_queries():
        fresh = get_user_model().objects.get(pk=committee_member.pk)
        with CaptureQueriesContext(connection) as captured:
            data = _panel_data("approval-inbox", fresh)
        return len(captured), data

    inbox_queries()  # the database's one-off feature checks (SQLite's JSON support) are done
    one_kind, _data = inbox_queries()  # a plan only
    department = DepartmentFactory()
    decision_open(subject=department, kind=DecisionKind.BUDGET_OVERRUN, title="Department",
                  actor=None)
    decision_open(subject=chair, kind=DecisionKind.RISK_ACCEPTANCE, title="Person", actor=None)
    three_kinds, data = inbox_queries()
    assert three_kinds == one_kind
    links = {r["title"]: r["subject_url"] for r in data["rows"]}
    assert links == {
        decision.title: f"/plans/{decision.subject_id}/#decision",
        "Department": f"{department.get_absolute_url()}#decision",
        "Person": f"{chair.get_absolute_url()}#decision",
    }


def test_the_inbox_shows_the_oldest_ten_and_links_to_all_decisions(client, committee,
                                                                    committee_member):
    opened = [decision_open(subject=DepartmentFactory(), kind=DecisionKind.BUDGET_OVERRUN,
                            title=f"Over-run {i:02}", actor=None) for i in range(12)]
    data = _panel_data("approval-inbox", committee_member)
    assert [r["id"] for r in data["rows"]] == [d.pk for d in opened[:10]]
    assert (data["total"], data["more"]) == (12, 2)
    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert "Over-run 09" in page and "Over-run 10" not in page
    assert "2 more decisions await your vote" in page
    assert f'href="{reverse("committee:decisions")}"' in page


# --- voting from the inbox ---------------------------------------------------------------------

def test_an_htmx_vote_records_it_and_answers_with_the_swapped_row(client, committee_member,
                                                                  decision):
    client.force_login(committee_member)
    url = reverse("committee:decision-vote", args=[decision.pk])
    answer = client.post(url, {"choice": "approve", "comment": "Sound plan.", "next": DASHBOARD},
                         HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    vote = Vote.objects.get(decision=decision, voter=committee_member)
    assert (vote.choice, vote.comment) == ("approve", "Sound plan.")
    html = answer.content.decode()
    assert html.lstrip().startswith(f'<article class="inbox-row card" id="inbox-row-{decision.pk}"')
    assert "Your vote is recorded: Approve." in html and "Sound plan." in html
    assert "<form" not in html and "<html" not in html
    assert "approve 1, reject 0, abstain 0" in html
    # once voted it leaves the inbox
    assert _panel_data("approval-inbox", committee_member)["rows"] == []


def test_an_htmx_vote_with_an_error_swaps_in_the_form_naming_the_field(client, committee_member,
                                                                       decision):
    client.force_login(committee_member)
    url = reverse("committee:decision-vote", args=[decision.pk])
    answer = client.post(url, {"choice": "reject", "comment": " "}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<form" in html and 'class="field-error"' in html
    assert "Comment: Give the reasons for rejecting." in html
    assert not Vote.objects.filter(decision=decision).exists()
    bad = client.post(url, {"choice": "maybe"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Your vote: Select a valid choice." in bad


def test_an_htmx_vote_on_a_closed_decision_says_so_in_the_row(client, committee_member,
                                                              decision):
    decision.state = "withdrawn"
    decision.save()
    client.force_login(committee_member)
    answer = client.post(reverse("committee:decision-vote", args=[decision.pk]),
                         {"choice": "approve"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "This decision is closed." in answer.content.decode()
    assert not Vote.objects.filter(decision=decision).exists()


def test_a_plain_vote_redirects_back_to_the_dashboard(client, committee_member, decision):
    client.force_login(committee_member)
    url = reverse("committee:decision-vote", args=[decision.pk])
    answer = client.post(url, {"choice": "abstain", "comment": "", "next": DASHBOARD})
    assert answer.status_code == 302 and answer["Location"] == DASHBOARD
    assert Vote.objects.get(decision=decision, voter=committee_member).choice == "abstain"
    page = client.get(DASHBOARD)
    assert "Your vote is recorded." in page.content.decode()
    # an outside `next` is ignored: back to the subject
    other = client.post(url, {"choice": "approve", "next": "https://evil.example/"})
    assert other["Location"].endswith(f"/plans/{decision.subject_id}/#decision")


@pytest.mark.parametrize("htmx", [False, True])
def test_someone_who_may_not_vote_is_refused_and_nothing_is_stored(client, author, committee,
                                                                   decision, htmx):
    SeatFactory(committee=committee, user=author, role=SeatRole.MEMBER)  # seated, but author
    client.force_login(author)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    answer = client.post(reverse("committee:decision-vote", args=[decision.pk]),
                         {"choice": "approve", "next": DASHBOARD}, **headers)
    assert answer.status_code == 403
    assert not Vote.objects.filter(decision=decision).exists()


def test_a_planning_specialist_off_the_committee_is_refused_too(client, planning_manager,
                                                               decision):
    client.force_login(planning_manager)  # sees decisions, sits on no committee
    answer = client.post(reverse("committee:decision-vote", args=[decision.pk]),
                         {"choice": "approve"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 403
    assert not Vote.objects.exists()


# --- the other panels --------------------------------------------------------------------------

def _core_indicator(code="revenue"):
    from committee.models import Department
    from kpis.catalog import ensure_core
    from kpis.models import Indicator

    ensure_core(Indicator, Department)
    return Indicator.objects.get(code=code)


def _month_value(indicator, department, month, value, target=None, red=None):
    from kpis.models import Rollup, Target

    Rollup.objects.create(indicator=indicator, department=department, grain="month",
                          period_start=month, value=Decimal(value), count=1)
    if target is not None:
        Target.objects.create(indicator=indicator, department=department, grain="month",
                              period_start=month, target=Decimal(target),
                              red_threshold=Decimal(red))


def _month(back=0):
    """The first day of the month ``back`` months before this one."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def test_the_scorecard_shows_each_latest_month_against_its_target_with_a_label(
        client, committee_member, sales, marketing):
    revenue, cost = _core_indicator("revenue"), _core_indicator("cost")
    last, before = _month(1), _month(2)
    _month_value(revenue, sales, before, "50", "100", "80")  # older: ignored
    _month_value(revenue, sales, last, "120", "100", "80")
    _month_value(revenue, marketing, last, "90", "100", "80")
    _month_value(cost, sales, last, "130", "100", "120")  # lower is better
    data = _panel_data("company-scorecard", committee_member)
    shown = [(r["indicator"], r["department"], r["period"], r["band"], str(r["band_label"]))
             for r in data["rows"]]
    # what needs attention first: off target, then watch, then on target
    assert shown == [
        ("cost", "sales", last, "red", "Off target"),
        ("revenue", "marketing", last, "amber", "Watch"),
        ("revenue", "sales", last, "green", "On target"),
    ]
    assert [s["count"] for s in data["summary"]] == [1, 1, 1]
    assert data["total"] == 3 and data["more"] == 0
    assert data["rows"][1]["url"] == f"{revenue.get_absolute_url()}?department=marketing"
    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert 'band band-red' in page and "Off target" in page


def test_the_scorecard_leaves_out_values_older_than_a_year(committee_member, sales, marketing):
    revenue = _core_indicator("revenue")
    _month_value(revenue, sales, _month(13), "120", "100", "80")
    _month_value(revenue, marketing, _month(11), "120", "100", "80")
    rows = _panel_data("company-scorecard", committee_member)["rows"]
    assert [(r["department"], r["period"]) for r in rows] == [("marketing", _month(11))]


def test_the_scorecard_shows_the_worst_ten_and_counts_them_all(client, committee_member):
    revenue = _core_indicator("revenue")
    for i in range(14):
        # four off target, the rest on target
        value = "10" if i < 4 else "150"
        _month_value(revenue, DepartmentFactory(name=f"Unit {i:02}"), _month(1), value, "100",
                     "80")
    data = _panel_data("company-scorecard", committee_member)
    assert len(data["rows"]) == 10 and data["total"] == 14 and data["more"] == 4
    assert [r["band"] for r in data["rows"]] == ["red"] * 4 + ["green"] * 6
    assert {s["band"]: s["count"] for s in data["summary"]} == {"green": 10, "amber": 0,
                                                                 "red": 4}
    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert "4 more of 14 in the department scorecards" in page


def test_the_scorecard_hides_indicators_the_person_may_not_read(committee_member, sales):
    profit = _core_indicator("profit")
    profit.visibility = "departments"
    profit.save()
    _month_value(profit, sales, _month(1), "10", "5", "1")
    assert _panel_data("company-scorecard", committee_member)["rows"] == []


def test_top_risks_put_the_highest_level_and_score_first(committee_member, unit_head, sales):
    from tests.risks import builders as risks

    low = risks.assessed(unit_head, sales, likelihood=1, impact=1, title="Small")
    critical = risks.assessed(unit_head, sales, likelihood=5, impact=5, title="Huge")
    high = risks.assessed(unit_head, sales, likelihood=4, impact=3, title="Big")
    data = _panel_data("top-risks", committee_member)
    assert [r["id"] for r in data["rows"]][:2] == [critical.pk, high.pk]
    assert data["rows"][-1]["id"] == low.pk
    assert data["rows"][0]["level_label"] == "Critical" and data["rows"][0]["score"] == 25
    assert data["heatmap_url"] == reverse("risks:heatmap")
    assert data["high_count"] == len([r for r in data["rows"] if r["level"] in ("high",
                                                                                 "critical")])


@pytest.fixture
def this_years_plan(author, reviewer, marketing, sales, unit_staff, chair, committee_member,
                    planning_manager, unit_head):
    from tests.costs import builders as costs

    start = dt.date(timezone.localdate().year, 1, 1)
    return costs.running(author, reviewer, marketing, sales, unit_staff, chair,
                         committee_member, planning_manager, unit_head, period_start=start,
                         lines=(("marketing", "1200.00"), ("material", "600.00")))


def test_cost_variance_compares_budget_and_actual_per_category(committee_member, unit_head,
                                                               sales, this_years_plan):
    from tests.costs import builders as costs

    today = timezone.localdate()
    costs.spend(this_years_plan, unit_head, sales, "1150.00", day=today)
    data = _panel_data("cost-variance", committee_member)
    rows = {r["category"]: r for r in data["rows"]}
    assert rows["marketing"]["budget"] == Decimal("1200.00")
    assert rows["marketing"]["actual"] == Decimal("1150.00")
    assert rows["marketing"]["variance"] == Decimal("-50.00")
    assert rows["marketing"]["status"] == "warning"
    assert str(rows["marketing"]["status_label"]) == "Warning"
    assert rows["material"]["status"] == "ok"
    assert data["total"]["budget"] == Decimal("1800.00")
    assert data["total"]["actual"] == Decimal("1150.00")
    assert data["chart"]["labels"] == ["Material cost", "Marketing expense"]
    assert data["chart"]["budget"] == [Decimal("600.00"), Decimal("1200.00")]
    assert data["chart"]["actual"] == [Decimal("0.00"), Decimal("1150.00")]


def test_cost_variance_lists_over_runs_awaiting_a_decision(client, committee_member, unit_head,
                                                           sales, this_years_plan):
    from tests.costs import builders as costs

    costs.spend(this_years_plan, unit_head, sales, "1500.00", day=timezone.localdate())
    data = _panel_data("cost-variance", committee_member)
    assert [o["category"] for o in data["overruns"]] == ["marketing"]
    assert {r["category"]: r["status"] for r in data["rows"]}["marketing"] == "overrun"
    # the over-run's decision is in the inbox too
    kinds = [r["kind"] for r in _panel_data("approval-inbox", committee_member)["rows"]]
    assert DecisionKind.BUDGET_OVERRUN in kinds
    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert 'id="committee-cost-chart-data"' in page and "vendor/chart.js" in page


def test_cost_variance_counts_this_years_budget_parts_and_spend_only(
        author, reviewer, marketing, sales, unit_staff, chair, committee_member,
        planning_manager, unit_head):
    from costs.selectors import accounting
    from tests.costs import builders as costs

    year = timezone.localdate().year
    # an annual plan from October last year: three of its twelve monthly parts are last year's
    plan = costs.running(author, reviewer, marketing, sales, unit_staff, chair,
                         committee_member, planning_manager, unit_head,
                         period_start=dt.date(year - 1, 10, 1))
    costs.spend(plan, unit_head, sales, "300.00", day=dt.date(year - 1, 12, 15))
    costs.spend(plan, unit_head, sales, "200.00", day=dt.date(year, 1, 15))
    costs.spend(plan, unit_head, sales, "50.00", day=dt.date(year, 2, 1), kind="commitment")
    data = _panel_data("cost-variance", committee_member)
    assert [r["category"] for r in data["rows"]] == ["marketing"]
    row = data["rows"][0]
    assert (row["budget"], row["actual"], row["committed"]) == (
        Decimal("900.00"), Decimal("200.00"), Decimal("50.00"))
    assert row["variance"] == Decimal("-700.00") and row["status"] == "ok"
    assert data["total"]["budget"] == Decimal("900.00")
    # the same figures as the plan's own accounting, month by month
    report = accounting(plan)
    this_year = [slot for slot, period in zip(report["rows"][0].periods, report["periods"],
                                              strict=True) if period.year == year]
    assert sum(slot.budget for slot in this_year) == row["budget"]
    assert sum(slot.actual for slot in this_year) == row["actual"]


def _meeting(chair, kind="monthly", days=3, title="Monthly summary"):
    from meetings.models import Meeting

    start = timezone.now() + dt.timedelta(days=days)
    return Meeting.objects.create(kind=kind, slot=f"{kind}-{title}-{days}", title=title,
                                  starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                  chair=chair, called_by=chair)


def test_next_meetings_in_the_persons_time_zone_and_committee_follow_ups(
        client, chair, committee_member, planning_manager):
    from meetings.models import FollowUp

    later = _meeting(chair, days=9, title="Later")
    sooner = _meeting(chair, kind="adhoc", days=2, title="Sooner")
    weekly = _meeting(planning_manager, kind="weekly", days=4, title="Weekly")
    FollowUp.objects.create(meeting=later, title="Send the report", owner=committee_member,
                            due_date=timezone.localdate(), created_by=chair)
    FollowUp.objects.create(meeting=weekly, title="Not the committee's", owner=chair,
                            due_date=timezone.localdate(), created_by=chair)
    committee_member.time_zone = "Europe/Berlin"
    committee_member.save()
    client.force_login(committee_member)
    body = client.get("/api/v1/me/dashboards/committee/").json()
    data = next(p for p in body["panels"] if p["key"] == "next-meetings")["data"]
    assert [m["id"] for m in data["meetings"]] == [sooner.pk, weekly.pk, later.pk]
    assert data["meetings"][0]["starts_at"].endswith(("+01:00", "+02:00"))
    assert [f["title"] for f in data["follow_ups"]] == ["Send the report"]
    assert data["time_zone"] == "Europe/Berlin"


# --- fixed query counts ------------------------------------------------------------------------

def test_each_panel_keeps_its_query_count_whatever_the_data(committee, chair, committee_member,
                                                            unit_head, sales, marketing):
    from meetings.models import FollowUp
    from tests.risks import builders as risks

    def grow(n, offset):
        revenue, cost = _core_indicator("revenue"), _core_indicator("cost")
        for i in range(n):
            department = DepartmentFactory()
            decision_open(subject=department, kind=DecisionKind.BUDGET_OVERRUN,
                          title=f"D{offset + i}", actor=None, excluded=[unit_head])
            for indicator in (revenue, cost):
                _month_value(indicator, department, _month(2), "10", "9", "8")
                _month_value(indicator, department, _month(1), "10", "9", "8")
            risks.assessed(unit_head, sales, likelihood=1 + i % 5, impact=2,
                           title=f"Risk {offset + i}")
            meeting = _meeting(chair, kind="adhoc", days=1 + offset + i, title=f"M{offset + i}")
            FollowUp.objects.create(meeting=meeting, title="Do it", owner=chair,
                                    due_date=timezone.localdate(), created_by=chair)
        other = SeatFactory(committee=committee, user=UserFactory()).user
        for d in Decision.objects.open()[:2]:
            decision_vote(decision=d, voter=other, choice="abstain")

    keys = ["approval-inbox", "company-scorecard", "company-goals", "top-risks",
            "cost-variance", "next-meetings"]
    grow(1, 0)
    small = {key: _queries(key, committee_member) for key in keys}
    grow(12, 100)
    large = {key: _queries(key, committee_member) for key in keys}
    assert small == large
    inbox = _panel_data("approval-inbox", committee_member)
    assert len(inbox["rows"]) == 10 and inbox["more"] == 3 and inbox["total"] == 13


# --- the API -----------------------------------------------------------------------------------

def test_the_api_twin_returns_the_same_panels(api, client, committee_member, decision):
    body = api.as_(committee_member).get("/api/v1/me/dashboards/committee/").json()
    assert [p["key"] for p in body["panels"]] == ["approval-inbox", "company-scorecard",
                                                  "company-goals", "top-risks", "cost-variance",
                                                  "next-meetings"]
    inbox = body["panels"][0]["data"]
    assert [r["id"] for r in inbox["rows"]] == [decision.pk]
    assert inbox["rows"][0]["vote_url"] == reverse("committee:decision-vote",
                                                   args=[decision.pk])


def test_the_decisions_api_lists_what_awaits_my_vote(api, committee, chair, committee_member,
                                                     author, decision):
    other = decision_open(subject=DepartmentFactory(), kind=DecisionKind.BUDGET_OVERRUN,
                          title="Over-run", actor=None, excluded=[committee_member])
    client = api.as_(committee_member)
    mine = client.get("/api/v1/committee/decisions/?awaiting_me=true").json()
    assert [d["id"] for d in mine["results"]] == [decision.pk]
    rest = client.get("/api/v1/committee/decisions/?awaiting_me=false").json()
    assert [d["id"] for d in rest["results"]] == [other.pk]
    client.post(f"/api/v1/committee/decisions/{decision.pk}/vote/", {"choice": "approve"},
                format="json")
    assert client.get("/api/v1/committee/decisions/?awaiting_me=true").json()["results"] == []
    bad = client.get("/api/v1/committee/decisions/?awaiting_me=perhaps")
    assert bad.status_code == 400 and "awaiting_me" in bad.content.decode()


def test_the_decisions_page_lists_what_awaits_my_vote(client, committee, chair, committee_member,
                                                      decision):
    other = decision_open(subject=DepartmentFactory(), kind=DecisionKind.BUDGET_OVERRUN,
                          title="Over-run already voted", actor=None)
    decision_vote(decision=other, voter=chair, choice="approve", comment="")
    client.force_login(chair)
    page = client.get("/organisation/decisions/?awaiting=me")
    shown = list(page.context["page"].object_list)
    assert shown == list(awaiting_vote(chair)) == [decision]
    everything = client.get("/organisation/decisions/").context["page"].object_list
    assert other in list(everything)
    client.force_login(committee_member)
    decision_vote(decision=decision, voter=committee_member, choice="approve", comment="")
    decision_vote(decision=other, voter=committee_member, choice="approve", comment="")
    empty = client.get("/organisation/decisions/?awaiting=me").content.decode()
    assert "Nothing awaits your vote" in empty


def test_a_matter_waiting_past_its_voting_deadline_shows_as_overdue(client, committee_member,
                                                                     decision, settings):
    settings.OPSPLAN_VOTE_DAYS = 5
    Decision.objects.filter(pk=decision.pk).update(
        opened_at=timezone.now() - dt.timedelta(days=6))
    row = _panel_data("approval-inbox", committee_member)["rows"][0]
    assert row["overdue"] is True and row["age_days"] == 6
    assert row["deadline"] == timezone.localdate() - dt.timedelta(days=1)
    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert "Vote by" in page and 'class="state state-overdue"' in page


def test_inbox_links_land_on_the_section_showing_the_decision(committee_member, committee):
    from costs.models import Overrun
    from risks.models import Risk

    risk = Risk(pk=7, title="Risk")
    overrun = Overrun(pk=8, plan_id=3)
    from committee.selectors import decision_links

    kinds = {risk: "#acceptances", overrun: "#overruns"}
    for subject, anchor in kinds.items():
        decision = Decision(kind=DecisionKind.RISK_ACCEPTANCE, title="x")
        url, _diff = decision_links(decision, subject)
        assert url == subject.get_absolute_url() + anchor


def test_the_decisions_page_keeps_its_filter_across_pages_in_constant_queries(
        client, committee, chair):
    for n in range(27):
        decision_open(subject=DepartmentFactory(), kind=DecisionKind.BUDGET_OVERRUN,
                      title=f"Over-run {n:02d}", actor=None)
    client.force_login(chair)
    with CaptureQueriesContext(connection) as full:
        first = client.get("/organisation/decisions/?awaiting=me&page=1")  # 25 rows
    assert 'href="?awaiting=me&amp;page=2"' in first.content.decode()
    with CaptureQueriesContext(connection) as short:
        second = client.get("/organisation/decisions/?awaiting=me&page=2")  # 2 rows
    assert [d.title for d, _url in second.context["rows"]] == ["Over-run 25", "Over-run 26"]
    assert all(url and url.endswith("#decision") for _d, url in first.context["rows"])
    assert len(full) == len(short)  # no query per row


# --- company goals (the scorecard's goal half) ----------------------------------------------

def _goal_on_indicator(plan, sales, values):
    """Point the plan's goal (baseline 100, target 120) at a new indicator with yearly and
    monthly rollups for the plan's year."""
    from kpis.models import Indicator, Rollup

    indicator = Indicator.objects.create(
        code=f"revenue_{plan.pk}", name_en="Revenue", name_zh="收入", unit="million CNY",
        owner_department=sales, visibility="all", aggregation="sum")
    goal = plan.goals.get()
    goal.indicator = indicator
    goal.save()
    year = plan.period_start.year
    for month, value in enumerate(values, start=1):
        Rollup.objects.create(indicator=indicator, department=sales, grain="month",
                              period_start=dt.date(year, month, 1), value=Decimal(value),
                              count=1)
    Rollup.objects.create(indicator=indicator, department=sales, grain="year",
                          period_start=dt.date(year, 1, 1),
                          value=sum(Decimal(v) for v in values), count=len(values))
    return goal


def test_company_goals_show_each_running_goal_against_its_target(client, committee_member,
                                                                 sales, this_years_plan):
    _goal_on_indicator(this_years_plan, sales, ["50", "60"])  # 110: between baseline, target
    data = _panel_data("company-goals", committee_member)
    row = data["rows"][0]
    assert (row["goal"], row["plan"], row["actual"], row["target"]) == (
        "Grow revenue", this_years_plan.title, Decimal("110"), Decimal("120"))
    assert row["band"] == "amber" and row["trend"] == "up"
    assert row["url"].endswith(f"/plans/{this_years_plan.pk}/#monitoring")
    assert {s["band"]: s["count"] for s in data["summary"]} == {"green": 0, "amber": 1,
                                                                 "red": 0}
    client.force_login(committee_member)
    page = client.get(DASHBOARD).content.decode()
    assert 'id="panel-company-goals"' in page and "band-amber" in page and "Grow revenue" in page


def test_company_goals_put_goals_off_target_first_in_constant_queries(
        committee_member, sales, this_years_plan, author, reviewer, marketing, unit_staff,
        chair, planning_manager, unit_head):
    from tests.costs import builders as costs

    _goal_on_indicator(this_years_plan, sales, ["60", "65"])  # 125: on target (green)
    with CaptureQueriesContext(connection) as one:
        _panel_data("company-goals", committee_member)
    second = costs.running(author, reviewer, marketing, sales, unit_staff, chair,
                           committee_member, planning_manager, unit_head,
                           period_start=this_years_plan.period_start, title="Second plan")
    _goal_on_indicator(second, sales, ["40", "50"])  # 90: below the baseline (red)
    with CaptureQueriesContext(connection) as two:
        data = _panel_data("company-goals", committee_member)
    assert [r["band"] for r in data["rows"]] == ["red", "green"]
    assert [r["plan"] for r in data["rows"]] == ["Second plan", this_years_plan.title]
    assert len(two) == len(one)


def test_company_goals_say_what_to_do_when_no_company_plan_runs(committee_member):
    data = _panel_data("company-goals", committee_member)
    assert data["rows"] == [] and data["plans"] == 0
