from django.urls import include, path

from kpis import desk_views, views
from kpis.evaluation_urls import urlpatterns as evaluation_patterns
from kpis.report_urls import indicator_patterns, scorecard_patterns
from kpis.upload_urls import urlpatterns as upload_patterns

app_name = "kpis"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("new/", views.indicator_edit, name="indicator-create"),
    path("indicators/<slug:code>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<slug:code>/targets/new/", views.target_add, name="target-add"),
    path("data/new/", views.measurement_add, name="measurement-add"),
    path("rollups/", views.rollup_run, name="rollup-run"),
    path("rollups/<str:task_id>/", views.rollup_progress, name="rollup-progress"),
    path("data/", include(upload_patterns)),
    path("indicators/", include(indicator_patterns)),
    path("scorecards/", include(scorecard_patterns)),
    *evaluation_patterns,
    path("data/desk/", desk_views.measurement_from_desk, name="desk-measurement"),
]
