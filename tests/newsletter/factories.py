"""Newsletter pages for tests, published as an editor would, and audiences of volunteers."""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Site

from newsletter.models import Audience, NewsletterIndexPage, NewsletterPage
from newsletter.page_permissions import branch_archive, ensure_newsletter_page_permissions
from portal.models import User, Volunteer, VolunteerStatus
from portal.models.volunteers import VolunteerStatusChange
from tests.pages.factories import home_page


def stream(*blocks) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


BODY = stream(
    ("heading", {"text": "Nieuws van de afdeling"}),
    ("paragraph", '<p>Lees <a href="/over-home-start/">meer over ons</a>.</p>'),
    ("story", {"text": "Het was een mooi jaar.", "attribution": "een vrijwilliger"}),
    (
        "button",
        {"text": "", "page": None, "url": "https://example.org/doe-mee", "label": "Doe mee"},
    ),
)


def newsletter_index() -> NewsletterIndexPage:
    """The national archive (its branch archives come with it)."""
    existing = NewsletterIndexPage.objects.filter(branch__isnull=True).first()
    if existing is not None:
        return existing
    rebuilt = not Site.objects.filter(is_default_site=True).exists()
    home = home_page()
    if rebuilt:
        # home_page() rebuilt the content types of a flushed database (new ids on
        # PostgreSQL): the cached ones would point at rows that are gone.
        ContentType.objects.clear_cache()
    index = NewsletterIndexPage(title="Nieuwsbrieven", slug="nieuwsbrieven")
    home.add_child(instance=index)
    ensure_newsletter_page_permissions()
    return index


def archive_for(audience: str, branches) -> NewsletterIndexPage:
    """Where the "write" screen puts a newsletter: the archive of its (first) branch, the
    national one for a national audience."""
    national = newsletter_index()
    branches = sorted(branches, key=lambda branch: branch.pk)
    if audience == Audience.ALL_VOLUNTEERS or not branches:
        return national
    return branch_archive(branches[0], national=national)


def make_newsletter(
    *,
    audience: str = Audience.BRANCHES,
    branches=(),
    statuses=None,
    live: bool = True,
    public: bool = False,
    body: str = BODY,
    title: str = "Nieuwsbrief",
    owner=None,
    index: NewsletterIndexPage | None = None,
    **fields,
) -> NewsletterPage:
    index = index or archive_for(audience, branches)
    page = NewsletterPage(
        title=title,
        subject=fields.pop("subject", f"{title}: onderwerp"),
        preheader=fields.pop("preheader", "De voorregel"),
        audience=audience,
        volunteer_statuses=statuses if statuses is not None else [VolunteerStatus.ACTIVE],
        is_public=public,
        body=body,
        live=False,
        owner=owner,
        **fields,
    )
    index.add_child(instance=page)
    page.branches.set(branches)
    page.save()
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()
    page.refresh_from_db()
    return page


def make_volunteers(
    branch, count: int, *, status: str = VolunteerStatus.ACTIVE, prefix: str = "v"
) -> list[User]:
    """`count` volunteers in bulk (fast enough for thousands)."""
    start = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{start + number}-{branch.slug}@example.org",
                first_name=f"Vrijwilliger{number}",
                last_name=branch.slug.capitalize(),
                password="!",
            )
            for number in range(count)
        ]
    )
    users = list(User.objects.filter(email__in=[user.email for user in users]).order_by("pk"))
    volunteers = Volunteer.objects.bulk_create(
        [Volunteer(user=user, branch=branch, postcode="3511 AB", status=status) for user in users]
    )
    VolunteerStatusChange.objects.bulk_create(
        [VolunteerStatusChange(volunteer=v, from_status="", to_status=status) for v in volunteers]
    )
    return users


def taken_over(batch_id: int, delivery_id: int):
    """A holder claims the delivery, its lease runs out, and another holder takes the
    batch over: (the old holder, the new one), the delivery not yet claimed again."""
    from newsletter.models import SendBatch
    from newsletter.sending import BatchSender

    slow = BatchSender(batch_id)
    assert slow.acquire()
    assert slow.claim([delivery_id]) == {delivery_id}
    SendBatch.objects.filter(pk=batch_id).update(lease_until="2000-01-01T00:00Z")
    other = BatchSender(batch_id)
    assert other.acquire()
    other.take_over()
    return slow, other
