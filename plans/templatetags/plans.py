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
    "plans.plan.publish": _("published the plan to the departments"),
    "plans.plan.start_monitoring": _("started monitoring"),
    "plans.plan.force_monitoring": _("started monitoring before every acknowledgement"),
    "plans.plan.start_adjustment": _("started an adjustment"),
    "plans.plan.complete": _("closed the plan with a final assessment"),
    "plans.plan.restore": _("restored the approved revision"),
    "plans.plan.derive": _("derived a plan from it"),
    "plans.acknowledgement.confirm": _("acknowledged the action items"),
    "plans.action.progress": _("reported action progress"),
    "plans.weeklyreport.create": _("posted a weekly report"),
    "plans.weeklyreport.update": _("changed a weekly report"),
    "plans.deviation.create": _("recorded a deviation"),
    "plans.deviation.update": _("analysed a deviation"),
    "plans.adjustment.start": _("opened an adjustment"),
    "plans.adjustment.approved": _("the adjustment was approved"),
    "plans.adjustment.rejected": _("the adjustment was rejected"),
    "plans.monitoringnote.create": _("added a monitoring note"),
    "plans.goalassessment.create": _("assessed a goal"),
    "plans.week.lock": _("locked the week's reports"),
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
    from opsplan.audit_labels import action_label as described

    return described(value)
