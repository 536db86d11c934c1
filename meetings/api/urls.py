from meetings.api import views
from opsplan.api import router as make_router

app_name = "meetings-api"

router = make_router()
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("issues", views.IssueViewSet, basename="issue")
router.register("stakeholders", views.StakeholderViewSet, basename="stakeholder")
router.register("", views.MeetingViewSet, basename="meeting")

urlpatterns = router.urls
