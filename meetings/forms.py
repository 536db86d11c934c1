from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from meetings.choices import Attendance, Channel, StakeholderKind, Urgency
from meetings.models import AgendaItem

User = get_user_model()
WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def people():
    return User.objects.filter(is_active=True).order_by("display_name", "username")


class AdhocMeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.CharField(label=_("Subject"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=5000)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.URGENT)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=WHEN)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=WHEN)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    invitees = forms.ModelMultipleChoiceField(label=_("Invitees"), queryset=User.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = people()

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and (
                data["ends_at"] <= data["starts_at"]):
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=WHEN)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=WHEN)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and (
                data["ends_at"] <= data["starts_at"]):
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=5000)


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(label=_("Attendance"), choices=[
        c for c in Attendance.choices if c[0] != Attendance.INVITED])
    delegate = forms.ModelChoiceField(label=_("Delegate"), queryset=User.objects.none(),
                                      required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = people()


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=20_000, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=300)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=10_000, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=5000)
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), required=False,
                                         queryset=AgendaItem.objects.none())
    decided_by = forms.ModelMultipleChoiceField(label=_("Decided by"),
                                                queryset=User.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)
    needs_committee = forms.BooleanField(label=_("Needs the committee's vote"),
                                         required=False)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda.all()
        ids = {p.user_id for p in meeting.participants.all()} | {meeting.chair_id}
        self.fields["decided_by"].queryset = people().filter(pk__in=ids)


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), required=False,
                                         queryset=AgendaItem.objects.none())

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()
        self.fields["agenda_item"].queryset = meeting.agenda.all()


class CloseFollowUpForm(forms.Form):
    note = forms.CharField(label=_("Outcome"), max_length=5000, required=False)


class IssueForm(forms.Form):
    title = forms.CharField(label=_("Issue"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    raised_by_department = forms.ModelChoiceField(label=_("Raised by unit"),
                                                  queryset=None)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(self, *args, user=None, **kwargs):
        from committee.models import Department
        from committee.selectors import department_positions_of

        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(is_active=True)
        if user is not None and not user.is_superuser:
            departments = departments.filter(pk__in=department_positions_of(user))
        self.fields["raised_by_department"].queryset = departments.order_by("name")
        self.fields["owner"].queryset = people()


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), max_length=10_000,
                                 widget=forms.Textarea(attrs={"rows": 3}))


class StakeholderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Stakeholder type"), choices=StakeholderKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    every_days = forms.IntegerField(label=_("Contact every (days)"), min_value=1,
                                    max_value=366)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    notes = forms.CharField(label=_("What to communicate"), required=False, max_length=10_000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class ContactForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    summary = forms.CharField(label=_("Summary"), max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpToPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None,
                                  help_text=_("Plans in needs analysis, drafting or an "
                                              "adjustment that you may edit."))
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        from committee.models import Department
        from plans.choices import EDITABLE_STATES
        from plans.selectors import visible_plans

        super().__init__(*args, **kwargs)
        plans = visible_plans(user).filter(state__in=EDITABLE_STATES).order_by("title")
        self.fields["plan"].queryset = plans
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
