from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committee.models import Department
from plans.choices import (
    ActionStatus,
    AdjustmentKind,
    CauseCategory,
    DataSource,
    GoalResult,
    PeriodKind,
    PlanState,
    Quality,
    Verdict,
)
from plans.models import (
    Acknowledgement,
    ActionItem,
    Adjustment,
    Competitor,
    Deviation,
    Goal,
    MonitoringNote,
    Plan,
    PlanRevision,
    Resource,
    Review,
    Strategy,
    WeeklyReport,
    WeeklyReportLine,
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
                  "lessons_learned", "published_revision", "published_at",
                  "monitoring_forced_reason", "completed_at", "completion_lessons",
                  "created_at", "updated_at"]
        read_only_fields = ["period_end", "revision", "approved_revision", "cancel_reason",
                            "published_revision", "published_at", "monitoring_forced_reason",
                            "completed_at", "completion_lessons", "created_at", "updated_at"]

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
    quality = serializers.ChoiceField(choices=Quality.choices, allow_blank=True,
                                      read_only=True,
                                      help_text=_("Empty until the action is done."))

    class Meta:
        model = ActionItem
        fields = ["id", "plan", "title", "department", "person", "deadline", "steps",
                  "resources", "expected_result", "goals", "critical", "status",
                  "percent_complete", "quality", "completed_on"]
        read_only_fields = ["status", "percent_complete", "quality", "completed_on"]


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
    lessons = serializers.CharField(required=False, allow_blank=True, max_length=10_000,
                                    help_text=_("Required to complete: the lessons learned."))
    assessments = serializers.ListField(
        child=serializers.DictField(), required=False, max_length=500,
        help_text=_("Required to complete: one {goal, result, comment} per goal; result is "
                    "achieved, partly or missed."))

    def validate_assessments(self, value):
        result = {}
        for item in value:
            goal = item.get("goal")
            if not isinstance(goal, int) or isinstance(goal, bool) \
                    or item.get("result") not in GoalResult.values:
                raise serializers.ValidationError(_("Each assessment names a goal id and a "
                                                    "result (achieved, partly, missed)."))
            comment = item.get("comment", "")
            if not isinstance(comment, str) or len(comment) > 4000:
                raise serializers.ValidationError(_("A comment is text of at most 4000 "
                                                    "characters."))
            result[goal] = (item["result"], comment)
        return result


class HistoryEntrySerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_label")
    action = serializers.CharField()
    data = serializers.JSONField()


# --- Plans II ---------------------------------------------------------------------------------

class AcknowledgementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Acknowledgement
        fields = ["id", "plan", "revision", "department", "state", "acknowledged_by",
                  "acknowledged_at", "note"]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ActionProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)
    quality = serializers.ChoiceField(choices=Quality.choices, required=False,
                                      allow_blank=True,
                                      help_text=_("Required when the status is done."))


class ReportLineSerializer(serializers.ModelSerializer):
    action = serializers.PrimaryKeyRelatedField(queryset=ActionItem.objects.all())
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)
    quality = serializers.ChoiceField(choices=Quality.choices, required=False,
                                      allow_blank=True, write_only=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    class Meta:
        model = WeeklyReportLine
        fields = ["action", "status", "percent_complete", "quality", "note"]


class WeeklyReportSerializer(serializers.ModelSerializer):
    """A unit's weekly progress on a plan. ``plan``, ``department`` and the week are set on
    creation; a second report for the same unit, plan and week is a 409."""

    lines = ReportLineSerializer(many=True, required=False)
    iso_year = serializers.IntegerField(min_value=2000, max_value=2100)
    iso_week = serializers.IntegerField(min_value=1, max_value=53)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(kind="business_unit"))

    class Meta:
        model = WeeklyReport
        fields = ["id", "plan", "department", "iso_year", "iso_week", "author", "summary",
                  "problems", "help_needed", "next_week", "lines", "late", "submitted_at",
                  "updated_at", "locked_at"]
        read_only_fields = ["author", "late", "submitted_at", "updated_at", "locked_at"]
        validators = []  # the service answers a duplicate week with 409

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in ("plan", "department", "iso_year", "iso_week"):
                fields[name].read_only = True
        return fields


