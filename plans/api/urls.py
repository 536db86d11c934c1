from rest_framework.routers import DefaultRouter

from plans.api import views

app_name = "plans-api"

router = DefaultRouter()
router.register("goals", views.GoalViewSet, basename="goal")
router.register("competitors", views.CompetitorViewSet, basename="competitor")
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("strategies", views.StrategyViewSet, basename="strategy")
router.register("actions", views.ActionItemViewSet, basename="action")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("", views.PlanViewSet, basename="plan")

urlpatterns = router.urls
