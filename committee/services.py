"""Changes to the organisation. Each is atomic, validated and audited; views and the API call
these and nothing else writes the organisation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Committee, CommitteeSeat, Department, Membership, company_today
from opsplan.audit import record, save_audited
from opsplan.errors import Conflict

DEPARTMENT_FIELDS = ("code", "name", "kind", "description", "is_active")
PERSON_FIELDS = ("username", "display_name", "first_name", "last_name", "email", "language",
                 "time_zone", "is_active")
# What everyone may change about themselves (committee:my-settings, /api/v1/committee/me/).
OWN_SETTINGS_FIELDS = ("display_name", "language", "time_zone")


def _save(obj, *, actor, action, changes=None, request=None):
    return save_audited(obj, actor=actor, action=action, data=changes, request=request)


def _changes(obj, data: dict, fields) -> dict:
    changes = {}
    for field in fields:
        if field in data and getattr(obj, field) != data[field]:
            changes[field] = [getattr(obj, field), data[field]]
            setattr(obj, field, data[field])
    return changes


@transaction.atomic
def department_create(*, actor, request=None, **data) -> Department:
    """Create a department. Only one active planning department may exist."""
    department = Department(**{k: v for k, v in data.items() if k in DEPARTMENT_FIELDS})
    return _save(department, actor=actor, action="committee.department.create",
                 changes={k: data.get(k) for k in DEPARTMENT_FIELDS if k in data},
                 request=request)


@transaction.atomic
def department_update(*, department: Department, actor, request=None, **data) -> Department:
    """Change a department. Its kind is fixed once people hold positions in it."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    if "kind" in data and data["kind"] != department.kind and department.memberships.exists():
        raise ValidationError({"kind": _(
            "People hold positions in this department; end their memberships before "
            "changing its kind."
        )})
    changes = _changes(department, data, DEPARTMENT_FIELDS)
    if not changes:
        return department
    return _save(department, actor=actor, action="committee.department.update",
                 changes=changes, request=request)


