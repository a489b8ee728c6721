"""Public and volunteer URLs of `newsletter`, mounted by portal/urls.py under i18n_patterns."""

from django.urls import path  # noqa: F401

app_name = "newsletter"
urlpatterns: list = []
