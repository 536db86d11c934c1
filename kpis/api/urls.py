from django.urls import path

from kpis.api import evaluation, views
from opsplan.api import router as make_router

app_name = "kpis-api"

router = make_router()
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
router.register("rollups", views.RollupViewSet, basename="rollup")
router.register("targets", views.TargetViewSet, basename="target")
router.register("signals", views.SignalViewSet, basename="signal")
router.register("scorecard-templates", evaluation.ScorecardTemplateViewSet,
                basename="scorecard-template")
router.register("cycles", evaluation.CycleViewSet, basename="cycle")
router.register("evaluations", evaluation.EvaluationViewSet, basename="evaluation")

urlpatterns = [
    *router.urls,
    path("feedback/<str:token>/", evaluation.FeedbackAnswerView.as_view(),
         name="feedback-answer"),
]
