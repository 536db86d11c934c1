"""The dashboards, defined here because the roles they serve live in this app.

Panels come from ``<app>/panels/<dashboard>.py`` in every app (see ``opsplan.dashboards``).
"""

from django.utils.translation import gettext_lazy as _

from opsplan.dashboards import Dashboard, define


def units_of_desk(user):
    """The active business units in which the person holds a position, by name."""
    from committee.choices import DepartmentKind
    from committee.models import Department
    from committee.selectors import department_positions_of

    return list(Department.objects.filter(
        pk__in=list(department_positions_of(user)),
        kind=DepartmentKind.BUSINESS_UNIT, is_active=True).order_by("name"))


def desk_units(request):
    """units_of_desk for the signed-in person, read once per request."""
    if not hasattr(request, "_desk_units"):
        request._desk_units = units_of_desk(request.user)
    return request._desk_units


def unit_of_desk(request):
    """The business unit the desk shows: ``?unit=<code>`` among the person's own units, else
    the first of them by name; None when the person belongs to no business unit."""
    units = desk_units(request)
    wanted = request.GET.get("unit")
    for unit in units:
        if unit.code == wanted:
            return unit
    return units[0] if units else None


define(Dashboard(
    key="committee", order=10, permission="committee.view_committee_dashboard",
    title=_("Committee dashboard"),
    description=_("What awaits your vote, the company scorecard, top risks, cost variance and "
                  "the next meetings.")))
define(Dashboard(
    key="planning", order=20, permission="committee.view_planning_dashboard",
    title=_("Planning department dashboard"),
    description=_("The plan pipeline, overdue reviews and data collection, open deviations "
                  "and this week's meeting.")))
define(Dashboard(
    key="unit", order=30, permission="committee.view_unit_desk", scope=unit_of_desk,
    title=_("Business-unit desk"),
    description=_("Your unit's action items, this week's progress report, the indicators to "
                  "report, and your risks and budget lines.")))
