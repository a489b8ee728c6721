"""Admin URLs of `reports`, mounted under /admin/jaarverslag/."""

from django.urls import path

from reports import views

app_name = "reports_admin"
urlpatterns = [
    path("", views.report_view, name="report"),
    path("afdrukken/", views.print_view, name="print"),
    path("download.xlsx", views.xlsx_view, name="xlsx"),
]
