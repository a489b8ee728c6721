"""Public and volunteer URLs of `intervision`, mounted by portal/urls.py under i18n_patterns."""

from django.urls import path  # noqa: F401

app_name = "intervision"
urlpatterns: list = []
