from rest_framework.routers import DefaultRouter

from kpis.api import views

app_name = "kpis-api"

router = DefaultRouter()
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
router.register("rollups", views.RollupViewSet, basename="rollup")
router.register("targets", views.TargetViewSet, basename="target")
router.register("signals", views.SignalViewSet, basename="signal")

urlpatterns = router.urls
