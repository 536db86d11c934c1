"""``{% plan_budget plan %}``: the plan's cost budget, for the plan page (plans' template)."""

from django import template

register = template.Library()


@register.inclusion_tag("costs/includes/plan_budget.html", takes_context=True)
def plan_budget(context, plan):
    from costs.models import BudgetLine
    from costs.money import currency

    lines = list(BudgetLine.objects.filter(plan=plan).select_related("department")
                 .order_by("category", "department__name", "pk"))
    return {"plan": plan, "budget_lines": lines, "currency": currency(),
            "budget_total": sum((line.amount for line in lines), 0) if lines else 0,
            "request": context.get("request")}
