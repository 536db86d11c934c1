from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from committee import selectors, services
from committee.api import serializers as s
from committee.api.filters import DecisionFilter
from committee.models import Committee, CommitteeSeat, Department, Membership


class OwnSettingsView(APIView):
    """Your own display name, language and time zone (as on the settings page)."""

    permission_map = {"GET": "committee.change_own_settings",
                      "PATCH": "committee.change_own_settings"}

    @extend_schema(responses=s.OwnSettingsSerializer)
    def get(self, request, format=None):
        return Response(s.OwnSettingsSerializer(request.user).data)

    @extend_schema(request=s.OwnSettingsSerializer, responses=s.OwnSettingsSerializer)
    def patch(self, request, format=None):
        body = s.OwnSettingsSerializer(request.user, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        person = services.own_settings_update(person=request.user, request=request,
                                              **body.validated_data)
        return Response(s.OwnSettingsSerializer(person).data)


class DepartmentViewSet(viewsets.ModelViewSet):
    """Departments (§2): the planning department, business units and other functions."""

    serializer_class = s.DepartmentSerializer
    queryset = Department.objects.order_by("pk")
    filterset_fields = ["kind", "is_active"]
    search_fields = ["code", "name"]
    ordering_fields = ["name", "code", "kind"]

    def perform_create(self, serializer):
        serializer.instance = services.department_create(
            actor=self.request.user, request=self.request, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.department_update(
            department=serializer.instance, actor=self.request.user, request=self.request,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        services.department_update(department=instance, actor=self.request.user,
                                   request=self.request, is_active=False)

    @extend_schema(description="Deactivates the department; its history stays.")
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)


class PersonFilter(filters.FilterSet):
    department = filters.ModelChoiceFilter(
        queryset=Department.objects.all(), field_name="memberships__department",
        distinct=True,
    )

    class Meta:
        model = get_user_model()
        fields = ["department", "is_active"]


class PersonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                    viewsets.ReadOnlyModelViewSet):
    """People and their current positions."""

    serializer_class = s.PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    ordering_fields = ["username", "display_name"]

    def get_queryset(self):
        return get_user_model().objects.order_by("pk").prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.current()
                     .select_related("department"), to_attr="current_memberships")
        )

    def perform_create(self, serializer):
        serializer.instance = services.person_create(
            actor=self.request.user, request=self.request, **serializer.validated_data
        )
        serializer.instance.current_memberships = []

    def perform_update(self, serializer):
        person = services.person_update(
            person=serializer.instance, actor=self.request.user, request=self.request,
            **serializer.validated_data,
        )
        serializer.instance = self.get_queryset().get(pk=person.pk)


class _Endable:
    end_service = None
    end_kwarg = ""

    @extend_schema(request=s.EndSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        obj = self.get_object()
        body = s.EndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ended = type(self).end_service(
            **{self.end_kwarg: obj}, actor=request.user, request=request,
            ended_on=body.validated_data.get("ended_on"),
        )
        return Response(self.get_serializer(ended).data, status=status.HTTP_200_OK)


class MembershipViewSet(_Endable, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Positions people hold in departments. Ended, never deleted."""

    serializer_class = s.MembershipSerializer
    queryset = Membership.objects.select_related("user", "department").order_by("pk")
    filterset_fields = ["department", "user", "position"]
    permission_map = {"end": "committee.change_membership"}
    end_service = staticmethod(services.membership_end)
    end_kwarg = "membership"

    def perform_create(self, serializer):
        serializer.instance = services.membership_start(
            actor=self.request.user, request=self.request, **serializer.validated_data
        )


class SeatViewSet(_Endable, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Committee seats: the chair and the members. Ended, never deleted."""

    serializer_class = s.SeatSerializer
    queryset = CommitteeSeat.objects.select_related("user", "committee").order_by("pk")
    filterset_fields = ["committee", "user", "role"]
    permission_map = {"end": "committee.change_committeeseat"}
    end_service = staticmethod(services.seat_end)
    end_kwarg = "seat"

    def perform_create(self, serializer):
        serializer.instance = services.seat_appoint(
            actor=self.request.user, request=self.request, **serializer.validated_data
        )


class CommitteeViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The Operations Planning Committee with its current seats."""

    serializer_class = s.CommitteeSerializer

    def get_queryset(self):
        return Committee.objects.order_by("pk").prefetch_related(
            Prefetch("seats", queryset=CommitteeSeat.objects.current().select_related("user"),
                     to_attr="current_seats")
        )

    def perform_update(self, serializer):
        committee = services.committee_update(
            committee=serializer.instance, actor=self.request.user, request=self.request,
            **serializer.validated_data,
        )
        serializer.instance = self.get_queryset().get(pk=committee.pk)




class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Committee decisions with their votes and tally. Members vote; the chair closes."""

    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter
    permission_map = {"vote": "committee.view_decision", "close": "committee.view_decision"}

    def get_queryset(self):
        return selectors.decisions_for(self.request.user)

    def get_serializer_context(self):
        # every committee's current seats in one query, for the tallies of a whole page
        return {**super().get_serializer_context(),
                "seated_by_committee": selectors.seated_by_committee()}

    @extend_schema(request=s.VoteRequestSerializer, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        """Cast or change your vote while the decision is open (409 once closed)."""
        decision = self.get_object()
        body = s.VoteRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decision_vote(decision=decision, voter=request.user, request=request,
                               **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=decision.pk)).data)

    @extend_schema(request=s.CloseRequestSerializer, responses=s.DecisionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The chair closes the vote (a quorum must be present; casting vote on a tie)."""
        decision = self.get_object()
        body = s.CloseRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.decision_close(decision=decision, actor=request.user, request=request,
                                **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=decision.pk)).data)
