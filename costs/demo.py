"""Demo costs: budgets for the demo plans, actuals and commitments across months (one
category in warning with its explanation, one over-run awaiting the committee), cost
targets, saving measures and suggestions (one rewarded). Idempotent: a plan with budget
lines, or a suggestion with the same title, is left as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from committee.models import Department
from costs import services
from costs.models import BudgetLine, BudgetPeriod, CostTarget, SavingMeasure, Suggestion
from costs.money import period_starts, split_even
from plans.models import Plan

ORDER = 40

LINES = (  # category, department, description, basis, amount
    ("personnel", "sales", "Seasonal sales staff", "history", "240000.00"),
    ("material", "sales", "Samples and displays", "market_price", "36000.00"),
    ("marketing", "marketing", "Trade fairs and online campaigns", "goal", "120000.00"),
    ("administration", "finance", "Travel and office", "history", "18000.00"),
)


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _dept(code):
    return Department.objects.filter(code=code).first()


def _frozen_lines(plan):
    """A running plan's budget (its revision was approved before this seeder ran)."""
    for category, code, description, basis, amount in LINES:
        line = BudgetLine.objects.create(plan=plan, category=category, department=_dept(code),
                                         description=description, basis=basis,
                                         amount=Decimal(amount))
        starts = period_starts("monthly", plan.period_start, plan.period_end)
        BudgetPeriod.objects.bulk_create([
            BudgetPeriod(line=line, period_start=s, amount=a)
            for s, a in zip(starts, split_even(line.amount, len(starts)), strict=True)])


def _editable_lines(plan):
    for category, code, description, basis, amount in LINES[:3]:
        services.budget_line_save(plan=plan, actor=plan.author, category=category,
                                  department=_dept(code), description=description,
                                  basis=basis, amount=Decimal(amount), split_kind="quarterly",
                                  split_mode="even")


def draft_budget(plan, actor):
    """The demo plans draft their budget with their content (internal review needs it):
    registered with plans.demo.before_review."""
    if BudgetLine.objects.filter(plan=plan).exists():
        return
    for category, code, description, basis, amount in LINES:
        services.budget_line_save(plan=plan, actor=actor, category=category,
                                  department=_dept(code), description=description,
                                  basis=basis, amount=Decimal(amount), split_kind="monthly",
                                  split_mode="even")


def _register():
    from plans import demo as plans_demo

    if draft_budget not in plans_demo.before_review:
        plans_demo.before_review.append(draft_budget)


_register()


def _spend(plan, recorder):
    """Actuals over the plan's first months: marketing runs into its warning, material
    over-runs (and waits for the committee)."""
    start = plan.period_start
    months = [start + dt.timedelta(days=31 * n + 5) for n in range(4)]
    months = [m for m in months if m <= plan.period_end]
    for n, day in enumerate(months):
        services.entry_record(plan=plan, actor=recorder, kind="actual", category="personnel",
                              department=_dept("sales"), incurred_on=day,
                              amount=Decimal("19500.00"), reference=f"PAY-{day:%Y%m}")
        services.entry_record(plan=plan, actor=recorder, kind="actual", category="marketing",
                              department=_dept("marketing"), incurred_on=day,
                              amount=Decimal("33000.00") if n < 3 else Decimal("3000.00"),
                              reference=f"MKT-{day:%Y%m}")
    services.entry_record(plan=plan, actor=recorder, kind="commitment", category="marketing",
                          department=_dept("marketing"), incurred_on=months[-1],
                          amount=Decimal("12000.00"), reference="PO-FAIR",
                          note="Autumn fair booked")
    services.explanation_save(plan=plan, actor=recorder, category="marketing",
                              month=months[-1], text="The spring trade fair and its "
                              "follow-up campaign were brought forward to meet the launch.")
    services.entry_record(plan=plan, actor=recorder, kind="actual", category="material",
                          department=_dept("sales"), incurred_on=months[0],
                          amount=Decimal("37200.00"), reference="MAT-DISPLAYS",
                          note="New display stands for every store")


def seed(ctx):
    manager = _user("planning.manager")
    if manager is None:
        return
    plans = list(Plan.objects.exclude(state__in=("cancelled",)).order_by("pk"))
    for plan in plans:
        if BudgetLine.objects.filter(plan=plan).exists():
            continue
        if plan.is_editable:
            _editable_lines(plan)
        else:
            _frozen_lines(plan)
    # the first running plan shows spending (once: a plan with entries is left alone)
    spent_on = next((p for p in plans if p.state in services.RUNNING), None)
    if spent_on is not None and not spent_on.cost_entries.exists() \
            and BudgetLine.objects.filter(plan=spent_on, category="material").exists():
        _spend(spent_on, manager)
        head = _user("sales.head")
        if head is not None:
            CostTarget.objects.get_or_create(
                plan=spent_on, department=_dept("sales"), position="head", category="",
                defaults={"owner": head, "amount": Decimal("270000.00")})
    staff, head = _user("sales.staff1"), _user("sales.head")
    spec = _user("planning.spec1")
    if not all((staff, head, spec)) or Suggestion.objects.exists():
        return
    services.measure_save(actor=manager, title="Consolidate courier contracts",
                          kind="purchasing", department=_dept("sales"), owner=head,
                          expected_saving=Decimal("15000.00"), status="in_progress")
    services.measure_save(actor=manager, title="Switch showroom lighting off after hours",
                          kind="utilisation", department=_dept("sales"), owner=head,
                          expected_saving=Decimal("4000.00"))
    rewarded = services.suggestion_submit(
        actor=staff, title="Reuse display stands between stores",
        description="Stands travel with the promotion instead of being bought per store.")
    rewarded = services.suggestion_evaluate(suggestion=rewarded, actor=spec, accept=True,
                                            feasibility=4, expected_saving=Decimal("12000"),
                                            evaluation="Logistics can rotate them monthly.")
    measure = services.suggestion_to_measure(suggestion=rewarded, actor=spec, kind="process",
                                             department=_dept("sales"), owner=head)
    services.measure_confirm(measure=measure, actor=manager,
                             realised_saving=Decimal("10800.00"))
    services.suggestion_submit(actor=staff, title="Print price tags in-house",
                               description="A label printer pays for itself in a quarter.")
    services.suggestion_submit(actor=head, title="Shared taxi booking for client visits",
                               description="Book visits in the same district together.")
    ctx.counts["cost_budget_lines"] = BudgetLine.objects.count()
    ctx.counts["saving_measures"] = SavingMeasure.objects.count()
