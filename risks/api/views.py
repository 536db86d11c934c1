from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from opsplan.api import ErrorSerializer
from risks import exchange, selectors, services
from risks.api import serializers as s
from risks.filters import RiskFilter
from risks.models import Acceptance, Assessment, ChecklistItem, RiskAction, RiskMatrix


def _heat_body(heat):
    if heat is None:
        return {"matrix": None, "matrix_version": None, "sides": []}
    return {"matrix": heat["matrix"].pk, "matrix_version": heat["matrix"].version,
            "sides": [{"kind": side["kind"], "total": side["total"],
                       "other_versions": side["other_versions"],
                       "cells": [c for row in side["rows"] for c in row["cells"]]}
                      for side in heat["sides"]]}


class RiskViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """The risk register (§4.3): risks you may see, with filters. Assessing, responding,
    accepting and the status changes are actions, each refused with 409 and the reason when
    the risk's state does not allow it."""

    serializer_class = s.RiskSerializer
    filterset_class = RiskFilter
    search_fields = ["title", "description"]
    ordering_fields = ["created_at", "title", "status", "inherent_level", "residual_level",
                       "next_review_on"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "risks.list_risks", "heatmap": "risks.list_risks",
                      "import_rows": "risks.import_risks", "export": "risks.list_risks",
                      "assess": "risks.assess_risk",
                      "respond": "risks.respond_risk", "accept": "risks.accept_risk",
                      "transition": "risks.view_risk", "transitions": "risks.view_risk",
                      "history": "risks.view_risk"}

    def get_queryset(self):
        return selectors.register(self.request.user).prefetch_related("plans", "goals")

    def perform_create(self, serializer):
        serializer.instance = services.risk_create(actor=self.request.user,
                                                   request=self.request,
                                                   **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.risk_update(risk=serializer.instance,
                                                   actor=self.request.user,
                                                   request=self.request,
                                                   **serializer.validated_data)

    def _risk_response(self, risk):
        return Response(s.RiskSerializer(self.get_queryset().get(pk=risk.pk)).data)

    @extend_schema(request=s.AssessRequestSerializer, responses={201: s.AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """Score the risk on the current matrix (inherent, or residual once a response is
        recorded). 400 naming likelihood or impact outside the matrix."""
        risk = self.get_object()
        body = s.AssessRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        assessment = services.risk_assess(risk=risk, actor=request.user, request=request,
                                          **body.validated_data)
        return Response(s.AssessmentSerializer(assessment).data, status=201)

    @extend_schema(request=s.RespondSerializer, responses=s.RiskSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Record the response: avoid, reduce, transfer or accept, its plan, the target
        residual level and the review cadence."""
        risk = self.get_object()
        body = s.RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._risk_response(services.risk_respond(
            risk=risk, actor=request.user, request=request, **body.validated_data))

    @extend_schema(request=s.AcceptRequestSerializer, responses={201: s.AcceptanceSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the risk at its level: at once for low and medium; by a committee decision
        (opened now) for high and critical."""
        risk = self.get_object()
        body = s.AcceptRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        acceptance = services.risk_accept(risk=risk, actor=request.user, request=request,
                                          **body.validated_data)
        return Response(s.AcceptanceSerializer(acceptance).data, status=201)

    @extend_schema(responses=s.TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        """The status changes you may start now, whether each is ready and why not."""
        return Response(services.available_transitions(self.get_object(), request.user))

    @extend_schema(request=s.ReasonSerializer, responses=s.RiskSerializer,
                   parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH,
                                                enum=list(services.TRANSITION_PERMS))])
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transition(self, request, pk=None, name=None):
        """monitor, close (with a reason) or reopen: 409 with the reason when the risk's
        state does not allow it, 403 when you may not."""
        if name not in services.TRANSITION_PERMS:
            raise NotFound()
        risk = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._risk_response(services.risk_transition(
            risk=risk, actor=request.user, request=request, name=name,
            reason=body.validated_data.get("reason", "")))

    @extend_schema(responses=s.HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """Every recorded change to the risk, oldest first."""
        risk = self.get_object()
        page = self.paginate_queryset(selectors.risk_history(risk))
        return self.get_paginated_response(s.HistoryEntrySerializer(page, many=True).data)

    @extend_schema(responses={200: s.HeatmapSerializer, 404: ErrorSerializer}, parameters=[
        OpenApiParameter("matrix", int, description=_("A matrix version's id (default: the "
                                                      "current one)."))])
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def heatmap(self, request):
        """Open risks per cell, inherent and residual, on a matrix version; the counts
        equal the register filtered with cell_kind, likelihood, impact and matrix."""
        matrix = None
        if "matrix" in request.query_params:
            try:
                matrix = RiskMatrix.objects.get(pk=int(request.query_params["matrix"]))
            except (ValueError, OverflowError, RiskMatrix.DoesNotExist) as exc:
                raise NotFound(_("No such matrix version.")) from exc
        return Response(s.HeatmapSerializer(_heat_body(
            selectors.heatmap(request.user, matrix=matrix))).data)

    @extend_schema(responses={(200, exchange.XLSX_MIME): OpenApiTypes.BINARY,
                              (400, "application/json"): ErrorSerializer},
                   filters=True)
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        """The register as an Excel workbook (.xlsx), with the same filters as the list: the
        columns of the import first, so an exported file can be edited and imported."""
        risks = self.filter_queryset(self.get_queryset())
        response = HttpResponse(exchange.export_workbook(risks),
                                content_type=exchange.XLSX_MIME)
        response["Content-Disposition"] = 'attachment; filename="risk-register.xlsx"'
        return response

    @extend_schema(request=s.ImportRequestSerializer, responses={201: s.ImportResultSerializer,
                                                                 200: s.ImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import", filter_backends=[],
            pagination_class=None)
    def import_rows(self, request):
        """Record many risks at once, all or nothing: any row in error stores nothing and
        answers 400 naming row and column. ``dry_run`` only checks and previews."""
        body = s.ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = [{k: v for k, v in row.items()} for row in body.validated_data["rows"]]
        commit = not body.validated_data["dry_run"]
        result = exchange.import_rows(request.user, rows, commit=commit, request=request)
        if result["errors"]:
            raise ValidationError({f"rows[{e['row'] - 2}].{e['column'] or 'row'}": [e["reason"]]
                                   for e in result["errors"]})
        return Response(s.ImportResultSerializer(result).data, status=201 if commit else 200)


class MatrixViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Versions of the likelihood × impact matrix. Creating one makes a new current version
    (3×3 to 6×6, every cell mapped); assessments keep the version they were made with."""

    serializer_class = s.MatrixSerializer
    queryset = RiskMatrix.objects.order_by("-version")
    filterset_fields = ["is_current"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "risks.list_risks", "remap_preview": "risks.configure",
                      "remap": "risks.configure"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["likelihood_labels"] = [dict(i) for i in data["likelihood_labels"]]
        data["impact_labels"] = [dict(i) for i in data["impact_labels"]]
        data["colours"] = dict(data.get("colours") or {})
        serializer.instance = services.matrix_create(actor=self.request.user,
                                                     request=self.request, **data)

    @extend_schema(responses=s.RemapRowSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="remap-preview", pagination_class=None,
            filter_backends=[])
    def remap_preview(self, request, pk=None):
        """What re-mapping onto this version would do; nothing is stored."""
        matrix = self.get_object()
        rows = services.remap_preview(matrix=matrix)
        return Response(s.RemapRowSerializer([
            {**row, "risk": row["risk"].pk, "assessment": row["assessment"].pk}
            for row in rows], many=True).data)

    @extend_schema(request=None, responses=s.RemapResultSerializer)
    @action(detail=True, methods=["post"])
    def remap(self, request, pk=None):
        """Re-score the open risks' latest assessments onto this (current) version as the
        preview shows (409 for an earlier version)."""
        matrix = self.get_object()
        count = services.matrix_remap(matrix=matrix, actor=request.user, request=request)
        return Response({"remapped": count})


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Every assessment of the risks you may see (the history; never changed)."""

    serializer_class = s.AssessmentSerializer
    filterset_fields = ["risk", "kind", "matrix", "level"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "risks.list_risks"}

    def get_queryset(self):
        return Assessment.objects.filter(
            risk__in=selectors.visible_risks(self.request.user)).select_related(
            "matrix", "risk").order_by("-assessed_at", "-pk")


class AcceptanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Acceptances of the risks you may see, with the committee decision when one was
    needed."""

    serializer_class = s.AcceptanceSerializer
    filterset_fields = ["risk", "state", "level"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "risks.list_risks"}

    def get_queryset(self):
        return Acceptance.objects.filter(
            risk__in=selectors.visible_risks(self.request.user)).select_related(
            "decision", "risk").order_by("-requested_at", "-pk")


class RiskActionViewSet(viewsets.ModelViewSet):
    """Actions of the risks' responses: owner, due date, cost, status. An action can become
    an action item of a plan being drafted."""

    serializer_class = s.RiskActionSerializer
    filterset_fields = ["risk", "status", "owner"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "risks.list_risks", "create": "risks.list_risks",
                      "to_plan": "risks.change_riskaction",
                      "to_cost_line": "risks.view_riskaction"}

    def get_queryset(self):
        return RiskAction.objects.filter(
            risk__in=selectors.visible_risks(self.request.user)).select_related(
            "risk").order_by("due_on", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        risk = data.pop("risk")
        if not self.request.user.has_perm("risks.view_risk", risk):
            raise ValidationError({"risk": [_("No such risk.")]})
        serializer.instance = services.action_save(risk=risk, action=RiskAction(),
                                                   actor=self.request.user,
                                                   request=self.request, **data)

    def perform_update(self, serializer):
        serializer.instance = services.action_save(
            risk=serializer.instance.risk, action=serializer.instance, actor=self.request.user,
            request=self.request, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.action_delete(action=instance, actor=self.request.user, request=self.request)

    @extend_schema(request=s.ToPlanSerializer, responses={201: s.RiskActionSerializer})
    @action(detail=True, methods=["post"], url_path="to-plan")
    def to_plan(self, request, pk=None):
        """Make this action an action item of a plan you steer (409 when the plan's content
        is frozen or the action is already one)."""
        item = self.get_object()
        body = s.ToPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = body.validated_data["plan"]
        if not request.user.has_perm("plans.view_plan", plan):
            raise ValidationError({"plan": [_("No such plan.")]})
        services.action_to_plan_item(action=item, plan=plan, actor=request.user,
                                     department=body.validated_data["department"],
                                     request=request)
        item.refresh_from_db()
        return Response(s.RiskActionSerializer(item).data, status=201)


    @extend_schema(request=s.ToCostLineSerializer, responses={201: s.RiskActionSerializer})
    @action(detail=True, methods=["post"], url_path="to-cost-line")
    def to_cost_line(self, request, pk=None):
        """Make this action a line of the cost budget of a plan the risk is linked to (its
        cost, spread evenly). The budget's rule applies: 403 unless you may edit the plan's
        budget, 409 when the plan's content is frozen or the action is already a cost
        line."""
        item = self.get_object()
        body = s.ToCostLineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if not request.user.has_perm("plans.view_plan", data["plan"]):
            raise ValidationError({"plan": [_("No such plan.")]})
        services.action_to_cost_line(action=item, actor=request.user, request=request, **data)
        item.refresh_from_db()
        return Response(s.RiskActionSerializer(item).data, status=201)


class ChecklistViewSet(viewsets.ModelViewSet):
    """The risk checklist: questions per category that help identify risks."""

    serializer_class = s.ChecklistItemSerializer
    queryset = ChecklistItem.objects.order_by("category", "order", "pk")
    filterset_fields = ["category", "is_active"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "risks.list_risks", "spawn": "risks.add_risk"}

    def perform_create(self, serializer):
        serializer.instance = services.checklist_save(
            item=ChecklistItem(), actor=self.request.user, request=self.request,
            **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.checklist_save(
            item=serializer.instance, actor=self.request.user, request=self.request,
            **serializer.validated_data)

    def perform_destroy(self, instance):
        services.checklist_delete(item=instance, actor=self.request.user, request=self.request)

    @extend_schema(request=s.SpawnSerializer, responses={201: s.RiskSerializer})
    @action(detail=True, methods=["post"])
    def spawn(self, request, pk=None):
        """Record a risk identified by this checklist question (its category)."""
        item = self.get_object()
        body = s.SpawnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        risk = services.checklist_spawn(item=item, actor=request.user, request=request,
                                        **body.validated_data)
        return Response(s.RiskSerializer(risk).data, status=201)
