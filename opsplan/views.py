from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from opsplan.api import (
    MarkedReadSerializer,
    NotificationPreferenceSerializer,
    NotificationSerializer,
    RulesPermission,
    StrictBooleanFilter,
)
from opsplan.health import beat_heartbeat, check_broker, check_database
from opsplan.models import Notification


@never_cache
@require_GET
def healthz(request):
    """Database and broker reachability as JSON: "ok" when both answer, "degraded" (still 200)
    when only the broker is down, "unavailable" (503) when the database is."""
    database = check_database()
    broker = check_broker()
    ok = database["ok"] and broker["ok"]
    body = {"status": "ok" if ok else "unavailable", "database": database, "broker": broker}
    if database["ok"]:
        from opsplan.outbox import pending

        body["beat"] = beat_heartbeat()
        body["outbox"] = {"pending": pending()}
        if not broker["ok"]:
            body["status"] = "degraded"  # pages and reads work; queued work waits in the outbox
    # degraded (broker down) still answers 200: pages and reads are served, queued work waits
    # in the outbox; only a lost database takes the node out of the load balancer
    return JsonResponse(body, status=200 if database["ok"] else 503)


@require_POST
def set_language(request):
    """Django's language switch, also remembered on the person's profile when signed in."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    known = {code for code, _name in settings.LANGUAGES}
    if user.is_authenticated and language in known and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response


@login_required
def home(request):
    """The signed-in person's starting page; sections appear by role as apps add them."""
    from committee.models import Department
    from committee.selectors import department_positions_of, main_committee
    from opsplan.dashboards import dashboards_for
    from plans.selectors import waiting_for

    positions = department_positions_of(request.user)
    departments = Department.objects.filter(pk__in=positions).order_by("name")
    return render(request, "home.html", {
        "my_departments": [(d, sorted(positions[d.pk])) for d in departments],
        "committee": main_committee(),
        "waiting": waiting_for(request.user),
        "dashboards": dashboards_for(request.user),
    })


class ApiRoot(APIView):
    """The API's entry point: one link per app."""

    permission_classes = [IsAuthenticated]
    sections = {"committee": "committee-api:api-root", "kpis": "kpis-api:api-root",
                "plans": "plans-api:api-root", "risks": "risks-api:api-root",
                "costs": "costs-api:api-root", "meetings": "meetings-api:api-root",
                "audit": "audit-api:api-root"}

    @extend_schema(exclude=True)
    def get(self, request, format=None):
        links = {name: reverse(url_name, request=request, format=format)
                 for name, url_name in self.sections.items()}
        links["search"] = reverse("search-api:search", request=request)
        links["schema"] = reverse("api-schema", request=request)
        links["docs"] = reverse("api-docs", request=request)
        return Response(links)


