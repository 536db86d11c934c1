from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committee.models import Department
from plans.choices import PlanState, Verdict
from plans.models import (
    ActionItem,
    Competitor,
    Goal,
    Plan,
    Resource,
    Review,
    Strategy,
)


class PlanSerializer(serializers.ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    state = serializers.ChoiceField(choices=PlanState.choices, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "title", "level", "department", "period_kind", "period_start",
                  "period_end", "parent", "summary", "author", "state", "revision",
                  "approved_revision", "cancel_reason", "macro_economy", "policy_regulation",
                  "market_size", "market_size_unit", "growth_rate", "trends", "market_notes",
                  "lessons_learned", "created_at", "updated_at"]
        read_only_fields = ["period_end", "revision", "approved_revision", "cancel_reason",
                            "created_at", "updated_at"]

    def validate(self, attrs):
        # the plan's own clean() runs in the service; here only what needs the request
        return attrs


class PartSerializer(serializers.ModelSerializer):
    """A piece of a plan. ``plan`` is set on creation and never moves."""

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and "plan" in fields:
            fields["plan"].read_only = True
        return fields


class CompetitorSerializer(PartSerializer):
    class Meta:
        model = Competitor
        fields = ["id", "plan", "name", "product_features", "market_share",
                  "marketing_strategy", "strengths", "weaknesses"]


class ResourceSerializer(PartSerializer):
    class Meta:
        model = Resource
        fields = ["id", "plan", "kind", "strengths", "gaps"]


class GoalSerializer(PartSerializer):
    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            from kpis.selectors import readable_indicators

            fields["indicator"].queryset = readable_indicators(request.user)
        return fields

    class Meta:
        model = Goal
        fields = ["id", "plan", "title", "indicator", "measure", "unit", "baseline", "target",
                  "direction", "deadline"]


class StrategySerializer(PartSerializer):
    class Meta:
        model = Strategy
        fields = ["id", "plan", "kind", "content"]
        read_only_fields = ["kind"]


class ActionItemSerializer(PartSerializer):
    goals = serializers.PrimaryKeyRelatedField(many=True, queryset=Goal.objects.all(),
                                               required=False)

    class Meta:
        model = ActionItem
        fields = ["id", "plan", "title", "department", "person", "deadline", "steps",
                  "resources", "expected_result", "goals"]


class ReviewSerializer(serializers.ModelSerializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_blank=True, read_only=True,
                                      help_text=_("Empty until the review is submitted."))

    class Meta:
        model = Review
        fields = ["id", "plan", "revision", "department", "state", "reviewer", "feasibility",
                  "feasibility_comment", "rationality", "rationality_comment", "innovation",
                  "innovation_comment", "risk", "risk_comment", "verdict", "submitted_at"]
        read_only_fields = fields


class ReviewSubmitSerializer(serializers.Serializer):
    feasibility = serializers.IntegerField(min_value=1, max_value=5)
    feasibility_comment = serializers.CharField(allow_blank=True, required=False,
                                                max_length=5000)
    rationality = serializers.IntegerField(min_value=1, max_value=5)
    rationality_comment = serializers.CharField(allow_blank=True, required=False,
                                                max_length=5000)
    innovation = serializers.IntegerField(min_value=1, max_value=5)
    innovation_comment = serializers.CharField(allow_blank=True, required=False,
                                               max_length=5000)
    risk = serializers.IntegerField(min_value=1, max_value=5)
    risk_comment = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    verdict = serializers.ChoiceField(choices=Verdict.choices)


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    ready = serializers.BooleanField(help_text=_("Whether its guard passes now."))
    problems = serializers.ListField(child=serializers.CharField())


class TransitionRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000,
                                   help_text=_("Required to cancel."))
    reviewing_departments = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Department.objects.filter(is_active=True),
        help_text=_("Required to submit for review."),
    )


class HistoryEntrySerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_label")
    action = serializers.CharField()
    data = serializers.JSONField()