class DeviationSerializer(serializers.ModelSerializer):
    goals = serializers.PrimaryKeyRelatedField(many=True, queryset=Goal.objects.all(),
                                               required=False)
    cause_category = serializers.ChoiceField(choices=CauseCategory.choices, required=False,
                                             allow_blank=True)
    close = serializers.BooleanField(required=False, write_only=True,
                                     help_text=_("Close the deviation: no adjustment needed."))

    class Meta:
        model = Deviation
        fields = ["id", "plan", "title", "source", "goals", "action", "signal", "gap",
                  "gap_note", "cause_category", "evidence", "owner", "due_date", "state",
                  "created_by", "created_at", "close"]
        read_only_fields = ["source", "action", "signal", "state", "created_by",
                            "created_at"]
        validators = []  # the service keeps one open deviation per signal or action

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and "plan" in fields:
            fields["plan"].read_only = True
        return fields


class AdjustmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AdjustmentKind.choices)
    deviations = serializers.PrimaryKeyRelatedField(many=True,
                                                    queryset=Deviation.objects.all())
    description = serializers.CharField(max_length=10_000)

    class Meta:
        model = Adjustment
        fields = ["id", "plan", "kind", "description", "deviations", "base_revision", "state",
                  "decided_revision", "created_by", "created_at", "decided_at"]
        read_only_fields = ["base_revision", "state", "decided_revision", "created_by",
                            "created_at", "decided_at"]
        validators = []  # a second open adjustment is a state conflict (409), not a 400


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanRevision
        fields = ["number", "created_at", "created_by", "snapshot"]
        read_only_fields = fields


class DiffFieldSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class DiffRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    row = serializers.JSONField(required=False)
    fields = DiffFieldSerializer(many=True, required=False)


class DiffSectionSerializer(serializers.Serializer):
    section = serializers.CharField()
    label = serializers.CharField()
    fields = DiffFieldSerializer(many=True)
    added = DiffRowSerializer(many=True)
    removed = DiffRowSerializer(many=True)
    changed = DiffRowSerializer(many=True)


class DiffSerializer(serializers.Serializer):
    old_revision = serializers.IntegerField(source="a")
    new_revision = serializers.IntegerField(source="b")
    sections = DiffSectionSerializer(many=True)


class DeriveSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(kind="business_unit", is_active=True),
        required=False, allow_null=True,
        help_text=_("A business unit's own plan; omit to break into a shorter period."))
    period_kind = serializers.ChoiceField(choices=PeriodKind.choices, required=False)
    period_start = serializers.DateField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class GoalStatusSerializer(serializers.Serializer):
    goal = serializers.IntegerField(source="goal.pk")
    title = serializers.CharField(source="goal.title")
    actual = serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(source="goal.target", max_digits=24, decimal_places=4)
    band = serializers.CharField(allow_blank=True)
    trend = serializers.CharField(allow_blank=True)


class BurnupSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    planned = serializers.ListField(child=serializers.IntegerField())
    done = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    total = serializers.IntegerField()


class MonitoringSerializer(serializers.Serializer):
    progress = serializers.IntegerField()
    goals = GoalStatusSerializer(many=True)
    burnup = BurnupSerializer()
    overdue = serializers.ListField(child=serializers.IntegerField())


class MonitoringNoteSerializer(serializers.ModelSerializer):
    source = serializers.ChoiceField(choices=DataSource.choices)
    note = serializers.CharField(max_length=10_000)

    class Meta:
        model = MonitoringNote
        fields = ["id", "plan", "source", "observed_on", "note", "author", "created_at"]
        read_only_fields = ["author", "created_at"]
