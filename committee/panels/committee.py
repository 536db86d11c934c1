"""The committee dashboard's approval inbox: every open Decision awaiting the person's vote.

The inbox mirrors ``committee.rules.can_vote`` as a query (open, on a committee the person sits
on, no conflict of interest) and leaves out what the person has voted on already. Each row
carries a vote form that posts to ``committee:decision-vote`` (htmx swaps the row; without
JavaScript the same form posts and comes back to the dashboard).
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

# Rows shown on the dashboard; the rest are counted and linked to the decisions page.
INBOX_LIMIT = 25


def awaiting_vote(user):
    """Open decisions this person may vote on and has not voted on yet (the query form of
    ``committee.rules.can_vote``; a test checks the two agree), oldest first."""
    from committee.choices import DecisionState
    from committee.selectors import committee_ids_of, decisions_for

    return (decisions_for(user)
            .filter(state=DecisionState.OPEN, committee_id__in=list(committee_ids_of(user)))
            .exclude(excluded_voters=user)
            .exclude(votes__voter=user)
            .order_by("opened_at", "pk"))


def _subject_links(decision) -> tuple[str | None, str | None]:
    """The subject's page (at its decision section) and, for a plan adjustment, the diff of
    the revision decided against the approved one."""
    from committee.choices import DecisionKind

    subject = decision.subject
    url = getattr(subject, "get_absolute_url", None)
    subject_url = f"{url()}#decision" if url else None
    diff_url = None
    approved = getattr(subject, "approved_revision", None)
    if decision.kind == DecisionKind.PLAN_ADJUSTMENT and subject is not None:
        try:
            diff_url = reverse(f"{decision.subject_type.app_label}:revisions", args=[subject.pk])
        except NoReverseMatch:
            diff_url = None
        if diff_url:
            query = f"?b={decision.subject_revision}"
            if approved:
                query = f"?a={approved}&b={decision.subject_revision}"
            diff_url = f"{diff_url}{query}#diff"
    return subject_url, diff_url


def inbox_row(decision, seated=None, *, now=None) -> dict:
    """One decision as the inbox shows it (the page, the htmx fragment and the API alike).
    Uses what the selector prefetched (votes, excluded voters, subject); ``seated``: the
    committee's current member ids."""
    from committee.services import decision_tally
    from committee.voting import quorum

    now = now or timezone.now()
    tally = decision_tally(decision, seated)
    subject_url, diff_url = _subject_links(decision)
    return {
        "id": decision.pk,
        "title": decision.title,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "state": decision.state,
        "state_label": decision.get_state_display(),
        "subject_url": subject_url,
        "diff_url": diff_url,
        "revision": decision.subject_revision,
        "opened_at": decision.opened_at,
        # decisions carry no deadline: the inbox shows how long each has waited
        "deadline": None,
        "age_days": max((now - decision.opened_at).days, 0),
        "votes": {"approve": tally.approve, "reject": tally.reject, "abstain": tally.abstain,
                  "cast": tally.present, "eligible": tally.eligible,
                  "quorum": quorum(tally.eligible, decision.quorum_share)},
        "vote_url": reverse("committee:decision-vote", args=[decision.pk]),
    }


def vote_choices() -> list[list]:
    from committee.choices import VoteChoice

    return [[value, label] for value, label in VoteChoice.choices]


def inbox(request, scope) -> dict:
    from committee.selectors import seated_by_committee

    user = request.user
    waiting = awaiting_vote(user)
    decisions = list(waiting.prefetch_related("subject")[:INBOX_LIMIT])
    more = waiting.count() - len(decisions)
    seated = seated_by_committee()
    now = timezone.now()
    return {
        "rows": [inbox_row(d, seated.get(d.committee_id, set()), now=now) for d in decisions],
        "more": more,
        "choices": vote_choices(),
        "decisions_url": reverse("committee:decisions"),
    }


register(Panel(
    dashboard="committee", key="approval-inbox", order=10, wide=True,
    title=_("Awaiting your vote"),
    template="committee/panels/committee_inbox.html", data=inbox,
))
