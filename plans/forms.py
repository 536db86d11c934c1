from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from committee.models import Department
from plans.choices import STRATEGY_PROMPTS, StrategyKind
from plans.models import ActionItem, Attachment, Competitor, Goal, Plan, Resource, Review

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "level", "department", "period_kind", "period_start", "parent",
                  "summary"]
        widgets = {"period_start": DATE, "summary": TEXT}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(kind="business_unit", is_active=True)
        if user is not None and not user.has_perm("plans.plan_for", None):
            # a unit head plans for the units they head only
            from committee.selectors import department_positions_of

            units = units.filter(pk__in=[pk for pk, held in department_positions_of(user)
                                         .items() if "head" in held])
        self.fields["department"].queryset = units
        from plans.selectors import visible_plans

        parents = visible_plans(user) if user is not None else Plan.objects.none()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("-period_start", "title")


class AnalysisForm(forms.ModelForm):
    """§3.1 needs analysis: market environment and lessons from history."""

    class Meta:
        model = Plan
        fields = ["macro_economy", "policy_regulation", "market_size", "market_size_unit",
                  "growth_rate", "trends", "market_notes", "lessons_learned"]
        widgets = {f: TEXT for f in ("macro_economy", "policy_regulation", "trends",
                                     "market_notes", "lessons_learned")}


class CompetitorForm(forms.ModelForm):
    class Meta:
        model = Competitor
        fields = ["name", "product_features", "market_share", "marketing_strategy",
                  "strengths", "weaknesses"]
        widgets = {f: TEXT for f in ("product_features", "marketing_strategy", "strengths",
                                     "weaknesses")}


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["kind", "strengths", "gaps"]
        widgets = {"strengths": TEXT, "gaps": TEXT}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "indicator", "measure", "unit", "baseline", "target", "direction",
                  "deadline"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from kpis.selectors import readable_indicators

        self.fields["indicator"].queryset = (readable_indicators(user).filter(is_active=True)
                                             if user is not None else
                                             self.fields["indicator"].queryset.none())


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "department", "person", "deadline", "steps", "resources",
                  "expected_result", "goals"]
        widgets = {"deadline": DATE, "steps": TEXT, "resources": TEXT,
                   "expected_result": TEXT, "goals": forms.CheckboxSelectMultiple}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["person"].queryset = get_user_model().objects.filter(
            is_active=True, memberships__isnull=False).distinct().order_by("display_name")
        self.fields["goals"].queryset = plan.goals.all()


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["section", "title", "file"]


PART_FORMS = {
    "competitor": CompetitorForm,
    "resource": ResourceForm,
    "goal": GoalForm,
    "action": ActionItemForm,
    "attachment": AttachmentForm,
}


class StrategiesForm(forms.Form):
    """The four strategies of §3.2 in one form, each with the policy's prompt."""

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        current = {s.kind: s.content for s in plan.strategies.all()}
        for kind in StrategyKind:
            self.fields[kind.value] = forms.CharField(
                label=kind.label, required=False, widget=forms.Textarea(attrs={"rows": 5}),
                help_text=STRATEGY_PROMPTS[kind], initial=current.get(kind.value, ""),
                max_length=20_000,
            )


class SubmitForReviewForm(forms.Form):
    reviewing_departments = forms.ModelMultipleChoiceField(
        label=_("Reviewing departments"), queryset=Department.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one other than the author's department."),
    )
    note = forms.CharField(label=_("Note to the reviewers"), required=False, widget=TEXT,
                           max_length=4000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT, max_length=4000)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=TEXT, max_length=4000)


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["feasibility", "feasibility_comment", "rationality", "rationality_comment",
                  "innovation", "innovation_comment", "risk", "risk_comment", "verdict"]
        widgets = {f"{a}_comment": TEXT for a in Review.ASPECTS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for aspect in Review.ASPECTS:
            self.fields[aspect] = forms.TypedChoiceField(
                label=self.fields[aspect].label, coerce=int,
                choices=[(i, str(i)) for i in range(1, 6)], widget=forms.RadioSelect,
                help_text=self.fields[aspect].help_text,
            )
        self.fields["verdict"].required = True
        self.fields["verdict"].widget = forms.RadioSelect(
            choices=self.fields["verdict"].choices[1:])


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False)
    period_kind = forms.ChoiceField(label=_("Period"), required=False)
    department = forms.ModelChoiceField(label=_("Business unit"), required=False,
                                        queryset=Department.objects.filter(
                                            kind="business_unit"))
    author = forms.ModelChoiceField(label=_("Author"), required=False,
                                    queryset=get_user_model().objects.filter(
                                        authored_plans__isnull=False).distinct())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from plans.choices import PeriodKind, PlanState

        self.fields["state"].choices = [("", _("any")), *PlanState.choices]
        self.fields["period_kind"].choices = [("", _("any")), *PeriodKind.choices]
