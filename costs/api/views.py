"""The costs API (§4.4): the same services and rules as the pages."""

import hashlib
import json
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from costs import selectors, services
from costs.api import serializers as s
from costs.choices import Category
from costs.models import BudgetLine, CategoryPolicy, CostEntry, IdempotencyKey
from costs.money import currency
from opsplan.api import ErrorSerializer, StrictBooleanFilter
from opsplan.errors import Conflict
from plans.selectors import visible_plans

LIST = "costs.list_costs"


def _visible_plan(request, plan):
    """A plan named in a body: one the user may not see is an unknown reference (400)."""
    if plan is not None and not request.user.has_perm("plans.view_plan", plan):
        raise ValidationError({"plan": [_("No such plan.")]})
    return plan


class LineFilter(filters.FilterSet):
    class Meta:
        model = BudgetLine
        fields = ["plan", "category", "department"]


class BudgetLineViewSet(viewsets.ModelViewSet):
    """Budget lines of the plans you may see. They change while the plan's content is
    editable (needs analysis, drafting, adjustment); 409 after."""

    serializer_class = s.BudgetLineSerializer
    filterset_class = LineFilter
    permission_map = {"list": LIST, "create": LIST}
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.budget_lines(self.request.user).order_by("plan", "category", "pk")

    def _save(self, serializer, line=None):
        data = dict(serializer.validated_data)
        plan = _visible_plan(self.request, data.pop("plan", None) or line.plan)
        periods = data.pop("periods", None)
        if periods is not None:
            periods = {p["period_start"]: p["amount"] for p in periods}
        serializer.instance = services.budget_line_save(
            plan=plan, line=line, actor=self.request.user, periods=periods,
            request=self.request, **data)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        services.budget_line_delete(line=instance, actor=self.request.user,
                                    request=self.request)


