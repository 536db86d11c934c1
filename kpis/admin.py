from django.contrib import admin

from kpis.models import (
    Correction,
    DeviationSignal,
    ImportBatch,
    Indicator,
    Measurement,
    Rollup,
    Target,
)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh", "unit", "aggregation", "frequency",
                    "owner_department", "visibility", "is_active"]
    list_filter = ["frequency", "aggregation", "visibility", "source", "is_active"]
    search_fields = ["code", "name_en", "name_zh"]
    filter_horizontal = ["readers"]


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    can_delete = False
    readonly_fields = ["old_value", "new_value", "reason", "corrected_by", "corrected_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    """Read-only: values change through the forms, uploads and the API, which keep history."""

    list_display = ["indicator", "department", "period_start", "value", "recorded_by",
                    "recorded_at"]
    list_filter = ["indicator", "department"]
    date_hierarchy = "period_start"
    inlines = [CorrectionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Rollup)
class RollupAdmin(admin.ModelAdmin):
    list_display = ["indicator", "department", "grain", "period_start", "value", "count"]
    list_filter = ["grain", "indicator"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "department", "grain", "period_start", "target",
                    "red_threshold"]
    list_filter = ["grain", "indicator"]


@admin.register(DeviationSignal)
class DeviationSignalAdmin(admin.ModelAdmin):
    list_display = ["indicator", "department", "grain", "period_start", "value", "target",
                    "state"]
    list_filter = ["state", "grain"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "user", "state", "created_at"]
    readonly_fields = ["rows", "errors", "result"]
