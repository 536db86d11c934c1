from django.contrib import admin

from costs.models import (
    BudgetLine,
    BudgetPeriod,
    CategoryPolicy,
    CostEntry,
    CostTarget,
    Overrun,
    Reward,
    SavingMeasure,
    Suggestion,
    VarianceExplanation,
)


class PeriodInline(admin.TabularInline):
    model = BudgetPeriod
    extra = 0
    readonly_fields = ["period_start", "amount"]
    can_delete = False


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["plan", "category", "department", "description", "amount", "split_kind"]
    list_filter = ["category", "split_kind"]
    search_fields = ["description", "plan__title"]
    inlines = [PeriodInline]
    list_select_related = ["plan", "department"]


@admin.register(CostEntry)
class CostEntryAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "category", "department", "incurred_on", "amount",
                    "reference"]
    list_filter = ["kind", "category"]
    search_fields = ["reference", "note", "plan__title"]
    list_select_related = ["plan", "department"]
    date_hierarchy = "incurred_on"


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(admin.ModelAdmin):
    list_display = ["category", "warn_percent", "overrun_percent", "overrun_action"]


for model, fields in ((CostTarget, ["plan", "department", "position", "owner", "amount"]),
                      (VarianceExplanation, ["plan", "category", "month", "written_by"]),
                      (Overrun, ["plan", "category", "budget", "spent", "state"]),
                      (SavingMeasure, ["title", "kind", "owner", "expected_saving",
                                       "realised_saving", "status"]),
                      (Suggestion, ["title", "submitted_by", "state"]),
                      (Reward, ["suggestion", "kind", "amount", "granted_by"])):
    admin.site.register(model, list_display=fields)
