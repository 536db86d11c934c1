"""Demo indicator data: 18 months of values for the core indicators, collectors, targets for
this year, and one red signal, so charts and scorecards have something to show."""

import datetime as dt
import math
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from committee.models import Department
from kpis import rollups, services
from kpis.models import Indicator, Measurement, Target
from kpis.periods import add_months, quarter_start

ORDER = 20

SERIES = {
    # indicator: (departments, base, monthly growth, seasonal amplitude)
    "revenue": (["sales", "product"], 6_500_000, 0.012, 0.08),
    "sales_volume": (["sales"], 12_000, 0.01, 0.1),
    "customer_count": (["sales"], 2_400, 0.008, 0.0),
    "cost": (["sales", "product", "marketing"], 4_100_000, 0.006, 0.05),
    "profit": (["sales", "product"], 2_400_000, 0.02, 0.12),
}
QUARTERLY = {"customer_satisfaction": (["service"], 78, 0.01), "market_share": (
    ["marketing"], 14.2, 0.008)}
COLLECTORS = {"revenue": "finance.staff1", "sales_volume": "sales.staff1",
              "customer_count": "sales.staff2", "cost": "finance.staff1",
              "profit": "finance.head", "customer_satisfaction": "service.staff1",
              "market_share": "marketing.staff1"}


def seed(ctx):
    from kpis.catalog import ensure_core

    ensure_core(Indicator, Department)  # also after a test flushed the migration's rows
    users = get_user_model().objects
    recorder = users.get(username="planning.spec1")
    departments = {d.code: d for d in Department.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    for code, username in COLLECTORS.items():
        indicator = indicators.get(code)
        if indicator and indicator.collector_id is None:
            indicator.collector = users.get(username=username)
            indicator.save(update_fields=["collector"])
    if "profit" in indicators and indicators["profit"].visibility == "all":
        indicators["profit"].visibility = "committee"  # shows the access rules at work
        indicators["profit"].save(update_fields=["visibility"])
    if "cost" in indicators and indicators["cost"].visibility == "all":
        indicators["cost"].visibility = "departments"
        indicators["cost"].save(update_fields=["visibility"])
        indicators["cost"].readers.add(departments["finance"], departments["sales"],
                                       departments["product"], departments["marketing"])

    today = timezone.localdate()
    this_month = today.replace(day=1)
    first = add_months(this_month, -18)
    rows = []
    for code, (depts, base, growth, season) in SERIES.items():
        for d_index, dept in enumerate(depts):
            for m in range(18):
                month = add_months(first, m)
                value = base * (1 - 0.15 * d_index) * (1 + growth) ** m * (
                    1 + season * math.sin(m / 12 * 2 * math.pi))
                places = 0 if code in ("sales_volume", "customer_count") else 2
                rows.append(Measurement(indicator=indicators[code],
                                        department=departments[dept], period_start=month,
                                        value=Decimal(round(value, places)),
                                        recorded_by=recorder))
    for code, (depts, base, growth) in QUARTERLY.items():
        for dept in depts:
            for q in range(6):
                start = quarter_start(add_months(first, 3 * q))
                rows.append(Measurement(indicator=indicators[code],
                                        department=departments[dept], period_start=start,
                                        value=Decimal(round(base * (1 + growth) ** q, 2)),
                                        recorded_by=recorder))
    Measurement.objects.bulk_create(rows, ignore_conflicts=True)
    rollups.compute()

    year = dt.date(today.year, 1, 1)
    for code, dept, target, red in [("revenue", "sales", 8_200_000, 7_000_000),
                                    ("revenue", "product", 7_000_000, 6_000_000),
                                    ("sales_volume", "sales", 14_000, 12_000),
                                    ("cost", "sales", 4_000_000, 4_450_000)]:
        for m in range(12):
            month = add_months(year, m)
            Target.objects.get_or_create(
                indicator=indicators[code], department=departments[dept], grain="month",
                period_start=month, defaults={"target": Decimal(target),
                                              "red_threshold": Decimal(red),
                                              "origin": "Annual operating plan"})
    services.evaluate_signals()
    ctx.counts["measurements"] = Measurement.objects.count()
    seed_evaluation(ctx)


def seed_evaluation(ctx):
    """Scorecards for Sales and Product, last month's evaluation cycle open, objectives
    agreed, and 360-degree answers (Sales: three peers, so shown; Product: two, hidden)."""
    from kpis import evaluation_services as ev
    from kpis.evaluation import CycleKind, EvaluationCycle
    from kpis.models import Rollup

    if EvaluationCycle.objects.exists():
        return
    users = get_user_model().objects
    keeper = users.get(username="planning.spec1")
    revenue = Indicator.objects.filter(code="revenue").first()
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    for code in ("sales", "product"):
        department = Department.objects.filter(code=code).first()
        if department is None or revenue is None:
            continue
        template = ev.template_save(actor=keeper, department=department)
        if not template.items.exists():
            recent = Rollup.objects.filter(indicator=revenue, department=department,
                                           grain="month").order_by("-period_start").first()
            base = recent.value if recent else Decimal(1_000_000)
            ev.item_add(actor=keeper, template=template, kind="quantitative",
                        title="Revenue", indicator=revenue, weight=Decimal(70),
                        rule="linear", target=(base * Decimal("1.05")).quantize(Decimal(1)),
                        threshold=(base * Decimal("0.8")).quantize(Decimal(1)))
            ev.item_add(actor=keeper, template=template, kind="qualitative",
                        title="Teamwork", weight=Decimal(30))
    cycle, _created = ev.open_cycle(kind=CycleKind.MONTHLY, day=last_month)
    answers = {"goals": 4, "quality": 4, "teamwork": 5, "communication": 3, "initiative": 4}
    for evaluation in cycle.evaluations.select_related("department"):
        ev.objective_add(evaluation=evaluation, actor=keeper,
                         title="Open two new distribution partners", target="2 signed",
                         weight=Decimal(100))
        count = 3 if evaluation.department.code == "sales" else 2
        for n in range(count):
            link = ev.feedback_request(evaluation=evaluation, actor=keeper, group="peer",
                                       external_email=f"peer{n}@partner.example")
            ev.feedback_submit(token=link.token, answers=answers,
                               comment=["Reliable and quick.", "Shares data early.",
                                        "Meetings could be shorter."][n])
    ctx.counts["evaluations"] = cycle.evaluations.count()