@login_required
def notifications(request):
    """The signed-in person's notifications, newest first; POST marks them all read."""
    from django.core.paginator import Paginator
    from django.shortcuts import redirect

    from opsplan.notifications import mark_all_read, notifications_of

    if request.method == "POST":
        mark_all_read(request.user)
        return redirect("notifications")
    page = Paginator(notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications.html", {"page": page})


def permission_denied(request, exception=None):
    """The 403 page; the refusal is audited (§1 compliance)."""
    from opsplan.audit import record_denied

    record_denied(request, interface="web")
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    """404: the API answers in its one error shape, pages with the 404 page."""
    if request.path.startswith("/api/"):
        from django.utils.translation import gettext

        return JsonResponse({"status": 404, "code": "not_found",
                             "detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """500: the API answers in its one error shape (a 500 is a bug; it is logged)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"status": 500, "code": "server_error",
                             "detail": "Internal error; it has been logged."}, status=500)
    from django.views.defaults import server_error as html_server_error

    return html_server_error(request)


@login_required
def notification_preferences(request):
    """Per kind of notification: in the app, by e-mail, both or neither."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext

    from opsplan.notifications import preference_table, set_preferences

    table = preference_table(request.user)
    if request.method == "POST":
        set_preferences(user=request.user, request=request, choices=[
            {"event": row["event"],
             "in_app": request.POST.get(f"{row['event']}-in_app") == "on",
             "by_email": request.POST.get(f"{row['event']}-by_email") == "on"}
            for row in table])
        messages.success(request, gettext("Your notification choices are saved."))
        return redirect("notification-preferences")
    return render(request, "notification_preferences.html", {"rows": table})


class NotificationFilter(filters.FilterSet):
    unread = StrictBooleanFilter(field_name="read_at", lookup_expr="isnull",
                                   label=gettext_lazy("Unread only"))

    class Meta:
        model = Notification
        fields = ["event"]


class NotificationsView(ListAPIView):
    """Your notifications, newest first (``unread=true``: those not read yet; ``event``: of
    one kind); the same list as the notifications page."""

    permission_classes = [IsAuthenticated, RulesPermission]
    permission_map = {"GET": "opsplan.manage_own_notifications"}
    queryset = Notification.objects.none()  # the schema's model; get_queryset is per person
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    search_fields = []
    ordering_fields = ["created_at"]

    def get_queryset(self):
        from opsplan.notifications import notifications_of

        return notifications_of(self.request.user)


class NotificationsReadView(APIView):
    """Mark all your notifications read (the top bar's badge drops to 0), as the page's
    "Mark all read" button does; answers how many were unread."""

    permission_classes = [IsAuthenticated, RulesPermission]
    permission_map = {"POST": "opsplan.manage_own_notifications"}

    @extend_schema(request=None, responses=MarkedReadSerializer)
    def post(self, request, format=None):
        from opsplan.notifications import mark_all_read

        return Response({"marked": mark_all_read(request.user)})


class NotificationPreferencesView(APIView):
    """Your notification choices: per kind, in the app and by e-mail (both on by default)."""

    permission_classes = [IsAuthenticated, RulesPermission]
    permission_map = {"GET": "opsplan.manage_own_notifications",
                      "PUT": "opsplan.manage_own_notifications"}

    @extend_schema(responses=NotificationPreferenceSerializer(many=True))
    def get(self, request, format=None):
        from opsplan.notifications import preference_table

        return Response(NotificationPreferenceSerializer(preference_table(request.user),
                                                         many=True).data)

    @extend_schema(request=NotificationPreferenceSerializer(many=True),
                   responses=NotificationPreferenceSerializer(many=True))
    def put(self, request, format=None):
        from opsplan.notifications import set_preferences

        body = NotificationPreferenceSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        table = set_preferences(user=request.user, choices=body.validated_data,
                                request=request)
        return Response(NotificationPreferenceSerializer(table, many=True).data)


# --- dashboards (opsplan.dashboards): the page and the API build the same panels -----------

def _dashboard_or_404(key):
    from django.http import Http404

    from opsplan.dashboards import DASHBOARDS, discover

    discover()
    if key not in DASHBOARDS:
        raise Http404
    return DASHBOARDS[key]


@login_required
def dashboard(request, key):
    """One audience's dashboard: its panels, each rendered by its own template; the whole page
    is served from the cache while nothing on it can have changed (the rule is checked first)."""
    from django.core.exceptions import PermissionDenied

    from opsplan.dashboards import cached_page

    board = _dashboard_or_404(key)
    if not request.user.has_perm(board.permission):
        raise PermissionDenied
    return cached_page(request, lambda: _dashboard_page(request, board))


def _dashboard_page(request, board):
    from opsplan.dashboards import dashboards_for, render_panels

    scope, panels = render_panels(board, request)
    choices = []
    if board.scope is not None:
        from committee.panels import desk_units

        choices = desk_units(request)
    return render(request, "dashboard.html", {
        "board": board, "scope": scope, "scope_choices": choices,
        "panels": [{"panel": panel, "data": data, "html": html}
                   for panel, data, html in panels],
        "dashboards": dashboards_for(request.user),
    })


class DashboardView(APIView):
    """A dashboard's panels as data: the same values the page shows, under the same rule."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request, key, format=None):
        from rest_framework.exceptions import PermissionDenied

        from opsplan.dashboards import build

        board = _dashboard_or_404(key)
        if not request.user.has_perm(board.permission):
            raise PermissionDenied
        scope, panels = build(board, request)
        return Response({
            "dashboard": board.key, "title": board.title,
            "scope": getattr(scope, "code", None),
            "panels": [{"key": panel.key, "title": panel.title, "data": data}
                       for panel, data in panels],
        })
