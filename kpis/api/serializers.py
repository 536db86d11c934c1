from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committee.models import Department
from kpis.models import Correction, DeviationSignal, Indicator, Measurement, Rollup, Target


class IndicatorSerializer(serializers.ModelSerializer):
    readers = serializers.PrimaryKeyRelatedField(many=True, required=False,
                                                 queryset=Department.objects.all())

    class Meta:
        model = Indicator
        fields = ["id", "code", "name_en", "name_zh", "definition", "formula", "unit", "kind",
                  "direction", "aggregation", "owner_department", "collector", "frequency",
                  "method", "source", "visibility", "readers", "is_active"]


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["old_value", "new_value", "reason", "corrected_by", "corrected_at"]


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    corrections = CorrectionSerializer(many=True, read_only=True)

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "department", "period_start", "value", "note",
                  "recorded_by", "recorded_at", "corrections"]
        read_only_fields = fields


class MeasurementRowSerializer(serializers.Serializer):
    """One row of a bulk submission (JSON); CSV uses the same columns."""

    indicator = serializers.CharField(max_length=40, help_text=_("Indicator code."))
    department = serializers.CharField(max_length=40, help_text=_("Department code."))
    period = serializers.CharField(
        max_length=20, help_text=_("2026-03-15, 2026-03, 2026-Q1 or 2026-W11; stored as the "
                                   "start of the indicator's collection period."))
    value = serializers.CharField(max_length=40, help_text=_("A decimal number."))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                   help_text=_("Why an existing value is replaced."))


class BulkRequestSerializer(serializers.Serializer):
    rows = MeasurementRowSerializer(many=True)


class BulkResponseSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class RollupSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Rollup
        fields = ["indicator", "department", "grain", "period_start", "value", "count",
                  "computed_at"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "indicator", "department", "grain", "period_start", "target",
                  "red_threshold", "origin"]


class SignalSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DeviationSignal
        fields = ["id", "indicator", "department", "grain", "period_start", "value", "target",
                  "state", "opened_at", "closed_at"]
        read_only_fields = fields
