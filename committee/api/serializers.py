from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committee.choices import VoteChoice
from committee.models import Committee, CommitteeSeat, Decision, Department, Membership, Vote


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind", "description", "is_active"]


class MembershipBriefSerializer(serializers.ModelSerializer):
    department_code = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "department", "department_code", "position", "started_on", "ended_on"]


class PersonSerializer(serializers.ModelSerializer):
    memberships = MembershipBriefSerializer(
        source="current_memberships", many=True, read_only=True,
        help_text=_("Current positions."),
    )
    password = serializers.CharField(
        write_only=True, required=False, allow_blank=False, max_length=128,
        style={"input_type": "password"},
        help_text=_("Only when creating; without it the account cannot sign in yet."),
    )

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "display_name", "first_name", "last_name", "email",
                  "language", "time_zone", "is_active", "memberships", "password"]

    def validate_password(self, value):
        from django.contrib.auth.password_validation import validate_password

        if self.instance is not None:
            raise serializers.ValidationError(_("Passwords are changed by their owner."))
        validate_password(value)
        return value


class OwnSettingsSerializer(serializers.ModelSerializer):
    """What a person sets for themselves (the same fields as the settings page)."""

    class Meta:
        model = get_user_model()
        fields = ["username", "display_name", "language", "time_zone"]
        read_only_fields = ["username"]


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "user", "department", "position", "started_on", "ended_on"]
        read_only_fields = ["ended_on"]


class EndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text=_("Default: today."))


class SeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeSeat
        fields = ["id", "committee", "user", "role", "started_on", "ended_on"]
        read_only_fields = ["ended_on"]


class CommitteeSerializer(serializers.ModelSerializer):
    seats = SeatSerializer(source="current_seats", many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "name", "description", "seats"]


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = ["id", "voter", "choice", "comment", "cast_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    votes = VoteSerializer(many=True, read_only=True)
    casting_vote = serializers.ChoiceField(
        choices=[VoteChoice.APPROVE, VoteChoice.REJECT], allow_blank=True, read_only=True,
        help_text=_("Empty unless the chair settled a tie."))
    subject_type = serializers.SerializerMethodField()
    tally = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "committee", "kind", "title", "subject_type", "subject_id",
                  "subject_revision", "state", "quorum_share", "majority", "excluded_voters",
                  "opened_at", "opened_by", "closed_at", "closed_by", "casting_vote",
                  "summary", "votes", "tally"]
        read_only_fields = fields

    def get_subject_type(self, obj) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"

    def get_tally(self, obj) -> dict:
        from committee.services import decision_tally
        from committee.voting import quorum

        seated = self.context.get("seated_by_committee", {}).get(obj.committee_id)
        tally = decision_tally(obj, seated)
        return {"eligible": tally.eligible, "approve": tally.approve, "reject": tally.reject,
                "abstain": tally.abstain,
                "quorum": quorum(tally.eligible, obj.quorum_share)}


class VoteRequestSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=VoteChoice.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class CloseRequestSerializer(serializers.Serializer):
    casting_vote = serializers.ChoiceField(
        choices=[VoteChoice.APPROVE, VoteChoice.REJECT], required=False,
        help_text=_("Only on a tie under a simple majority."))
    summary = serializers.CharField(required=False, allow_blank=True, max_length=4000)
