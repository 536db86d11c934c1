from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from meetings.choices import Attendance, Urgency
from meetings.models import AgendaItem, FollowUp, Meeting, MeetingDecision, Participant

User = get_user_model()
ACTIVE_PEOPLE = User.objects.filter(is_active=True)


class MeetingParticipantSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "user", "user_name", "attendance", "delegate"]
        read_only_fields = fields


class MeetingAgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "order", "section", "title", "detail", "url", "source", "minutes"]
        read_only_fields = ["id", "order", "section", "title", "detail", "url", "source"]


class MeetingDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingDecision
        fields = ["id", "agenda_item", "text", "decided_by", "committee_decision",
                  "recorded_by", "recorded_at"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "meeting", "agenda_item", "title", "owner", "due_date", "state",
                  "done_at", "done_note", "plan_action"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    participants = MeetingParticipantSerializer(many=True, read_only=True)
    agenda = MeetingAgendaItemSerializer(many=True, read_only=True)
    decisions = MeetingDecisionSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "slot", "title", "subject", "urgency", "starts_at", "ends_at",
                  "location", "chair", "called_by", "state", "sequence", "cancel_reason",
                  "minutes_approved_at", "participants", "agenda", "decisions", "follow_ups"]
        read_only_fields = fields


class MeetingListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "kind", "slot", "title", "urgency", "starts_at", "ends_at", "location",
                  "chair", "state"]
        read_only_fields = fields


class AdhocMeetingSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    subject = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.URGENT)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                     default="")
    invitees = serializers.PrimaryKeyRelatedField(many=True, queryset=ACTIVE_PEOPLE,
                                                  allow_empty=False)

    def validate(self, data):
        from meetings.services import _check_times

        try:
            _check_times(data["starts_at"], data["ends_at"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return data


class MeetingRescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MeetingTransitionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                   help_text=_("Required to cancel."))


class MeetingTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()


class MeetingAttendanceSerializer(serializers.Serializer):
    participant = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    attendance = serializers.ChoiceField(choices=[c for c in Attendance.choices
                                                  if c[0] != Attendance.INVITED])
    delegate = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE, required=False,
                                                  allow_null=True)


class MeetingMinutesSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    minutes = serializers.CharField(max_length=20_000, allow_blank=True)


class MeetingDecisionRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    agenda_item = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                           allow_null=True)
    decided_by = serializers.PrimaryKeyRelatedField(many=True, queryset=ACTIVE_PEOPLE,
                                                    allow_empty=False)
    needs_committee = serializers.BooleanField(default=False)


class MeetingFollowUpRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    owner = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE)
    due_date = serializers.DateField()
    agenda_item = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                           allow_null=True)


class CloseFollowUpSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CoordinationIssueSerializer(serializers.ModelSerializer):
    class Meta:
        from meetings.models import CoordinationIssue

        model = CoordinationIssue
        fields = ["id", "title", "description", "raised_by_department", "owner", "due_date",
                  "state", "resolution", "resolved_at", "raised_by", "created_at"]
        read_only_fields = ["id", "state", "resolution", "resolved_at", "raised_by",
                            "created_at"]


class IssueResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=10_000)


class StakeholderSerializer(serializers.ModelSerializer):
    next_due = serializers.DateField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        from meetings.models import Stakeholder

        model = Stakeholder
        fields = ["id", "name", "kind", "channel", "every_days", "owner", "notes", "is_active",
                  "last_contact", "next_due", "overdue"]
        read_only_fields = ["id", "last_contact", "next_due", "overdue"]
        extra_kwargs = {"owner": {"queryset": ACTIVE_PEOPLE}}


class StakeholderContactSerializer(serializers.ModelSerializer):
    class Meta:
        from meetings.models import Contact

        model = Contact
        fields = ["id", "stakeholder", "on", "channel", "summary", "recorded_by",
                  "recorded_at"]
        read_only_fields = ["id", "stakeholder", "recorded_by", "recorded_at"]


class FollowUpToPlanSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    department = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
