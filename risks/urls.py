from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    path("", views.risk_list, name="list"),
    path("new/", views.risk_create, name="create"),
    path("heatmap/", views.heat_map, name="heatmap"),
    path("export/", views.export, name="export"),
    path("import/", views.import_risks, name="import"),
    path("import/template/", views.import_template, name="import-template"),
    path("matrix/", views.matrix_list, name="matrix-list"),
    path("matrix/new/", views.matrix_create, name="matrix-create"),
    path("matrix/<int:pk>/", views.matrix_detail, name="matrix-detail"),
    path("matrix/<int:pk>/remap/", views.matrix_remap, name="matrix-remap"),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/new/", views.checklist_edit, name="checklist-add"),
    path("checklist/<int:item_pk>/edit/", views.checklist_edit, name="checklist-edit"),
    path("checklist/<int:item_pk>/spawn/", views.checklist_spawn, name="checklist-spawn"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit/", views.risk_edit, name="edit"),
    path("<int:pk>/assess/", views.risk_assess, name="assess"),
    path("<int:pk>/respond/", views.risk_respond, name="respond"),
    path("<int:pk>/accept/", views.risk_accept, name="accept"),
    path("<int:pk>/actions/new/", views.action_edit, name="action-add"),
    path("<int:pk>/actions/<int:action_pk>/", views.action_edit, name="action-edit"),
    path("<int:pk>/actions/<int:action_pk>/delete/", views.action_delete, name="action-delete"),
    path("<int:pk>/actions/<int:action_pk>/cost-line/", views.action_to_cost_line,
         name="action-cost-line"),
    path("<int:pk>/transitions/<slug:name>/", views.risk_transition, name="transition"),
]
