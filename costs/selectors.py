"""Reads about costs. Lists are scoped to the user here (and only here), mirroring
costs.rules; cost accounting aggregates in the database (GROUP BY)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from committee.choices import Role
from committee.selectors import department_positions_of, roles_of
from costs.choices import Category, EntryKind, Status
from costs.models import (
    BudgetLine,
    BudgetPeriod,
    CostEntry,
    CostTarget,
    Overrun,
    Reward,
    SavingMeasure,
    Suggestion,
    VarianceExplanation,
)
from costs.money import pct, quarter_start, split_even, to_money
from costs.services import policies, status_for
from plans.selectors import visible_plans

DEPARTMENT_WIDE = {Role.PLANNING_MANAGER, Role.PLANNING_SUPERVISOR, Role.PLANNING_SPECIALIST,
                   Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.AUDITOR}


def budget_lines(user) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(plan__in=visible_plans(user)).select_related(
        "plan", "department", "action").prefetch_related("periods")


def cost_targets(user) -> QuerySet[CostTarget]:
    return CostTarget.objects.filter(plan__in=visible_plans(user)).select_related(
        "plan", "department", "owner")


def cost_entries(user) -> QuerySet[CostEntry]:
    return CostEntry.objects.filter(plan__in=visible_plans(user)).select_related(
        "plan", "department", "recorded_by")


def explanations(user) -> QuerySet[VarianceExplanation]:
    return VarianceExplanation.objects.filter(plan__in=visible_plans(user)).select_related(
        "plan", "written_by")


def overruns(user) -> QuerySet[Overrun]:
    return Overrun.objects.filter(plan__in=visible_plans(user)).select_related("plan")


def _sees_savings(user) -> bool:
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or roles_of(user)))


def measures(user) -> QuerySet[SavingMeasure]:
    if not _sees_savings(user):
        return SavingMeasure.objects.none()
    return SavingMeasure.objects.select_related("department", "owner", "plan", "suggestion")


def suggestions(user) -> QuerySet[Suggestion]:
    if not (user.is_authenticated and user.is_active):
        return Suggestion.objects.none()
    qs = Suggestion.objects.select_related("submitted_by", "measure", "reward")
    if _sees_savings(user):
        return qs
    return qs.filter(submitted_by=user)


def rewards(user) -> QuerySet[Reward]:
    if not _sees_savings(user):
        return Reward.objects.none()
    return Reward.objects.select_related("suggestion__submitted_by", "granted_by")


def departments_for(user):
    from committee.models import Department

    if not (user.is_authenticated and user.is_active):
        return Department.objects.none()
    qs = Department.objects.filter(is_active=True)
    if user.is_superuser or roles_of(user) & DEPARTMENT_WIDE:
        return qs
    return qs.filter(pk__in=list(department_positions_of(user)))


# --- cost accounting -----------------------------------------------------------------------

@dataclass
class Row:
    """Budget, committed and actual spend of one group (and period), with the variance."""

    key: tuple
    label: str = ""
    budget: Decimal = Decimal("0.00")
    committed: Decimal = Decimal("0.00")
    actual: Decimal = Decimal("0.00")
    status: str = Status.OK
    category: str = ""
    explanation: str = ""
    periods: list = field(default_factory=list)

    @property
    def key_value(self) -> str:
        value = self.key[0]
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    @property
    def used(self) -> Decimal:
        return self.actual + self.committed

    @property
    def variance(self) -> Decimal:
        """Actual minus budget: positive means spent beyond the budget."""
        return self.actual - self.budget

    @property
    def variance_pct(self) -> Decimal | None:
        return pct(self.variance, self.budget)

    @property
    def used_pct(self) -> Decimal | None:
        return pct(self.used, self.budget)

    @property
    def available(self) -> Decimal:
        return self.budget - self.used

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def period_key(day: dt.date, grain: str) -> dt.date:
    return quarter_start(day) if grain == "quarter" else day.replace(day=1)


def _months_of_quarter(start: dt.date) -> list[dt.date]:
    return [dt.date(start.year, start.month + i, 1) for i in range(3)]


def _budget_rows(plan_filter: Q, grain: str):
    """(department, category, period) -> budget, from the stored period parts; a quarterly
    part shown by month is spread over its three months by the same cent rule."""
    out: dict = {}
    parts = (BudgetPeriod.objects.filter(plan_filter_for_periods(plan_filter))
             .values("line__department_id", "line__category", "line__split_kind",
                     "period_start").annotate(total=Sum("amount")))
    for p in parts:
        starts = [p["period_start"]]
        amounts = [to_money(p["total"])]
        if grain == "month" and p["line__split_kind"] == "quarterly":
            starts = _months_of_quarter(p["period_start"])
            amounts = split_even(p["total"], 3)
        for start, amount in zip(starts, amounts, strict=True):
            key = (p["line__department_id"], p["line__category"], period_key(start, grain))
            out[key] = out.get(key, Decimal("0.00")) + amount
    return out


def plan_filter_for_periods(plan_filter: Q) -> Q:
    # the plan filter is written against BudgetLine / CostEntry fields
    return Q(*[(f"line__{k}", v) for k, v in plan_filter.children])


def _entry_rows(plan_filter: Q, grain: str):
    out: dict = {}
    qs = (CostEntry.objects.filter(plan_filter).annotate(month=TruncMonth("incurred_on"))
          .values("department_id", "category", "kind", "month").annotate(total=Sum("amount")))
    for e in qs:
        month = e["month"].date() if isinstance(e["month"], dt.datetime) else e["month"]
        key = (e["department_id"], e["category"], period_key(month, grain))
        slot = out.setdefault(key, {EntryKind.ACTUAL: Decimal("0.00"),
                                    EntryKind.COMMITMENT: Decimal("0.00")})
        slot[e["kind"]] += to_money(e["total"])
    return out


BY_FIELDS = {"category": 1, "department": 0}


def accounting(plan=None, *, department=None, grain: str = "month", by: str = "category"):
    """Cost accounting of one plan (or of one department across plans): rows per group
    (category or department) with budget, committed, actual, variance and status, each with
    its periods; the whole plan's total; and the cumulative series for the chart. Four
    queries whatever the number of lines and entries."""
    plan_filter = Q(plan=plan) if plan is not None else Q(department=department)
    budgets = _budget_rows(plan_filter, grain)
    entries = _entry_rows(plan_filter, grain)
    rules = policies()
    from committee.models import Department

    names = dict(Department.objects.values_list("pk", "name"))
    index = BY_FIELDS.get(by, 1)
    groups: dict = {}
    periods = sorted({k[2] for k in budgets} | {k[2] for k in entries})
    for key in set(budgets) | set(entries):
        group = key[index]
        row = groups.setdefault(group, Row(key=(group,), label=(
            str(Category(group).label) if index == 1 else names.get(group, "?")),
            category=group if index == 1 else "",
            periods=[Row(key=(p,), label=label_for(p, grain)) for p in periods]))
        slot = row.periods[periods.index(key[2])]
        amount = budgets.get(key, Decimal("0.00"))
        spent = entries.get(key, {})
        for target in (row, slot):
            target.budget += amount
            target.actual += spent.get(EntryKind.ACTUAL, Decimal("0.00"))
            target.committed += spent.get(EntryKind.COMMITMENT, Decimal("0.00"))
    total = Row(key=("total",), periods=[Row(key=(p,), label=label_for(p, grain))
                                         for p in periods])
    for row in groups.values():
        if row.category:
            row.status = status_for(row.budget, row.used, rules[row.category])
            for slot in row.periods:
                slot.status = status_for(slot.budget, slot.used, rules[row.category]) \
                    if slot.budget or slot.used else Status.OK
        for i, slot in enumerate(row.periods):
            total.periods[i].budget += slot.budget
            total.periods[i].actual += slot.actual
            total.periods[i].committed += slot.committed
        total.budget += row.budget
        total.actual += row.actual
        total.committed += row.committed
    ordered = sorted(groups.values(), key=lambda r: (
        Category.values.index(r.category) if r.category else 0, r.label))
    return {"rows": ordered, "total": total, "periods": periods, "grain": grain}


def company_variance(user, year: int) -> dict:
    """Budget against committed and actual spend per category over one calendar year, for
    every plan the person may see (the whole company for those who see every plan): rows per
    category that has any figure (in the categories' order), each with its status by the
    category's thresholds, and the total (status: the worst row's). Three queries whatever
    the number of plans, lines, periods and entries: the year's budget parts and entries
    are summed per category in the database (indexed on their dates)."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    periods = BudgetPeriod.objects.filter(period_start__gte=start, period_start__lt=end)
    entries = CostEntry.objects.filter(incurred_on__gte=start, incurred_on__lt=end)
    plans = visible_plans(user)
    if plans.query.where:  # not every plan: scope to the visible ones
        periods = periods.filter(line__plan__in=plans.values("pk"))
        entries = entries.filter(plan__in=plans.values("pk"))
    rows = {c: Row(key=(c,), label=str(Category(c).label), category=c)
            for c in Category.values}
    for category, total in (periods.values_list("line__category").annotate(total=Sum("amount"))
                            .order_by()):
        rows[category].budget += to_money(total)
    for category, kind, total in (entries.values_list("category", "kind")
                                  .annotate(total=Sum("amount")).order_by()):
        if kind == EntryKind.ACTUAL:
            rows[category].actual += to_money(total)
        else:
            rows[category].committed += to_money(total)
    rules = policies()
    shown = [row for row in rows.values() if row.budget or row.actual or row.committed]
    total = Row(key=("total",))
    for row in shown:
        row.status = status_for(row.budget, row.used, rules[row.category])
        total.budget += row.budget
        total.actual += row.actual
        total.committed += row.committed
    statuses = {row.status for row in shown}
    total.status = (Status.OVERRUN if Status.OVERRUN in statuses
                    else Status.WARNING if Status.WARNING in statuses else Status.OK)
    return {"year": year, "rows": shown, "total": total}


