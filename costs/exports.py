"""The variance report as an Excel workbook (openpyxl): one sheet of groups with budget,
committed, actual and variance, one of periods, one of the explanations, one of entries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from costs import selectors
from costs.money import currency
from kpis.exports import _new_workbook, _save, _sheet

MONEY = "#,##0.00"


def plan_workbook(user, plan, *, grain="month", by="category") -> bytes:
    report = selectors.accounting(plan, grain=grain, by=by)
    workbook = _new_workbook()
    headers = [_("Group"), _("Budget"), _("Committed"), _("Actual"), _("Variance"),
               _("Variance %"), _("Status"), _("Currency")]
    rows = [[r.label, r.budget, r.committed, r.actual, r.variance, r.variance_pct,
             r.status_label, currency()] for r in [*report["rows"], report["total"]]]
    rows[-1][0] = _("Total")
    formats = {1: MONEY, 2: MONEY, 3: MONEY, 4: MONEY}
    _sheet(workbook, _("Variance"), headers, rows, formats=formats)
    period_rows = [[r.label, p.label, p.budget, p.committed, p.actual, p.variance]
                   for r in report["rows"] for p in r.periods]
    _sheet(workbook, _("Periods"), [_("Group"), _("Period"), _("Budget"), _("Committed"),
                                    _("Actual"), _("Variance")], period_rows,
           formats={2: MONEY, 3: MONEY, 4: MONEY, 5: MONEY})
    _sheet(workbook, _("Explanations"), [_("Category"), _("Month"), _("Explanation"),
                                         _("Written by")],
           [[e.get_category_display(), e.month.strftime("%Y-%m"), e.text, str(e.written_by)]
            for e in selectors.explanations(user).filter(plan=plan)])
    _sheet(workbook, _("Entries"), [_("Date"), _("Kind"), _("Category"), _("Department"),
                                    _("Amount"), _("Reference number"), _("Note")],
           [[e.incurred_on, e.get_kind_display(), e.get_category_display(),
             e.department.name, e.amount, e.reference, e.note]
            for e in selectors.cost_entries(user).filter(plan=plan).order_by("incurred_on")],
           formats={4: MONEY})
    return _save(workbook)
