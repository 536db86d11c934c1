from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from plans import selectors, services
from plans.api import serializers as s
from plans.choices import PlanState
from plans.models import (
    Acknowledgement,
    ActionItem,
    Adjustment,
    Competitor,
    Goal,
    MonitoringNote,
    Plan,
    Resource,
    Review,
    Strategy,
)

TRANSITION_SERVICES = {
    "start_drafting": services.plan_start_drafting,
    "submit_for_review": services.plan_submit_for_review,
    "submit_to_committee": services.plan_submit_to_committee,
    "start_monitoring": services.plan_start_monitoring,
    "force_monitoring": services.plan_force_monitoring,
    "complete": services.plan_complete,
    "cancel": services.plan_cancel,
}


class PlanFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=PlanState.choices)

    class Meta:
        model = Plan
        fields = ["state", "level", "period_kind", "department", "author", "parent"]


class PlanViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """Plans this user may see. Content changes only in needs analysis and drafting (409 after);
    state changes only through the transitions."""

    serializer_class = s.PlanSerializer
    filterset_class = PlanFilter
    search_fields = ["title", "summary"]
    ordering_fields = ["period_start", "title", "state", "updated_at"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "plans.list_plans", "transitions": "plans.view_plan",
                      "transition": "plans.view_plan", "history": "plans.view_plan",
                      "revisions": "plans.view_plan", "diff": "plans.view_plan",
                      "monitoring": "plans.view_plan", "publish": "plans.publish_plan",
                      "derive": "plans.view_plan"}

    def get_queryset(self):
        return selectors.visible_plans(self.request.user).select_related(
            "department", "author").order_by("-period_start", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.plan_create(actor=self.request.user,
                                                   request=self.request,
                                                   **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.plan_update(plan=serializer.instance,
                                                   actor=self.request.user,
                                                   request=self.request,
                                                   **serializer.validated_data)

    @extend_schema(responses=s.TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        """The transitions you may start now, whether each is ready and what is missing."""
        plan = self.get_object()
        return Response(services.available_transitions(plan, request.user))

    @extend_schema(request=s.TransitionRequestSerializer, responses=s.PlanSerializer,
                   parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH,
                                                enum=list(TRANSITION_SERVICES))])
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transition(self, request, pk=None, name=None):
        """Run a transition: 409 when the plan's state does not allow it, 403 when you may
        not, 400 naming what is missing when its guard fails."""
        service = TRANSITION_SERVICES.get(name)
        if service is None:
            raise NotFound()
        plan = self.get_object()
        body = s.TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        kwargs = {"plan": plan, "actor": request.user, "request": request}
        if name in ("cancel", "force_monitoring"):
            kwargs["reason"] = data.get("reason") or data.get("note", "")
        else:
            kwargs["note"] = data.get("note", "")
        if name == "complete":
            kwargs["lessons"] = data.get("lessons", "")
            kwargs["assessments"] = data.get("assessments", {})
        if name == "submit_for_review":
            kwargs["reviewing_departments"] = data.get("reviewing_departments", [])
        plan = service(**kwargs)
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(responses=s.HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """Every change to the plan, its content, reviews and state, and every vote and
        decision of the committee on it, oldest first."""
        plan = self.get_object()
        events = selectors.plan_history(plan, request.user)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(s.HistoryEntrySerializer(page, many=True).data)


    @extend_schema(responses=s.RevisionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def revisions(self, request, pk=None):
        """Every revision of the plan as submitted (frozen snapshots), newest first."""
        plan = self.get_object()
        items = plan.revisions.order_by("-number")
        return Response(s.RevisionSerializer(items, many=True).data)

    @extend_schema(responses=s.DiffSerializer, parameters=[
        OpenApiParameter("from", int, description=_("The older revision (default: the "
                                                    "approved one, else the previous).")),
        OpenApiParameter("to", int, description=_("The newer revision (default: the "
                                                  "latest)."))])
    @action(detail=True, methods=["get"], filter_backends=[])
    def diff(self, request, pk=None):
        """What changed between two revisions: per section, fields changed and rows added,
        removed or changed, with labels. 404 for a revision that does not exist."""
        from plans.revisions import diff

        plan = self.get_object()
        snaps = dict(plan.revisions.values_list("number", "snapshot"))
        numbers = sorted(snaps, reverse=True)
        if not numbers:
            raise NotFound(_("This plan has no revisions yet."))

        def number(name, default):
            raw = request.query_params.get(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value not in snaps:
                raise NotFound(_("No such revision."))
            return value

        b = number("to", numbers[0])
        default_a = plan.approved_revision if plan.approved_revision in snaps and \
            plan.approved_revision != b else next((n for n in numbers if n < b), b)
        a = number("from", default_a)
        return Response(s.DiffSerializer({"a": a, "b": b,
                                          "sections": diff(snaps[a], snaps[b])}).data)

    @extend_schema(responses=s.MonitoringSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def monitoring(self, request, pk=None):
        """Goals against the KPI rollups (actual, traffic light, trend), the action burn-up,
        overall progress and the overdue action items."""
        from plans import monitoring

        plan = self.get_object()
        actions = list(plan.actions.all())
        return Response(s.MonitoringSerializer({
            "progress": monitoring.progress(actions),
            "goals": monitoring.goal_statuses(plan),
            "burnup": monitoring.burnup(plan),
            "overdue": [a.pk for a in monitoring.overdue(actions)],
        }).data)

    @extend_schema(request=s.NoteSerializer, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the approved revision: each responsible department is asked to
        acknowledge (409 outside execution or when already published)."""
        plan = get_object_or_404(self.get_queryset(), pk=pk)
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_publish(plan=plan, actor=request.user, request=request,
                                     **body.validated_data)
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(request=s.DeriveSerializer, responses={201: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def derive(self, request, pk=None):
        """Derive a business unit's plan or a shorter-period plan from this approved plan,
        pre-filled with its goals and actions."""
        parent = self.get_object()
        body = s.DeriveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        child = services.plan_derive(parent=parent, actor=request.user, request=request,
                                     **body.validated_data)
        return Response(s.PlanSerializer(child).data, status=201)


class PartMixin:
    """Pieces of plans you may see; they change while the plan is in needs analysis or
    drafting (409 after)."""

    model = None
    filterset_fields = ["plan"]
    permission_map = {"list": "plans.list_plans"}

    def get_queryset(self):
        return self.model.objects.filter(
            plan__in=selectors.visible_plans(self.request.user)
        ).select_related("plan").order_by("plan", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        if not self.request.user.has_perm("plans.view_plan", plan):
            raise ValidationError({"plan": [_("No such plan.")]})
        serializer.instance = services.part_save(plan=plan, part=self.model(),
                                                 actor=self.request.user,
                                                 request=self.request, **data)

    def perform_update(self, serializer):
        serializer.instance = services.part_save(
            plan=serializer.instance.plan, part=serializer.instance, actor=self.request.user,
            request=self.request, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.part_delete(part=instance, actor=self.request.user, request=self.request)


class PartViewSet(PartMixin, viewsets.ModelViewSet):
    pass


def _part_viewset(model_cls, serializer_cls, doc, base=PartViewSet):
    return type(f"{model_cls.__name__}ViewSet", (base,), {
        "model": model_cls, "serializer_class": serializer_cls, "__doc__": doc,
    })


CompetitorViewSet = _part_viewset(Competitor, s.CompetitorSerializer,
                                  "Competitor entries of plans' needs analysis.")
ResourceViewSet = _part_viewset(Resource, s.ResourceSerializer,
                                "Internal analysis: resources with strengths and gaps.")
GoalViewSet = _part_viewset(Goal, s.GoalSerializer, "SMART goals of plans.")
class ActionItemViewSet(PartViewSet):
    """Action items of plans."""

    model = ActionItem
    serializer_class = s.ActionItemSerializer
    permission_map = {"list": "plans.list_plans", "progress": "plans.view_actionitem"}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals")

    @extend_schema(request=s.ActionProgressSerializer, responses=s.ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Status, percent complete and (when done) the quality of the action, while its
        plan runs (409 before)."""
        item = self.get_object()
        body = s.ActionProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.action_progress_update(action=item, actor=request.user,
                                               request=request, **body.validated_data)
        return Response(s.ActionItemSerializer(item).data)


class StrategyViewSet(PartMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The four strategies (product, price, channel, promotion) every plan has."""

    model = Strategy
    serializer_class = s.StrategySerializer


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Internal reviews of plans you may see."""

    serializer_class = s.ReviewSerializer
    filterset_fields = ["plan", "department", "state", "revision"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "plans.list_plans", "submit": "plans.view_review"}

    def get_queryset(self):
        return Review.objects.filter(
            plan__in=selectors.visible_plans(self.request.user)
        ).select_related("plan", "department").order_by("-pk")

    @extend_schema(request=s.ReviewSubmitSerializer, responses=s.ReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Sign your department's review: scores, comments and a verdict."""
        review = get_object_or_404(self.get_queryset(), pk=pk)
        body = s.ReviewSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = services.review_submit(review=review, actor=request.user, request=request,
                                        **body.validated_data)
        return Response(s.ReviewSerializer(review).data)


# --- Plans II ---------------------------------------------------------------------------------

def _visible_plan(user, plan):
    if not user.has_perm("plans.view_plan", plan):
        raise ValidationError({"plan": [_("No such plan.")]})
    return plan


class AcknowledgementViewSet(viewsets.ReadOnlyModelViewSet):
    """Acknowledgements awaited from and given by the departments responsible for a published
    plan's action items."""

    serializer_class = s.AcknowledgementSerializer
    filterset_fields = ["plan", "department", "state", "revision"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "plans.list_plans", "acknowledge": "plans.view_acknowledgement"}

    def get_queryset(self):
        return Acknowledgement.objects.filter(
            plan__in=selectors.visible_plans(self.request.user)
        ).select_related("plan", "department").order_by("-pk")

    @extend_schema(request=s.NoteSerializer, responses=s.AcknowledgementSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Acknowledge your department's action items (the last one starts monitoring)."""
        ack = get_object_or_404(self.get_queryset(), pk=pk)
        body = s.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ack = services.acknowledgement_confirm(acknowledgement=ack, actor=request.user,
                                               request=request, **body.validated_data)
        return Response(s.AcknowledgementSerializer(ack).data)


class WeeklyReportViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    """Weekly progress reports: one per business unit, plan and ISO week (a second is a 409);
    editable by the unit until the week is locked."""

    serializer_class = s.WeeklyReportSerializer
    filterset_fields = ["plan", "department", "iso_year", "iso_week", "late"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "plans.list_plans", "create": "plans.list_plans"}

    def get_queryset(self):
        return selectors.visible_reports(self.request.user).select_related(
            "plan", "department").prefetch_related("lines").order_by("-iso_year", "-iso_week",
                                                                     "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = _visible_plan(self.request.user, data.pop("plan"))
        serializer.instance = services.report_create(
            plan=plan, actor=self.request.user, request=self.request,
            lines=data.pop("lines", []), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.report_update(
            report=serializer.instance, actor=self.request.user, request=self.request,
            lines=data.pop("lines", []), **data)


class DeviationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       viewsets.ReadOnlyModelViewSet):
    """Deviations of running plans: opened by a red KPI signal, an overdue critical action or
    a user's report; analysed with gap, cause, evidence, owner and due date."""

    serializer_class = s.DeviationSerializer
    filterset_fields = ["plan", "state", "source", "cause_category"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "plans.list_plans", "create": "plans.list_plans"}

    def get_queryset(self):
        return selectors.visible_deviations(self.request.user).select_related(
            "plan").prefetch_related("goals").order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = _visible_plan(self.request.user, data.pop("plan"))
        data.pop("close", None)
        serializer.instance = services.deviation_report(plan=plan, actor=self.request.user,
                                                        request=self.request, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.deviation_update(
            deviation=serializer.instance, actor=self.request.user, request=self.request,
            **data)


class AdjustmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Adjustments of plans (§3.5). Creating one starts it: the plan moves from monitoring to
    adjustment and its approved revision becomes a new draft (409 in another state)."""

    serializer_class = s.AdjustmentSerializer
    filterset_fields = ["plan", "state", "kind"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "plans.list_plans", "create": "plans.list_plans"}

    def get_queryset(self):
        return Adjustment.objects.filter(
            plan__in=selectors.visible_plans(self.request.user)
        ).select_related("plan").prefetch_related("deviations").order_by("-created_at", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = _visible_plan(self.request.user, data.pop("plan"))
        plan = services.plan_start_adjustment(plan=plan, actor=self.request.user,
                                              request=self.request, **data)
        serializer.instance = plan.adjustments.get(state="open")


class MonitoringNoteViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """What monitoring of running plans rests on: data analysis, on-site checks and customer
    feedback (§3.4)."""

    serializer_class = s.MonitoringNoteSerializer
    filterset_fields = ["plan", "source"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "plans.list_plans", "create": "plans.list_plans"}

    def get_queryset(self):
        return MonitoringNote.objects.filter(
            plan__in=selectors.visible_plans(self.request.user)
        ).select_related("plan").order_by("-observed_on", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        plan = _visible_plan(self.request.user, data.pop("plan"))
        serializer.instance = services.monitoring_note_add(plan=plan, actor=self.request.user,
                                                           request=self.request, **data)
