"""The business-unit desk's risks: the open risks the unit owns, with their level (label and
colour) and next review, overdue reviews first. Read through ``risks.selectors.visible_risks``,
the register's own scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Count, F, IntegerField, Sum, Value, When, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

ROW_LIMIT = 12  # overdue reviews first; the register lists them all
# The traffic light of a level, beside its label (never colour alone).
BAND = {"low": "green", "medium": "amber", "high": "red", "critical": "red"}


def unit_risks(user, unit, today: dt.date):
    from risks.choices import Status
    from risks.selectors import visible_risks

    overdue = Case(When(next_review_on__lt=today, then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    return (visible_risks(user).filter(department=unit).exclude(status=Status.CLOSED)
            .select_related("owner", "inherent__matrix", "residual__matrix")
            .annotate(review_overdue=overdue, total=Window(Count("pk")),
                      overdue_total=Window(Sum(overdue)))
            .order_by("-review_overdue", F("next_review_on").asc(nulls_last=True), "pk"))


def _row(risk, today) -> dict:
    from risks.choices import DEFAULT_COLOURS, Level

    level = risk.current_level
    assessment = risk.residual if risk.residual_level else risk.inherent
    colour = None
    if level:
        colour = (assessment.matrix.colour(level) if assessment is not None
                  else DEFAULT_COLOURS[level])
    return {
        "id": risk.pk,
        "title": risk.title,
        "url": risk.get_absolute_url(),
        "category_label": risk.get_category_display(),
        "status": risk.status,
        "status_label": risk.get_status_display(),
        "level": level or None,
        "level_label": str(Level(level).label) if level else str(_("Not assessed")),
        "level_kind": (str(_("residual")) if risk.residual_level else str(_("inherent")))
        if level else None,
        "colour": colour,
        "band": BAND.get(level),
        "owner": str(risk.owner) if risk.owner_id else None,
        "next_review_on": risk.next_review_on,
        "review_overdue": bool(risk.review_overdue),
        "days_overdue": (today - risk.next_review_on).days if risk.review_overdue else 0,
    }


def my_risks(request, unit, *, today: dt.date | None = None) -> dict:
    from django.urls import reverse

    today = today or timezone.localdate()
    risks = list(unit_risks(request.user, unit, today)[:ROW_LIMIT])
    rows = [_row(r, today) for r in risks]
    return {
        "risks": rows,
        "total": risks[0].total if risks else 0,
        "overdue_count": risks[0].overdue_total if risks else 0,  # of all, not just shown
        "register_url": f"{reverse('risks:list')}?department={unit.pk}&open=true",
    }


register(Panel(
    dashboard="unit", key="unit-risks", order=40,
    title=_("My risks"),
    template="risks/panels/unit_risks.html", data=my_risks,
))
