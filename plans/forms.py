from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import Department
from plans.choices import (
    STRATEGY_PROMPTS,
    ActionStatus,
    AdjustmentKind,
    GoalResult,
    PeriodKind,
    Quality,
    StrategyKind,
)
from plans.models import (
    ActionItem,
    Attachment,
    Competitor,
    Deviation,
    Goal,
    MonitoringNote,
    Plan,
    Resource,
    Review,
    WeeklyReport,
)

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
                  "expected_result", "goals", "critical"]
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
        from plans.choices import PlanState

        self.fields["state"].choices = [("", _("any")), *PlanState.choices]
        self.fields["period_kind"].choices = [("", _("any")), *PeriodKind.choices]


# --- Plans II: execution, progress, deviations, adjustment, completion, cascades -------------

class ForceMonitoringForm(forms.Form):
    reason = forms.CharField(label=_("Reason for starting monitoring now"), widget=TEXT,
                             max_length=4000)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT, max_length=4000)


class ActionProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    percent_complete = forms.IntegerField(label=_("Percent complete"), min_value=0,
                                          max_value=100)
    quality = forms.ChoiceField(label=_("Quality"), required=False,
                                choices=[("", "—"), *Quality.choices],
                                help_text=_("Assess it when the action is done."))


class WeeklyReportForm(forms.ModelForm):
    """A unit's weekly report: the week (on creation), each of the unit's action items with
    status, percent and a note, then problems, help needed and next week's plan."""

    class Meta:
        model = WeeklyReport
        fields = ["iso_year", "iso_week", "summary", "problems", "help_needed", "next_week"]
        widgets = {f: TEXT for f in ("summary", "problems", "help_needed", "next_week")}

    def __init__(self, *args, plan, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(plan.actions.filter(department=department).order_by("deadline",
                                                                                 "pk"))
        if self.instance.pk:
            del self.fields["iso_year"], self.fields["iso_week"]
            lines = {line.action_id: line for line in self.instance.lines.all()}
        else:
            year, week, _day = timezone.localdate().isocalendar()
            self.fields["iso_year"].initial = year
            self.fields["iso_week"].initial = week
            lines = {}
        self.rows = []
        for action in self.actions:
            line = lines.get(action.pk)
            prefix = f"action_{action.pk}"
            self.fields[f"{prefix}_status"] = forms.ChoiceField(
                label=_("Status"), choices=ActionStatus.choices,
                initial=line.status if line else action.status)
            self.fields[f"{prefix}_percent"] = forms.IntegerField(
                label=_("Percent complete"), min_value=0, max_value=100,
                initial=line.percent_complete if line else action.percent_complete)
            self.fields[f"{prefix}_quality"] = forms.ChoiceField(
                label=_("Quality"), required=False, choices=[("", "—"), *Quality.choices],
                initial=action.quality)
            self.fields[f"{prefix}_note"] = forms.CharField(
                label=_("Progress"), required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}), initial=line.note if line else "")
            self.rows.append((action, [self[f"{prefix}_{n}"] for n in
                                       ("status", "percent", "quality", "note")]))

    def validate_unique(self):
        """The service answers a duplicate week (a conflict), not the form."""

    def clean(self):
        data = super().clean()
        lines = []
        for action in self.actions:
            prefix = f"action_{action.pk}"
            if data.get(f"{prefix}_status") is None or data.get(f"{prefix}_percent") is None:
                continue
            lines.append({"action": action, "status": data.pop(f"{prefix}_status"),
                          "percent_complete": data.pop(f"{prefix}_percent"),
                          "quality": data.pop(f"{prefix}_quality", ""),
                          "note": data.pop(f"{prefix}_note", "")})
        data["lines"] = lines
        return data


class DeviationForm(forms.ModelForm):
    class Meta:
        model = Deviation
        fields = ["title", "goals", "gap", "gap_note", "cause_category", "evidence", "owner",
                  "due_date"]
        widgets = {"goals": forms.CheckboxSelectMultiple, "evidence": TEXT, "due_date": DATE}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = plan.goals.all()
        self.fields["owner"].queryset = get_user_model().objects.filter(
            is_active=True, memberships__isnull=False).distinct().order_by("display_name")
        if self.instance.pk:
            self.fields["close"] = forms.BooleanField(
                label=_("Close: no adjustment needed"), required=False)


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of adjustment"), choices=AdjustmentKind.choices,
                             widget=forms.RadioSelect)
    deviations = forms.ModelMultipleChoiceField(
        label=_("Deviations answered"), queryset=Deviation.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=_("What changes and why"), widget=TEXT,
                                  max_length=10_000)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deviations"].queryset = plan.deviations.filter(state="open")


class CompleteForm(forms.Form):
    """The final assessment: each goal achieved, partly or missed, and the lessons."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(plan.goals.all())
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=goal.title, choices=GoalResult.choices, widget=forms.RadioSelect)
            self.fields[f"comment_{goal.pk}"] = forms.CharField(
                label=_("Comment on “%s”") % goal.title, required=False, max_length=4000)
        self.fields["lessons"] = forms.CharField(
            label=_("Lessons learned"), widget=TEXT, max_length=10_000,
            help_text=_("Offered to the next plan's needs analysis."))

    def clean(self):
        data = super().clean()
        assessments = {}
        for goal in self.goals:
            assessments[goal.pk] = (data.pop(f"goal_{goal.pk}", None) or "",
                                    data.pop(f"comment_{goal.pk}", ""))
        data["assessments"] = assessments
        return data


class DeriveForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Business unit"), required=False, queryset=Department.objects.none(),
        help_text=_("A unit's own plan, with the parent's goals and actions assigned to it; "
                    "leave empty to break the plan into a shorter period."))
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)

    def __init__(self, *args, parent, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(kind="business_unit", is_active=True)
        if not user.has_perm("plans.plan_for", None):
            from committee.selectors import department_positions_of

            units = units.filter(pk__in=[pk for pk, held in department_positions_of(user)
                                         .items() if "head" in held])
        self.fields["department"].queryset = units.order_by("name")
        self.fields["period_kind"].initial = parent.period_kind
        self.fields["period_start"].initial = parent.period_start


class MonitoringNoteForm(forms.ModelForm):
    class Meta:
        model = MonitoringNote
        fields = ["source", "observed_on", "note"]
        widgets = {"observed_on": DATE, "note": TEXT}
