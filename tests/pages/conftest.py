"""A small public site: every page type once, published as an editor would."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal.pages.models import (
    BranchIndexPage,
    NewsIndexPage,
    ParentPage,
    ReferralFormPage,
    ReferrerPage,
    StandardPage,
    VolunteerApplicationPage,
)
from tests.pages.factories import (
    add,
    branch_page,
    home_page,
    leaflet_page,
    news_page,
    stream,
)

STEPS = [
    ("step", {"title": f"Stap {number}", "text": f"<p>Uitleg {number}</p>", "who": "referrer"})
    for number in range(1, 9)
]


@pytest.fixture
def public_site(db, branch):
    return build_public_site(branch)


def build_public_site(branch) -> SimpleNamespace:
    home = home_page()
    parents = add(
        home,
        ParentPage(
            title="Voor ouders",
            slug="voor-ouders",
            show_in_menus=True,
            search_description="Steun aan huis voor ouders.",
            intro="<p>Een vrijwilliger komt bij u thuis.</p>",
        ),
    )
    leaflets = leaflet_page(parents, title="De folder in uw taal")
    registration = add(
        parents,
        ReferralFormPage(title="Zelf aanmelden", slug="aanmelden", variant="parents"),
    )
    parents.registration_page = registration
    parents.leaflet_page = leaflets
    parents.save()
    referrers = add(
        home,
        ReferrerPage(
            title="Voor verwijzers",
            slug="voor-verwijzers",
            show_in_menus=True,
            steps=stream(*STEPS),
            leaflet_page=leaflets,
        ),
    )
    referral_form = add(
        referrers, ReferralFormPage(title="Gezin aanmelden", slug="aanmelden", variant="referrer")
    )
    referrers.referral_page = referral_form
    referrers.save()
    volunteering = add(
        home,
        VolunteerApplicationPage(
            title="Vrijwilliger worden", slug="vrijwilliger-worden", show_in_menus=True
        ),
    )
    branches = add(home, BranchIndexPage(title="Afdelingen", slug="afdelingen", show_in_menus=True))
    utrecht = branch_page(branches, branch)
    news = add(home, NewsIndexPage(title="Nieuws", slug="nieuws", show_in_menus=True))
    news_items = [news_page(news, number) for number in (1, 2)]
    about = add(
        home,
        StandardPage(
            title="Over Home-Start",
            slug="over-home-start",
            show_in_menus=True,
            body=stream(("paragraph", "<p>Home-Start biedt steun aan huis.</p>")),
        ),
    )
    privacy = add(home, StandardPage(title="Privacyverklaring", slug="privacy"))
    return SimpleNamespace(
        home=home,
        parents=parents,
        leaflets=leaflets,
        registration=registration,
        referrers=referrers,
        referral_form=referral_form,
        volunteering=volunteering,
        branches=branches,
        utrecht=utrecht,
        news=news,
        news_items=news_items,
        about=about,
        privacy=privacy,
    )
