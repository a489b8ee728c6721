from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import health, views
from portal.agenda import views as agenda_views
from portal.pages import views as page_views
from portal.screening import views as screening_views

mijn_patterns = [
    path("", views.mijn, name="mijn"),
    path("gegevens/", views.edit_details, name="edit_details"),
    path("gegevens/download/", views.download_data, name="download_data"),
    path("verwijderen/", views.ask_deletion, name="ask_deletion"),
    path("bel-mij-terug/", screening_views.request_callback, name="request_callback"),
    path("agenda/", agenda_views.mijn_agenda, name="agenda"),
    path("agenda/nieuw-adres/", agenda_views.regenerate_token, name="agenda_regenerate"),
]

urlpatterns = [
    # The admin's own login page would bypass allauth's MFA and rate limits.
    path(
        "admin/login/",
        RedirectView.as_view(url=reverse_lazy("account_login"), query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("agenda/", include("portal.agenda.urls")),
    path("robots.txt", page_views.robots_txt, name="robots_txt"),
    # Answered by portal.health.HealthCheckMiddleware in front of everything; here for
    # reverse() and the list of addresses.
    path(health.HEALTH_PATH.lstrip("/"), health.health, name="health"),
    path(health.HEALTH_WEB_PATH.lstrip("/"), health.health_web, name="health_web"),
    path("sitemap.xml", page_views.sitemap, name="sitemap"),
]

if settings.DEBUG:
    # Images and renditions from disk in development, on a normalised path only.
    # Documents never: they go through Wagtail's serve view, which guards course material.
    urlpatterns += [
        path("media/<path:path>", views.development_media, name="development_media"),
    ]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("mijn/", include((mijn_patterns, "portal"))),
    path("cursussen/", include("courses.urls")),
    path("intervisie/", include("intervision.urls")),
    path("nieuwsbrief/", include("newsletter.urls")),
    path("gezin/", include("support.urls")),
    path("", include("portal.pages.urls")),
    # Wagtail's front-end login (under wagtail_urls) takes a password alone: it leads
    # to allauth's, which asks for the code and rate-limits.
    path(
        "_util/login/",
        RedirectView.as_view(url=reverse_lazy("account_login"), query_string=True),
        name="wagtailcore_login_redirect",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
