from django.urls import path

from committee.api import views
from opsplan.api import router as make_router

app_name = "committee-api"

router = make_router()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("seats", views.SeatViewSet, basename="seat")
router.register("decisions", views.DecisionViewSet, basename="decision")

urlpatterns = [
    path("me/", views.OwnSettingsView.as_view(), name="my-settings"),
    *router.urls,
]
