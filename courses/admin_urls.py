"""Admin URLs of `courses`, mounted by courses/wagtail_hooks.py under /admin/courses/."""

from django.urls import path

from courses import admin_views

app_name = "courses_admin"
urlpatterns = [
    path("", admin_views.course_index, name="index"),
    path("<int:course_id>/", admin_views.participants, name="participants"),
    path(
        "<int:course_id>/deelnemers/toevoegen/",
        admin_views.add_participant,
        name="add_participant",
    ),
    path(
        "<int:course_id>/deelnemers/<int:enrolment_id>/afmelden/",
        admin_views.cancel_participant,
        name="cancel_participant",
    ),
    path("<int:course_id>/aanwezigheid/", admin_views.attendance, name="attendance"),
    path(
        "<int:course_id>/inhalen/<int:enrolment_id>/<int:session_id>/",
        admin_views.make_up,
        name="make_up",
    ),
    path(
        "<int:course_id>/bijeenkomsten/<int:session_id>/annuleren/",
        admin_views.cancel_session,
        name="cancel_session",
    ),
    path("<int:course_id>/annuleren/", admin_views.cancel_course, name="cancel_course"),
    path("<int:course_id>/export/", admin_views.CourseExportView.as_view(), name="export"),
]
