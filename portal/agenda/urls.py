"""Calendar feeds: outside the language prefix, the token is the only key."""

from django.urls import path

from portal.agenda import views

app_name = "agenda"
urlpatterns = [
    path("<str:token>/mijn.ics", views.personal_feed, name="feed_mijn"),
    path("<str:token>/afdelingen.ics", views.branch_feed, name="feed_afdelingen"),
]
