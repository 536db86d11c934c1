"""Demo plans in every state of review and approval, made through the services so the demo
history is what real use would record."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from committee.models import Department
from plans import services
from plans.choices import PeriodKind, PlanLevel, PlanState, ResourceKind, Verdict
from plans.models import ActionItem, Competitor, Goal, Plan, Resource

ORDER = 30

# Upper apps' demos add what a plan needs before internal review besides its own content
# (costs: the cost budget). Each is called as ``hook(plan, actor)`` once the draft is written;
# plans cannot import them (costs.demo registers itself when the seeders are loaded).
before_review: list = []


def _before_review(plan, actor):
    for hook in before_review:
        hook(plan, actor)


def _user(username):
    return get_user_model().objects.get(username=username)


def _dept(code):
    return Department.objects.get(code=code)


def _year_start():
    today = timezone.localdate()
    return dt.date(today.year + (1 if today.month >= 10 else 0), 1, 1)


def _analysis(plan, actor):
    services.plan_update(
        plan=plan, actor=actor,
        macro_economy="GDP growth 4.8 %; consumer confidence index up 3 points year on year.",
        policy_regulation="New e-commerce consumer-protection rules from 1 March; data export "
                          "review for cross-border customer data.",
        market_size=Decimal("18500"), market_size_unit="million CNY / year",
        growth_rate=Decimal("7.5"),
        trends="Mid-market customers move online; subscription pricing spreads.",
        lessons_learned="Last year's Q3 campaign over-ran its budget by 12 % and missed its "
                        "leads target: set weekly checkpoints.",
    )
    for name, share, strength, weakness in [
        ("Huaxin Tech", "23.5", "Strong brand in tier-1 cities", "Slow service response"),
        ("Blue River", "14.0", "Low prices", "Narrow product range"),
    ]:
        services.part_save(plan=plan, part=Competitor(), actor=actor, name=name,
                           market_share=Decimal(share), strengths=strength,
                           weaknesses=weakness, product_features="Comparable core product.",
                           marketing_strategy="Online advertising and distributors.")
    for kind, strength, gap in [
        (ResourceKind.PEOPLE, "Experienced sales team", "Two open key-account positions"),
        (ResourceKind.FINANCE, "Healthy cash flow", "Marketing budget capped at 6 % of sales"),
        (ResourceKind.BRAND, "High recognition with existing customers", "Low awareness in "
                                                                          "new regions"),
    ]:
        services.part_save(plan=plan, part=Resource(), actor=actor, kind=kind,
                           strengths=strength, gaps=gap)


def _goals(plan, actor):
    end = plan.period_end
    return [
        services.part_save(plan=plan, part=Goal(), actor=actor, title="Grow revenue",
                           measure="Revenue", unit="million CNY", baseline=Decimal("820"),
                           target=Decimal("950"), deadline=end),
        services.part_save(plan=plan, part=Goal(), actor=actor,
                           title="Raise customer satisfaction", measure="Customer satisfaction",
                           unit="points (0-100)", baseline=Decimal("78"), target=Decimal("85"),
                           deadline=end),
    ]


def _draft(plan, actor, goals):
    texts = {
        "product": "Position the standard edition for mid-market; ship the analytics add-on.",
        "price": "Keep list prices; volume discount bands follow competitor pricing.",
        "channel": "Add two regional distributors; open an online self-service channel.",
        "promotion": "Two trade fairs, a spring online campaign and quarterly PR stories.",
    }
    for strategy in plan.strategies.all():
        services.part_save(plan=plan, part=strategy, actor=actor, content=texts[strategy.kind])
    for title, dept, person, days, goal in [
        ("Sign two regional distributors", "sales", "sales.head", 120, goals[0]),
        ("Launch the spring online campaign", "marketing", "marketing.head", 90, goals[0]),
        ("Cut first-response time to 4 hours", "service", "service.head", 150, goals[1]),
    ]:
        services.part_save(
            plan=plan, part=ActionItem(), actor=actor, title=title, department=_dept(dept),
            person=_user(person),
            deadline=min(plan.period_start + dt.timedelta(days=days), plan.period_end),
            steps="1. Brief the team 2. Execute 3. Report weekly",
            resources="Budget and two people part-time", expected_result=title + " on time",
            goals=[goal],
        )
    _before_review(plan, actor)


def _plan(title, author, **extra):
    existing = Plan.objects.filter(title=title).first()
    if existing:
        return existing, False
    data = {"level": PlanLevel.COMPANY, "period_kind": PeriodKind.ANNUAL,
            "period_start": _year_start(), **extra}
    return services.plan_create(actor=author, title=title, **data), True


def _review_all(plan, verdict=Verdict.APPROVE):
    for review in plan.reviews.filter(revision=plan.revision, state="pending"):
        head = {"sales": "sales.head", "marketing": "marketing.head", "finance": "finance.head",
                "service": "service.head", "product": "product.head"}[review.department.code]
        comment = "" if verdict == Verdict.APPROVE else "The revenue target lacks a "\
            "month-by-month breakdown; add one."
        services.review_submit(review=review, actor=_user(head), verdict=verdict,
                               feasibility=4, feasibility_comment=comment or "Feasible.",
                               rationality=4, rationality_comment="Sound reasoning.",
                               innovation=3, innovation_comment="", risk=4,
                               risk_comment="Risks named.")
        if verdict != Verdict.APPROVE:
            break


def seed(ctx):
    spec1, spec2, spec3 = (_user(u) for u in ("planning.spec1", "planning.spec2",
                                              "planning.spec3"))
    manager = _user("planning.manager")
    reviewers = [_dept("sales"), _dept("finance")]

    # 1. needs analysis
    plan, new = _plan("Customer service excellence programme", spec3)
    if new:
        _analysis(plan, spec3)

    # 2. drafting, returned once by a reviewer
    plan, new = _plan("Annual operating plan", spec1,
                      summary="The company's operating plan for the year: revenue, "
                              "satisfaction and channel growth.")
    if new:
        _analysis(plan, spec1)
        goals = _goals(plan, spec1)
        plan = services.plan_start_drafting(plan=plan, actor=spec1)
        _draft(plan, spec1, goals)
        plan = services.plan_submit_for_review(plan=plan, actor=spec1,
                                        reviewing_departments=reviewers)
        _review_all(plan, Verdict.REQUEST_CHANGES)
    annual = plan

    # 3. internal review in progress
    plan, new = _plan("Q1 market expansion", spec2, period_kind=PeriodKind.QUARTERLY,
                      parent=annual)
    if new:
        goals = _goals(plan, spec2)
        plan = services.plan_start_drafting(plan=plan, actor=spec2)
        _draft(plan, spec2, goals)
        plan = services.plan_submit_for_review(plan=plan, actor=spec2,
                                        reviewing_departments=[*reviewers, _dept("marketing")])

    # 4. awaiting the committee's vote
    plan, new = _plan("Brand promotion plan", spec2)
    if new:
        goals = _goals(plan, spec2)
        plan = services.plan_start_drafting(plan=plan, actor=spec2)
        _draft(plan, spec2, goals)
        plan = services.plan_submit_for_review(plan=plan, actor=spec2,
                                        reviewing_departments=reviewers)
        _review_all(plan)
        plan = services.plan_submit_to_committee(plan=plan, actor=spec2)

    # 5. approved by a decided vote: in execution
    plan, new = _plan("Sales unit work plan", _user("sales.head"), level=PlanLevel.UNIT,
                      department=_dept("sales"), parent=annual)
    if new:
        goals = _goals(plan, _user("sales.head"))
        plan = services.plan_start_drafting(plan=plan, actor=_user("sales.head"))
        _draft(plan, _user("sales.head"), goals)
        plan = services.plan_submit_for_review(plan=plan, actor=_user("sales.head"),
                                        reviewing_departments=[_dept("finance"),
                                                               _dept("marketing")])
        _review_all(plan)
        plan = services.plan_submit_to_committee(plan=plan, actor=manager)
        from committee.services import decision_vote

        decision = plan.current_decision() or Plan.objects.get(pk=plan.pk).current_decision()
        for member, choice in [("chair", "approve"), ("planning.manager", "approve"),
                               ("product.head", "approve")]:
            decision.refresh_from_db()
            if decision.state == "open":
                decision_vote(decision=decision, voter=_user(member), choice=choice,
                              comment="Well prepared.")

    # 6. cancelled
    plan, new = _plan("Legacy product relaunch", spec1)
    if new:
        services.plan_cancel(plan=plan, actor=manager,
                             reason="Superseded by the annual operating plan.")

    _running_demo(manager)

    ctx.counts["plans"] = Plan.objects.count()
    ctx.counts["plans_in_execution"] = Plan.objects.filter(state=PlanState.EXECUTION).count()


# --- Plans II: execution, weekly progress, monitoring, deviations, adjustment, cascades --------

VOTERS = ("chair", "planning.manager", "product.head", "finance.head", "sales.head")


def _approve(plan, author, reviewers=("sales", "finance")):
    """Through internal review and the committee's vote, as people would."""
    from committee.services import decision_vote

    plan = services.plan_submit_for_review(plan=plan, actor=author,
                                           reviewing_departments=[_dept(c) for c in reviewers])
    _review_all(plan)
    plan = services.plan_submit_to_committee(plan=Plan.objects.get(pk=plan.pk), actor=author)
    for member in VOTERS:
        decision = Plan.objects.get(pk=plan.pk).current_decision()
        if decision is None or decision.state != "open" or member == author.username:
            continue
        decision_vote(decision=decision, voter=_user(member), choice="approve",
                      comment="Agreed.")
    return Plan.objects.get(pk=plan.pk)


