from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

from opsplan import audit_views, progress, search, views
from opsplan.api import router as make_router

audit_router = make_router()
audit_router.register("events", audit_views.AuditEventViewSet, basename="event")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/preferences/", views.notification_preferences,
         name="notification-preferences"),
    path("dashboards/<slug:key>/", views.dashboard, name="dashboard"),
    path("tasks/<str:task_id>/", progress.task_status, name="task-status"),
    path("audit/", audit_views.audit_trail, name="audit-trail"),
    path("audit/export/<slug:fmt>/", audit_views.audit_export, name="audit-export"),
    path("search/", search.search_page, name="search"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("organisation/", include("committee.urls")),
    path("plans/", include("plans.urls")),
    path("kpis/", include("kpis.urls")),
    path("risks/", include("risks.urls")),
    path("costs/", include("costs.urls")),
    path("meetings/", include("meetings.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", views.ApiRoot.as_view(), name="api-root"),
    path("api/v1/me/", include(([
        path("notification-preferences/", views.NotificationPreferencesView.as_view(),
             name="notification-preferences"),
        path("notifications/", views.NotificationsView.as_view(), name="notifications"),
        path("notifications/read/", views.NotificationsReadView.as_view(),
             name="notifications-read"),
        path("dashboards/<slug:key>/", views.DashboardView.as_view(), name="dashboard"),
    ], "opsplan-api"))),
    path("api/v1/audit/", include((audit_router.urls, "audit-api"))),
    path("api/v1/search/", include(([
        path("", search.SearchView.as_view(), name="search"),
    ], "search-api"))),
    path("api/v1/committee/", include("committee.api.urls")),
    path("api/v1/plans/", include("plans.api.urls")),
    path("api/v1/kpis/", include("kpis.api.urls")),
    path("api/v1/risks/", include("risks.api.urls")),
    path("api/v1/costs/", include("costs.api.urls")),
    path("api/v1/meetings/", include("meetings.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-docs"),
]

# Uploaded files are never served from MEDIA_URL: each app serves its files through a view
# that checks who may read them (plans:attachment).

handler403 = "opsplan.views.permission_denied"
handler404 = "opsplan.views.page_not_found"
handler500 = "opsplan.views.server_error"
