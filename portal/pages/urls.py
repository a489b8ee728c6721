"""Search of the public site, mounted by portal/urls.py under the language prefixes."""

from django.urls import path

from portal.pages import views

app_name = "pages"
urlpatterns = [
    path("zoeken/", views.search, name="search"),
]
