from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    PLANNING = "planning", _("Operations Planning Department")
    BUSINESS_UNIT = "business_unit", _("Business unit")
    OTHER = "other", _("Other function")


class Position(models.TextChoices):
    MANAGER = "manager", _("Department manager")
    SUPERVISOR = "supervisor", _("Planning supervisor")
    SPECIALIST = "specialist", _("Planning specialist")
    HEAD = "head", _("Head")
    STAFF = "staff", _("Staff")
    AUDITOR = "auditor", _("Auditor")
    INTEGRATION = "integration", _("Integration (system account)")


# Which positions a department of each kind can hold (§2 of the policy).
POSITIONS_BY_KIND = {
    DepartmentKind.PLANNING: {Position.MANAGER, Position.SUPERVISOR, Position.SPECIALIST,
                              Position.INTEGRATION},
    DepartmentKind.BUSINESS_UNIT: {Position.HEAD, Position.STAFF, Position.INTEGRATION},
    DepartmentKind.OTHER: {Position.HEAD, Position.STAFF, Position.AUDITOR,
                           Position.INTEGRATION},
}


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class Role(models.TextChoices):
    """Roles a person holds, derived from memberships and committee seats, never set by hand."""

    COMMITTEE_CHAIR = "committee_chair", _("Committee chair")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    PLANNING_MANAGER = "planning_manager", _("Planning manager")
    PLANNING_SUPERVISOR = "planning_supervisor", _("Planning supervisor")
    PLANNING_SPECIALIST = "planning_specialist", _("Planning specialist")
    UNIT_HEAD = "unit_head", _("Business-unit head")
    UNIT_STAFF = "unit_staff", _("Business-unit staff")
    AUDITOR = "auditor", _("Auditor")
    INTEGRATION = "integration", _("Integration")


# (department kind, position) -> role
ROLE_BY_MEMBERSHIP = {
    (DepartmentKind.PLANNING, Position.MANAGER): Role.PLANNING_MANAGER,
    (DepartmentKind.PLANNING, Position.SUPERVISOR): Role.PLANNING_SUPERVISOR,
    (DepartmentKind.PLANNING, Position.SPECIALIST): Role.PLANNING_SPECIALIST,
    (DepartmentKind.BUSINESS_UNIT, Position.HEAD): Role.UNIT_HEAD,
    (DepartmentKind.BUSINESS_UNIT, Position.STAFF): Role.UNIT_STAFF,
    (DepartmentKind.OTHER, Position.HEAD): Role.UNIT_HEAD,
    (DepartmentKind.OTHER, Position.STAFF): Role.UNIT_STAFF,
    (DepartmentKind.OTHER, Position.AUDITOR): Role.AUDITOR,
}
INTEGRATION_POSITIONS = {Position.INTEGRATION}


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple majority")
    TWO_THIRDS = "two_thirds", _("Two-thirds majority")


class DecisionKind(models.TextChoices):
    PLAN_APPROVAL = "plan_approval", _("Plan approval")
    PLAN_ADJUSTMENT = "plan_adjustment", _("Plan adjustment")
    RISK_ACCEPTANCE = "risk_acceptance", _("Risk acceptance")
    BUDGET_OVERRUN = "budget_overrun", _("Budget over-run")
    MEETING_DECISION = "meeting_decision", _("Meeting decision")


class DecisionState(models.TextChoices):
    OPEN = "open", _("Open for votes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    ABSTAIN = "abstain", _("Abstain")
