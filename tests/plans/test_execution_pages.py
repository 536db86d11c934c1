"""Plans II in the browser pages and the API: the plan page's execution and monitoring
sections, deviations, revisions and their diff, cascades with roll-up, query counts."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from kpis.models import Rollup
from plans import services
from plans.choices import PlanLevel, PlanState
from plans.models import Deviation, Plan


def test_plan_page_shows_execution_and_monitoring(plan_in_execution, planning_manager,
                                                  unit_head, client):
    client.force_login(planning_manager)
    page = client.get(plan_in_execution.get_absolute_url())
    assert b'id="execution"' in page.content
    assert reverse("plans:publish", args=[plan_in_execution.pk]).encode() in page.content
    response = client.post(reverse("plans:publish", args=[plan_in_execution.pk]), {"note": ""})
    assert response.status_code == 302
    ack = plan_in_execution.acknowledgements.get()
    client.force_login(unit_head)
    page = client.get(plan_in_execution.get_absolute_url())
    assert reverse("plans:acknowledge", args=[ack.pk]).encode() in page.content
    client.post(reverse("plans:acknowledge", args=[ack.pk]), {"note": "Received."})
    plan = Plan.objects.get(pk=plan_in_execution.pk)
    assert plan.state == PlanState.MONITORING
    page = client.get(plan.get_absolute_url())
    for marker in (b'id="monitoring"', b'id="burnup-chart"', b'plan-chart-data',
                   b"vendor/chart", b'id="progress"', b'id="deviations"'):
        assert marker in page.content, marker


def test_goal_traffic_light_and_trend(plan_in_monitoring, orders, sales, client,
                                      planning_manager):
    plan = plan_in_monitoring
    goal = plan.goals.get()
    goal.indicator = orders
    goal.save()
    for month, value in ((1, "8"), (2, "9")):
        Rollup.objects.create(indicator=orders, department=sales, grain="month",
                              period_start=dt.date(2027, month, 1), value=Decimal(value),
                              count=1)
    Rollup.objects.create(indicator=orders, department=sales, grain="year",
                          period_start=dt.date(2027, 1, 1), value=Decimal("110"), count=2)
    from plans.monitoring import goal_statuses

    status = goal_statuses(plan)[0]
    assert (status.actual, status.band, status.trend) == (Decimal("110"), "amber", "up")
    from plans.monitoring import chart_data

    assert chart_data(plan)["goals"][0]["values"] == [8.0, 17.0]  # a running total of a sum
    client.force_login(planning_manager)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "band-amber" in page and "rising" in page


def test_deviation_pages_and_analysis(plan_in_monitoring, author, planning_manager, client):
    client.force_login(author)
    goal = plan_in_monitoring.goals.get()
    response = client.post(reverse("plans:deviation-add", args=[plan_in_monitoring.pk]),
                           {"title": "Leads below plan", "goals": [goal.pk], "gap": "-12"})
    assert response.status_code == 302
    deviation = Deviation.objects.get()
    bad = client.post(reverse("plans:deviation-edit", args=[deviation.pk]),
                      {"title": "Leads below plan", "cause_category": "nonsense"})
    assert bad.status_code == 400 and "cause_category" in bad.context["form"].errors
    client.post(reverse("plans:deviation-edit", args=[deviation.pk]),
                {"title": "Leads below plan", "goals": [goal.pk], "cause_category":
                 "competitor_move", "evidence": "Rival cut prices 10 %"})
    assert Deviation.objects.get().cause_category == "competitor_move"
    client.force_login(planning_manager)
    response = client.post(
        reverse("plans:transition", args=[plan_in_monitoring.pk, "start_adjustment"]),
        {"kind": "action_plan_change", "deviations": [deviation.pk],
         "description": "More sales calls."})
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan_in_monitoring.pk).state == PlanState.ADJUSTMENT
    page = client.get(plan_in_monitoring.get_absolute_url())
    assert b'id="revision-diff"' in page.content


def test_progress_page_refuses_wrong_values(plan_in_monitoring, unit_staff, client):
    action = plan_in_monitoring.actions.get()
    client.force_login(unit_staff)
    url = reverse("plans:action-progress", args=[plan_in_monitoring.pk, action.pk])
    response = client.post(url, {"status": "done", "percent_complete": "150"})
    assert response.status_code == 400
    assert "percent_complete" in response.context["form"].errors
    response = client.post(url, {"status": "done", "percent_complete": "100"})
    assert "quality" in response.context["form"].errors
    assert client.post(url, {"status": "done", "percent_complete": "100",
                             "quality": "met"}).status_code == 302


def test_revisions_api_and_diff(plan_in_monitoring, planning_manager, author, marketing, api,
                                client):
    plan = plan_in_monitoring
    deviation = services.deviation_report(plan=plan, actor=author, title="Gap",
                                          cause_category="plan_flaw")
    plan = services.plan_start_adjustment(plan=plan, actor=planning_manager,
                                          kind="resource_reallocation", description="Move",
                                          deviations=[deviation])
    goal = plan.goals.get()
    services.part_save(plan=plan, part=goal, actor=author, title="Grow revenue faster",
                       baseline=Decimal("90"))
    services.plan_submit_for_review(plan=plan, actor=author, reviewing_departments=[marketing])
    api.as_(author)
    listing = api.get(reverse("plans-api:plan-revisions", args=[plan.pk]))
    assert [r["number"] for r in listing.json()] == [2, 1]
    body = api.get(reverse("plans-api:plan-diff", args=[plan.pk])).json()
    assert (body["old_revision"], body["new_revision"]) == (1, 2)
    goals = next(s for s in body["sections"] if s["section"] == "goals")
    assert {f["field"] for f in goals["changed"][0]["fields"]} == {"title", "baseline"}
    assert api.get(reverse("plans-api:plan-diff", args=[plan.pk]) + "?from=9").status_code \
        == 404
    client.force_login(author)
    page = client.get(reverse("plans:revisions", args=[plan.pk]) + "?a=1&b=2")
    assert "Grow revenue faster" in page.content.decode()


def test_cascade_prefill_and_rollup(plan_in_monitoring, unit_head, sales, planning_manager,
                                    unit_staff, client, api):
    parent = plan_in_monitoring
    client.force_login(unit_head)
    response = client.post(reverse("plans:derive", args=[parent.pk]), {
        "department": sales.pk, "period_kind": "annual", "period_start": "2027-01-01"})
    assert response.status_code == 302
    child = parent.children.get()
    assert (child.level, child.department, child.author) == (PlanLevel.UNIT, sales, unit_head)
    assert list(child.goals.values_list("title", flat=True)) == ["Grow revenue"]
    action = child.actions.get()
    assert (action.title, action.department, action.person) == ("Open a channel", sales,
                                                               unit_staff)
    assert list(action.goals.all()) == list(child.goals.all())
    # a quarterly breakdown through the API: actions due in Q1 only, goals due at its end
    quarter = api.as_(planning_manager).post(
        reverse("plans-api:plan-derive", args=[parent.pk]),
        {"period_kind": "quarterly", "period_start": "2027-01-01"}, format="json")
    assert quarter.status_code == 201, quarter.content
    q1 = Plan.objects.get(pk=quarter.json()["id"])
    assert q1.period_end == dt.date(2027, 3, 31)
    assert q1.goals.get().deadline == dt.date(2027, 3, 31)
    assert q1.actions.count() == 1  # due 2 March
    # roll-up: the parent shows its children and their progress
    from plans.models import ActionItem

    ActionItem.objects.filter(plan=child).update(percent_complete=50)
    client.force_login(planning_manager)
    page = client.get(parent.get_absolute_url()).content.decode()
    assert child.title in page and "50 %" in page and "25 %" in page  # (50 + 0) / 2


def test_derive_refused_for_an_unapproved_plan(plan_in_review, unit_head, sales, api):
    response = api.as_(unit_head).post(reverse("plans-api:plan-derive",
                                                args=[plan_in_review.pk]),
                                       {"department": sales.pk}, format="json")
    assert response.status_code in (403, 409)
    assert not plan_in_review.children.exists()


def _grow(plan, unit_head, sales, author, weeks, deviations, start=1):
    for week in range(start, start + weeks):
        services.report_create(plan=plan, department=sales, iso_year=2027, iso_week=week,
                               actor=unit_head, summary="ok", lines=[{
                                   "action": plan.actions.get(), "status": "in_progress",
                                   "percent_complete": week}])
    for index in range(deviations):
        services.deviation_report(plan=plan, actor=author, title=f"Gap {start}-{index}",
                                  goals=list(plan.goals.all()))
        services.monitoring_note_add(plan=plan, actor=author, source="onsite_check",
                                     note=f"Visit {index}")


def test_plan_page_queries_do_not_grow(plan_in_monitoring, unit_head, sales, client,
                                       django_assert_max_num_queries, author):
    plan = plan_in_monitoring
    _grow(plan, unit_head, sales, author, weeks=1, deviations=1)
    client.force_login(unit_head)
    with django_assert_max_num_queries(80) as few:
        assert client.get(plan.get_absolute_url()).status_code == 200
    _grow(plan, unit_head, sales, author, weeks=20, deviations=30, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(plan.get_absolute_url()).status_code == 200


def test_api_lists_queries_do_not_grow(plan_in_monitoring, unit_head, sales, author, api,
                                       django_assert_max_num_queries):
    plan = plan_in_monitoring
    _grow(plan, unit_head, sales, author, weeks=2, deviations=2)
    api.as_(author)
    urls = [reverse(f"plans-api:{name}-list") for name in
            ("report", "deviation", "acknowledgement", "adjustment")]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as few:
            assert api.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    _grow(plan, unit_head, sales, author, weeks=20, deviations=20, start=3)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert api.get(url).status_code == 200


def test_transitions_from_the_plan_page(plan_in_execution, planning_manager, client):
    plan = services.plan_publish(plan=plan_in_execution, actor=planning_manager)
    client.force_login(planning_manager)
    names = [t["name"] for t in services.available_transitions(plan, planning_manager)]
    assert {"start_monitoring", "force_monitoring", "cancel"} <= set(names)
    url = reverse("plans:transition", args=[plan.pk, "force_monitoring"])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Trade fair week"}).status_code == 302
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.state == PlanState.MONITORING
    Plan.objects.filter(pk=plan.pk).update(period_start=dt.date(2020, 1, 1),
                                           period_end=dt.date(2020, 12, 31))
    goal = plan.goals.get()
    url = reverse("plans:transition", args=[plan.pk, "complete"])
    response = client.post(url, {"lessons": "Plan legal work early."})
    assert response.status_code == 400 and f"goal_{goal.pk}" in response.context["form"].errors
    response = client.post(url, {"lessons": "Plan legal work early.",
                                 f"goal_{goal.pk}": "missed", f"comment_{goal.pk}": "90 %"})
    assert response.status_code == 302
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.state == PlanState.COMPLETED and plan.completion_lessons
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Missed" in page and "Plan legal work early." in page


def test_completion_api(plan_in_monitoring, planning_manager, api):
    plan = plan_in_monitoring
    Plan.objects.filter(pk=plan.pk).update(period_start=dt.date(2020, 1, 1),
                                           period_end=dt.date(2020, 12, 31))
    goal = plan.goals.get()
    url = reverse("plans-api:plan-transition", args=[plan.pk, "complete"])
    api.as_(planning_manager)
    bad = api.post(url, {"lessons": "x", "assessments": [{"goal": goal.pk, "result": "won"}]},
                   format="json")
    assert bad.status_code == 400 and "assessments" in bad.json()["errors"]
    ok = api.post(url, {"lessons": "Start early.", "assessments": [
        {"goal": goal.pk, "result": "achieved"}]}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "completed"


def test_reviewers_of_an_adjustment_see_the_diff(plan_in_monitoring, planning_manager,
                                                 author, marketing, reviewer, client):
    plan = plan_in_monitoring
    deviation = services.deviation_report(plan=plan, actor=author, title="Gap",
                                          cause_category="plan_flaw")
    plan = services.plan_start_adjustment(plan=plan, actor=planning_manager,
                                          kind="action_plan_change", description="More calls",
                                          deviations=[deviation])
    action = plan.actions.get()
    services.part_save(plan=plan, part=action, actor=author, steps="Call every client weekly")
    plan = services.plan_submit_for_review(plan=plan, actor=author,
                                           reviewing_departments=[marketing])
    review = plan.reviews.get(revision=2)
    client.force_login(reviewer)
    page = client.get(reverse("plans:review", args=[review.pk])).content.decode()
    assert 'id="revision-diff"' in page and "Call every client weekly" in page


def test_api_acknowledge_deviation_adjustment(plan_in_execution, planning_manager, unit_head,
                                              author, reviewer, api):
    plan = services.plan_publish(plan=plan_in_execution, actor=planning_manager)
    ack = plan.acknowledgements.get()
    url = reverse("plans-api:acknowledgement-acknowledge", args=[ack.pk])
    assert api.as_(reviewer).post(url, {}, format="json").status_code == 403
    response = api.as_(unit_head).post(url, {"note": "Received"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    assert Plan.objects.get(pk=plan.pk).state == PlanState.MONITORING
    assert api.post(url, {}, format="json").status_code == 409

    api.as_(author)
    created = api.post(reverse("plans-api:deviation-list"), {
        "plan": plan.pk, "title": "Leads low", "goals": [plan.goals.get().pk],
        "cause_category": "nonsense"}, format="json")
    assert created.status_code == 400 and "cause_category" in created.json()["errors"]
    created = api.post(reverse("plans-api:deviation-list"), {
        "plan": plan.pk, "title": "Leads low", "goals": [plan.goals.get().pk]}, format="json")
    assert created.status_code == 201, created.content
    deviation = created.json()["id"]
    adjustments = reverse("plans-api:adjustment-list")
    body = {"plan": plan.pk, "kind": "strategy_change", "description": "Shift",
            "deviations": [deviation]}
    refused = api.as_(planning_manager).post(adjustments, body, format="json")
    assert refused.status_code == 400 and "deviations" in refused.json()["errors"]
    patched = api.as_(author).patch(reverse("plans-api:deviation-detail", args=[deviation]),
                                    {"cause_category": "market_change", "evidence": "Report"},
                                    format="json")
    assert patched.status_code == 200 and patched.json()["cause_category"] == "market_change"
    assert api.as_(author).post(adjustments, body, format="json").status_code == 403
    started = api.as_(planning_manager).post(adjustments, body, format="json")
    assert started.status_code == 201, started.content
    assert started.json()["base_revision"] == 1 and started.json()["state"] == "open"
    assert Plan.objects.get(pk=plan.pk).state == PlanState.ADJUSTMENT
    assert api.post(adjustments, body, format="json").status_code == 409
    note = api.post(reverse("plans-api:monitoring-note-list"), {
        "plan": plan.pk, "source": "customer_feedback", "note": "Hotline complaints"},
        format="json")
    assert note.status_code == 201, note.content
