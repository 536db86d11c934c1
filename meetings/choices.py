from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly operations meeting")
    MONTHLY = "monthly", _("Monthly summary meeting")
    ADHOC = "adhoc", _("Ad-hoc meeting")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    MINUTES_DRAFT = "minutes_draft", _("Minutes in draft")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = {MeetingState.SCHEDULED, MeetingState.IN_PROGRESS}
MINUTES_EDITABLE = {MeetingState.IN_PROGRESS, MeetingState.MINUTES_DRAFT}


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Attendance(models.TextChoices):
    INVITED = "invited", _("Invited")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")
    DELEGATE = "delegate", _("Sent a delegate")


class Section(models.TextChoices):
    """Agenda sections, in the order they are discussed."""

    FOLLOW_UPS = "follow_ups", _("Open follow-ups from earlier meetings")
    PROGRESS = "progress", _("Last week's progress")
    PROBLEMS = "problems", _("Problems and help requested")
    OVERDUE = "overdue", _("Overdue action items")
    RED_KPIS = "red_kpis", _("Indicators in the red")
    DEVIATIONS = "deviations", _("Open deviations")
    RISKS = "risks", _("New high risks")
    DECISIONS_DUE = "decisions_due", _("Decisions due from the committee")
    GOALS = "goals", _("Goal completion per plan")
    PLANS = "plans", _("This week's plans")
    SUBJECT = "subject", _("Subject")
    OTHER = "other", _("Other business")


class FollowUpState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class IssueState(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class StakeholderKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Supplier")
    GOVERNMENT = "government", _("Government")


class Channel(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    REPORT = "report", _("Written report")
    OTHER = "other", _("Other")
