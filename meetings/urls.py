from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("follow-ups/<int:follow_up_pk>/done/", views.follow_up_close, name="follow-up-close"),
    path("follow-ups/<int:follow_up_pk>/to-plan/", views.follow_up_to_plan,
         name="follow-up-to-plan"),
    path("issues/", views.issues, name="issues"),
    path("issues/new/", views.issue_raise, name="issue-raise"),
    path("issues/<int:issue_pk>/resolve/", views.issue_resolve, name="issue-resolve"),
    path("stakeholders/", views.stakeholders, name="stakeholders"),
    path("stakeholders/new/", views.stakeholder_edit, name="stakeholder-create"),
    path("stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder-edit"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/invite.ics", views.invitation, name="invitation"),
    path("<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
    path("<int:pk>/agenda/new/", views.agenda_add, name="agenda-add"),
    path("<int:pk>/agenda/<int:item_pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/attendance/<int:participant_pk>/", views.attendance, name="attendance"),
    path("<int:pk>/decisions/new/", views.decision_add, name="decision-add"),
    path("<int:pk>/follow-ups/new/", views.follow_up_add, name="follow-up-add"),
    path("<int:pk>/report/", views.report_pack, name="report"),
    path("<int:pk>/report.xlsx", views.report_export, name="report-export"),
]
