from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from committee.choices import VoteChoice
from committee.models import Committee, CommitteeSeat, Department, Membership


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "kind", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PersonForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["username", "display_name", "first_name", "last_name", "email", "language",
                  "time_zone",
                  "is_active"]


class OwnSettingsForm(forms.ModelForm):
    """What a person sets for themselves: how their name shows, language and time zone."""

    class Meta:
        model = get_user_model()
        fields = ["display_name", "language", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        import zoneinfo

        zones = sorted(zoneinfo.available_timezones())
        self.fields["time_zone"].widget = forms.TextInput(attrs={"list": "time-zones"})
        self.time_zones = zones


class MembershipForm(forms.ModelForm):
    """A new position for a person; the department is fixed by the page it is added on."""

    class Meta:
        model = Membership
        fields = ["user", "position", "started_on"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.department = department
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)
        from committee.choices import POSITIONS_BY_KIND, DepartmentKind

        allowed = POSITIONS_BY_KIND[DepartmentKind(department.kind)]
        self.fields["position"].choices = [
            (value, label) for value, label in self.fields["position"].choices
            if value in allowed or value == ""
        ]


class EndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SeatForm(forms.ModelForm):
    class Meta:
        model = CommitteeSeat
        fields = ["user", "role", "started_on"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, committee: Committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.committee = committee
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices,
                               widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Required when you reject: give your reasons."))


class CloseForm(forms.Form):
    casting_vote = forms.ChoiceField(
        label=_("Chair's casting vote"), required=False,
        choices=[("", "—"), (VoteChoice.APPROVE, VoteChoice.APPROVE.label),
                 (VoteChoice.REJECT, VoteChoice.REJECT.label)],
        help_text=_("Needed only when the vote is tied."),
    )
    summary = forms.CharField(label=_("Reasons / summary"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}))
