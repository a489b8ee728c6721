"""Every public URL and the public pages' admin screens against the five roles, plus
the editor who keeps the public pages up to date."""

import pytest
from wagtail.models import Site

from tests.matrix import DENIED, LOGIN, ROLES, assert_access
from tests.portal.factories import current_totp_code

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
EVERYONE = dict.fromkeys(ROLES, 200)

MATRIX = [
    ("home", "/", EVERYONE),
    ("parents", "{parents}", EVERYONE),
    ("leaflets", "{leaflets}", EVERYONE),
    ("leaflet_document", "{document}", EVERYONE),
    ("referrers", "{referrers}", EVERYONE),
    ("referral_form", "{referral_form}", EVERYONE),
    ("referral_thanks", "{referral_form}bedankt/", EVERYONE),
    ("registration_form", "{registration}", EVERYONE),
    ("volunteering", "{volunteering}", EVERYONE),
    ("volunteering_thanks", "{volunteering}bedankt/", EVERYONE),
    ("branches", "{branches}", EVERYONE),
    ("branch", "{branch}", EVERYONE),
    ("news", "{news}", EVERYONE),
    ("news_item", "{news_item}", EVERYONE),
    ("about", "{about}", EVERYONE),
    ("search", "/zoeken/?q=home", EVERYONE),
    ("search_en", "/en/zoeken/?q=home", EVERYONE),
    ("sitemap", "/sitemap.xml", EVERYONE),
    ("robots", "/robots.txt", EVERYONE),
    ("not_found", "/bestaat-niet/", dict.fromkeys(ROLES, 404)),
    ("arabic_login", "/ar/accounts/login/", dict.fromkeys(ROLES, 302)),
    ("admin_pages", "/admin/pages/", {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: DENIED}),
    (
        "admin_edit_page",
        "/admin/pages/{about_id}/edit/",
        {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: DENIED},
    ),
    (
        "admin_site_settings",
        "/admin/settings/pages/publicsitesettings/{site_id}/",
        {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: DENIED},
    ),
]


def urls(site) -> dict:
    return {
        "parents": site.parents.url,
        "leaflets": site.leaflets.url,
        "document": site.leaflets.leaflets.first().document.url,
        "referrers": site.referrers.url,
        "referral_form": site.referral_form.url,
        "registration": site.registration.url,
        "volunteering": site.volunteering.url,
        "branches": site.branches.url,
        "branch": site.utrecht.url,
        "news": site.news.url,
        "news_item": site.news_items[0].url,
        "about": site.about.url,
        "about_id": site.about.pk,
        "site_id": Site.objects.get(is_default_site=True).pk,
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, client_for, public_site):
    # One site per role, every row against it: building the site is the slow part.
    addresses = urls(public_site)
    client = client_for(role)
    for name, url, expected in MATRIX:
        assert_access(client, url.format(**addresses), expected[role], role=f"{role} ({name})")


def test_editor_edits_publishes_and_translates_public_pages(client, editor, public_site):
    client.force_login(editor)
    assert client.get(f"/admin/pages/{public_site.about.pk}/edit/").status_code == 200
    page_permissions = public_site.about.permissions_for_user(editor)
    assert page_permissions.can_edit()
    assert page_permissions.can_publish()
    assert editor.has_perm("simple_translation.submit_translation")
    response = client.get(f"/admin/translation/submit/page/{public_site.about.pk}/")
    assert response.status_code == 200


def test_admin_login_still_asks_for_the_second_step(client, editor):
    response = client.post(
        "/accounts/login/", {"login": editor.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert current_totp_code()  # the editor has TOTP set up
