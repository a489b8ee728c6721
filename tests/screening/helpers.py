"""Ticking a volunteer's checklist in tests, through the service."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.screening import services

ALL_KEYS = ("intake", "vog", "overeenkomst", "geheimhouding", "introductiecursus")


def tick(volunteer, *keys: str, on: datetime.date | None = None, by=None, requested_on=None):
    """Mark these checklist items of `volunteer` done on `on` (default today)."""
    on = on or timezone.localdate()
    types = {t.key: t for t in services.effective_types(volunteer.branch_id)}
    for key in keys:
        services.record_checklist_item(
            volunteer=volunteer, item_type=types[key], done_on=on, requested_on=requested_on, by=by
        )
    volunteer.refresh_from_db()
    return volunteer
