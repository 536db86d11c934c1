from django.urls import path

from committee import views

app_name = "committee"

urlpatterns = [
    path("", views.organisation, name="organisation"),
    path("departments/new/", views.department_create, name="department-create"),
    path("departments/<slug:code>/", views.department_detail, name="department-detail"),
    path("departments/<slug:code>/edit/", views.department_edit, name="department-edit"),
    path("departments/<slug:code>/positions/", views.membership_add, name="membership-add"),
    path("positions/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("people/", views.people, name="people"),
    path("me/", views.my_settings, name="my-settings"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("committee/<int:pk>/edit/", views.committee_edit, name="committee-edit"),
    path("committee/<int:pk>/seats/", views.seat_add, name="seat-add"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat-end"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/vote/", views.decision_vote, name="decision-vote"),
    path("decisions/<int:pk>/close/", views.decision_close, name="decision-close"),
]
