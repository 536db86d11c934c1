"""The committee dashboard's approval inbox: every open Decision awaiting the person's vote.

The inbox mirrors ``committee.rules.can_vote`` as a query (open, on a committee the person sits
on, no conflict of interest) and leaves out what the person has voted on already. Each row
carries a vote form that posts to ``committee:decision-vote`` (htmx swaps the row; without
JavaScript the same form posts and comes back to the dashboard).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.selectors import SUBJECT_UNREAD, decision_links, vote_deadline
from opsplan.dashboards import Panel, register

# Rows shown on the dashboard (the oldest); the rest are counted and linked to the decisions
# page, which keeps the page small however much awaits the person.
INBOX_LIMIT = 10


def inbox_row(decision, seated=None, *, now=None, subject=SUBJECT_UNREAD) -> dict:
    """One decision as the inbox shows it (the page, the htmx fragment and the API alike).
    Uses what the selector prefetched (votes, excluded voters, subject); ``seated``: the
    committee's current member ids; ``subject``: the subject when read already."""
    from committee.services import decision_tally
    from committee.voting import quorum

    now = now or timezone.now()
    tally = decision_tally(decision, seated)
    subject_url, diff_url = decision_links(decision, subject)
    deadline = vote_deadline(decision)
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
        "deadline": deadline,
        "overdue": timezone.localdate(now) > deadline,
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
    """Five queries whatever the number of decisions, votes and subject kinds (and the two
    of the person's roles, once per request): the oldest decisions awaiting the vote with
    the number of all of them, their votes, their excluded voters, their subjects and who
    sits on each committee now."""
    from django.db.models import Count, Window

    from committee.selectors import awaiting_vote, seated_by_committee, subjects_of

    user = request.user
    decisions = list(awaiting_vote(user).annotate(waiting=Window(Count("pk")))[:INBOX_LIMIT])
    total = decisions[0].waiting if decisions else 0
    subjects = subjects_of(decisions)
    seated = seated_by_committee() if decisions else {}
    now = timezone.now()
    return {
        "rows": [inbox_row(d, seated.get(d.committee_id, set()), now=now,
                           subject=subjects.get(d.pk)) for d in decisions],
        "total": total,
        "more": total - len(decisions),
        "choices": vote_choices(),
        "decisions_url": reverse("committee:decisions") + "?awaiting=me",
    }


register(Panel(
    dashboard="committee", key="approval-inbox", order=10, wide=True,
    title=_("Awaiting your vote"),
    template="committee/panels/committee_inbox.html", data=inbox,
))
