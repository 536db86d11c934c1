from django.contrib import admin

from meetings.models import AgendaItem, CalendarFeed, FollowUp, Meeting, Participant


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["user", "delegate"]


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "slot", "starts_at", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "subject"]
    readonly_fields = ["state", "slot", "sequence"]
    inlines = [ParticipantInline, AgendaInline]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "due_date", "state"]
    list_filter = ["state"]


admin.site.register(CalendarFeed)