@transaction.atomic
def person_create(*, actor, password: str | None = None, request=None, **data):
    """Create a person's account. Without a password the account cannot sign in until an
    administrator sets one."""
    user = get_user_model()(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return _save(user, actor=actor, action="committee.person.create",
                 changes={k: data.get(k) for k in PERSON_FIELDS if k in data}, request=request)


@transaction.atomic
def person_update(*, person, actor, request=None, **data):
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    if (person.is_superuser or person.is_staff) and not actor.is_superuser:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Administrator accounts are changed by an administrator."))
    changes = _changes(person, data, PERSON_FIELDS)
    if not changes:
        return person
    return _save(person, actor=actor, action="committee.person.update", changes=changes,
                 request=request)


@transaction.atomic
def own_settings_update(*, person, request=None, **data):
    """A person changes their own display name, language or time zone (audited)."""
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    changes = _changes(person, data, OWN_SETTINGS_FIELDS)
    if not changes:
        return person
    return _save(person, actor=person, action="committee.person.own_settings", changes=changes,
                 request=request)


@transaction.atomic
def membership_start(*, user, department, position, actor, started_on=None,
                     request=None) -> Membership:
    """Give a person a position in a department (a person may hold several)."""
    membership = Membership(user=user, department=department, position=position,
                            started_on=started_on or company_today())
    return _save(membership, actor=actor, action="committee.membership.start",
                 changes={"user": user.pk, "department": department.pk, "position": position},
                 request=request)


@transaction.atomic
def membership_end(*, membership: Membership, actor, ended_on=None, request=None) -> Membership:
    """End a position. History is kept: memberships are ended, never deleted."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise ValidationError({"ended_on": _("This membership has already ended.")})
    membership.ended_on = ended_on or company_today()
    return _save(membership, actor=actor, action="committee.membership.end",
                 changes={"ended_on": membership.ended_on}, request=request)


@transaction.atomic
def committee_update(*, committee: Committee, actor, request=None, **data) -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    changes = _changes(committee, data, ("name", "description"))
    if not changes:
        return committee
    return _save(committee, actor=actor, action="committee.committee.update", changes=changes,
                 request=request)


@transaction.atomic
def seat_appoint(*, committee: Committee, user, role, actor, started_on=None,
                 request=None) -> CommitteeSeat:
    """Seat a person on the committee as chair or member; one chair at a time."""
    seat = CommitteeSeat(committee=committee, user=user, role=role,
                         started_on=started_on or company_today())
    return _save(seat, actor=actor, action="committee.seat.appoint",
                 changes={"user": user.pk, "role": role}, request=request)


@transaction.atomic
def seat_end(*, seat: CommitteeSeat, actor, ended_on=None, request=None) -> CommitteeSeat:
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    if seat.ended_on is not None:
        raise ValidationError({"ended_on": _("This seat has already ended.")})
    seat.ended_on = ended_on or company_today()
    return _save(seat, actor=actor, action="committee.seat.end",
                 changes={"ended_on": seat.ended_on}, request=request)


# --- committee decisions ----------------------------------------------------------------------

def decision_open(*, subject, kind, title, actor, revision=0, excluded=(), committee=None,
                  request=None):
    """Put a matter to the committee's vote under the committee's rule in force now.

    ``excluded`` are members with a conflict of interest (the subject's author): they cannot
    vote and do not count towards the quorum. Runs inside the caller's transaction.
    """
    from committee.models import Decision

    committee = committee or Committee.objects.order_by("pk").first()
    if committee is None:
        raise ValidationError(_("The Operations Planning Committee has not been set up."))
    decision = Decision(
        committee=committee, kind=kind, title=title[:255], subject=subject,
        subject_revision=revision, quorum_share=committee.quorum_share,
        majority=committee.majority, opened_by=actor if actor and actor.is_authenticated
        else None,
    )
    _save(decision, actor=actor, action="committee.decision.open",
          changes={"kind": kind, "revision": revision}, request=request)
    decision.excluded_voters.set([u for u in excluded if u is not None])
    return decision


def eligible_voter_ids(decision, seated=None) -> set[int]:
    """Members seated now, less those with a conflict of interest. Uses what a selector
    prefetched (``excluded_voters``, ``seated``) when given, else asks the database."""
    excluded = {u.pk for u in decision.excluded_voters.all()}
    if seated is None:
        seated = set(CommitteeSeat.objects.current().filter(committee=decision.committee_id)
                     .values_list("user_id", flat=True))
    return set(seated) - excluded


def decision_tally(decision, seated=None):
    """The votes that count (eligible members only). ``seated``: the committee's current
    member ids, when the caller has them already (lists)."""
    from committee.voting import Tally

    counts = {"approve": 0, "reject": 0, "abstain": 0}
    if not decision.is_open and decision.eligible_at_close is not None:
        # as it stood when it closed, whoever has joined or left the committee since
        excluded = {u.pk for u in decision.excluded_voters.all()}
        for vote in decision.votes.all():
            if vote.voter_id not in excluded:
                counts[vote.choice] += 1
        return Tally(eligible=decision.eligible_at_close, **counts)
    eligible = eligible_voter_ids(decision, seated)
    for vote in decision.votes.all():
        if vote.voter_id in eligible:
            counts[vote.choice] += 1
    return Tally(eligible=len(eligible), **counts)


def _lock_open_decision(decision):
    from committee.models import Decision

    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not decision.is_open:
        raise Conflict(_("This decision is closed."))
    return decision


def _close(decision, *, state, actor, request=None, casting="", summary=""):
    from committee.signals import decision_closed

    decision.eligible_at_close = decision_tally(decision).eligible
    decision.state = state
    decision.closed_at = timezone.now()
    decision.closed_by = actor
    decision.casting_vote = casting
    if summary:
        decision.summary = summary
    decision.save()
    record(actor=actor, action=f"committee.decision.{state}", subject=decision,
           data={"casting_vote": casting, "summary": summary}, request=request)
    decision_closed.send(sender=type(decision), decision=decision, actor=actor)
    return decision


@transaction.atomic
def decision_vote(*, decision, voter, choice, comment="", request=None):
    """Record (or change) a member's vote; close the decision once no remaining vote can
    change its outcome. The author of the subject cannot vote on it."""
    from django.core.exceptions import PermissionDenied

    from committee.choices import DecisionState, VoteChoice
    from committee.models import Vote
    from committee.voting import Outcome, settled

    decision = _lock_open_decision(decision)
    if not voter.has_perm("committee.vote_decision", decision):
        raise PermissionDenied(_("You may not vote on this decision."))
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("Choose approve, reject or abstain.")})
    if choice == VoteChoice.REJECT and not comment.strip():
        raise ValidationError({"comment": _("Give the reasons for rejecting.")})
    vote, created = Vote.objects.update_or_create(
        decision=decision, voter=voter,
        defaults={"choice": choice, "comment": comment, "cast_at": timezone.now()},
    )
    record(actor=voter, action="committee.vote.cast" if created else "committee.vote.change",
           subject=decision, data={"choice": choice, "comment": comment}, request=request)
    result = settled(decision_tally(decision), quorum_share=decision.quorum_share,
                     majority=decision.majority)
    if result is Outcome.APPROVED:
        _close(decision, state=DecisionState.APPROVED, actor=voter, request=request)
    elif result is Outcome.REJECTED:
        _close(decision, state=DecisionState.REJECTED, actor=voter, request=request,
               summary=_rejection_reasons(decision))
    return vote


def _rejection_reasons(decision) -> str:
    return "\n".join(
        f"{v.voter}: {v.comment}" for v in decision.votes.select_related("voter")
        if v.choice == "reject" and v.comment
    )


@transaction.atomic
def decision_close(*, decision, actor, casting_vote="", summary="", request=None):
    """The chair closes the vote now. A quorum must be present; on a tie under a simple
    majority the chair's casting vote decides and is recorded as such."""
    from django.core.exceptions import PermissionDenied

    from committee.choices import DecisionState
    from committee.voting import Outcome, outcome

    decision = _lock_open_decision(decision)
    if not actor.has_perm("committee.close_decision", decision):
        raise PermissionDenied(_("Only the committee chair closes a vote."))
    result = outcome(decision_tally(decision), quorum_share=decision.quorum_share,
                     majority=decision.majority)
    if result is Outcome.NO_QUORUM:
        raise ValidationError({"non_field_errors": _(
            "The quorum is not present yet: more members must vote before the vote can close."
        )})
    if result is Outcome.TIE:
        if casting_vote not in ("approve", "reject"):
            raise ValidationError({"casting_vote": _(
                "The vote is tied: the chair's casting vote (approve or reject) decides."
            )})
        result = Outcome.APPROVED if casting_vote == "approve" else Outcome.REJECTED
    else:
        casting_vote = ""
    if result is Outcome.APPROVED:
        return _close(decision, state=DecisionState.APPROVED, actor=actor, request=request,
                      casting=casting_vote, summary=summary)
    return _close(decision, state=DecisionState.REJECTED, actor=actor, request=request,
                  casting=casting_vote, summary=summary or _rejection_reasons(decision))


def decision_withdraw(*, decision, actor, reason, request=None):
    """Withdraw an open decision because its subject no longer needs it (e.g. cancelled).
    Runs inside the caller's transaction; no outcome is applied."""
    from committee.choices import DecisionState

    decision = _lock_open_decision(decision)
    decision.state = DecisionState.WITHDRAWN
    decision.closed_at = timezone.now()
    decision.closed_by = actor
    decision.summary = reason
    decision.save()
    record(actor=actor, action="committee.decision.withdrawn", subject=decision,
           data={"reason": reason}, request=request)
    return decision
