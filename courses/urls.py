"""Public and volunteer URLs of `courses`, mounted by portal/urls.py under i18n_patterns."""

from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("<int:course_id>/aanmelden/", views.enrol, name="enrol"),
    path("<int:course_id>/afmelden/", views.cancel, name="cancel"),
    path("<int:course_id>/agenda.ics", views.course_ics, name="ics"),
]
