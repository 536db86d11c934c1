"""Forms of the cost pages; each hands its cleaned data to one service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from committee.choices import Position
from committee.models import Department
from costs.choices import Category, EntryKind, MeasureKind, MeasureStatus, OverrunAction
from costs.models import BudgetLine, CostTarget, SavingMeasure
from costs.money import MAX_AMOUNT, period_starts


def money_field(label, required=True, allow_negative=False, **kwargs):
    return forms.DecimalField(label=label, required=required, max_digits=15, decimal_places=2,
                              min_value=-MAX_AMOUNT if allow_negative else 0,
                              max_value=MAX_AMOUNT, **kwargs)


def _text(value: str) -> str:
    if "\x00" in (value or ""):
        raise forms.ValidationError(_("Remove the NUL characters."))
    return value


class BudgetLineForm(forms.ModelForm):
    periods = forms.CharField(
        label=_("Amounts per period"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only when spread by hand: one period a line, e.g. “2027-01: 1000.00” "
                    "(monthly) or “2027-Q1: 3000.00” (quarterly). They must sum exactly to "
                    "the amount."))

    class Meta:
        model = BudgetLine
        fields = ["category", "department", "action", "description", "basis", "basis_note",
                  "amount", "split_kind", "split_mode"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["action"].queryset = plan.actions.all()
        if self.instance.pk and not self.is_bound and self.instance.split_mode == "manual":
            self.initial["periods"] = "\n".join(
                f"{p.period_start:%Y-%m}: {p.amount}" for p in self.instance.periods.all())

    def clean_description(self):
        return _text(self.cleaned_data["description"])

    def clean_periods(self):
        return _text(self.cleaned_data["periods"])

    def clean(self):
        data = super().clean()
        if data.get("split_mode") != "manual":
            data["periods"] = None
            return data
        kind = data.get("split_kind") or "monthly"
        parsed = {}
        for number, line in enumerate((data.get("periods") or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                label, amount = line.split(":", 1)
                value = Decimal(amount.strip().replace(",", ""))
                if not value.is_finite() or abs(value) > MAX_AMOUNT \
                        or value != value.quantize(Decimal("0.01")):
                    raise ValueError(amount)
                parsed[_period(label.strip(), kind)] = value
            except (ValueError, InvalidOperation):
                self.add_error("periods", _("Line %d is not “period: amount”.") % number)
                return data
        valid = set(period_starts(kind, self.plan.period_start, self.plan.period_end))
        bad = [str(k) for k in parsed if k not in valid]
        if bad:
            self.add_error("periods", _("Not a period of this plan: %s.") % ", ".join(bad))
        data["periods"] = parsed
        return data


def _period(label: str, kind: str) -> dt.date:
    if "Q" in label.upper():
        year, quarter = label.upper().replace(" ", "").split("-Q")
        return dt.date(int(year), 3 * (int(quarter) - 1) + 1, 1)
    year, month = label.split("-")[:2]
    return dt.date(int(year), int(month), 1)


class CostTargetForm(forms.ModelForm):
    class Meta:
        model = CostTarget
        fields = ["department", "position", "owner", "category", "amount"]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["position"].choices = [
            c for c in Position.choices if c[0] not in ("integration", "auditor")]


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices,
                             initial=EntryKind.ACTUAL)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    department = forms.ModelChoiceField(label=_("Department"),
                                        queryset=Department.objects.filter(is_active=True))
    incurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = money_field(_("Amount"), allow_negative=True)
    reference = forms.CharField(label=_("Reference number"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def clean_reference(self):
        return _text(self.cleaned_data["reference"])

    def clean_note(self):
        return _text(self.cleaned_data["note"])

    def clean_attachment(self):
        from django.core.exceptions import ValidationError

        from costs.services import check_attachment

        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                check_attachment(upload)
            except ValidationError as exc:
                raise forms.ValidationError(exc.error_dict["attachment"]) from exc
        return upload

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("Enter an amount other than zero."))
        return amount


class ExplanationForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    text = forms.CharField(label=_("Explanation"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        return _text(self.cleaned_data["text"])


class PolicyForm(forms.Form):
    warn_percent = forms.DecimalField(label=_("Warning threshold (percent of budget)"),
                                      max_digits=5, decimal_places=1, min_value=1,
                                      max_value=1000)
    overrun_percent = forms.DecimalField(label=_("Over-run threshold (percent of budget)"),
                                         max_digits=5, decimal_places=1, min_value=1,
                                         max_value=1000)
    overrun_action = forms.ChoiceField(label=_("On an over-run"),
                                       choices=OverrunAction.choices)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = SavingMeasure
        fields = ["title", "kind", "description", "plan", "department", "owner",
                  "expected_saving", "status"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from plans.selectors import visible_plans

        self.fields["plan"].queryset = visible_plans(user)
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["status"].choices = [c for c in MeasureStatus.choices
                                         if c[0] != MeasureStatus.REALISED]

    def clean_title(self):
        return _text(self.cleaned_data["title"])

    def clean_description(self):
        return _text(self.cleaned_data["description"])


class ConfirmForm(forms.Form):
    realised_saving = money_field(_("Realised saving"))


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Suggestion"), max_length=200)
    description = forms.CharField(label=_("What to change and why"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}))

    def clean_title(self):
        return _text(self.cleaned_data["title"])

    def clean_description(self):
        return _text(self.cleaned_data["description"])


class EvaluateForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Verdict"), coerce=lambda v: v == "accept",
                                    choices=[("accept", _("Adopt")),
                                             ("reject", _("Do not adopt"))])
    feasibility = forms.IntegerField(label=_("Feasibility (1–5)"), min_value=1, max_value=5)
    expected_saving = money_field(_("Expected saving"), required=False)
    evaluation = forms.CharField(label=_("Evaluation"), max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def clean_evaluation(self):
        return _text(self.cleaned_data["evaluation"])


class ToMeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeasureKind.choices)
    department = forms.ModelChoiceField(label=_("Department"),
                                        queryset=Department.objects.filter(is_active=True))
    owner = forms.ModelChoiceField(label=_("Owner"),
                                   queryset=get_user_model().objects.filter(is_active=True))


class ReportForm(forms.Form):
    grain = forms.ChoiceField(label=_("Periods"), required=False,
                              choices=[("month", _("Monthly")), ("quarter", _("Quarterly"))])
    by = forms.ChoiceField(label=_("Group by"), required=False,
                           choices=[("category", _("Category")),
                                    ("department", _("Department"))])
