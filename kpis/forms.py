from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from committee.models import Department
from kpis.choices import Grain
from kpis.models import Indicator

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name_en", "name_zh", "definition", "formula", "unit", "kind",
                  "direction", "aggregation", "owner_department", "collector", "frequency",
                  "method", "source", "visibility", "readers", "is_active"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3}),
                   "formula": forms.Textarea(attrs={"rows": 2}),
                   "method": forms.Textarea(attrs={"rows": 2}),
                   "readers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].queryset = Department.objects.filter(is_active=True)
        self.fields["readers"].queryset = Department.objects.filter(is_active=True)
        self.fields["collector"].queryset = get_user_model().objects.filter(
            is_active=True, memberships__isnull=False).distinct()


class MeasurementForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none(),
                                       to_field_name="code")
    department = forms.ModelChoiceField(label=_("Department"),
                                        queryset=Department.objects.filter(is_active=True),
                                        to_field_name="code")
    period = forms.DateField(label=_("Period"), widget=DATE, help_text=_(
        "Any day in the period; the value is stored for the indicator's collection period."))
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=4)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    reason = forms.CharField(label=_("Reason for a correction"), required=False,
                             max_length=500,
                             help_text=_("Needed when a value for this period exists."))

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicators is not None:
            self.fields["indicator"].queryset = indicators


class TargetForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"),
                                        queryset=Department.objects.filter(is_active=True),
                                        to_field_name="code")
    grain = forms.ChoiceField(label=_("Period"), choices=Grain.choices, initial=Grain.MONTH)
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    target = forms.DecimalField(label=_("Target"), max_digits=20, decimal_places=4)
    red_threshold = forms.DecimalField(
        label=_("Red threshold"), max_digits=20, decimal_places=4,
        help_text=_("Beyond this value (below it when higher is better) the light is red; "
                    "between it and the target, amber."))
    origin = forms.CharField(label=_("Origin"), required=False, max_length=200)
