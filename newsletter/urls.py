"""Public and volunteer URLs of `newsletter`, mounted by portal/urls.py under i18n_patterns."""

from django.urls import path

from newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("archief/", views.archive, name="archive"),
    path("abonnement/", views.change_subscription, name="change_subscription"),
    path("afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "afmelden/<str:token>/een-klik/",
        views.one_click_unsubscribe,
        name="one_click_unsubscribe",
    ),
]
