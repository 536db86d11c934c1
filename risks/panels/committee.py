"""The committee dashboard's top risks: the open risks at the highest level first (critical,
then high …), by score (likelihood × impact of the current assessment), with owner and the
inherent and residual levels. Reads through risks.selectors (the register's own scope)."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Panel, register

TOP = 8


def top_risks(request, scope) -> dict:
    """Three queries whatever the size of the register: the ranking (level, then score, over
    the risk and its two assessments only), the shown risks with their owner and department,
    and the number of high or critical ones."""
    from risks import selectors
    from risks.choices import HIGH_LEVELS, LEVEL_RANK, Level, Status

    current_level = Coalesce(NullIf(F("residual_level"), Value("")), F("inherent_level"))
    open_risks = (selectors.visible_risks(request.user).exclude(status=Status.CLOSED)
                  .annotate(current=current_level)
                  .exclude(Q(current="") | Q(current__isnull=True)))
    top = list(open_risks
               .annotate(
                   rank=Case(*[When(current=level, then=Value(rank))
                               for level, rank in LEVEL_RANK.items()],
                             default=Value(0), output_field=IntegerField()),
                   score=Coalesce(F("residual__likelihood") * F("residual__impact"),
                                  F("inherent__likelihood") * F("inherent__impact"),
                                  output_field=IntegerField()))
               .order_by("-rank", F("score").desc(nulls_last=True), "-pk")
               .values_list("pk", "current", "score")[:TOP])
    shown = {risk.pk: risk for risk in (
        selectors.visible_risks(request.user).filter(pk__in=[pk for pk, *_rest in top])
        .select_related("owner", "department")
        .only("pk", "title", "status", "inherent_level", "residual_level", "department__name",
              "owner"))}
    ranked = []
    for pk, current, score in top:
        risk = shown.get(pk)
        if risk is not None:
            risk.current, risk.score = current, score
            ranked.append(risk)
    rows = [{
        "id": risk.pk,
        "title": risk.title,
        "url": risk.get_absolute_url(),
        "department": risk.department.name if risk.department_id else "",
        "owner": str(risk.owner) if risk.owner_id else "",
        "status": risk.status,
        "status_label": risk.get_status_display(),
        "level": risk.current,
        "level_label": Level(risk.current).label,
        "score": risk.score,
        "inherent_level": risk.inherent_level,
        "inherent_label": Level(risk.inherent_level).label if risk.inherent_level else "",
        "residual_level": risk.residual_level,
        "residual_label": Level(risk.residual_level).label if risk.residual_level else "",
    } for risk in ranked]
    high = open_risks.filter(current__in=HIGH_LEVELS).count()
    return {"rows": rows, "high_count": high, "heatmap_url": reverse("risks:heatmap"),
            "register_url": reverse("risks:list")}


register(Panel(
    dashboard="committee", key="top-risks", order=30,
    title=_("Top risks"),
    template="risks/panels/committee_risks.html", data=top_risks,
))
