"""Performance evaluation API (§4.5): scorecard templates, cycles, evaluations with their
actions, and the 360-degree questionnaire (one-time links need no account). Individual
feedback answers are never exposed: only the per-group summary, and only from three answers."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from committee.models import Department
from kpis import evaluation_services as ev
from kpis.evaluation import (
    QUESTION_SCALE,
    QUESTIONS,
    CycleKind,
    Evaluation,
    EvaluationCycle,
    FeedbackGroup,
    FeedbackRequest,
    ItemScore,
    Objective,
    ScorecardItem,
    ScorecardTemplate,
)
from kpis.models import Indicator
from kpis.selectors import visible_evaluations
from opsplan.api import CodeRelatedField

PCT = {"max_digits": 7, "decimal_places": 2}


class ScorecardItemSerializer(serializers.ModelSerializer):
    indicator = CodeRelatedField(slug_field="code", required=False, allow_null=True,
                                             queryset=Indicator.objects.filter(is_active=True))
    bands = serializers.JSONField(required=False)

    class Meta:
        model = ScorecardItem
        fields = ["id", "order", "kind", "title", "indicator", "weight", "rule", "target",
                  "threshold", "cap", "bands"]
        read_only_fields = ["id", "order"]


class ScorecardTemplateSerializer(serializers.ModelSerializer):
    department = CodeRelatedField(slug_field="code",
                                              queryset=Department.objects.filter(is_active=True))
    items = ScorecardItemSerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField()
    anchors = serializers.ListField(child=serializers.CharField(max_length=300),
                                    required=False, max_length=10,
                                    help_text=_("What each rating means, lowest first (one "
                                                "per rating, or none)."))

    class Meta:
        model = ScorecardTemplate
        fields = ["id", "department", "kpi_weight", "mbo_weight", "feedback_weight", "scale",
                  "anchors", "items", "problems"]
        read_only_fields = ["id"]

    def get_problems(self, obj) -> list[str]:
        return [str(p) for p in ev.template_problems(obj)]


class ItemRemoveSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ScorecardTemplateViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                               viewsets.ReadOnlyModelViewSet):
    """Each department's indicator system; ``items`` adds an item, ``remove_item`` takes one
    out. Item weights must sum to 100 % before a cycle evaluates the department."""

    serializer_class = ScorecardTemplateSerializer
    lookup_value_regex = r"\d+"
    permission_map = {"list": "kpis.list_evaluations", "retrieve": "kpis.list_evaluations",
                      "create": "kpis.keep_scorecards", "update": "kpis.keep_scorecards",
                      "partial_update": "kpis.keep_scorecards",
                      "add_item": "kpis.keep_scorecards", "remove_item": "kpis.keep_scorecards"}

    def get_queryset(self):
        return ScorecardTemplate.objects.select_related("department").prefetch_related(
            "items__indicator").order_by("department__name")

    def perform_create(self, serializer):
        serializer.instance = ev.template_save(actor=self.request.user, request=self.request,
                                               **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data["department"] = serializer.instance.department
        serializer.instance = ev.template_save(actor=self.request.user, request=self.request,
                                               **data)

    @extend_schema(request=ScorecardItemSerializer, responses={201: ScorecardItemSerializer})
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        template = self.get_object()
        body = ScorecardItemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = ev.item_add(actor=request.user, template=template, request=request,
                           **body.validated_data)
        return Response(ScorecardItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemRemoveSerializer, responses=ScorecardTemplateSerializer)
    @action(detail=True, methods=["post"], url_path="remove-item")
    def remove_item(self, request, pk=None):
        template = self.get_object()
        body = ItemRemoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = template.items.filter(pk=body.validated_data["item"]).first()
        if item is None:
            raise ValidationError({"item": [_("Not an item of this scorecard.")]})
        ev.item_remove(actor=request.user, item=item, request=request)
        return Response(ScorecardTemplateSerializer(self.get_object()).data)


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationCycle
        fields = ["id", "kind", "period_start", "period_end", "state", "opened_at",
                  "published_at"]
        read_only_fields = fields


class OpenCycleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CycleKind.choices)
    day = serializers.DateField(help_text=_("Any day in the period."))


class CycleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluation cycles; creating one opens the cycle holding ``day`` (idempotent)."""

    serializer_class = CycleSerializer
    filterset_fields = ["kind", "state"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "kpis.list_evaluations", "retrieve": "kpis.list_evaluations",
                      "create": "kpis.run_cycles", "advance": "kpis.list_evaluations"}

    def get_queryset(self):
        return EvaluationCycle.objects.order_by("-period_start", "kind")

    @extend_schema(request=OpenCycleSerializer, responses={201: CycleSerializer})
    def create(self, request, *args, **kwargs):
        body = OpenCycleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cycle, _created = ev.open_cycle(actor=request.user, request=request,
                                        **body.validated_data)
        return Response(CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move the cycle to its next stage (409 once published; 403 when you may not)."""
        cycle = ev.advance(cycle=self.get_object(), actor=request.user, request=request)
        return Response(CycleSerializer(cycle).data)


class ItemScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemScore
        fields = ["id", "title", "kind", "weight", "actual", "rating", "auto_score", "score",
                  "source", "override_reason"]
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["id", "title", "target", "weight", "achievement", "note"]
        read_only_fields = ["id", "achievement", "note"]


class EvaluationSerializer(serializers.ModelSerializer):
    cycle = CycleSerializer(read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = ItemScoreSerializer(many=True, read_only=True)
    objectives = ObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "cycle", "department", "self_assessment", "kpi_score", "mbo_score",
                  "feedback_score", "overall", "formula", "calibrated", "calibration_reason",
                  "items", "objectives"]
        read_only_fields = fields


class SelfAssessSerializer(serializers.Serializer):
    self_assessment = serializers.CharField(max_length=20_000)


class ObjectiveScoreSerializer(serializers.Serializer):
    objective = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    achievement = serializers.DecimalField(min_value=0, max_value=200, **PCT)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                 default="")


class RateSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    rating = serializers.IntegerField(min_value=1, max_value=10)


class OverrideSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    score = serializers.DecimalField(min_value=0, max_value=200, **PCT)
    reason = serializers.CharField(max_length=2000)


class CalibrateSerializer(serializers.Serializer):
    score = serializers.DecimalField(min_value=0, max_value=200, **PCT)
    reason = serializers.CharField(max_length=2000)


class FeedbackRequestSerializer(serializers.Serializer):
    group = serializers.ChoiceField(choices=FeedbackGroup.choices)
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False,
        allow_null=True)
    external_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                          default="")
    external_email = serializers.EmailField(required=False, allow_blank=True, default="")
    days_valid = serializers.IntegerField(min_value=1, max_value=60, default=14)


class FeedbackRequestOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackRequest
        fields = ["id", "group", "reviewer", "external_name", "external_email", "expires_at",
                  "answered"]
        read_only_fields = fields


class QuestionSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    question = serializers.CharField()
    mean = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class GroupSummarySerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    responses = serializers.IntegerField()
    shown = serializers.BooleanField(help_text=_("Results appear from three answers on."))
    questions = QuestionSummarySerializer(many=True)
    comments = serializers.ListField(child=serializers.CharField())


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Department evaluations you may see (the planning department, the committee and auditors
    all; a department head their own). Actions follow the cycle's stage."""

    serializer_class = EvaluationSerializer
    filterset_fields = ["cycle", "department"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "kpis.list_evaluations", "retrieve": "kpis.view_evaluation",
                      "self_assess": "kpis.view_evaluation", "objectives": "kpis.view_evaluation",
                      "objective_score": "kpis.view_evaluation",
                      "rate": "kpis.view_evaluation", "override": "kpis.view_evaluation",
                      "calibrate": "kpis.view_evaluation",
                      "feedback_requests": "kpis.view_evaluation",
                      "feedback": "kpis.view_evaluation"}

    def get_queryset(self):
        return visible_evaluations(self.request.user).prefetch_related(
            "items", "objectives").order_by("-cycle__period_start", "department__name")

    def _out(self, evaluation):
        fresh = self.get_queryset().get(pk=evaluation.pk)
        return Response(EvaluationSerializer(fresh).data)

    def _body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(request=SelfAssessSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], url_path="self-assess")
    def self_assess(self, request, pk=None):
        """The department head's self-assessment (self-assessment stage only)."""
        evaluation = self.get_object()
        ev.self_assess(evaluation=evaluation, actor=request.user, request=request,
                       **self._body(SelfAssessSerializer))
        return self._out(evaluation)

    @extend_schema(request=ObjectiveSerializer, responses={201: ObjectiveSerializer})
    @action(detail=True, methods=["post"])
    def objectives(self, request, pk=None):
        """Agree an objective with its target and weight (self-assessment stage)."""
        evaluation = self.get_object()
        objective = ev.objective_add(evaluation=evaluation, actor=request.user,
                                     request=request, **self._body(ObjectiveSerializer))
        return Response(ObjectiveSerializer(objective).data, status=status.HTTP_201_CREATED)

    def _child(self, model, evaluation, pk, field):
        found = model.objects.filter(pk=pk, evaluation=evaluation).first()
        if found is None:
            raise ValidationError({field: [_("Not part of this evaluation.")]})
        return found

    @extend_schema(request=ObjectiveScoreSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], url_path="objective-score")
    def objective_score(self, request, pk=None):
        evaluation = self.get_object()
        data = self._body(ObjectiveScoreSerializer)
        objective = self._child(Objective, evaluation, data.pop("objective"), "objective")
        ev.objective_score(objective=objective, actor=request.user, request=request, **data)
        return self._out(evaluation)

    @extend_schema(request=RateSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """Rate a qualitative item on the scale (review stage, the planning department)."""
        evaluation = self.get_object()
        data = self._body(RateSerializer)
        item = self._child(ItemScore, evaluation, data.pop("item"), "item")
        ev.rate_item(item=item, actor=request.user, request=request, **data)
        return self._out(evaluation)

    @extend_schema(request=OverrideSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """Replace a computed KPI score, with the reason (audited)."""
        evaluation = self.get_object()
        data = self._body(OverrideSerializer)
        item = self._child(ItemScore, evaluation, data.pop("item"), "item")
        ev.override_item(item=item, actor=request.user, request=request, **data)
        return self._out(evaluation)

    @extend_schema(request=CalibrateSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def calibrate(self, request, pk=None):
        """The committee's calibration, with the reason (audited; calibration stage)."""
        evaluation = self.get_object()
        ev.calibrate(evaluation=evaluation, actor=request.user, request=request,
                     **self._body(CalibrateSerializer))
        return self._out(evaluation)

    @extend_schema(request=FeedbackRequestSerializer,
                   responses={201: FeedbackRequestOutSerializer})
    @action(detail=True, methods=["post"], url_path="feedback-requests")
    def feedback_requests(self, request, pk=None):
        """Ask a person with an account, or an external reviewer by a one-time link."""
        evaluation = self.get_object()
        asked = ev.feedback_request(evaluation=evaluation, actor=request.user,
                                    request=request, **self._body(FeedbackRequestSerializer))
        return Response(FeedbackRequestOutSerializer(asked).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=GroupSummarySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def feedback(self, request, pk=None):
        """The 360-degree results per reviewer group: counts always, means and comments only
        from three answers on. Who answered what is never available."""
        return Response(GroupSummarySerializer(ev.feedback_summary(self.get_object()),
                                               many=True).data)


class FeedbackAnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.IntegerField(min_value=1,
                                                                   max_value=QUESTION_SCALE),
                                    help_text=_("One rating per question key: ")
                                    + ", ".join(k for k, _t in QUESTIONS))
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                    default="")


class FeedbackAnswerView(APIView):
    """Answer a 360-degree request once. External reviewers need only the link's token; a
    request for a person with an account needs that person authenticated. 404 for an unknown
    token, 409 when already answered or expired."""

    permission_classes = [AllowAny]

    @extend_schema(request=FeedbackAnswerSerializer, responses={201: None})
    def post(self, request, token):
        if not FeedbackRequest.objects.filter(token=token).exists():
            raise NotFound()
        body = FeedbackAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ev.feedback_submit(token=token, actor=request.user if request.user.is_authenticated
                           else None, **body.validated_data)
        return Response({"status": 201, "detail": str(_("Thank you: recorded."))},
                        status=status.HTTP_201_CREATED)



