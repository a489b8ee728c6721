"""The coordinators' weekly digest: one e-mail per branch with what needs attention.

Each part adds its own section through `portal.registry.register_digest_provider`
(intervision: volunteers who missed three sessions in a row; other parts their own
lists). Branches with nothing to report get no e-mail. The digest names volunteers
(it goes to their own branch's coordinators) and never a family.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.models import Branch
from portal.queue import enqueue_on_commit
from portal.registry import DigestSection, digest_sections


def weekly_digest_sections(
    *, branch_id: int, today: datetime.date | None = None
) -> list[DigestSection]:
    """The sections of one branch's digest, in order (empty: nothing to report)."""
    today = today or timezone.localdate()
    return digest_sections(branch_ids=[branch_id], today=today).get(branch_id, [])


def queue_weekly_digests(*, today: datetime.date | None = None) -> int:
    """Queue the digest of every branch that has something to report (weekly schedule)."""
    today = today or timezone.localdate()
    branch_ids = list(Branch.objects.values_list("pk", flat=True))
    reporting = sorted(digest_sections(branch_ids=branch_ids, today=today))
    with transaction.atomic():
        for branch_id in reporting:
            enqueue_on_commit("portal.tasks.send_weekly_digest", branch_id)
    return len(reporting)
