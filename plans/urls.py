from django.urls import path

from plans import desk_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/analysis/", views.plan_edit, {"section": "analysis"}, name="analysis"),
    path("<int:pk>/strategies/", views.strategies_edit, name="strategies"),
    path("<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("acknowledgements/<int:ack_pk>/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/actions/<int:action_pk>/progress/", views.action_progress,
         name="action-progress"),
    path("<int:pk>/reports/", views.reports, name="reports"),
    path("<int:pk>/reports/new/", views.report_add, name="report-add"),
    path("reports/<int:report_pk>/", views.report_edit, name="report-edit"),
    path("<int:pk>/deviations/new/", views.deviation_add, name="deviation-add"),
    path("deviations/<int:deviation_pk>/", views.deviation_edit, name="deviation-edit"),
    path("<int:pk>/revisions/", views.revisions, name="revisions"),
    path("<int:pk>/derive/", views.derive, name="derive"),
    path("<int:pk>/notes/new/", views.note_add, name="note-add"),
    path("<int:pk>/<slug:kind>/new/", views.part_edit, name="part-add"),
    path("<int:pk>/<slug:kind>/<int:part_pk>/edit/", views.part_edit, name="part-edit"),
    path("<int:pk>/<slug:kind>/<int:part_pk>/delete/", views.part_delete, name="part-delete"),
    path("reviews/<int:review_pk>/", views.review, name="review"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/reports/desk/", desk_views.report_from_desk, name="desk-report"),
]
