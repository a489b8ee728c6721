"""The agenda: every part's items for a person, and the feed token."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.agenda.models import CalendarFeedToken, new_token
from portal.models import User
from portal.registry import AgendaItem, registry

# A feed reaches this far back and ahead.
FEED_PAST = datetime.timedelta(days=31)
FEED_FUTURE = datetime.timedelta(days=366)


def feed_window(
    now: datetime.datetime | None = None,
) -> tuple[datetime.datetime, datetime.datetime]:
    now = now or timezone.now()
    return now - FEED_PAST, now + FEED_FUTURE


def collect_agenda(
    *,
    volunteer_id: int | None = None,
    branch_ids: list[int] | None = None,
    own_branch_ids: list[int] | None = None,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[AgendaItem]:
    """Every registered provider's items overlapping [start, end), in time order.

    Give exactly one of `volunteer_id` (a volunteer's own agenda) and `branch_ids`
    (a coordinator's agenda of their branches). `own_branch_ids` are the branches the
    person coordinates themselves (default: `branch_ids`); national staff see every
    branch but only providers of ordinary items get all of them.
    """
    if (volunteer_id is None) == (branch_ids is None):
        raise ValueError("Give exactly one of volunteer_id and branch_ids.")
    if own_branch_ids is None:
        own_branch_ids = branch_ids
    items = []
    for provider in registry.agenda_providers:
        scope = branch_ids
        if branch_ids is not None and provider in registry.own_branch_agenda_providers:
            if not own_branch_ids:
                continue
            scope = own_branch_ids
        items.extend(provider(volunteer_id=volunteer_id, branch_ids=scope, start=start, end=end))
    return sorted(items, key=lambda item: (item.start, item.end, item.uid))


def feed_token_for(*, user: User) -> CalendarFeedToken:
    """The person's feed token, made on first use."""
    token = CalendarFeedToken.objects.filter(user=user).first()
    if token is None:
        token, _created = CalendarFeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def regenerate_feed_token(*, user: User) -> CalendarFeedToken:
    """A new secret address; the old one answers 404 from this moment on."""
    token, created = CalendarFeedToken.objects.select_for_update().get_or_create(user=user)
    if not created:
        token.token = new_token()
        token.save(update_fields=["token", "created_at"])
    return token
