from django.urls import path

from kpis import evaluation_views as views

urlpatterns = [
    path("evaluations/", views.cycles, name="cycles"),
    path("evaluations/cycles/<int:pk>/", views.cycle, name="cycle"),
    path("evaluations/cycles/<int:pk>/export.xlsx", views.cycle_export, name="cycle-export"),
    path("evaluations/<int:pk>/", views.evaluation, name="evaluation"),
    path("evaluations/<int:pk>/<slug:action>/", views.evaluation_action,
         name="evaluation-action"),
    path("evaluations/templates/", views.templates, name="scorecard-templates"),
    path("evaluations/templates/<slug:code>/", views.template, name="scorecard-template"),
    path("evaluations/templates/<slug:code>/items/<int:item_pk>/delete/",
         views.template_item_remove, name="scorecard-item-remove"),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
]
