"""The coordinators' weekly digest: one e-mail per branch, every part's section in it."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.registry import DigestRow, DigestSection, registry
from portal.services.digest import queue_weekly_digests, weekly_digest_sections
from portal.tasks import send_weekly_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_providers(monkeypatch, branch):
    def late(*, branch_ids, today):
        return {
            branch.pk: DigestSection(
                title="Tweede blok", rows=(DigestRow("Rij B", "/admin/b/"),), order=90
            )
        }

    def early(*, branch_ids, today):
        return {
            branch_id: DigestSection(
                title="Eerste blok", rows=(DigestRow("Rij A", "/admin/a/"),), order=10
            )
            for branch_id in branch_ids
            if branch_id == branch.pk
        }

    def empty(*, branch_ids, today):
        return {branch.pk: DigestSection(title="Leeg", rows=())}

    monkeypatch.setattr(registry, "digest_providers", [late, early, empty])


def test_sections_come_in_their_order_and_empty_ones_are_left_out(two_providers, branch):
    titles = [section.title for section in weekly_digest_sections(branch_id=branch.pk)]
    assert titles == ["Eerste blok", "Tweede blok"]


def test_only_branches_with_something_to_report_get_a_digest(
    two_providers,
    branch,
    other_branch,
    coordinator,
    other_branch_coordinator,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_weekly_digests() == 1
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert message.body.index("Eerste blok") < message.body.index("Tweede blok")
    assert "- Rij A: http://testserver/admin/a/" in message.body


def test_no_mail_to_a_branch_without_coordinators(two_providers, branch):
    send_weekly_digest(branch.pk)
    assert mail.outbox == []
