from opsplan.api import router as make_router
from plans.api import views

app_name = "plans-api"

router = make_router()
router.register("goals", views.GoalViewSet, basename="goal")
router.register("competitors", views.CompetitorViewSet, basename="competitor")
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("strategies", views.StrategyViewSet, basename="strategy")
router.register("actions", views.ActionItemViewSet, basename="action")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("acknowledgements", views.AcknowledgementViewSet, basename="acknowledgement")
router.register("reports", views.WeeklyReportViewSet, basename="report")
router.register("deviations", views.DeviationViewSet, basename="deviation")
router.register("adjustments", views.AdjustmentViewSet, basename="adjustment")
router.register("monitoring-notes", views.MonitoringNoteViewSet, basename="monitoring-note")
router.register("", views.PlanViewSet, basename="plan")

urlpatterns = router.urls
