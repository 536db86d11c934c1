from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from committee.models import Committee, CommitteeSeat, Department, Membership


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
                  "language", "is_active", "memberships", "password"]

    def validate_password(self, value):
        from django.contrib.auth.password_validation import validate_password

        if self.instance is not None:
            raise serializers.ValidationError(_("Passwords are changed by their owner."))
        validate_password(value)
        return value


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
