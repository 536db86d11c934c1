from costs.api import views
from opsplan.api import router as make_router

app_name = "costs-api"

router = make_router()
router.register("lines", views.BudgetLineViewSet, basename="line")
router.register("targets", views.CostTargetViewSet, basename="target")
router.register("entries", views.CostEntryViewSet, basename="entry")
router.register("explanations", views.ExplanationViewSet, basename="explanation")
router.register("overruns", views.OverrunViewSet, basename="overrun")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("suggestions", views.SuggestionViewSet, basename="suggestion")
router.register("rewards", views.RewardViewSet, basename="reward")
router.register("plans", views.PlanCostsViewSet, basename="plan")
router.register("departments", views.DepartmentCostsViewSet, basename="department")

urlpatterns = router.urls
