"""Calendar feeds (RFC 5545) built from agenda items; no queries in here.

Choices, and what subscribers see:
- One VEVENT per item, never an RRULE with EXDATEs: Google refuses long EXDATE lists
  and Apple drops a series whose EXDATE zone differs from DTSTART.
- UID is the item's stable uid; SEQUENCE its sequence, raised on every change.
- A cancelled item stays, with STATUS:CANCELLED and "Afgelast:" before its title,
  so a client that removes cancelled events (Google) and one that strikes them
  through (Apple, Thunderbird) both tell the person; Outlook shows the title.
- A moved item says "verplaatst" in its description; its new time is in DTSTART.
- Times carry TZID=Europe/Amsterdam with a VTIMEZONE limited to the feed's window.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from portal.emails import absolute_url
from portal.registry import AgendaItem

REFRESH_INTERVAL = datetime.timedelta(hours=4)


def _event(item: AgendaItem, *, zone: ZoneInfo, stamp: datetime.datetime) -> Event:
    title = item.title
    if item.cancelled:
        title = _("Afgelast: %(title)s") % {"title": title}
    status = item.status_label
    if item.cancelled and item.cancel_reason:
        status = _("Afgelast: %(reason)s") % {"reason": item.cancel_reason}
    description = [status] if status else []
    if item.moved and not item.cancelled:
        description.append(_("Deze bijeenkomst is verplaatst."))
    if item.description:
        description.append(item.description)
    event = Event.new(
        uid=item.uid,
        start=item.start.astimezone(zone),
        end=item.end.astimezone(zone),
        summary=title,
        sequence=item.sequence,
        status="CANCELLED" if item.cancelled else "CONFIRMED",
        location=item.location or None,
        url=absolute_url(item.url) if item.url else None,
        description="\n".join(description) or None,
        stamp=(item.updated_at or stamp).astimezone(datetime.UTC),
    )
    if item.updated_at:
        event.add("last-modified", item.updated_at.astimezone(datetime.UTC))
    if item.status == "waitlisted":
        event["status"] = "TENTATIVE"
    return event


def build_calendar(
    items: list[AgendaItem],
    *,
    name: str,
    uid: str,
    window: tuple[datetime.datetime, datetime.datetime],
    stamp: datetime.datetime,
) -> bytes:
    """The feed as bytes: `items` in order, a VTIMEZONE covering `window`."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar.new(
        prodid="-//Home-Start//Portal//NL",
        name=name,
        uid=uid,
        method="PUBLISH",
    )
    # RFC 7986 wants the VALUE parameter; some clients ignore the hint without it.
    calendar.add("refresh-interval", vDuration(REFRESH_INTERVAL), parameters={"VALUE": "DURATION"})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for item in items:
        calendar.add_component(_event(item, zone=zone, stamp=stamp))
    first = min([window[0], *(item.start for item in items)]).date() - datetime.timedelta(days=1)
    last = max([window[1], *(item.end for item in items)]).date() + datetime.timedelta(days=1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    if not any(component.name == "VTIMEZONE" for component in calendar.subcomponents):
        # Nothing in the feed yet: say which zone its times will be in all the same.
        from icalendar import Timezone

        calendar.add_component(Timezone.from_tzinfo(zone, first_date=first, last_date=last))
    return calendar.to_ical()
