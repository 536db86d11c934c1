from kpis.api import views
from opsplan.api import router as make_router

app_name = "kpis-api"

router = make_router()
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
router.register("rollups", views.RollupViewSet, basename="rollup")
router.register("targets", views.TargetViewSet, basename="target")
router.register("signals", views.SignalViewSet, basename="signal")

urlpatterns = router.urls
