from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from meetings import selectors, services
from meetings.api import serializers as s
from meetings.choices import MeetingKind, MeetingState
from meetings.models import AgendaItem, FollowUp, Participant
from opsplan.api import BoundedIsoDateTimeFilter


class MeetingFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=MeetingKind.choices)
    state = filters.ChoiceFilter(choices=MeetingState.choices)
    starts_after = BoundedIsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = BoundedIsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings you may see (planning staff, the committee and auditors see all; others the
    meetings they are invited to). Creating one calls an ad-hoc meeting."""

    filterset_class = MeetingFilter
    search_fields = ["title", "subject"]
    ordering_fields = ["starts_at", "title", "state"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "meetings.list_meetings", "create": "meetings.call_meeting",
                      "transitions": "meetings.view_meeting",
                      "transition": "meetings.view_meeting",
                      "reschedule": "meetings.change_meeting",
                      "attendance": "meetings.change_meeting",
                      "minutes": "meetings.change_meeting",
                      "decide": "meetings.change_meeting",
                      "follow_up": "meetings.change_meeting"}

    def get_queryset(self):
        if self.action == "list":
            return selectors.meeting_list(self.request.user)
        return selectors.visible_meetings(self.request.user).select_related(
            "chair").prefetch_related("participants__user", "agenda", "follow_ups",
                                      "decisions__decided_by").order_by("-starts_at", "-pk")

    def get_serializer_class(self):
        if self.action == "list":
            return s.MeetingListSerializer
        if self.action == "create":
            return s.AdhocMeetingSerializer
        return s.MeetingSerializer

    def _detail(self, meeting):
        return Response(s.MeetingSerializer(selectors.meeting_detail(self.request.user,
                                                                     meeting.pk)).data)

    @extend_schema(request=s.AdhocMeetingSerializer, responses={201: s.MeetingSerializer})
    def create(self, request, *args, **kwargs):
        body = s.AdhocMeetingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = services.call_adhoc(actor=request.user, request=request,
                                      **body.validated_data)
        return Response(s.MeetingSerializer(selectors.meeting_detail(request.user,
                                                                     meeting.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.MeetingTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        """The transitions you may start now."""
        return Response(services.available_transitions(self.get_object(), request.user))

    @extend_schema(request=s.MeetingTransitionRequestSerializer, responses=s.MeetingSerializer,
                   parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH,
                                                enum=list(services.TRANSITION_LABELS))])
    @action(detail=True, methods=["post"], url_path=r"transitions/(?P<name>[a-z_]+)")
    def transition(self, request, pk=None, name=None):
        """Start, finish, approve the minutes, archive or cancel (with a reason): 409 when
        the meeting's state does not allow it, 403 when you may not."""
        if name not in services.TRANSITION_LABELS:
            raise NotFound()
        meeting = self.get_object()
        body = s.MeetingTransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        extra = {"reason": body.validated_data.get("reason", "")} if name == "cancel" else {}
        meeting = services.perform(name, meeting=meeting, actor=request.user, request=request,
                                   **extra)
        return self._detail(meeting)

    @extend_schema(request=s.MeetingRescheduleSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move a scheduled meeting; invitees get an updated invitation."""
        meeting = self.get_object()
        body = s.MeetingRescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = services.reschedule(meeting=meeting, actor=request.user, request=request,
                                      **body.validated_data)
        return self._detail(meeting)

    @extend_schema(request=s.MeetingAttendanceSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record a participant's attendance (during the meeting or while its minutes are in
        draft)."""
        meeting = self.get_object()
        body = s.MeetingAttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        participant = Participant.objects.filter(
            pk=body.validated_data["participant"], meeting=meeting).first()
        if participant is None:
            raise ValidationError({"participant": ["Not a participant of this meeting."]})
        services.set_attendance(meeting=meeting, actor=request.user, participant=participant,
                                attendance=body.validated_data["attendance"],
                                delegate=body.validated_data.get("delegate"), request=request)
        return self._detail(meeting)

    def _item(self, meeting, pk, field="item"):
        if pk is None:
            return None
        item = AgendaItem.objects.filter(pk=pk, meeting=meeting).first()
        if item is None:
            raise ValidationError({field: ["Not an item of this meeting's agenda."]})
        return item

    @extend_schema(request=s.MeetingMinutesSerializer, responses=s.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        """Write the minutes of one agenda item."""
        meeting = self.get_object()
        body = s.MeetingMinutesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = self._item(meeting, body.validated_data["item"])
        services.save_minutes(item=item, actor=request.user,
                              minutes=body.validated_data["minutes"], request=request)
        return self._detail(meeting)

    @extend_schema(request=s.MeetingDecisionRequestSerializer,
                   responses={201: s.MeetingDecisionSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record a decision with who decided; ``needs_committee`` puts it to the committee's
        vote."""
        meeting = self.get_object()
        body = s.MeetingDecisionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["agenda_item"] = self._item(meeting, data.get("agenda_item"), "agenda_item")
        decision = services.record_decision(meeting=meeting, actor=request.user,
                                            request=request, **data)
        return Response(s.MeetingDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MeetingFollowUpRequestSerializer,
                   responses={201: s.FollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_up(self, request, pk=None):
        """Agree a follow-up action (owner, due date); open ones reappear on the next
        meeting's agenda."""
        meeting = self.get_object()
        body = s.MeetingFollowUpRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["agenda_item"] = self._item(meeting, data.get("agenda_item"), "agenda_item")
        follow_up = services.add_follow_up(meeting=meeting, actor=request.user,
                                           request=request, **data)
        return Response(s.FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class FollowUpViewSet(viewsets.ReadOnlyModelViewSet):
    """Follow-up actions of the meetings you may see; ``done`` closes one."""

    serializer_class = s.FollowUpSerializer
    filterset_fields = ["state", "owner", "meeting"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "meetings.list_meetings", "retrieve": "meetings.list_meetings",
                      "done": "meetings.change_followup", "to_plan": "meetings.change_followup"}

    def get_queryset(self):
        return (FollowUp.objects.filter(meeting__in=selectors.visible_meetings(
            self.request.user)).select_related("owner").order_by("state", "due_date", "pk"))

    @extend_schema(request=s.CloseFollowUpSerializer, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Mark the follow-up done, with its outcome: 409 when it already is."""
        follow_up = self.get_object()
        body = s.CloseFollowUpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        follow_up = services.close_follow_up(follow_up=follow_up, actor=request.user,
                                             request=request, **body.validated_data)
        return Response(s.FollowUpSerializer(follow_up).data)

    @extend_schema(request=s.FollowUpToPlanSerializer, responses=s.FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="to-plan")
    def to_plan(self, request, pk=None):
        """Make the follow-up an action item of a plan you may edit (needs analysis, drafting
        or an adjustment: 409 otherwise); it is then tracked on the plan."""
        from committee.models import Department
        from plans.selectors import visible_plans

        follow_up = self.get_object()
        body = s.FollowUpToPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = visible_plans(request.user).filter(pk=body.validated_data["plan"]).first()
        department = Department.objects.filter(pk=body.validated_data["department"],
                                               is_active=True).first()
        errors = {}
        if plan is None:
            errors["plan"] = [_("No such plan.")]
        if department is None:
            errors["department"] = [_("No such department.")]
        if errors:
            raise ValidationError(errors)
        follow_up = services.follow_up_to_plan_action(follow_up=follow_up, actor=request.user,
                                                      plan=plan, department=department,
                                                      request=request)
        return Response(s.FollowUpSerializer(follow_up).data)





class IssueViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cross-department coordination issues: raised by a unit, owned, resolved."""

    serializer_class = s.CoordinationIssueSerializer
    filterset_fields = ["state", "owner", "raised_by_department"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "meetings.list_meetings", "create": "meetings.add_coordinationissue",
                      "resolve": "meetings.change_coordinationissue"}

    def get_queryset(self):
        from meetings.models import CoordinationIssue

        return CoordinationIssue.objects.select_related("raised_by_department", "owner").order_by(
            "state", "-created_at", "-pk")

    def perform_create(self, serializer):
        serializer.instance = services.issue_raise(actor=self.request.user,
                                                   request=self.request,
                                                   **serializer.validated_data)

    @extend_schema(request=s.IssueResolveSerializer, responses=s.CoordinationIssueSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolve the issue with how: 409 when it already is."""
        issue = self.get_object()
        body = s.IssueResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        issue = services.issue_resolve(issue=issue, actor=request.user, request=request,
                                       **body.validated_data)
        return Response(s.CoordinationIssueSerializer(issue).data)


class StakeholderViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    """The external communication plan: stakeholders, how and how often; ``contacts`` logs one."""

    serializer_class = s.StakeholderSerializer
    filterset_fields = ["kind", "owner", "is_active"]
    lookup_value_regex = r"\d+"
    permission_map = {"list": "meetings.list_meetings", "contacts": "meetings.view_stakeholder",
                      "log_contact": "meetings.change_stakeholder"}

    def get_queryset(self):
        from meetings.models import Stakeholder

        return Stakeholder.objects.select_related("owner").order_by("kind", "name", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.stakeholder_save(actor=self.request.user,
                                                        request=self.request,
                                                        **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.stakeholder_save(
            actor=self.request.user, stakeholder=serializer.instance, request=self.request,
            **serializer.validated_data)

    @extend_schema(responses=s.StakeholderContactSerializer(many=True))
    @action(detail=True, methods=["get"])
    def contacts(self, request, pk=None):
        """The contacts logged with this stakeholder, newest first."""
        stakeholder = self.get_object()
        page = self.paginate_queryset(stakeholder.contacts.order_by("-on", "-pk"))
        return self.get_paginated_response(s.StakeholderContactSerializer(page, many=True).data)

    @extend_schema(request=s.StakeholderContactSerializer,
                   responses={201: s.StakeholderContactSerializer})
    @contacts.mapping.post
    def log_contact(self, request, pk=None):
        """Log a contact (date, channel, summary)."""
        stakeholder = self.get_object()
        body = s.StakeholderContactSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contact = services.contact_log(stakeholder=stakeholder, actor=request.user,
                                       request=request, **body.validated_data)
        return Response(s.StakeholderContactSerializer(contact).data,
                        status=status.HTTP_201_CREATED)
