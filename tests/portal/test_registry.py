"""The registries through which the parts add to `portal` without `portal` importing them."""

import datetime

import pytest
from django.utils import timezone

from portal.registry import (
    MijnSection,
    UpcomingEvent,
    mijn_sections,
    register_mijn_section,
    register_upcoming_events_provider,
    registry,
    upcoming_events,
)


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(registry, "mijn_sections", [])
    monkeypatch.setattr(registry, "upcoming_events_providers", [])
    return registry


def _event(title: str, days: int) -> UpcomingEvent:
    start = timezone.now() + datetime.timedelta(days=days)
    return UpcomingEvent(kind="course", title=title, start=start, end=None, url="/x/")


def test_upcoming_events_merges_every_provider_in_time_order_up_to_the_limit(clean_registry):
    register_upcoming_events_provider(lambda *, branch_ids, limit: [_event("b", 2), _event("d", 9)])
    register_upcoming_events_provider(lambda *, branch_ids, limit: [_event("a", 1), _event("c", 3)])
    assert [e.title for e in upcoming_events(limit=3)] == ["a", "b", "c"]


def test_upcoming_events_passes_the_branches_on(clean_registry):
    seen = []

    def provider(*, branch_ids, limit):
        seen.append(branch_ids)
        return []

    register_upcoming_events_provider(provider)
    upcoming_events(branch_ids=[4, 5])
    assert seen == [[4, 5]]


def test_mijn_sections_come_in_order_and_skip_providers_with_nothing_to_show(clean_registry):
    register_mijn_section(lambda request, volunteer: MijnSection("Later", "x.html"), order=50)
    register_mijn_section(lambda request, volunteer: None, order=1)
    register_mijn_section(lambda request, volunteer: MijnSection("Eerst", "y.html"), order=10)
    assert [s.title for s in mijn_sections(None, None)] == ["Eerst", "Later"]


def test_registering_the_same_provider_twice_adds_it_once(clean_registry):
    def provider(request, volunteer):
        return MijnSection("Eén keer", "x.html")

    register_mijn_section(provider)
    register_mijn_section(provider)
    assert len(mijn_sections(None, None)) == 1


def test_a_form_page_gets_the_view_its_part_registered_and_404_without_one(monkeypatch):
    from django.http import Http404

    from portal.registry import page_form_view, register_page_form_view
    from support.referrals.views import referral_form

    # support.referrals registers the referral form's view from its AppConfig.ready().
    assert page_form_view("referral") is referral_form
    monkeypatch.setattr(registry, "page_form_views", {})
    with pytest.raises(Http404):
        page_form_view("referral")

    def view(request, *, page):
        return None

    register_page_form_view("referral", view)
    assert page_form_view("referral") is view
