"""The monthly report pack (§4.1): goal completion per plan, the KPI scorecard, decisions due,
and whatever other apps contribute (cost variance, risk summary) through ``register``.
Shown as a print-ready page and downloadable as an Excel workbook."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass
class Table:
    """One section of the pack: a title, column headers and rows of plain values."""

    key: str
    title: str
    headers: list
    rows: list
    chart: list = dataclasses.field(default_factory=list)  # [(label, percent 0-100)]
    note: str = ""

    BAR_WIDTH = 400  # pixels for 100 %

    @property
    def bars(self) -> list[dict]:
        """The chart's geometry: one horizontal bar per (label, percent), 24 px apart."""
        return [{"label": label, "percent": percent, "y": 24 * index + 6,
                 "text_y": 24 * index + 16, "width": round(self.BAR_WIDTH * percent / 100),
                 "value_x": 224 + round(self.BAR_WIDTH * percent / 100)}
                for index, (label, percent) in enumerate(self.chart)]

    @property
    def chart_height(self) -> int:
        return 24 * len(self.chart) + 8


_SECTIONS: dict[str, tuple[int, Callable]] = {}


def register(key: str, build: Callable, order: int) -> None:
    """``build(user) -> Table | None``; other apps register their sections in ready()."""
    _SECTIONS[key] = (order, build)


def plan_goal_completion() -> list[dict]:
    """Running plans: goals on target (green) and actions done."""
    if not apps.is_installed("plans"):
        return []
    from plans.choices import RUNNING_STATES
    from plans.models import Plan
    from plans.monitoring import goal_statuses

    rows = []
    for plan in (Plan.objects.filter(state__in=RUNNING_STATES)
                 .prefetch_related("goals__indicator", "actions").order_by("title", "pk")):
        statuses = goal_statuses(plan)
        actions = list(plan.actions.all())
        rows.append({"plan": plan, "total": len(statuses),
                     "met": sum(1 for s in statuses if s.band == "green"),
                     "actions": len(actions),
                     "done": sum(1 for a in actions if a.status == "done")})
    return rows


def goals_table(user) -> Table:
    rows, chart = [], []
    for row in plan_goal_completion():
        share = round(100 * row["met"] / row["total"]) if row["total"] else 0
        rows.append([row["plan"].title, row["plan"].get_state_display(), row["met"],
                     row["total"], row["done"], row["actions"]])
        chart.append((row["plan"].title, share))
    return Table("goals", _("Goal completion per plan"),
                 [_("Plan"), _("State"), _("Goals on target"), _("Goals"),
                  _("Actions done"), _("Actions")], rows, chart)


def scorecard_table(user) -> Table:
    """The latest month of each indicator per business unit, against its target."""
    from committee.choices import DepartmentKind
    from committee.models import Department
    from kpis.exports import scorecard

    rows = []
    for department in Department.objects.filter(kind=DepartmentKind.BUSINESS_UNIT,
                                                is_active=True).order_by("name"):
        for line in scorecard(user, department):
            if line.value is None and line.target is None:
                continue
            rows.append([str(department), line.indicator.name,
                         line.period_start.isoformat() if line.period_start else "",
                         line.value, line.target,
                         str(line.band_label),
                         line.open_signals])
    return Table("scorecard", _("KPI scorecard"),
                 [_("Business unit"), _("Indicator"), _("Month"), _("Value"), _("Target"),
                  _("Traffic light"), _("Open signals")], rows)


def decisions_table(user) -> Table:
    from committee.models import Decision

    rows = [[d.title, timezone.localtime(d.opened_at).date().isoformat(),
             d.get_kind_display()]
            for d in Decision.objects.open().order_by("opened_at", "pk")]
    return Table("decisions", _("Decisions due"), [_("Matter"), _("Open since"), _("Kind")],
                 rows)


register("goals", goals_table, 10)
register("scorecard", scorecard_table, 20)
register("decisions", decisions_table, 90)


def pack(user) -> list[Table]:
    tables = []
    for _order, build in sorted(_SECTIONS.values(), key=lambda item: item[0]):
        table = build(user)
        if table is not None:
            tables.append(table)
    return tables


def workbook(user, meeting) -> bytes:
    from kpis.exports import _new_workbook, _save, _sheet

    book = _new_workbook()
    for table in pack(user):
        _sheet(book, table.title, table.headers, table.rows)
    if not book.sheetnames:
        _sheet(book, meeting.title, [_("Nothing to report")], [])
    return _save(book)
