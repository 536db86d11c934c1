from django import template
from django.utils.translation import gettext_lazy as _

from plans.choices import PlanState

register = template.Library()

ACTIONS = {
    "plans.plan.create": _("created the plan"),
    "plans.plan.update": _("edited the plan"),
    "plans.plan.start_drafting": _("started drafting"),
    "plans.plan.submit_for_review": _("submitted for internal review"),
    "plans.plan.return_to_drafting": _("returned it to drafting"),
    "plans.plan.submit_to_committee": _("submitted to the committee"),
    "plans.plan.approve": _("approved (committee)"),
    "plans.plan.reject": _("rejected (committee)"),
    "plans.plan.cancel": _("cancelled the plan"),
    "plans.review.submit": _("recorded a review"),
    "committee.decision.open": _("put it to the committee's vote"),
    "committee.vote.cast": _("voted"),
    "committee.vote.change": _("changed their vote"),
    "committee.decision.approved": _("the committee approved"),
    "committee.decision.rejected": _("the committee rejected"),
    "committee.decision.withdrawn": _("the vote was withdrawn"),
}


@register.filter
def state_label(value):
    try:
        return PlanState(value).label
    except ValueError:
        return value


@register.filter
def action_label(value):
    """A readable label for an audit action; parts read as “edited: goal”."""
    if value in ACTIONS:
        return ACTIONS[value]
    parts = value.split(".")
    if len(parts) == 3 and parts[0] == "plans":
        verb = {"create": _("added"), "update": _("changed"), "delete": _("removed")}.get(
            parts[2], parts[2])
        from django.apps import apps

        try:
            noun = apps.get_model("plans", parts[1])._meta.verbose_name
        except LookupError:
            noun = parts[1]
        return f"{verb}: {noun}"
    return value
