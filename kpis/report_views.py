"""Reading pages: an indicator with its chart, the department scorecards, and their Excel
downloads. An indicator the reader may not read is a 404, never a hint that it exists."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from committee.models import Department
from committee.selectors import department_positions_of
from kpis import charts, exports, selectors
from kpis.choices import Grain, SignalState
from kpis.models import Correction, Indicator, Measurement, Rollup, Target
from kpis.periods import grain_start, label

# how many periods the page shows per grain (the export holds them all)
WINDOW = {Grain.WEEK: 52, Grain.MONTH: 24, Grain.QUARTER: 16, Grain.YEAR: 10}
RECENT_MEASUREMENTS = 20


def _readable(request, code) -> Indicator:
    indicator = (selectors.readable_indicators(request.user)
                 .select_related("owner_department", "collector").filter(code=code).first())
    if indicator is None:
        raise Http404
    return indicator


def _departments_with_data(indicator):
    """Departments with values, rollups or targets of the indicator, the owner first."""
    ids = (Q(pk__in=Rollup.objects.filter(indicator=indicator).values("department_id"))
           | Q(pk__in=Target.objects.filter(indicator=indicator).values("department_id"))
           | Q(pk__in=Measurement.objects.filter(indicator=indicator).values("department_id")))
    found = list(Department.objects.filter(ids).order_by("name"))
    owner = indicator.owner_department
    return [owner] + [d for d in found if d.pk != owner.pk], any(
        d.pk == owner.pk for d in found), found


def _choose(request, indicator):
    """The grain and department asked for in the query string, else month and the owning
    department (or the first department with data when the owner has none)."""
    grain = request.GET.get("grain", Grain.MONTH)
    if grain not in Grain.values:
        grain = Grain.MONTH
    departments, owner_has_data, found = _departments_with_data(indicator)
    wanted = request.GET.get("department", "")
    department = next((d for d in departments if d.code == wanted), None)
    if department is None and wanted:
        department = Department.objects.filter(code=wanted).first()
        if department is not None:
            departments.append(department)
    if department is None:
        department = indicator.owner_department if owner_has_data or not found else found[0]
    return Grain(grain), department, departments


def _window(points, grain):
    """The last periods up to now (or up to the latest value); only future targets when
    there is nothing else."""
    latest = max((p.period_start for p in points if p.value is not None), default=None)
    cutoff = grain_start(grain, timezone.localdate())
    if latest is not None and latest > cutoff:
        cutoff = latest
    shown = [p for p in points if p.period_start <= cutoff] or points
    return shown[-WINDOW[grain]:]


@login_required
@require_safe
def indicator_detail(request, code):
    indicator = _readable(request, code)
    grain, department, departments = _choose(request, indicator)
    rollups = selectors.rollups(request.user).filter(indicator=indicator, department=department,
                                                     grain=grain)
    targets = selectors.targets(request.user).filter(indicator=indicator, department=department,
                                                     grain=grain)
    points = _window(charts.build_series(indicator, grain, rollups, targets), grain)
    chart = charts.line_chart(indicator, grain, points, department=department)
    measurements = (
        selectors.measurements(request.user)
        .filter(indicator=indicator, department=department)
        .prefetch_related(Prefetch("corrections", queryset=Correction.objects.select_related(
            "corrected_by").order_by("-corrected_at", "-pk")))
        .order_by("-period_start")[:RECENT_MEASUREMENTS]
    )
    signals = (selectors.signals(request.user)
               .filter(indicator=indicator, state=SignalState.OPEN)
               .order_by("department__name", "-period_start"))
    return render(request, "kpis/indicator_detail.html", {
        "indicator": indicator, "grain": grain, "grains": Grain.choices,
        "department": department, "departments": departments, "points": points,
        "rows": list(reversed(points)), "chart": chart, "window": WINDOW[grain],
        "measurements": [
            {"m": m, "value": charts.format_value(m.value),
             "corrections": [{"c": c, "old": charts.format_value(c.old_value),
                              "new": charts.format_value(c.new_value)}
                             for c in m.corrections.all()]}
            for m in measurements],
        "signals": [{"s": s, "value": charts.format_value(s.value),
                     "target": charts.format_value(s.target),
                     "period": label(s.grain, s.period_start)} for s in signals],
    })


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def indicator_export(request, code):
    indicator = _readable(request, code)
    department = None
    if wanted := request.GET.get("department", ""):
        department = get_object_or_404(Department, code=wanted)
    content = exports.indicator_workbook(request.user, indicator, department)
    scope = department.code if department else "all"
    return _xlsx(content, f"{indicator.code}-{scope}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_safe
def scorecards(request):
    mine = department_positions_of(request.user)
    departments = list(Department.objects.filter(is_active=True).order_by("name"))
    return render(request, "kpis/scorecards.html", {
        "mine": [d for d in departments if d.pk in mine],
        "others": [d for d in departments if d.pk not in mine],
    })


@login_required
@require_safe
def scorecard(request, code):
    department = get_object_or_404(Department, code=code)
    return render(request, "kpis/scorecard.html", {
        "department": department, "rows": exports.scorecard(request.user, department),
        "today": timezone.localdate(),
    })


@login_required
@require_safe
def scorecard_export(request, code):
    department = get_object_or_404(Department, code=code)
    content = exports.scorecard_workbook(request.user, department)
    return _xlsx(content, f"scorecard-{department.code}-{timezone.localdate():%Y%m%d}.xlsx")
