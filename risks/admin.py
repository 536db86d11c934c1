from django.contrib import admin

from committee.admin import AuditedAdmin
from risks.models import Acceptance, Assessment, ChecklistItem, Risk, RiskAction, RiskMatrix


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AssessmentInline(ReadOnlyInline):
    model = Assessment
    fk_name = "risk"
    fields = ["kind", "matrix", "likelihood", "impact", "level", "assessed_by", "assessed_at"]


class AcceptanceInline(ReadOnlyInline):
    model = Acceptance
    fields = ["state", "level", "decision", "requested_by", "requested_at"]


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    """Read-only: risks change through the pages and the API, which keep the history."""

    list_display = ["title", "category", "department", "status", "inherent_level",
                    "residual_level", "strategy", "next_review_on"]
    list_filter = ["status", "category", "inherent_level", "residual_level", "strategy"]
    search_fields = ["title", "description"]
    inlines = [AssessmentInline, AcceptanceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskMatrix)
class RiskMatrixAdmin(admin.ModelAdmin):
    """Read-only: a new version is made on the matrix page (validated, audited)."""

    list_display = ["version", "name", "is_current", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(AuditedAdmin):
    list_display = ["question", "category", "is_active", "order"]
    list_filter = ["category", "is_active"]


@admin.register(RiskAction)
class RiskActionAdmin(admin.ModelAdmin):
    list_display = ["title", "risk", "owner", "due_on", "cost", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