def _publish_and_acknowledge(plan, manager, acknowledge=True):
    plan = services.plan_publish(plan=plan, actor=manager)
    heads = {"sales": "sales.head", "marketing": "marketing.head", "service": "service.head",
             "product": "product.head", "finance": "finance.head"}
    if acknowledge:
        for ack in plan.acknowledgements.filter(state="pending").select_related("department"):
            services.acknowledgement_confirm(acknowledgement=ack,
                                             actor=_user(heads[ack.department.code]),
                                             note="Received; the team is briefed.")
    return Plan.objects.get(pk=plan.pk)


def _weekly_reports(plan):
    """This week's and last week's reports of Sales; last week's of Marketing came late."""
    today = timezone.localdate()
    this_year, this_week, _d = today.isocalendar()
    last_year, last_week, _d = (today - dt.timedelta(days=7)).isocalendar()
    posts = [("sales", "sales.head", last_year, last_week, 30, "in_progress"),
             ("marketing", "marketing.head", last_year, last_week, 50, "in_progress"),
             ("sales", "sales.head", this_year, this_week, 45, "in_progress")]
    for code, username, year, week, percent, status in posts:
        department = _dept(code)
        if plan.weekly_reports.filter(department=department, iso_year=year,
                                      iso_week=week).exists():
            continue
        lines = [{"action": a, "status": status, "percent_complete": percent,
                  "note": "Two partner meetings held." if code == "sales" else
                  "Campaign creatives approved."}
                 for a in plan.actions.filter(department=department)]
        services.report_create(
            plan=plan, department=department, iso_year=year, iso_week=week,
            actor=_user(username), lines=lines,
            summary="Progress as planned on the main actions.",
            problems="Partner contracts wait for legal review." if code == "sales" else "",
            help_needed="Legal department to prioritise distributor contracts."
            if code == "sales" else "",
            next_week="Sign the first distributor; prepare the second." if code == "sales"
            else "Launch the spring campaign landing page.")
    services.lock_week(last_year, last_week)


