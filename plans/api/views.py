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
from plans.models import ActionItem, Competitor, Goal, Plan, Resource, Review, Strategy

TRANSITION_SERVICES = {
    "start_drafting": services.plan_start_drafting,
    "submit_for_review": services.plan_submit_for_review,
    "submit_to_committee": services.plan_submit_to_committee,
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
                      "transition": "plans.view_plan", "history": "plans.view_plan"}

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
        if name == "cancel":
            kwargs["reason"] = data.get("reason") or data.get("note", "")
        else:
            kwargs["note"] = data.get("note", "")
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

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals")


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
