"""The planning department dashboard's plan panels: the pipeline board, reviews overdue and the
open deviations. Reads go through ``plans.selectors`` (the same scope as the plan pages); each
panel's data costs a fixed number of queries whatever the number of plans."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Q, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register
from plans import selectors
from plans.choices import OPEN_DEVIATION_STATES, PlanState, ReviewState

# The columns of the board, in the order a plan moves through them; terminal states are
# counted only.
BOARD_STATES = (PlanState.NEEDS_ANALYSIS, PlanState.DRAFTING, PlanState.INTERNAL_REVIEW,
                PlanState.COMMITTEE_APPROVAL, PlanState.EXECUTION, PlanState.MONITORING,
                PlanState.ADJUSTMENT)
COUNTED_STATES = (PlanState.COMPLETED, PlanState.CANCELLED)
# Cards per column (the plans longest in their state) and rows per list: the page keeps its
# size whatever the number of plans; the plan list ("show all") holds the rest.
CARDS_PER_COLUMN = 5
LIST_LIMIT = 12
def review_days() -> int:
    """How long a reviewing department has to give its opinion (calendar days from the
    request, i.e. the revision's submission); ``OPSPLAN_REVIEW_DAYS``, 7 by default."""
    return int(getattr(settings, "OPSPLAN_REVIEW_DAYS", 7))


def board_url() -> str:
    return reverse("dashboard", args=["planning"]) + "#panel-pipeline"


def _days(since, now) -> int:
    return max((now - since).days, 0)


def _buttons(plan, user, back: str) -> list[dict]:
    """The transitions this person may start on this plan now (state and permission, the
    same rule as the plan page). Guards are checked when the button is used, and a refusal
    comes back to the board naming what is missing. Transitions that need no more than a note
    post at once; the others open their short form and return here."""
    from plans import forms, services, views

    found = []
    for name in services.MANUAL_TRANSITIONS:
        meta = getattr(plan, name)._django_fsm
        if not (meta.has_transition(plan.state)
                and meta.has_transition_perm(plan, plan.state, user)):
            continue
        url = reverse("plans:transition", args=[plan.pk, name])
        direct = views.TRANSITION_FORMS[name] is forms.NoteForm
        found.append({"name": name, "label": services.TRANSITION_LABELS[name],
                      "direct": direct,
                      "url": url if direct else f"{url}?{urlencode({'next': back})}"})
    return found


def pipeline(request, scope) -> dict:
    """Plans by state (the plan list's own scope), each open column with its oldest cards."""
    user = request.user
    now = timezone.now()
    plans = selectors.plan_list(user)
    counts = dict(plans.order_by().values_list("state").annotate(n=Count("pk")))
    # The longest waiting plans of each column: one LIMITed subquery per state, each reading
    # the (state, state_changed_at, id) index in order, in one query.
    oldest = Q()
    for state in BOARD_STATES:
        oldest |= Q(pk__in=plans.filter(state=state).order_by("state_changed_at", "pk")
                    .values("pk")[:CARDS_PER_COLUMN])
    ranked = (plans.filter(oldest).select_related(None).select_related("department")
              .order_by("state_changed_at", "pk"))
    back = board_url()
    cards: dict[str, list] = {state: [] for state in BOARD_STATES}
    for plan in ranked:
        cards[plan.state].append({
            "id": plan.pk, "title": plan.title, "url": plan.get_absolute_url(),
            "unit": plan.department.name if plan.department_id else _("Company plan"),
            "entered_at": plan.state_changed_at,
            "days_in_state": _days(plan.state_changed_at, now),
            "transitions": _buttons(plan, user, back),
        })
    list_url = reverse("plans:list")
    columns = []
    for state in BOARD_STATES:
        count = counts.get(state, 0)
        columns.append({"state": state.value, "label": state.label, "count": count,
                        "cards": cards[state], "more": count > len(cards[state]),
                        "list_url": f"{list_url}?{urlencode({'state': state.value})}"})
    closed = [{"state": s.value, "label": s.label, "count": counts.get(s, 0),
               "list_url": f"{list_url}?{urlencode({'state': s.value})}"}
              for s in COUNTED_STATES]
    every = [*columns, *closed]
    return {"columns": columns, "closed": closed, "back": back,
            "total": sum(c["count"] for c in every),
            "chart": {"labels": [c["label"] for c in every],
                      "states": [c["state"] for c in every],
                      "counts": [c["count"] for c in every],
                      "title": _("Plans per state")}}


def reviews_overdue(request, scope) -> dict:
    """Internal reviews of the current revision still awaited after the review period, which
    runs from the revision's submission for review (reviews carry no due date of their own)."""
    from plans.models import Review

    now = timezone.now()
    days = review_days()
    # the revision under review joined once (plan, number is unique), not looked up per row
    overdue = (Review.objects.filter(
        plan__in=selectors.visible_plans(request.user), state=ReviewState.PENDING,
        plan__state=PlanState.INTERNAL_REVIEW, revision=F("plan__revision"),
        plan__revisions__number=F("revision"),
        plan__revisions__created_at__lt=now - dt.timedelta(days=days))
        .annotate(requested_at=F("plan__revisions__created_at")))
    rows = []
    found = list(overdue.select_related("plan", "department")
                 .annotate(total=Window(Count("pk")))
                 .order_by("requested_at", "pk")[:LIST_LIMIT])
    total = found[0].total if found else 0
    for review in found:
        due = review.requested_at + dt.timedelta(days=days)
        rows.append({"plan": review.plan.title, "plan_url": review.plan.get_absolute_url(),
                     "revision": review.revision, "department": review.department.name,
                     "requested_at": review.requested_at, "due_at": due,
                     "days_overdue": _days(due, now),
                     "url": reverse("plans:review", args=[review.pk])})
    return {"rows": rows, "total": total, "review_days": days,
            "list_url": f"{reverse('plans:list')}?"
                        f"{urlencode({'state': PlanState.INTERNAL_REVIEW.value})}"}


def open_deviations(request, scope) -> dict:
    """Deviations not resolved yet (open, or answered by an adjustment still under way),
    oldest first."""
    now = timezone.now()
    found = selectors.visible_deviations(request.user).filter(state__in=OPEN_DEVIATION_STATES)
    total = found.count()
    rows = []
    for deviation in found.select_related("plan", "owner").order_by("created_at", "pk")[
            :LIST_LIMIT]:
        rows.append({
            "title": deviation.title, "plan": deviation.plan.title,
            "url": f"{deviation.plan.get_absolute_url()}#deviations",
            "source": deviation.get_source_display(),
            "gap": deviation.gap, "gap_note": deviation.gap_note,
            "state": deviation.get_state_display(), "analysed": deviation.is_analysed,
            "owner": str(deviation.owner) if deviation.owner_id else "",
            "due_date": deviation.due_date, "opened_at": deviation.created_at,
            "age_days": _days(deviation.created_at, now)})
    return {"rows": rows, "total": total}


register(Panel(dashboard="planning", key="pipeline", order=10, wide=True,
               title=_("Plan pipeline"), template="plans/panels/planning_pipeline.html",
               data=pipeline))
register(Panel(dashboard="planning", key="reviews-overdue", order=20,
               title=_("Reviews overdue"), template="plans/panels/planning_reviews.html",
               data=reviews_overdue))
register(Panel(dashboard="planning", key="open-deviations", order=30,
               title=_("Open deviations"), template="plans/panels/planning_deviations.html",
               data=open_deviations))