def _running_demo(manager):
    from plans.choices import CauseCategory
    from plans.models import Deviation

    spec1, spec2 = _user("planning.spec1"), _user("planning.spec2")
    this_year = dt.date(timezone.localdate().year, 1, 1)

    # a completed plan of last year, with its final assessment and lessons
    plan, new = _plan("Operating plan (last year)", spec2,
                      period_start=dt.date(this_year.year - 1, 1, 1))
    if new:
        goals = _goals(plan, spec2)
        plan = services.plan_start_drafting(plan=plan, actor=spec2)
        _draft(plan, spec2, goals)
        plan = _approve(plan, spec2)
        plan = _publish_and_acknowledge(plan, manager)
        for action in plan.actions.all():
            services.action_progress_update(action=action, actor=manager, status="done",
                                            percent_complete=100, quality="met")
        services.plan_complete(
            plan=plan, actor=manager,
            lessons="Distributor contracts took twice as long as planned: start legal review "
                    "in the first month. Satisfaction rose only where response times fell.",
            assessments={goals[0].pk: ("achieved", "Revenue 962 million CNY."),
                         goals[1].pk: ("partly", "Satisfaction 82 of 85.")})

    # the sales unit's plan in execution: published, acknowledged → monitoring, weekly
    # reports (one late), a reported deviation and a monitoring note
    plan = Plan.objects.filter(title="Sales unit work plan").first()
    if plan is not None and plan.state == "execution" and plan.published_revision is None:
        plan = _publish_and_acknowledge(plan, manager)
        _weekly_reports(plan)
        services.deviation_report(
            plan=plan, actor=spec1, title="Distributor signing behind schedule",
            goals=list(plan.goals.all()[:1]), gap_note="0 of 2 distributors signed",
            cause_category=CauseCategory.WEAK_EXECUTION,
            evidence="Weekly reports: contracts waiting for legal review for three weeks.",
            owner=_user("sales.head"), due_date=timezone.localdate() + dt.timedelta(days=21))
        services.monitoring_note_add(plan=plan, actor=spec1, source="onsite_check",
                                     note="Visited two candidate distributors in Hangzhou: "
                                          "both ready to sign once terms are cleared.")
        services.monitoring_note_add(plan=plan, actor=spec1, source="customer_feedback",
                                     note="Customer hotline: 14 complaints about delivery "
                                          "times this month (12 last month).")

    # a company plan measured by the data: red KPI → deviation → adjustment → revision 2
    # under internal review (the reviewers see the diff); a unit plan derived from it
    plan, new = _plan("Sales volume programme", spec1, period_start=this_year,
                      level=PlanLevel.UNIT, department=_dept("sales"),
                      summary="Lift unit sales through partners and online channels.")
    if new:
        from kpis.models import Indicator

        indicator = Indicator.objects.filter(code="sales_volume").first()
        goal = services.part_save(
            plan=plan, part=Goal(), actor=spec1, title="Sell more units",
            indicator=indicator, measure="Sales volume", unit="units",
            baseline=Decimal("150000"), target=Decimal("170000"), deadline=plan.period_end)
        plan = services.plan_start_drafting(plan=plan, actor=spec1)
        _draft(plan, spec1, [goal, goal])
        plan = _approve(plan, spec1, reviewers=("finance", "marketing"))
        plan = _publish_and_acknowledge(plan, manager)
        for action in plan.actions.all()[:1]:
            services.action_progress_update(action=action, actor=manager, status="done",
                                            percent_complete=100, quality="partly")
        quarter = dt.date(this_year.year, (timezone.localdate().month - 1) // 3 * 3 + 1, 1)
        services.plan_derive(parent=plan, actor=spec1, period_kind="quarterly",
                             period_start=quarter)
        deviation = Deviation.objects.filter(plan=plan).first() or services.deviation_report(
            plan=plan, actor=spec1, title="Sales volume below plan", goals=[goal])
        services.deviation_update(
            deviation=deviation, actor=manager, cause_category=CauseCategory.MARKET_CHANGE,
            evidence="Market report: demand in tier-2 cities fell 6 % this year.",
            owner=spec1, due_date=plan.period_end)
        plan = services.plan_start_adjustment(
            plan=plan, actor=manager, kind="strategy_change", deviations=[deviation],
            description="Shift promotion budget to online channels; lower the volume target.")
        services.part_save(plan=plan, part=plan.goals.get(pk=goal.pk), actor=spec1,
                           target=Decimal("160000"))
        channel = plan.strategies.get(kind="channel")
        services.part_save(plan=plan, part=channel, actor=spec1,
                           content=channel.content + " Add an online self-service shop.")
        services.part_save(
            plan=plan, part=ActionItem(), actor=spec1, title="Open the online shop",
            department=_dept("sales"), person=_user("sales.staff1"),
            deadline=plan.period_end, steps="1. Choose a platform 2. Launch",
            resources="Two people, 300k CNY", expected_result="Shop live", goals=[goal])
        services.plan_submit_for_review(plan=plan, actor=spec1,
                                        reviewing_departments=[_dept("finance"),
                                                               _dept("marketing")])

    # approved and published: the departments' acknowledgements are awaited
    plan, new = _plan("Channel partner programme", spec2,
                      summary="Build the partner channel for next year.")
    if new:
        goals = _goals(plan, spec2)
        plan = services.plan_start_drafting(plan=plan, actor=spec2)
        _draft(plan, spec2, goals)
        plan = _approve(plan, spec2)
        _publish_and_acknowledge(plan, manager, acknowledge=False)
