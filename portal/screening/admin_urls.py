"""Admin URLs of screening, mounted under /admin/screening/."""

from django.urls import path

from portal.screening import admin_views

app_name = "screening_admin"
urlpatterns = [
    path(
        "vrijwilliger/<int:volunteer_id>/",
        admin_views.volunteer_screening,
        name="volunteer",
    ),
    path(
        "vrijwilliger/<int:volunteer_id>/onderdeel/<int:type_id>/",
        admin_views.record_item,
        name="record_item",
    ),
    path(
        "vrijwilliger/<int:volunteer_id>/gesprek/",
        admin_views.record_contact,
        name="record_contact",
    ),
    path(
        "vrijwilliger/<int:volunteer_id>/terugbellen/<int:callback_id>/",
        admin_views.answer_callback,
        name="answer_callback",
    ),
]