def label_for(day: dt.date, grain: str) -> str:
    if grain == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"


def explanations_by_month(plan) -> dict:
    return {(e.category, e.month): e for e in
            VarianceExplanation.objects.filter(plan=plan).select_related("written_by")}


def needs_explanation(plan, report) -> list[dict]:
    """Category months at or above the warning threshold without an explanation (month
    grain), newest first — what the monthly report asks people to explain."""
    rules = policies()
    done = {(e.category, e.month) for e in VarianceExplanation.objects.filter(plan=plan)}
    wanted = []
    for row in report["rows"]:
        if not row.category:
            continue
        used = Decimal("0.00")
        budget = Decimal("0.00")
        for period, slot in zip(report["periods"], row.periods, strict=True):
            used += slot.used
            budget += slot.budget
            state = status_for(row.budget, used, rules[row.category])
            if state != Status.OK and (row.category, period) not in done and slot.used:
                wanted.append({"category": row.category, "label": row.label,
                               "month": period, "status": state})
    return sorted(wanted, key=lambda w: w["month"], reverse=True)


def targets_with_consumption(qs) -> list[CostTarget]:
    """Each target with what its department (and category) consumed on its plan: one
    aggregate query for all of them."""
    targets = list(qs)
    plan_ids = {t.plan_id for t in targets}
    sums: dict = {}
    for e in (CostEntry.objects.filter(plan_id__in=plan_ids)
              .values("plan_id", "department_id", "category").annotate(total=Sum("amount"))):
        sums[(e["plan_id"], e["department_id"], e["category"])] = e["total"]
    for t in targets:
        t.consumed = sum((v for (p, d, c), v in sums.items()
                          if p == t.plan_id and d == t.department_id
                          and (not t.category or c == t.category)), Decimal("0.00"))
        t.consumed = to_money(t.consumed)
        t.consumed_pct = pct(t.consumed, t.amount)
    return targets


