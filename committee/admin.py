from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from committee.models import Committee, CommitteeSeat, Department, Membership, User
from opsplan.audit import record


class AuditedAdmin(admin.ModelAdmin):
    """Admin edits land in the same audit trail as every other change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(actor=request.user, request=request, subject=obj,
               action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
               data={"fields": sorted(form.changed_data)})

    def delete_model(self, request, obj):
        record(actor=request.user, request=request, subject=obj,
               action=f"admin.{obj._meta.model_name}.delete")
        super().delete_model(request, obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department"]


class SeatInline(admin.TabularInline):
    model = CommitteeSeat
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class PersonAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "display_name", "email", "language", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (None, {"fields": ["display_name", "language"]}),
    ]
    inlines = [MembershipInline]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "department", "position", "started_on", "ended_on"]
    list_filter = ["position", "department"]
    search_fields = ["user__username", "user__display_name", "department__name"]
    autocomplete_fields = ["user", "department"]


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    list_display = ["name"]
    inlines = [SeatInline]
