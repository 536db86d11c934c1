from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committee.choices import Position
from committee.models import Department
from costs.choices import (
    Category,
    EntryKind,
    MeasureKind,
    MeasureStatus,
    OverrunAction,
    RewardKind,
)
from costs.models import (
    BudgetLine,
    CategoryPolicy,
    CostEntry,
    CostTarget,
    Overrun,
    Reward,
    SavingMeasure,
    Suggestion,
    VarianceExplanation,
)
from costs.money import MAX_AMOUNT
from opsplan.api import CodeRelatedField
from plans.models import ActionItem, Plan

MAX_PK = 2**53


class PK(serializers.PrimaryKeyRelatedField):
    """A primary key that refuses numbers no row can have (instead of a database error)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        text = str(data).strip()
        if not text.isascii() or not text.isdigit() or int(text) > MAX_PK:
            self.fail("does_not_exist", pk_value=text[:20])
        return super().to_internal_value(int(text))


def Choice(choices, **kwargs):
    """A choice field documented with its enum inline: the costs choice sets share names
    (category, kind, status …) with other apps' different sets, and drf-spectacular's enum
    components would collide on those names."""
    values = [c[0] for c in choices] + ([""] if kwargs.get("allow_blank") else [])
    field = extend_schema_field({"anyOf": [{"type": "string", "enum": values}]})(
        type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field(choices=choices, **kwargs)


def Money(**kwargs):
    return serializers.DecimalField(max_digits=15, decimal_places=2, min_value=0,
                                    max_value=MAX_AMOUNT, **kwargs)


class CostPeriodSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    amount = Money()


class BudgetLineSerializer(serializers.ModelSerializer):
    plan = PK(queryset=Plan.objects.all())
    category = Choice(Category.choices)
    department = PK(queryset=Department.objects.filter(is_active=True))
    action = PK(queryset=ActionItem.objects.all(), required=False, allow_null=True)
    amount = Money()
    periods = CostPeriodSerializer(many=True, required=False,
                               help_text=_("Only for a split by hand: every period's amount; "
                                           "they must sum exactly to the amount."))

    class Meta:
        model = BudgetLine
        fields = ["id", "plan", "category", "department", "action", "description", "basis",
                  "basis_note", "amount", "split_kind", "split_mode", "periods"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and "plan" in fields:
            fields["plan"].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["periods"] = [{"period_start": p.period_start.isoformat(), "amount": str(p.amount)}
                           for p in instance.periods.all()]
        return data


class CostTargetSerializer(serializers.ModelSerializer):
    plan = PK(queryset=Plan.objects.all())
    department = PK(queryset=Department.objects.filter(is_active=True))
    owner = PK(queryset=get_user_model().objects.filter(is_active=True))
    position = Choice([c for c in Position.choices if c[0] not in ("integration", "auditor")])
    category = Choice(Category.choices, required=False, allow_blank=True)
    amount = Money()
    consumed = serializers.SerializerMethodField(
        help_text=_("Actual and committed spend of its department (and category) on the plan."))

    class Meta:
        model = CostTarget
        fields = ["id", "plan", "department", "position", "owner", "category", "amount",
                  "consumed"]

    @extend_schema_field(serializers.DecimalField(max_digits=17, decimal_places=2))
    def get_consumed(self, obj):
        if not hasattr(obj, "consumed"):
            from costs.selectors import targets_with_consumption

            obj = targets_with_consumption([obj])[0]
        return str(obj.consumed)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and "plan" in fields:
            fields["plan"].read_only = True
        return fields


class CostAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("The file's name."))
    url = serializers.CharField(help_text=_("Download it here (checked like the entry)."))


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, max_length=1000,
        help_text=_("The voucher: pdf, png, jpg, jpeg, xlsx, csv or txt; at most 10 MB."))


class CostEntrySerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = Choice(EntryKind.choices, read_only=True)
    category = Choice(Category.choices, read_only=True)
    attachment = serializers.SerializerMethodField(
        help_text=_("The attached voucher, if any; the file is served only through its "
                    "checked download URL."))

    @extend_schema_field(CostAttachmentSerializer(allow_null=True))
    def get_attachment(self, obj):
        if not obj.attachment:
            return None
        from django.urls import reverse

        url = reverse("costs-api:entry-attachment", args=[obj.pk])
        request = self.context.get("request")
        return {"name": obj.attachment_filename,
                "url": request.build_absolute_uri(url) if request else url}

    class Meta:
        model = CostEntry
        fields = ["id", "plan", "kind", "category", "department", "incurred_on", "amount",
                  "reference", "note", "attachment", "recorded_by", "recorded_at"]
        read_only_fields = fields


class EntryCreateSerializer(serializers.Serializer):
    plan = PK(queryset=Plan.objects.all())
    kind = Choice(EntryKind.choices, default=EntryKind.ACTUAL)
    category = Choice(Category.choices)
    department = CodeRelatedField(slug_field="code",
                                              queryset=Department.objects.filter(
                                                  is_active=True))
    incurred_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=-MAX_AMOUNT,
                                      max_value=MAX_AMOUNT)
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True,
                                      default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CostOutcomeSerializer(serializers.Serializer):
    category = serializers.CharField()
    status = serializers.CharField()
    previous = serializers.CharField()
    budget = serializers.DecimalField(max_digits=17, decimal_places=2)
    used = serializers.DecimalField(max_digits=17, decimal_places=2)
    explanation_required = serializers.BooleanField()
    overrun = serializers.IntegerField(allow_null=True, source="overrun.pk", default=None)


class EntryResultSerializer(serializers.Serializer):
    entry = CostEntrySerializer()
    outcome = CostOutcomeSerializer()


class CostBulkRowSerializer(serializers.Serializer):
    plan = serializers.CharField(max_length=20)
    kind = serializers.CharField(max_length=20, required=False, allow_blank=True)
    category = serializers.CharField(max_length=20)
    department = serializers.CharField(max_length=40)
    date = serializers.CharField(max_length=20)
    amount = serializers.CharField(max_length=40)
    reference = serializers.CharField(max_length=64, required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CostBulkRequestSerializer(serializers.Serializer):
    rows = CostBulkRowSerializer(many=True, allow_empty=False, max_length=5000)


class CostBulkResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())
    categories = serializers.ListField(child=serializers.DictField())


class ExplanationSerializer(serializers.ModelSerializer):
    plan = PK(queryset=Plan.objects.all())
    category = Choice(Category.choices)
    text = serializers.CharField(max_length=4000)

    class Meta:
        model = VarianceExplanation
        fields = ["id", "plan", "category", "month", "text", "written_by", "written_at"]
        read_only_fields = ["written_by", "written_at"]
        validators = []  # one per plan, category and month: writing again replaces it


class OverrunSerializer(serializers.ModelSerializer):
    category = Choice(Category.choices, read_only=True)
    action = Choice(OverrunAction.choices, read_only=True)

    class Meta:
        model = Overrun
        fields = ["id", "plan", "category", "budget", "spent", "action", "state", "deviation",
                  "opened_at", "decided_at"]
        read_only_fields = fields


class CostPolicySerializer(serializers.ModelSerializer):
    category = Choice(Category.choices, read_only=True)
    warn_percent = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=1,
                                            max_value=1000)
    overrun_percent = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=1,
                                               max_value=1000)
    overrun_action = Choice(OverrunAction.choices)

    class Meta:
        model = CategoryPolicy
        fields = ["category", "warn_percent", "overrun_percent", "overrun_action"]


class MeasureSerializer(serializers.ModelSerializer):
    plan = PK(queryset=Plan.objects.all(), required=False, allow_null=True)
    department = PK(queryset=Department.objects.filter(is_active=True))
    owner = PK(queryset=get_user_model().objects.filter(is_active=True))
    expected_saving = Money()
    kind = Choice(MeasureKind.choices)
    status = Choice(MeasureStatus.choices, required=False)
    suggestion = serializers.SerializerMethodField()

    class Meta:
        model = SavingMeasure
        fields = ["id", "title", "kind", "description", "plan", "department", "owner",
                  "expected_saving", "realised_saving", "status", "confirmed_by",
                  "confirmed_at", "suggestion"]
        read_only_fields = ["realised_saving", "confirmed_by", "confirmed_at"]

    def get_suggestion(self, obj) -> int | None:
        suggestion = getattr(obj, "suggestion", None) if hasattr(obj, "suggestion") else None
        return suggestion.pk if suggestion else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["status"] = instance.status
        return data


class CostConfirmSerializer(serializers.Serializer):
    realised_saving = Money()


class SuggestionSerializer(serializers.ModelSerializer):
    reward = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ["id", "title", "description", "submitted_by", "submitted_at", "state",
                  "feasibility", "expected_saving", "evaluation", "evaluated_by", "measure",
                  "reward"]
        read_only_fields = ["submitted_by", "submitted_at", "state", "feasibility",
                            "expected_saving", "evaluation", "evaluated_by", "measure"]

    def get_reward(self, obj) -> int | None:
        try:
            return obj.reward.pk
        except Reward.DoesNotExist:
            return None


class EvaluateSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    feasibility = serializers.IntegerField(min_value=1, max_value=5)
    expected_saving = Money(required=False, allow_null=True)
    evaluation = serializers.CharField(max_length=4000, required=False, allow_blank=True,
                                       default="")


class ToMeasureSerializer(serializers.Serializer):
    kind = Choice(MeasureKind.choices)
    department = PK(queryset=Department.objects.filter(is_active=True))
    owner = PK(queryset=get_user_model().objects.filter(is_active=True))


class RewardSerializer(serializers.ModelSerializer):
    kind = Choice(RewardKind.choices, read_only=True)
    submitted_by = serializers.PrimaryKeyRelatedField(source="suggestion.submitted_by",
                                                      read_only=True)

    class Meta:
        model = Reward
        fields = ["id", "suggestion", "submitted_by", "kind", "amount", "realised_saving",
                  "rule", "granted_by", "granted_at"]
        read_only_fields = fields


class CostAccountingRowSerializer(serializers.Serializer):
    key = serializers.CharField(source="key_value")
    label = serializers.CharField()
    budget = serializers.DecimalField(max_digits=17, decimal_places=2)
    committed = serializers.DecimalField(max_digits=17, decimal_places=2)
    actual = serializers.DecimalField(max_digits=17, decimal_places=2)
    variance = serializers.DecimalField(max_digits=17, decimal_places=2)
    variance_pct = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    used_pct = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    status = serializers.CharField()


class CostGroupSerializer(CostAccountingRowSerializer):
    periods = CostAccountingRowSerializer(many=True)


class VarianceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    grain = serializers.CharField()
    rows = CostGroupSerializer(many=True)
    total = CostGroupSerializer()


class PlanBudgetSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    currency = serializers.CharField()
    lines = serializers.ListField(child=serializers.DictField())
    total = serializers.DecimalField(max_digits=17, decimal_places=2)
    history = serializers.ListField(
        child=serializers.DictField(),
        help_text=_("Actual spend per department and category in the 12 months before the "
                    "plan, offered when estimating."))
