"""Pacing newsletter sending to a relay's own rate, across tasks and clusters.

A provider may allow, say, 10 messages a second or 2,000 an hour. Each limit
(`NEWSLETTER_RATE_PER_SECOND`, `NEWSLETTER_RATE_PER_HOUR`; 0 is none) is a token bucket
in the database (`SendingRate`), so every batch task on every worker of every cluster
draws from the same allowance. A batch asks for a small group at a time (`take`) and
sends only what it got; when the bucket is empty the batch is released until it holds
a token again and queued again then, like a batch with deferred addresses. Nothing
waits inside a task.

A bucket refills evenly at its rate and holds at most one second's allowance (per
second) or one minute's (per hour), at least one message. So over any stretch of time
the messages granted are at most that allowance plus the rate times the stretch: a
per-second limit is never exceeded by more than one second's worth, an hourly one by
more than one minute's worth. See docs/mail.md, "Pacing".
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsletter.models import SendingRate


@dataclass(frozen=True)
class Limit:
    name: str
    rate: float  # tokens per second
    capacity: float  # the most the bucket holds


@dataclass(frozen=True)
class Grant:
    count: int
    # When the bucket holds a token again (only when fewer than asked were granted).
    retry_at: datetime.datetime | None = None
    # When every bucket holds what was asked again (at most its capacity): the moment
    # to come back for a whole group rather than one message per task.
    refill_at: datetime.datetime | None = None


def limits() -> list[Limit]:
    """The limits in force: none unless the deployment sets a rate."""
    active = []
    per_second = settings.NEWSLETTER_RATE_PER_SECOND
    if per_second and per_second > 0:
        active.append(Limit("second", per_second, max(1.0, per_second)))
    per_hour = settings.NEWSLETTER_RATE_PER_HOUR
    if per_hour and per_hour > 0:
        active.append(Limit("hour", per_hour / 3600, max(1.0, per_hour / 60)))
    return active


def _level(limit: Limit, bucket: SendingRate, now: datetime.datetime) -> float:
    if bucket.updated_at is None:
        return limit.capacity  # never used: full
    elapsed = max((now - bucket.updated_at).total_seconds(), 0.0)
    return min(limit.capacity, bucket.tokens + elapsed * limit.rate)


def take(wanted: int, *, now: datetime.datetime | None = None) -> Grant:
    """Take up to `wanted` tokens from every bucket in force; the number granted, and
    when to come back for the rest. No limits: everything, without a query."""
    active = limits()
    if not active or wanted <= 0:
        return Grant(max(wanted, 0))
    for limit in active:
        SendingRate.objects.get_or_create(name=limit.name)
    with transaction.atomic():
        now = now or timezone.now()
        buckets = {
            bucket.name: bucket
            for bucket in SendingRate.objects.select_for_update().filter(
                name__in=[limit.name for limit in active]
            )
        }
        levels = {limit.name: _level(limit, buckets[limit.name], now) for limit in active}
        # A hair of tolerance: 0.9999999 tokens after float arithmetic is one.
        count = min(wanted, *(math.floor(level + 1e-9) for level in levels.values()))
        count = max(count, 0)
        for limit in active:
            SendingRate.objects.filter(name=limit.name).update(
                tokens=levels[limit.name] - count, updated_at=now
            )
    if count == wanted:
        return Grant(count)
    left = {limit.name: levels[limit.name] - count for limit in active}
    wait = max((max(1.0 - left[limit.name], 0.0) / limit.rate for limit in active), default=0.0)
    refill = max(
        (max(min(wanted, limit.capacity) - left[limit.name], 0.0) / limit.rate for limit in active),
        default=0.0,
    )
    return Grant(
        count,
        now + datetime.timedelta(seconds=wait),
        now + datetime.timedelta(seconds=max(wait, refill)),
    )
