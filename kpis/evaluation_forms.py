from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kpis.evaluation import (
    QUESTION_SCALE,
    QUESTIONS,
    CycleKind,
    FeedbackGroup,
    ItemKind,
    ScoringRule,
)

User = get_user_model()
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PCT = {"max_digits": 7, "decimal_places": 2}


class MethodWeightsForm(forms.Form):
    kpi_weight = forms.DecimalField(label=_("KPI scorecard weight (%)"), min_value=0,
                                    max_value=100, **PCT)
    mbo_weight = forms.DecimalField(label=_("Objectives weight (%)"), min_value=0,
                                    max_value=100, **PCT)
    feedback_weight = forms.DecimalField(label=_("360-degree feedback weight (%)"),
                                         min_value=0, max_value=100, **PCT)
    scale = forms.IntegerField(label=_("Rating scale"), min_value=2, max_value=10)
    anchors = forms.CharField(label=_("Scale anchors"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("What each rating means, one line per rating, the "
                                          "lowest first."))

    def clean_anchors(self):
        lines = [line.strip() for line in self.cleaned_data.get("anchors", "").splitlines()]
        return [line for line in lines if line]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    title = forms.CharField(label=_("Item"), max_length=200)
    indicator = forms.ModelChoiceField(label=_("Indicator"), required=False, queryset=None,
                                       to_field_name="code")
    weight = forms.DecimalField(label=_("Weight (%)"), min_value=0, max_value=100, **PCT)
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=ScoringRule.choices)
    target = forms.DecimalField(label=_("Target"), required=False, max_digits=20,
                                decimal_places=4)
    threshold = forms.DecimalField(label=_("Threshold"), required=False, max_digits=20,
                                   decimal_places=4)
    cap = forms.DecimalField(label=_("Cap (%)"), min_value=100, max_value=200, initial=120,
                             **PCT)
    bands = forms.JSONField(label=_("Bands"), required=False, initial=list,
                            help_text=_("[[minimum achievement %, score], …], e.g. "
                                        "[[80, 60], [100, 100], [120, 110]]"))

    def __init__(self, *args, **kwargs):
        from kpis.models import Indicator

        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(is_active=True)

    def clean_bands(self):
        return self.cleaned_data.get("bands") or []


class OpenCycleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Cycle"), choices=CycleKind.choices)
    day = forms.DateField(label=_("Any day in the period"), widget=DATE)


class SelfAssessmentForm(forms.Form):
    self_assessment = forms.CharField(label=_("Self-assessment"), max_length=20_000,
                                      widget=forms.Textarea(attrs={"rows": 4}))


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Objective"), max_length=200)
    target = forms.CharField(label=_("Target"), max_length=300)
    weight = forms.DecimalField(label=_("Weight (%)"), min_value=0, max_value=100, **PCT)


class ObjectiveScoreForm(forms.Form):
    objective = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    achievement = forms.DecimalField(label=_("Achievement (%)"), min_value=0, max_value=200,
                                     **PCT)
    note = forms.CharField(label=_("Evidence"), max_length=5000, required=False)


class RateForm(forms.Form):
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    rating = forms.IntegerField(label=_("Rating"), min_value=1, max_value=10)


class OverrideForm(forms.Form):
    item = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("Score"), min_value=0, max_value=200, **PCT)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class CalibrateForm(forms.Form):
    score = forms.DecimalField(label=_("Calibrated score"), min_value=0, max_value=200, **PCT)
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackRequestForm(forms.Form):
    group = forms.ChoiceField(label=_("Reviewer group"), choices=FeedbackGroup.choices)
    reviewer = forms.ModelChoiceField(label=_("Reviewer (with an account)"), required=False,
                                      queryset=User.objects.none())
    external_name = forms.CharField(label=_("External reviewer"), max_length=200,
                                    required=False)
    external_email = forms.EmailField(label=_("External reviewer's e-mail"), required=False)
    days_valid = forms.IntegerField(label=_("Link valid for (days)"), min_value=1,
                                    max_value=60, initial=14)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = User.objects.filter(is_active=True).order_by(
            "display_name", "username")


class FeedbackForm(forms.Form):
    comment = forms.CharField(label=_("Comment (optional)"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(n), str(n)) for n in range(1, QUESTION_SCALE + 1)]
        for key, text in QUESTIONS:
            self.fields[key] = forms.ChoiceField(label=text, choices=choices,
                                                 widget=forms.RadioSelect)
        self.order_fields([k for k, _t in QUESTIONS] + ["comment"])

    def answers(self):
        return {k: int(self.cleaned_data[k]) for k, _t in QUESTIONS}