def historical_actuals(department_id, category, before: dt.date) -> Decimal:
    """What a department spent in a category in the 12 months before a date (offered when
    estimating a budget line)."""
    start = before.replace(year=before.year - 1)
    return to_money(CostEntry.objects.filter(
        department_id=department_id, category=category, kind=EntryKind.ACTUAL,
        incurred_on__gte=start, incurred_on__lt=before).aggregate(s=Sum("amount"))["s"] or 0)


def plan_totals(plan_ids) -> dict[int, dict]:
    """Plan id -> budget, committed and actual totals (three aggregate queries)."""
    zero = Decimal("0.00")
    totals = {pk: {"budget": zero, "committed": zero, "actual": zero} for pk in plan_ids}
    for row in BudgetLine.objects.filter(plan_id__in=plan_ids).values("plan_id").annotate(
            total=Sum("amount")):
        totals[row["plan_id"]]["budget"] = to_money(row["total"])
    for row in CostEntry.objects.filter(plan_id__in=plan_ids).values("plan_id", "kind") \
            .annotate(total=Sum("amount")):
        key = "actual" if row["kind"] == EntryKind.ACTUAL else "committed"
        totals[row["plan_id"]][key] = to_money(row["total"])
    return totals


def history_before(plan) -> list[dict]:
    """Actual spend per department and category in the 12 months before the plan starts
    (offered when estimating its budget); one aggregate query."""
    from committee.models import Department

    before = plan.period_start
    start = before.replace(year=before.year - 1)
    names = dict(Department.objects.values_list("pk", "name"))
    rows = (CostEntry.objects.filter(kind=EntryKind.ACTUAL, incurred_on__gte=start,
                                     incurred_on__lt=before)
            .values("department_id", "category").annotate(total=Sum("amount"))
            .order_by("department_id", "category"))
    return [{"department": names.get(r["department_id"], "?"), "department_id": r["department_id"],
             "category": r["category"], "category_label": str(Category(r["category"]).label),
             "amount": to_money(r["total"])} for r in rows]
