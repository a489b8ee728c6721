import pytest

from newsletter.models import Subscription
from portal.registry import UpcomingEvent, registry


@pytest.fixture
def unsubscribe():
    def make(user):
        Subscription.objects.update_or_create(user=user, defaults={"subscribed": False})

    return make


@pytest.fixture
def events_provider():
    """A part's upcoming-events provider, registered for the test only."""
    import datetime

    from django.utils import timezone

    calls = []

    def provider(*, branch_ids, limit):
        calls.append(branch_ids)
        start = timezone.now() + datetime.timedelta(days=7)
        events = [
            UpcomingEvent(
                kind="theme_meeting",
                title="Themabijeenkomst: hechting",
                start=start,
                end=None,
                url="/intervisie/thema/1/",
                venue="Buurthuis De Linde",
            ),
            UpcomingEvent(
                kind="course",
                title="Introductiecursus najaar",
                start=start + datetime.timedelta(days=3),
                end=None,
                url="/cursussen/7/",
                branch_name="Home-Start Utrecht",
            ),
        ]
        return events[:limit]

    registry.upcoming_events_providers.append(provider)
    provider.calls = calls
    yield provider
    registry.upcoming_events_providers.remove(provider)
