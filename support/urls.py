"""Volunteer URLs of `support`, mounted by portal/urls.py under i18n_patterns at /gezin/."""

from django.urls import path

from support import views

app_name = "support"
urlpatterns = [
    path("", views.my_family, name="my_family"),
    path("<int:pk>/bezoek/", views.log_visit, name="log_visit"),
    path("<int:pk>/zorgen/", views.raise_concern, name="raise_concern"),
    path("wekelijkse-email/", views.weekly_email, name="weekly_email"),
    path("week/<str:token>/", views.week_link, name="week_link"),
]
