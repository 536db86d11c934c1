from opsplan.api import router as make_router
from risks.api import views

app_name = "risks-api"

router = make_router()
router.register("matrices", views.MatrixViewSet, basename="matrix")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("acceptances", views.AcceptanceViewSet, basename="acceptance")
router.register("actions", views.RiskActionViewSet, basename="action")
router.register("checklist", views.ChecklistViewSet, basename="checklist")
router.register("", views.RiskViewSet, basename="risk")

urlpatterns = router.urls
