"""Transition guards (§3). Each guard is a ``conditions=`` callable for django-fsm and also
explains itself: ``problems(plan)`` names what is missing, so a refused transition tells the
user exactly what to fix."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plans.choices import ReviewState, StrategyKind, Verdict


class Guard:
    def __init__(self, check, name):
        self.check = check
        self.__name__ = name

    def problems(self, plan) -> dict[str, list[str]]:
        return self.check(plan)

    def __call__(self, plan) -> bool:
        return not self.check(plan)


def _smart_goal(plan):
    if not plan.goals.exists():
        return {"goals": [_("Add at least one SMART goal: a measure, unit, baseline, target "
                            "and deadline.")]}
    return {}


def _complete_for_review(plan):
    problems: dict[str, list[str]] = {}
    problems.update(_smart_goal(plan))
    present = {s.kind for s in plan.strategies.all() if s.content.strip()}
    missing = [StrategyKind(k).label for k in StrategyKind.values if k not in present]
    if missing:
        problems["strategies"] = [_("Write the %s.") % ", ".join(str(m) for m in missing)]
    actions = list(plan.actions.all())
    if not actions:
        problems.setdefault("actions", []).append(_("Add at least one action item."))
    for action in actions:
        gaps = action.missing_fields()
        if gaps:
            problems.setdefault("actions", []).append(
                _("Action “%(title)s” lacks: %(fields)s.")
                % {"title": action.title, "fields": ", ".join(gaps)}
            )
    start, end = plan.period_start, plan.period_end
    late = [g.title for g in plan.goals.all() if not start <= g.deadline <= end]
    late += [a.title for a in actions if not start <= a.deadline <= end]
    if late:
        problems.setdefault("period", []).append(
            _("Deadlines outside the plan period (%(start)s – %(end)s): %(items)s.")
            % {"start": start, "end": end, "items": ", ".join(late)})
    for check in extra_review_checks:
        for field, messages in check(plan).items():
            problems.setdefault(field, []).extend(messages)
    return problems


def _reviews_approved(plan):
    reviews = [r for r in plan.reviews.all() if r.revision == plan.revision]
    if not reviews:
        return {"reviews": [_("No department has been asked to review this revision.")]}
    pending = [str(r.department) for r in reviews if r.state == ReviewState.PENDING]
    changes = [str(r.department) for r in reviews
               if r.state == ReviewState.DONE and r.verdict == Verdict.REQUEST_CHANGES]
    problems = []
    if pending:
        problems.append(_("Reviews still pending: %s.") % ", ".join(pending))
    if changes:
        problems.append(_("Changes requested by: %s.") % ", ".join(changes))
    return {"reviews": problems} if problems else {}


def _changes_requested(plan):
    if any(r.revision == plan.revision and r.verdict == Verdict.REQUEST_CHANGES
           for r in plan.reviews.all()):
        return {}
    return {"reviews": [_("No review of this revision requests changes.")]}


def _decision(state):
    def check(plan):
        decision = plan.current_decision()
        if decision is not None and decision.state == state:
            return {}
        return {"decision": [_("The committee has not decided this revision that way.")]}

    return check


def _published(plan):
    if plan.published_revision != plan.approved_revision or plan.approved_revision is None:
        return {"publication": [_("Publish the approved revision to the responsible "
                                  "departments first.")]}
    return {}


def _all_acknowledged(plan):
    problems = _published(plan)
    if problems:
        return problems
    pending = [str(a.department) for a in plan.acknowledgements.all()
               if a.revision == plan.published_revision and a.state == "pending"]
    if pending:
        return {"acknowledgements": [_("Awaiting acknowledgement from: %s.")
                                     % ", ".join(sorted(pending))]}
    return {}


def _deviation_analysed(plan):
    deviations = [d for d in plan.deviations.all() if d.state in ("open", "in_adjustment")]
    if not deviations:
        return {"deviations": [_("Record a deviation first: an adjustment answers one.")]}
    if not any(d.cause_category for d in deviations):
        return {"deviations": [_("Analyse the deviation: name its cause, with evidence.")]}
    return {}


def _may_complete(plan):
    from django.utils import timezone

    if plan.period_end < timezone.localdate():
        return {}
    from plans.monitoring import goals_met

    if goals_met(plan):
        return {}
    return {"period": [_("The plan period runs until %(end)s and not every goal is met yet.")
                       % {"end": plan.period_end}]}


# Upper apps append checks here from their AppConfig.ready(); each takes the plan and returns
# {field: [messages]}, so the refusal names what is missing. costs adds "a cost budget"
# ({"budget": […]}, required unless OPSPLAN_COSTS_BUDGET_REQUIRED is switched off).
extra_review_checks: list = []

has_smart_goal = Guard(_smart_goal, "has_smart_goal")
complete_for_review = Guard(_complete_for_review, "complete_for_review")
reviews_approved = Guard(_reviews_approved, "reviews_approved")
changes_requested = Guard(_changes_requested, "changes_requested")
committee_approved = Guard(_decision("approved"), "committee_approved")
committee_rejected = Guard(_decision("rejected"), "committee_rejected")
published = Guard(_published, "published")
all_acknowledged = Guard(_all_acknowledged, "all_acknowledged")
deviation_analysed = Guard(_deviation_analysed, "deviation_analysed")
may_complete = Guard(_may_complete, "may_complete")
