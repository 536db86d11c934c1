"""Routes of the measurement upload (§4.2). A plain list: kpis/urls.py includes it inside the
``kpis`` namespace, e.g. ``path("data/", include(upload_urls))``."""

from django.urls import path

from kpis import upload_views as views

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/template.csv", views.upload_template, name="upload-template"),
    path("upload/<uuid:pk>/", views.upload_preview, name="upload-preview"),
    path("upload/<uuid:pk>/confirm/", views.upload_confirm, name="upload-confirm"),
    path("upload/<uuid:pk>/status/", views.upload_status, name="upload-status"),
]
