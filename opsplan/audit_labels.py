"""Readable, translated labels for audit action codes (``app.record.verb``).

One place for every page that shows the history (the audit trail, a plan's and a department's
history): the record and the verb are each translated, so "committee.vote.cast" reads "Vote:
cast", and a code nobody labelled still reads as words. The code itself stays in the
stored event, the filters and the exports.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

RECORDS = {
    "auth": _("Sign-in"),
    "admin": _("Administration"),
    "committee.committee": _("Committee"),
    "committee.decision": _("Committee decision"),
    "committee.department": _("Department"),
    "committee.membership": _("Position"),
    "committee.person": _("Person"),
    "committee.seat": _("Committee seat"),
    "committee.vote": _("Vote"),
    "costs.budget_line": _("Budget line"),
    "costs.actual": _("Actual cost"),
    "costs.commitment": _("Committed cost"),
    "costs.entry": _("Cost entry"),
    "costs.explanation": _("Cost explanation"),
    "costs.measure": _("Cost-saving measure"),
    "costs.overrun": _("Budget over-run"),
    "costs.policy": _("Category rule"),
    "costs.reward": _("Reward"),
    "costs.suggestion": _("Cost-saving suggestion"),
    "costs.target": _("Cost target"),
    "kpis.cycle": _("Evaluation cycle"),
    "kpis.evaluation": _("Evaluation"),
    "kpis.feedback": _("360-degree feedback"),
    "kpis.measurements": _("Indicator values"),
    "kpis.objective": _("Objective"),
    "kpis.scorecard": _("Scorecard"),
    "kpis.target": _("Indicator target"),
    "meetings.agenda": _("Agenda"),
    "meetings.attendance": _("Attendance"),
    "meetings.contact": _("Stakeholder contact"),
    "meetings.decision": _("Meeting decision"),
    "meetings.follow_up": _("Follow-up"),
    "meetings.issue": _("Issue"),
    "meetings.meeting": _("Meeting"),
    "meetings.minutes": _("Minutes"),
    "meetings.stakeholder": _("Stakeholder"),
    "opsplan.notification_preferences": _("Notification settings"),
    "plans.acknowledgement": _("Acknowledgement"),
    "plans.action": _("Action item"),
    "plans.actionitem": _("Action item"),
    "plans.adjustment": _("Plan adjustment"),
    "plans.deviation": _("Deviation"),
    "plans.goal": _("Goal"),
    "plans.goalassessment": _("Goal assessment"),
    "plans.monitoringnote": _("Monitoring note"),
    "plans.plan": _("Plan"),
    "plans.review": _("Review"),
    "plans.strategy": _("Strategy"),
    "plans.week": _("Week"),
    "plans.weeklyreport": _("Weekly report"),
    "risks.acceptance": _("Risk acceptance"),
    "risks.action": _("Risk response action"),
    "risks.checklist": _("Risk checklist"),
    "risks.matrix": _("Risk matrix"),
    "risks.risk": _("Risk"),
}

VERBS = {
    "accepted": pgettext_lazy("audit", "accepted"),
    "add": pgettext_lazy("audit", "added"),
    "advance": pgettext_lazy("audit", "moved to the next stage"),
    "answer": pgettext_lazy("audit", "answered"),
    "appoint": pgettext_lazy("audit", "appointed"),
    "approve": pgettext_lazy("audit", "approved"),
    "approve_minutes": pgettext_lazy("audit", "minutes approved"),
    "approved": pgettext_lazy("audit", "approved"),
    "archive": pgettext_lazy("audit", "archived"),
    "assess": pgettext_lazy("audit", "assessed"),
    "attach": pgettext_lazy("audit", "voucher attached"),
    "awaiting": pgettext_lazy("audit", "put to the committee"),
    "calibrate": pgettext_lazy("audit", "calibrated"),
    "cancel": pgettext_lazy("audit", "cancelled"),
    "cast": pgettext_lazy("audit", "cast"),
    "close": pgettext_lazy("audit", "closed"),
    "complete": pgettext_lazy("audit", "completed"),
    "compute": pgettext_lazy("audit", "scores computed"),
    "confirm": pgettext_lazy("audit", "confirmed"),
    "create": pgettext_lazy("audit", "created"),
    "delete": pgettext_lazy("audit", "deleted"),
    "denied": pgettext_lazy("audit", "access refused"),
    "derive": pgettext_lazy("audit", "derived"),
    "deviation": pgettext_lazy("audit", "deviation opened"),
    "done": pgettext_lazy("audit", "done"),
    "end": pgettext_lazy("audit", "ended"),
    "evaluate": pgettext_lazy("audit", "evaluated"),
    "finish": pgettext_lazy("audit", "finished"),
    "force_monitoring": pgettext_lazy("audit", "monitoring started early"),
    "grant": pgettext_lazy("audit", "granted"),
    "item_add": pgettext_lazy("audit", "item added"),
    "item_remove": pgettext_lazy("audit", "item removed"),
    "lock": pgettext_lazy("audit", "locked"),
    "log": pgettext_lazy("audit", "logged"),
    "login": pgettext_lazy("audit", "signed in"),
    "login_failed": pgettext_lazy("audit", "failed sign-in"),
    "logout": pgettext_lazy("audit", "signed out"),
    "measure": pgettext_lazy("audit", "measure added"),
    "monitor": pgettext_lazy("audit", "monitoring"),
    "open": pgettext_lazy("audit", "opened"),
    "outdated": pgettext_lazy("audit", "outdated"),
    "override": pgettext_lazy("audit", "score overridden"),
    "own_settings": pgettext_lazy("audit", "own settings changed"),
    "pending": pgettext_lazy("audit", "requested"),
    "progress": pgettext_lazy("audit", "progress reported"),
    "publish": pgettext_lazy("audit", "published"),
    "raise": pgettext_lazy("audit", "raised"),
    "rate": pgettext_lazy("audit", "rated"),
    "record": pgettext_lazy("audit", "recorded"),
    "recorded": pgettext_lazy("audit", "recorded"),
    "reject": pgettext_lazy("audit", "rejected"),
    "rejected": pgettext_lazy("audit", "rejected"),
    "remap": pgettext_lazy("audit", "moved to the new matrix"),
    "reopen": pgettext_lazy("audit", "reopened"),
    "request": pgettext_lazy("audit", "requested"),
    "reschedule": pgettext_lazy("audit", "rescheduled"),
    "resolve": pgettext_lazy("audit", "resolved"),
    "respond": pgettext_lazy("audit", "response chosen"),
    "restore": pgettext_lazy("audit", "approved revision restored"),
    "return_to_drafting": pgettext_lazy("audit", "returned to drafting"),
    "save": pgettext_lazy("audit", "saved"),
    "schedule": pgettext_lazy("audit", "scheduled"),
    "score": pgettext_lazy("audit", "scored"),
    "self_assess": pgettext_lazy("audit", "self-assessed"),
    "set": pgettext_lazy("audit", "set"),
    "start": pgettext_lazy("audit", "started"),
    "start_adjustment": pgettext_lazy("audit", "adjustment started"),
    "start_drafting": pgettext_lazy("audit", "drafting started"),
    "start_monitoring": pgettext_lazy("audit", "monitoring started"),
    "store": pgettext_lazy("audit", "stored"),
    "submit": pgettext_lazy("audit", "submitted"),
    "submit_for_review": pgettext_lazy("audit", "submitted for internal review"),
    "submit_to_committee": pgettext_lazy("audit", "submitted to the committee"),
    "to_cost_line": pgettext_lazy("audit", "made a budget line"),
    "to_plan": pgettext_lazy("audit", "made a plan action item"),
    "update": pgettext_lazy("audit", "changed"),
    "withdrawn": pgettext_lazy("audit", "withdrawn"),
}


def action_label(action: str) -> str:
    """"Record: verb" for an audit action code, each part translated; unknown parts read as
    their words (underscores as spaces)."""
    parts = (action or "").split(".")
    if parts[0] == "auth" and len(parts) == 2:
        record, verb = "auth", parts[1]
    elif len(parts) == 3:
        record, verb = ".".join(parts[:2]), parts[2]
    else:
        return action
    noun = RECORDS.get(record, parts[-2].replace("_", " "))
    said = VERBS.get(verb, verb.replace("_", " "))
    return f"{noun}: {said}"


# Labels stored (in English, the same in every language) for events without a signed-in actor.
ACTORS = {
    "system": _("the system"),
    "anonymous": _("anonymous visitor"),
    "external reviewer": _("external reviewer"),
}


def actor_label(label: str) -> str:
    """A stored actor label as words of the reader's language (a username stays as it is)."""
    return ACTORS.get(label, label)
