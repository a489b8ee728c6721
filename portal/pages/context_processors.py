from django.urls import reverse
from django.utils import translation

from portal.pages.languages import direction, interface_language


def public(request) -> dict:
    """The interface language (Dutch on an Arabic page) and the search page in it."""
    ui_language = interface_language()
    with translation.override(ui_language):
        search_url = reverse("pages:search")
    return {
        "ui_language": ui_language,
        "ui_direction": direction(ui_language),
        "site_search_url": search_url,
    }
