from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committee.models import Department
from plans.api.serializers import HistoryEntrySerializer, TransitionSerializer  # noqa: F401
from plans.models import Goal, Plan
from risks.choices import AssessmentKind, Category, Level, Method, Strategy
from risks.models import (
    MAX_SIZE,
    MIN_SIZE,
    Acceptance,
    Assessment,
    ChecklistItem,
    Risk,
    RiskAction,
    RiskMatrix,
)

HEX = r"^#[0-9a-fA-F]{6}$"


class LevelLabelSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                        default="")


class ColoursSerializer(serializers.Serializer):
    low = serializers.RegexField(HEX, required=False)
    medium = serializers.RegexField(HEX, required=False)
    high = serializers.RegexField(HEX, required=False)
    critical = serializers.RegexField(HEX, required=False)


class MatrixSerializer(serializers.ModelSerializer):
    likelihood_labels = LevelLabelSerializer(many=True, min_length=MIN_SIZE,
                                             max_length=MAX_SIZE)
    impact_labels = LevelLabelSerializer(many=True, min_length=MIN_SIZE, max_length=MAX_SIZE)
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=Level.choices),
                                    min_length=MIN_SIZE, max_length=MAX_SIZE),
        min_length=MIN_SIZE, max_length=MAX_SIZE,
        help_text=_("One row per likelihood level (lowest first), one level per impact "
                    "level (lowest first)."))
    colours = ColoursSerializer(required=False)

    class Meta:
        model = RiskMatrix
        fields = ["id", "version", "name", "likelihood_labels", "impact_labels", "cells",
                  "colours", "is_current", "created_at"]
        read_only_fields = ["version", "is_current", "created_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    matrix_version = serializers.IntegerField(source="matrix.version", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "risk", "kind", "matrix", "matrix_version", "likelihood", "impact",
                  "level", "probability", "financial_impact", "note", "remapped_from",
                  "assessed_by", "assessed_at"]
        read_only_fields = fields


class CellSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Level.choices)


class RiskSerializer(serializers.ModelSerializer):
    plans = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                               queryset=Plan.objects.all())
    goals = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                               queryset=Goal.objects.all())
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True))
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False,
        allow_null=True)
    checklist_item = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistItem.objects.filter(is_active=True), required=False, allow_null=True)
    inherent = CellSerializer(read_only=True, allow_null=True)
    residual = CellSerializer(read_only=True, allow_null=True)
    inherent_level = serializers.CharField(read_only=True, help_text=_(
        "low, medium, high or critical; empty until assessed."))
    residual_level = serializers.CharField(read_only=True, help_text=_(
        "low, medium, high or critical; empty until assessed."))
    strategy = serializers.CharField(read_only=True, help_text=_(
        "avoid, reduce, transfer or accept; empty until a response is recorded."))
    target_level = serializers.CharField(read_only=True, help_text=_(
        "The target residual level, or empty."))

    class Meta:
        model = Risk
        fields = ["id", "title", "description", "category", "method", "checklist_item",
                  "department", "owner", "plans", "goals", "status", "inherent",
                  "inherent_level", "residual", "residual_level", "strategy", "response_plan",
                  "target_level", "review_every_days", "next_review_on", "closed_reason",
                  "created_by", "created_at", "updated_at"]
        read_only_fields = ["status", "inherent_level", "residual_level", "strategy",
                            "response_plan", "target_level", "review_every_days",
                            "next_review_on", "closed_reason", "created_by", "created_at",
                            "updated_at"]


class AssessRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AssessmentKind.choices)
    likelihood = serializers.IntegerField(min_value=1, max_value=MAX_SIZE)
    impact = serializers.IntegerField(min_value=1, max_value=MAX_SIZE)
    probability = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,
                                           max_value=100, required=False, allow_null=True)
    financial_impact = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0,
                                                required=False, allow_null=True)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class RespondSerializer(serializers.Serializer):
    strategy = serializers.ChoiceField(choices=Strategy.choices)
    response_plan = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    target_level = serializers.ChoiceField(choices=Level.choices, required=False,
                                           allow_blank=True)
    review_every_days = serializers.IntegerField(min_value=1, max_value=366, required=False,
                                                 allow_null=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class AcceptRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class AcceptanceSerializer(serializers.ModelSerializer):
    decision_state = serializers.CharField(source="decision.state", read_only=True,
                                           allow_null=True, default=None)

    class Meta:
        model = Acceptance
        fields = ["id", "risk", "assessment", "level", "state", "reason", "decision",
                  "decision_state", "requested_by", "requested_at", "decided_at",
                  "outdated_at"]
        read_only_fields = fields


class RiskActionSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False,
        allow_null=True)
    cost_line = serializers.IntegerField(
        source="cost_line_id", read_only=True, allow_null=True,
        help_text=_("The budget line (costs API: lines) this action became, if any."))

    class Meta:
        model = RiskAction
        fields = ["id", "risk", "title", "owner", "due_on", "cost", "status", "plan_action",
                  "cost_line"]
        read_only_fields = ["plan_action", "cost_line"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and "risk" in fields:
            fields["risk"].read_only = True
        return fields


class ToCostLineSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.all(), help_text=_("A plan this risk is linked to."))
    category = serializers.CharField(
        max_length=16, help_text=_("The budget's cost category (personnel, material, "
                                   "marketing, administration, other)."))
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False,
        help_text=_("The department that spends it; empty: the risk's owner department."))
    basis = serializers.CharField(max_length=16, required=False, default="goal",
                                  help_text=_("Basis of the estimate (history, market_price, "
                                              "goal)."))

    def _choice(self, value, attr):
        from plans import hooks

        maker = hooks.cost_lines()
        allowed = [c[0] for c in getattr(maker, attr, ())]
        if value not in allowed:
            raise serializers.ValidationError(
                _("Choose one of: %s.") % ", ".join(allowed) if allowed
                else _("Cost budgets are not available."))
        return value

    def validate_category(self, value):
        return self._choice(value, "categories")

    def validate_basis(self, value):
        return self._choice(value, "bases")


class ToPlanSerializer(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True))


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "category", "question", "guidance", "is_active", "order"]


class SpawnSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True))
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class HeatCellSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Level.choices)
    colour = serializers.CharField()
    count = serializers.IntegerField()


class HeatSideSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AssessmentKind.choices)
    total = serializers.IntegerField()
    other_versions = serializers.IntegerField(
        help_text=_("Open risks assessed with another matrix version."))
    cells = HeatCellSerializer(many=True)


class HeatmapSerializer(serializers.Serializer):
    matrix = serializers.IntegerField(allow_null=True)
    matrix_version = serializers.IntegerField(allow_null=True)
    sides = HeatSideSerializer(many=True)


class RemapRowSerializer(serializers.Serializer):
    risk = serializers.IntegerField()
    assessment = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AssessmentKind.choices)
    from_version = serializers.IntegerField()
    from_likelihood = serializers.IntegerField()
    from_impact = serializers.IntegerField()
    from_level = serializers.ChoiceField(choices=Level.choices)
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Level.choices)
    changed = serializers.BooleanField()


class RemapResultSerializer(serializers.Serializer):
    remapped = serializers.IntegerField()


class ImportRowSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    department = serializers.CharField(max_length=40, help_text=_("The department's code."))
    method = serializers.ChoiceField(choices=Method.choices, required=False)
    owner = serializers.CharField(max_length=150, required=False, allow_blank=True,
                                  help_text=_("A username."))
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    likelihood = serializers.IntegerField(min_value=1, max_value=MAX_SIZE, required=False)
    impact = serializers.IntegerField(min_value=1, max_value=MAX_SIZE, required=False)
    probability = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,
                                           max_value=100, required=False)
    financial_impact = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0,
                                                required=False)


class ImportRequestSerializer(serializers.Serializer):
    rows = ImportRowSerializer(many=True, min_length=1, max_length=2000)
    dry_run = serializers.BooleanField(default=False, help_text=_(
        "Only check the rows and preview them; nothing is stored."))


class ImportPreviewSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    department = serializers.CharField()
    likelihood = serializers.IntegerField(allow_null=True)
    impact = serializers.IntegerField(allow_null=True)
    level = serializers.CharField(allow_blank=True)


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    preview = ImportPreviewSerializer(many=True)
    created = serializers.ListField(child=serializers.IntegerField())
