from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _row_label(row) -> str:
    from costs.choices import Category

    category = row.get("category")
    label = Category(category).label if category in Category.values else category
    description = row.get("description")
    return f"{label} · {description}" if description else str(label)


class CostsConfig(AppConfig):
    name = "costs"
    verbose_name = _("Costs")

    def ready(self):
        import costs.rules
        from committee.signals import decision_closed
        from costs.choices import Basis, Category
        from costs.models import BudgetLine
        from costs.services import (
            apply_overrun_decision,
            budget_line_from,
            budget_restore,
            budget_review_problems,
            budget_snapshot,
        )
        from opsplan import navigation
        from plans import guards, hooks, revisions

        # The budget is part of the plan revision: reviewers and the committee see it and
        # adjustments diff it (plans.revisions).
        revisions.sections()  # the plan's own sections first, so "budget" comes after them
        revisions.register_section(revisions.Section(
            "budget", _("Budget"), BudgetLine, key="id", build=budget_snapshot,
            row_label=_row_label,
            field_labels={"periods": _("period split"), "action_id": _("action item")},
            restore=budget_restore))
        if budget_review_problems not in guards.extra_review_checks:
            guards.extra_review_checks.append(budget_review_problems)
        # a risk response action can become a line of the plan's budget (risks cannot import
        # costs: the two meet through plans.hooks)
        hooks.register_cost_line_maker(hooks.CostLineMaker(
            make=budget_line_from, categories=Category.choices, bases=Basis.choices))
        decision_closed.connect(
            lambda sender, decision, actor, **kw: apply_overrun_decision(
                decision=decision, actor=actor),
            weak=False, dispatch_uid="costs.apply_overrun_decision")
        import costs.tasks  # noqa: F401  (registers the beat task)

        navigation.register(navigation.NavItem(
            key="costs", label=_("Costs"), url_name="costs:index", permission="costs.list_costs",
            order=40))
