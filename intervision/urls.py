"""Public and volunteer URLs of `intervision`, mounted by portal/urls.py under i18n_patterns."""

from django.urls import path

from intervision import views

app_name = "intervision"
urlpatterns = [
    path("sessie/<int:pk>/", views.session_detail, name="session"),
    path("sessie/<int:pk>/antwoord/", views.answer, name="answer"),
    path("sessie/<int:pk>/verslag/", views.add_note, name="add_note"),
    path("groep/<int:pk>/", views.group_detail, name="group"),
    path("antwoord/<str:token>/", views.answer_by_link, name="answer_by_link"),
    path("themabijeenkomsten/", views.theme_meetings, name="theme_meetings"),
    path("themabijeenkomsten/<int:pk>/", views.theme_meeting, name="theme_meeting"),
    path(
        "themabijeenkomsten/<int:pk>/aanmelden/",
        views.theme_meeting_sign_up,
        name="theme_meeting_sign_up",
    ),
    path(
        "themabijeenkomsten/<int:pk>/afmelden/",
        views.theme_meeting_cancel,
        name="theme_meeting_cancel",
    ),
]
