from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from committee.models import Department
from risks.choices import DEFAULT_COLOURS, AssessmentKind, Level, Strategy
from risks.models import MAX_SIZE, MIN_SIZE, ChecklistItem, Risk, RiskAction


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("display_name", "username")


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["title", "description", "category", "method", "department", "owner",
                  "plans", "goals"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from plans.models import Goal
        from plans.selectors import visible_plans

        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["owner"].queryset = _people()
        plans = visible_plans(user)
        self.fields["plans"].queryset = plans.order_by("-period_start", "title")
        self.fields["goals"].queryset = Goal.objects.filter(plan__in=plans).select_related(
            "plan")
        self.fields["plans"].required = False
        self.fields["goals"].required = False


class AssessForm(forms.Form):
    kind = forms.ChoiceField(label=_("Assessment"), choices=AssessmentKind.choices)
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), coerce=int)
    probability = forms.DecimalField(label=_("Probability (%)"), required=False, min_value=0,
                                     max_value=100, max_digits=5, decimal_places=2)
    financial_impact = forms.DecimalField(label=_("Financial impact (CNY)"), required=False,
                                          min_value=0, max_digits=18, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["likelihood"].choices = [
            (i, f"{i} · {item['label']}") for i, item in enumerate(matrix.likelihood_labels, 1)]
        self.fields["impact"].choices = [
            (i, f"{i} · {item['label']}") for i, item in enumerate(matrix.impact_labels, 1)]


class RespondForm(forms.Form):
    strategy = forms.ChoiceField(label=_("Response"), choices=Strategy.choices,
                                 widget=forms.RadioSelect)
    response_plan = forms.CharField(label=_("Response plan"), required=False, max_length=10_000,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    target_level = forms.ChoiceField(label=_("Target residual level"), required=False,
                                     choices=[("", "—"), *Level.choices])
    review_every_days = forms.IntegerField(
        label=_("Review every (days)"), required=False, min_value=1, max_value=366,
        help_text=_("Empty: high and critical risks monthly, others quarterly."))


class ActionForm(forms.ModelForm):
    class Meta:
        model = RiskAction
        fields = ["title", "owner", "due_on", "cost", "status"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))


def _parse_levels(text, field):
    levels = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        label, _sep, description = line.partition("|")
        levels.append({"label": label.strip(), "description": description.strip()})
    if not MIN_SIZE <= len(levels) <= MAX_SIZE:
        raise forms.ValidationError(_("Give between %(min)d and %(max)d levels, one a line.")
                                    % {"min": MIN_SIZE, "max": MAX_SIZE}, code="size")
    return levels


class MatrixForm(forms.Form):
    """A new version of the matrix: levels one a line ("label | description"), the cells one
    line per likelihood level (lowest first) naming the level of each impact level."""

    name = forms.CharField(label=_("Name"), required=False, max_length=120)
    likelihood_labels = forms.CharField(
        label=_("Likelihood levels"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One a line, lowest first: label | description."))
    impact_labels = forms.CharField(
        label=_("Impact levels"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One a line, lowest first: label | description."))
    cells = forms.CharField(
        label=_("Levels of the cells"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One line per likelihood level, lowest first; on each line the level "
                    "(low, medium, high, critical) of each impact level, lowest first."))
    colour_low = forms.RegexField(label=_("Colour: low"), regex=r"^#[0-9a-fA-F]{6}$",
                                  widget=forms.TextInput(attrs={"type": "color"}))
    colour_medium = forms.RegexField(label=_("Colour: medium"), regex=r"^#[0-9a-fA-F]{6}$",
                                     widget=forms.TextInput(attrs={"type": "color"}))
    colour_high = forms.RegexField(label=_("Colour: high"), regex=r"^#[0-9a-fA-F]{6}$",
                                   widget=forms.TextInput(attrs={"type": "color"}))
    colour_critical = forms.RegexField(label=_("Colour: critical"), regex=r"^#[0-9a-fA-F]{6}$",
                                       widget=forms.TextInput(attrs={"type": "color"}))

    @classmethod
    def initial_from(cls, matrix):
        if matrix is None:
            return {f"colour_{k}": v for k, v in DEFAULT_COLOURS.items()}
        return {
            "name": matrix.name,
            "likelihood_labels": "\n".join(f"{i['label']} | {i.get('description', '')}"
                                           for i in matrix.likelihood_labels),
            "impact_labels": "\n".join(f"{i['label']} | {i.get('description', '')}"
                                       for i in matrix.impact_labels),
            "cells": "\n".join(" ".join(row) for row in matrix.cells),
            **{f"colour_{k}": matrix.colour(k) for k in Level.values},
        }

    def clean_likelihood_labels(self):
        return _parse_levels(self.cleaned_data["likelihood_labels"], "likelihood_labels")

    def clean_impact_labels(self):
        return _parse_levels(self.cleaned_data["impact_labels"], "impact_labels")

    def clean_cells(self):
        return [line.replace(",", " ").lower().split()
                for line in self.cleaned_data["cells"].splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        data["colours"] = {k: data.pop(f"colour_{k}", None) or DEFAULT_COLOURS[k]
                           for k in Level.values}
        return data


class ChecklistForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["category", "question", "guidance", "is_active", "order"]


class SpawnForm(forms.Form):
    title = forms.CharField(label=_("Risk"), max_length=200)
    department = forms.ModelChoiceField(label=_("Owner department"),
                                         queryset=Department.objects.filter(is_active=True))
    description = forms.CharField(label=_("Description"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))


class CostLineForm(forms.Form):
    """A response action becomes a line of the cost budget of a plan the risk is linked to
    (the categories and bases are the budget's own, from plans.hooks)."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None)
    category = forms.ChoiceField(label=_("Cost category"))
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    basis = forms.ChoiceField(label=_("Basis of the estimate"))

    def __init__(self, *args, risk, user, **kwargs):
        from plans import hooks
        from plans.selectors import visible_plans

        super().__init__(*args, **kwargs)
        maker = hooks.cost_lines()
        self.fields["plan"].queryset = visible_plans(user).filter(
            pk__in=risk.plans.values("pk")).order_by("-period_start", "title")
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["category"].choices = list(maker.categories) if maker else []
        self.fields["basis"].choices = list(maker.bases) if maker else []
        self.initial.setdefault("department", risk.department_id)
        self.initial.setdefault("basis", "goal")
        plans = list(self.fields["plan"].queryset[:2])
        if len(plans) == 1:
            self.initial.setdefault("plan", plans[0].pk)
