from django.urls import path

from costs import views

app_name = "costs"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", views.plan_costs, name="plan"),
    path("plans/<int:pk>/lines/new/", views.line_add, name="line-add"),
    path("plans/<int:pk>/targets/new/", views.target_add, name="target-add"),
    path("plans/<int:pk>/entries/new/", views.entry_add, name="entry-add"),
    path("plans/<int:pk>/explain/", views.explain, name="explain"),
    path("plans/<int:pk>/variance/", views.report, name="report"),
    path("plans/<int:pk>/export.xlsx", views.export, name="export"),
    path("lines/<int:pk>/", views.line_edit, name="line-edit"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line-delete"),
    path("targets/<int:pk>/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
    path("entries/<int:pk>/attachment/", views.entry_attachment, name="entry-attachment"),
    path("departments/<slug:code>/", views.department, name="department"),
    path("rules/", views.policies, name="policies"),
    path("rules/<slug:category>/", views.policy_edit, name="policy-edit"),
    path("upload/", views.upload, name="upload"),
    path("upload/<int:pk>/", views.upload_preview, name="upload-preview"),
    path("upload/<int:pk>/confirm/", views.upload_confirm, name="upload-confirm"),
    path("measures/", views.measures, name="measures"),
    path("measures/new/", views.measure_add, name="measure-add"),
    path("measures/<int:pk>/", views.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/confirm/", views.measure_confirm, name="measure-confirm"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/new/", views.suggestion_add, name="suggestion-add"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/edit/", views.suggestion_edit, name="suggestion-edit"),
    path("suggestions/<int:pk>/evaluate/", views.suggestion_evaluate,
         name="suggestion-evaluate"),
    path("suggestions/<int:pk>/measure/", views.suggestion_measure, name="suggestion-measure"),
]
