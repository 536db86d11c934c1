"""Routes of the reading pages, mounted by kpis/urls.py inside the ``kpis`` namespace:
``indicator_patterns`` under ``indicators/`` and ``scorecard_patterns`` under ``scorecards/``."""

from django.urls import include, path

from kpis import report_views

indicator_patterns = [
    path("<slug:code>/", report_views.indicator_detail, name="indicator"),
    path("<slug:code>/export.xlsx", report_views.indicator_export, name="indicator-export"),
]

scorecard_patterns = [
    path("", report_views.scorecards, name="scorecards"),
    path("<slug:code>/", report_views.scorecard, name="scorecard"),
    path("<slug:code>/export.xlsx", report_views.scorecard_export, name="scorecard-export"),
]

# both at once, for ``path("", include("kpis.report_urls"))`` inside the kpis namespace
urlpatterns = [
    path("indicators/", include(indicator_patterns)),
    path("scorecards/", include(scorecard_patterns)),
]
