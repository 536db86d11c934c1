"""The business-unit desk's write path for weekly progress: the plan page's report form and
``plans.services.report_create`` (one rule for who may report: ``plans.add_weeklyreport``),
answered by a return to the desk instead of the plan page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from plans import selectors
from plans.views import _plan, post_report


@login_required
@require_http_methods(["GET", "POST"])
def report_from_desk(request, pk):
    """This week's report of one of the person's units on a running plan, pre-filled from last
    week's report and the action items' progress (GET shows the form on its own page)."""
    from plans.panels.unit import desk_url, prefill, prefill_initial, reports_by_plan

    plan = _plan(request, pk)
    units = selectors.report_units(plan, request.user)
    wanted = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
    department = next((u for u in units if str(u.pk) == str(wanted) or u.code == wanted),
                      units[0] if units and not wanted else None)
    if department is None:  # no unit of this person reports on this plan (or it is not running)
        raise PermissionDenied
    initial = None
    if request.method == "GET":
        import datetime as dt

        from django.utils import timezone

        last_week = (timezone.localdate() - dt.timedelta(days=7)).isocalendar()[:2]
        last = reports_by_plan([plan], department, [last_week]).get((plan.pk, last_week))
        actions = list(plan.actions.filter(department=department).order_by("deadline", "pk"))
        initial = prefill_initial(prefill(plan, actions, last))
    return post_report(
        request, plan, department, initial=initial,
        done=desk_url(department, "panel-weekly-progress"),
        posted_message=lambda report: (
            _("Your weekly report on “%(plan)s” is posted.") if not report.late
            else _("Your weekly report on “%(plan)s” is posted (late).")) % {"plan": plan})