class CostTargetViewSet(viewsets.ModelViewSet):
    """Cost targets (cost responsibility) with their owner's consumption."""

    serializer_class = s.CostTargetSerializer
    filterset_fields = ["plan", "department", "owner", "category"]
    permission_map = {"list": LIST, "create": LIST}

    def get_queryset(self):
        return selectors.cost_targets(self.request.user).order_by("plan", "pk")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        items = selectors.targets_with_consumption(page)
        return self.get_paginated_response(self.get_serializer(items, many=True).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = _visible_plan(self.request, data.pop("plan"))
        serializer.instance = services.target_save(plan=plan, actor=self.request.user,
                                                   request=self.request, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("plan", None)
        target = serializer.instance
        serializer.instance = services.target_save(plan=target.plan, target=target,
                                                   actor=self.request.user,
                                                   request=self.request, **data)

    def perform_destroy(self, instance):
        services.target_delete(target=instance, actor=self.request.user, request=self.request)


class EntryFilter(filters.FilterSet):
    has_attachment = StrictBooleanFilter(method="filter_attachment",
                                           label=_("Only entries with (or without) a file"))
    since = filters.DateFilter(field_name="incurred_on", lookup_expr="gte")
    until = filters.DateFilter(field_name="incurred_on", lookup_expr="lte")
    department = filters.CharFilter(field_name="department__code")

    class Meta:
        model = CostEntry
        fields = ["plan", "kind", "category", "department", "since", "until",
                  "has_attachment"]

    def filter_attachment(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(attachment="") if value else queryset.filter(attachment="")


class CostEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Actual spend and commitments. Record one (``POST``) or many (``bulk``, idempotent
    with an ``Idempotency-Key``)."""

    serializer_class = s.CostEntrySerializer
    filterset_class = EntryFilter
    permission_map = {"list": LIST, "create": LIST, "bulk": LIST,
                      "attachment": "costs.view_costentry",
                      "upload_attachment": "costs.record_actual"}

    def get_queryset(self):
        return selectors.cost_entries(self.request.user).order_by("-incurred_on", "-pk")

    @extend_schema(request=s.EntryCreateSerializer, responses={201: s.EntryResultSerializer})
    def create(self, request, *args, **kwargs):
        """Record one entry; the answer says what it did to its category (status, whether an
        explanation is now required, an over-run opened). 409 on a plan that is not running
        or a category whose over-run awaits the committee."""
        body = s.EntryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        plan = _visible_plan(request, data.pop("plan"))
        entry, outcome = services.entry_record(plan=plan, actor=request.user, request=request,
                                               **data)
        return Response(s.EntryResultSerializer({"entry": entry, "outcome": outcome}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CostBulkRequestSerializer,
        parameters=[OpenApiParameter(
            "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
            description=_("Retrying with the same key and body returns the first answer and "
                          "stores nothing twice; the same key with another body is a 409."))],
        responses={201: s.CostBulkResponseSerializer,
                   200: OpenApiResponse(s.CostBulkResponseSerializer,
                                        description=_("A replay of an earlier answer."))})
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Store many entries: all rows are checked first; one bad row stores nothing and the
        answer lists row, column and reason."""
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 200 or "\x00" in key:
            raise ValidationError({"Idempotency-Key": [_("At most 200 characters.")]})
        body = s.CostBulkRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = [{k: v for k, v in dict(r).items() if v not in (None, "")}
                for r in body.validated_data["rows"]]
        fingerprint = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()
        if key:
            earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            if earlier is not None:
                return _replay(earlier, fingerprint)
        try:
            with transaction.atomic():
                summary = services.entries_store(actor=request.user, rows=rows,
                                                 request=request)
                if key:
                    IdempotencyKey.objects.create(user=request.user, key=key,
                                                  fingerprint=fingerprint, response=summary)
        except services.RowErrors as exc:
            return Response({"status": 400, "code": "invalid",
                             "detail": _("No row was stored: fix these rows and send again."),
                             "errors": {"rows": exc.messages[:200]},
                             "rows": exc.row_errors[:1000]}, status=status.HTTP_400_BAD_REQUEST)
        except IntegrityError as exc:
            earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first() \
                if key else None
            if earlier is not None:
                return _replay(earlier, fingerprint)
            raise Conflict(_("Another request stored the same entries at the same moment; "
                             "send this batch again.")) from exc
        return Response(summary, status=status.HTTP_201_CREATED)


    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              404: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None):
        """Download the entry's voucher (the same read rule as the entry; 404 when it has
        none)."""
        from costs.views import attachment_response

        return attachment_response(self.get_object())

    @extend_schema(request={"multipart/form-data": s.AttachmentUploadSerializer},
                   responses={200: s.CostEntrySerializer, 400: ErrorSerializer})
    @attachment.mapping.post
    def upload_attachment(self, request, pk=None):
        """Attach the entry's voucher (multipart, field ``file``; a later upload replaces
        it). The same rule as recording the entry and the same checks as the page: an
        allowed type, a readable UTF-8 name, not empty, at most 10 MB — 400 naming
        ``file`` otherwise."""
        entry = self.get_object()
        body = s.AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.entry_attach(entry=entry, actor=request.user,
                                      file=body.validated_data["file"], request=request)
        return Response(s.CostEntrySerializer(entry, context={"request": request}).data)


def _replay(earlier, fingerprint):
    if earlier.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was used with a different body."))
    response = Response(earlier.response, status=status.HTTP_200_OK)
    response["Idempotent-Replayed"] = "true"
    return response


class ExplanationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Variance explanations, one per plan, category and month (writing again replaces)."""

    serializer_class = s.ExplanationSerializer
    filterset_fields = ["plan", "category", "month"]
    permission_map = {"list": LIST, "create": LIST}

    def get_queryset(self):
        return selectors.explanations(self.request.user).order_by("plan", "-month", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = _visible_plan(self.request, data.pop("plan"))
        serializer.instance = services.explanation_save(plan=plan, actor=self.request.user,
                                                        request=self.request, **data)


class OverrunViewSet(viewsets.ReadOnlyModelViewSet):
    """Over-runs and where they stand (committee decision or plan deviation)."""

    serializer_class = s.OverrunSerializer
    filterset_fields = ["plan", "category", "state"]
    permission_map = {"list": LIST}

    def get_queryset(self):
        return selectors.overruns(self.request.user).order_by("-opened_at", "-pk")


class PolicyViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Each category's thresholds and over-run rule (the planning manager changes them)."""

    serializer_class = s.CostPolicySerializer
    lookup_field = "category"
    lookup_value_regex = "[a-z_]+"
    pagination_class = None
    filter_backends = []
    permission_map = {"list": LIST, "retrieve": LIST, "update": "costs.set_policy",
                      "partial_update": "costs.set_policy"}

    def get_queryset(self):
        return CategoryPolicy.objects.order_by("category")

    def _all(self):
        stored = {p.category: p for p in self.get_queryset()}
        return [stored.get(c) or CategoryPolicy(category=c) for c in Category.values]

    def list(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._all(), many=True).data)

    def get_object(self):
        category = self.kwargs["category"]
        found = next((p for p in self._all() if p.category == category), None)
        if found is None:
            raise NotFound()
        self.check_object_permissions(self.request, found)
        return found

    def perform_update(self, serializer):
        serializer.instance = services.policy_save(
            category=serializer.instance.category, actor=self.request.user,
            request=self.request, **serializer.validated_data)


class MeasureViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Saving measures; ``confirm`` records the realised saving (planning department)."""

    serializer_class = s.MeasureSerializer
    filterset_fields = ["kind", "status", "department", "owner", "plan"]
    permission_map = {"list": LIST, "create": "costs.add_savingmeasure",
                      "confirm": "costs.confirm_savings"}

    def get_queryset(self):
        return selectors.measures(self.request.user).order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        _visible_plan(self.request, data.get("plan"))
        serializer.instance = services.measure_save(actor=self.request.user,
                                                    request=self.request, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        _visible_plan(self.request, data.get("plan"))
        serializer.instance = services.measure_save(
            actor=self.request.user, measure=serializer.instance, request=self.request,
            **data)

    @extend_schema(request=s.CostConfirmSerializer, responses=s.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm the realised saving; a measure from a suggestion rewards its author."""
        measure = self.get_object()
        body = s.CostConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = services.measure_confirm(measure=measure, actor=request.user,
                                           request=request, **body.validated_data)
        return Response(s.MeasureSerializer(measure).data)


class SuggestionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        viewsets.ReadOnlyModelViewSet):
    """Saving suggestions: anyone on staff submits; the planning department evaluates one
    (``evaluate``) and turns an accepted one into a measure (``measure``)."""

    serializer_class = s.SuggestionSerializer
    filterset_fields = ["state", "submitted_by"]
    permission_map = {"list": LIST, "create": "costs.submit_suggestion",
                      "evaluate": "costs.evaluate_suggestion",
                      "measure": "costs.evaluate_suggestion"}

    def get_queryset(self):
        return selectors.suggestions(self.request.user).order_by("-submitted_at", "-pk")

    def perform_create(self, serializer):
        serializer.instance = services.suggestion_submit(
            actor=self.request.user, request=self.request, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.suggestion_update(
            suggestion=serializer.instance, actor=self.request.user, request=self.request,
            **serializer.validated_data)

    @extend_schema(request=s.EvaluateSerializer, responses=s.SuggestionSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        suggestion = self.get_object()
        body = s.EvaluateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        suggestion = services.suggestion_evaluate(suggestion=suggestion, actor=request.user,
                                                  request=request, **body.validated_data)
        return Response(s.SuggestionSerializer(suggestion).data)

    @extend_schema(request=s.ToMeasureSerializer, responses={201: s.MeasureSerializer})
    @action(detail=True, methods=["post"])
    def measure(self, request, pk=None):
        suggestion = self.get_object()
        body = s.ToMeasureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = services.suggestion_to_measure(suggestion=suggestion, actor=request.user,
                                                 request=request, **body.validated_data)
        return Response(s.MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class RewardViewSet(viewsets.ReadOnlyModelViewSet):
    """Rewards granted for suggestions whose savings were confirmed (the board)."""

    serializer_class = s.RewardSerializer
    filterset_fields = ["kind"]
    permission_map = {"list": LIST}

    def get_queryset(self):
        return selectors.rewards(self.request.user).order_by("-granted_at", "-pk")


class PlanCostsViewSet(viewsets.GenericViewSet):
    """A plan's budget (as in its revision snapshot) and its cost accounting."""

    permission_map = {"retrieve": "costs.view_plan_costs", "variance": "costs.view_plan_costs"}
    lookup_value_regex = r"\d{1,12}"
    serializer_class = s.PlanBudgetSerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        return visible_plans(self.request.user).order_by("pk")

    @extend_schema(responses=s.PlanBudgetSerializer)
    def retrieve(self, request, pk=None):
        plan = self.get_object()
        lines = services.budget_snapshot(plan)
        return Response(s.PlanBudgetSerializer({
            "plan": plan.pk, "currency": currency(), "lines": lines,
            "history": [{k: str(v) for k, v in h.items() if k != "category_label"}
                        for h in selectors.history_before(plan)],
            "total": sum((Decimal(line["amount"]) for line in lines), Decimal(0))}).data)

    @extend_schema(responses={200: s.VarianceSerializer, 400: ErrorSerializer}, parameters=[
        OpenApiParameter("grain", str, enum=["month", "quarter"]),
        OpenApiParameter("by", str, enum=["category", "department"])])
    @action(detail=True, methods=["get"])
    def variance(self, request, pk=None):
        """Budget, committed and actual per category (or department) and period, with the
        variance in amount and % and the threshold status."""
        plan = self.get_object()
        grain = request.query_params.get("grain", "month")
        by = request.query_params.get("by", "category")
        if grain not in ("month", "quarter"):
            raise ValidationError({"grain": [_("Use month or quarter.")]})
        if by not in ("category", "department"):
            raise ValidationError({"by": [_("Use category or department.")]})
        report = selectors.accounting(plan, grain=grain, by=by)
        return Response(s.VarianceSerializer({"currency": currency(), "grain": grain,
                                              "rows": report["rows"],
                                              "total": report["total"]}).data)


class DepartmentCostsViewSet(viewsets.GenericViewSet):
    """A department's cost accounting across plans (budget, committed, actual, variance per
    category and period) and its cost targets."""

    permission_map = {"retrieve": "costs.view_department_costs"}
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,40}"
    serializer_class = s.VarianceSerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        return selectors.departments_for(self.request.user).order_by("code")

    @extend_schema(responses={200: s.VarianceSerializer, 400: ErrorSerializer}, parameters=[
        OpenApiParameter("grain", str, enum=["month", "quarter"])])
    def retrieve(self, request, code=None):
        department = self.get_object()
        grain = request.query_params.get("grain", "month")
        if grain not in ("month", "quarter"):
            raise ValidationError({"grain": [_("Use month or quarter.")]})
        report = selectors.accounting(department=department, grain=grain)
        return Response(s.VarianceSerializer({"currency": currency(), "grain": grain,
                                              "rows": report["rows"],
                                              "total": report["total"]}).data)
