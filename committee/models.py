"""The organisation of §2: departments, people and their positions, the committee and its seats."""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModelBase, RulesModelMixin

from committee import rules as r
from committee.choices import (
    POSITIONS_BY_KIND,
    DecisionKind,
    DecisionState,
    DepartmentKind,
    Majority,
    Position,
    SeatRole,
    VoteChoice,
)


def validate_time_zone(value):
    """A zone of the IANA database (e.g. Europe/Berlin)."""
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: use a name such as Europe/Berlin."))


class PersonQuerySet(models.QuerySet):
    """Bulk writes to people refresh the roles and the cached people as saves do (the signal
    in committee/apps.py), so no way of changing a person is missed by sign-in."""

    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count:
            from committee.selectors import organisation_changed

            organisation_changed(update_fields=list(kwargs))
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        count = super().bulk_update(objs, fields, batch_size=batch_size)
        if count:
            from committee.selectors import organisation_changed

            organisation_changed(update_fields=list(fields))
        return count

    bulk_update.alters_data = True


class PersonManager(UserManager.from_queryset(PersonQuerySet)):
    pass


class User(RulesModelMixin, AbstractUser, metaclass=RulesModelBase):
    """A person who signs in. What they may do follows from their memberships and seats."""

    objects = PersonManager()

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True,
        help_text=_("Empty: follow the browser."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone],
        help_text=_("Empty: the company's time zone. Times are shown in this zone, daylight "
                    "saving included."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["display_name", "username"]
        rules_permissions = {
            "view": r.is_signed_in,
            "add": r.can_edit_organisation,
            "change": r.can_edit_organisation,
            "delete": r.can_edit_organisation,
        }

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("committee:person-detail", args=[self.pk])

    def get_session_auth_hash(self):
        """As Django's; a person read from the shared cache (committee.selectors.person) carries
        the hash instead of the password hash, which is never cached."""
        cached = self.__dict__.get("_session_auth_hash")
        if cached is not None and "password" not in self.__dict__:
            return cached
        return super().get_session_auth_hash()


class Department(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind=DepartmentKind.PLANNING, is_active=True),
                name="one_active_planning_department",
                violation_error_message=_("There is already an active planning department."),
            )
        ]
        rules_permissions = {
            "view": r.is_signed_in,
            "add": r.can_edit_organisation,
            "change": r.can_edit_organisation,
            "delete": r.can_edit_organisation,
        }

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("committee:department-detail", args=[self.code])


def company_today():
    """Today in the company's calendar (``TIME_ZONE``): positions and seats start and end on
    the company's dates, whatever time zone the person reading has chosen."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or company_today()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)


class Membership(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A person's position in a department over a span of time; a person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("person"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="memberships",
        verbose_name=_("department"),
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    started_on = models.DateField(_("started on"), default=company_today)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["department__name", "position", "user__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "position"],
                condition=Q(ended_on__isnull=True),
                name="one_open_membership_per_position",
                violation_error_message=_("This person already holds this position here."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]
        rules_permissions = {
            "view": r.is_signed_in,
            "add": r.can_edit_organisation,
            "change": r.can_edit_organisation,
            "delete": r.can_edit_organisation,
        }

    def __str__(self):
        return f"{self.user} · {self.get_position_display()} · {self.department}"

    def clean(self):
        super().clean()
        if self.department_id and self.position:
            allowed = POSITIONS_BY_KIND[DepartmentKind(self.department.kind)]
            if self.position not in allowed:
                raise ValidationError({"position": _(
                    "A %(kind)s has no position “%(position)s”."
                ) % {"kind": self.department.get_kind_display(),
                     "position": Position(self.position).label}})


class Committee(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """The Operations Planning Committee (§2)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("duties"), blank=True)
    quorum_share = models.DecimalField(
        _("quorum"), max_digits=3, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Share of the eligible members who must vote, e.g. 0.50 for half."),
    )
    majority = models.CharField(_("majority"), max_length=12, choices=Majority.choices,
                                default=Majority.SIMPLE)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        rules_permissions = {
            "view": r.is_signed_in,
            "add": r.can_edit_organisation,
            "change": r.can_edit_organisation,
            "delete": r.can_edit_organisation,
        }

    def __str__(self):
        return self.name


class CommitteeSeatQuerySet(MembershipQuerySet):
    pass


class CommitteeSeat(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="seats", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_seats",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=SeatRole.choices,
                            default=SeatRole.MEMBER)
    started_on = models.DateField(_("started on"), default=company_today)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = CommitteeSeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["committee", "role", "user__display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(role=SeatRole.CHAIR, ended_on__isnull=True),
                name="one_open_chair_per_committee",
                violation_error_message=_("The committee already has a chair."),
            ),
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=Q(ended_on__isnull=True),
                name="one_open_seat_per_person",
                violation_error_message=_("This person already sits on the committee."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="seat_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]
        rules_permissions = {
            "view": r.is_signed_in,
            "add": r.can_edit_organisation,
            "change": r.can_edit_organisation,
            "delete": r.can_edit_organisation,
        }

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class DecisionQuerySet(models.QuerySet):
    def about(self, subject):
        return self.filter(subject_type=ContentType.objects.get_for_model(subject),
                           subject_id=subject.pk)

    def open(self):
        return self.filter(state=DecisionState.OPEN)


class Decision(RulesModelMixin, models.Model, metaclass=RulesModelBase):
    """A matter the committee decides by vote: a plan's approval, an adjustment, a risk
    acceptance, a budget over-run. Generic over its subject, so upper apps bring subjects
    without this app knowing them."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="decisions",
                                  verbose_name=_("committee"))
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    title = models.CharField(_("title"), max_length=255)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_revision = models.PositiveIntegerField(_("revision decided"), default=0)
    state = models.CharField(_("state"), max_length=12, choices=DecisionState.choices,
                             default=DecisionState.OPEN, db_index=True)
    # the rule in force when the vote opened; later changes to the committee's rule
    # do not change a running vote
    quorum_share = models.DecimalField(_("quorum"), max_digits=3, decimal_places=2)
    majority = models.CharField(_("majority"), max_length=12, choices=Majority.choices)
    excluded_voters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        verbose_name=_("excluded voters"),
        help_text=_("Members with a conflict of interest, such as the subject's author."),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", null=True, blank=True,
                                  verbose_name=_("closed by"))
    casting_vote = models.CharField(
        _("chair's casting vote"), max_length=10, blank=True,
        choices=[(VoteChoice.APPROVE, VoteChoice.APPROVE.label),
                 (VoteChoice.REJECT, VoteChoice.REJECT.label)],
    )
    summary = models.TextField(_("reasons"), blank=True)
    eligible_at_close = models.PositiveIntegerField(
        _("eligible members when closed"), null=True, blank=True, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind"],
                condition=Q(state="open"),
                name="one_open_decision_per_subject_and_kind",
                violation_error_message=_("This matter already has an open decision."),
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        rules_permissions = {
            "view": r.can_view_decisions,
            "add": r.is_admin,
            "change": r.is_admin,
            "delete": r.is_admin,
            "vote": r.can_vote,
            "close": r.can_close_decision,
        }

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.state == DecisionState.OPEN


class Vote(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes",
                                 verbose_name=_("decision"))
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="votes", verbose_name=_("voter"))
    choice = models.CharField(_("vote"), max_length=10, choices=VoteChoice.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    cast_at = models.DateTimeField(_("cast"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "voter"], name="one_vote_per_member"),
        ]

    def __str__(self):
        return f"{self.voter}: {self.get_choice_display()}"
