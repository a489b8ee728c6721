"""Who reads which newsletter on the site: one predicate for the page, the archives
(the national one, a branch's, Mijn Home-Start's), site search and the sitemap.

Roles: anonymous, a volunteer in the audience, one of the right branch with the wrong
status, one of another branch, the coordinator of the branch, a coordinator of another
branch, national staff. A volunteer's part is the audience rule itself: for every
combination the reader set equals `page_recipients`.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletter.audience import page_recipients
from newsletter.models import Audience, NewsletterPage, Send, SendStatus
from newsletter.permissions import can_read_newsletter
from tests.matrix import LOGIN, assert_access
from tests.newsletter.factories import make_newsletter, newsletter_index
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "volunteer",
    "wrong_status",
    "other_volunteer",
    "coordinator",
    "other_coordinator",
    "staff",
]


@pytest.fixture
def readers(branch, other_branch, coordinator, other_branch_coordinator, staff):
    return {
        "anonymous": None,
        "volunteer": VolunteerFactory(branch=branch, status="active").user,
        "wrong_status": VolunteerFactory(branch=branch, status="stopped").user,
        "other_volunteer": VolunteerFactory(branch=other_branch, status="active").user,
        "coordinator": coordinator,
        "other_coordinator": other_branch_coordinator,
        "staff": staff,
    }


def _client(readers, role) -> Client:
    client = Client()
    if readers[role] is not None:
        client.force_login(readers[role])
    return client


def _sent(page, minutes=0):
    Send.objects.create(
        page=page,
        subject=page.subject,
        status=SendStatus.DONE,
        scheduled_at=timezone.now(),
        started_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )
    return page


@pytest.fixture
def newsletters(branch, other_branch):
    return {
        "utrecht": _sent(
            make_newsletter(branches=[branch], statuses=["active"], title="Utrechtse winter"), 1
        ),
        "zwolle": _sent(
            make_newsletter(branches=[other_branch], statuses=["active"], title="Zwolse winter"),
            2,
        ),
        "national": _sent(
            make_newsletter(
                audience=Audience.ALL_VOLUNTEERS, statuses=["active"], title="Landelijke winter"
            ),
            3,
        ),
        "zwolle_coordinators": _sent(
            make_newsletter(
                audience=Audience.COORDINATORS,
                branches=[other_branch],
                title="Leiding Zwolle winter",
            ),
            4,
        ),
        "public": _sent(
            make_newsletter(branches=[other_branch], public=True, title="Open winter"), 5
        ),
    }


# Who reads which newsletter (True: 200; False: a login for anonymous, 403 for the rest).
READS = {
    "utrecht": {"volunteer", "coordinator", "staff"},
    "zwolle": {"other_volunteer", "other_coordinator", "staff"},
    "national": {"volunteer", "other_volunteer", "coordinator", "other_coordinator", "staff"},
    "zwolle_coordinators": {"other_coordinator", "staff"},
    "public": set(ROLES),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_page_itself(readers, newsletters, role):
    client = _client(readers, role)
    for name, page in newsletters.items():
        if role in READS[name]:
            expected = 200
        elif role == "anonymous":
            expected = LOGIN
        else:
            expected = 403
        assert_access(client, page.url, expected, role=f"{role} on {name}")


@pytest.mark.parametrize("role", ROLES)
def test_archives_list_what_the_reader_may_read(readers, newsletters, branch, role):
    """The national archive (every archive below it), the branch's own archive and
    Mijn Home-Start's archive list exactly what the page lets the reader read."""
    client = _client(readers, role)
    national = client.get(newsletter_index().url).content.decode()
    utrecht_archive = newsletters["utrecht"].get_parent()
    in_branch = client.get(utrecht_archive.url).content.decode()
    for name, page in newsletters.items():
        assert (page.title in national) is (role in READS[name]), (role, name)
        in_utrecht = page.get_parent().pk == utrecht_archive.pk
        assert (page.title in in_branch) is (role in READS[name] and in_utrecht), (role, name)
    if readers[role] is not None:
        mijn = client.get(reverse("newsletter:archive")).content.decode()
        for name, page in newsletters.items():
            assert (page.title in mijn) is (role in READS[name]), (role, name)


def test_search_and_sitemap_list_only_what_anyone_may_read(newsletters):
    client = Client()
    search = client.get("/zoeken/?q=winter").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    for name, page in newsletters.items():
        listed = name == "public"
        assert (page.title in search) is listed, name
        assert (page.full_url in sitemap or page.url in sitemap) is listed, name


def test_a_coordinator_who_is_also_a_volunteer_elsewhere_reads_both(
    branch, other_branch, coordinator, newsletters
):
    VolunteerFactory(user=coordinator, branch=other_branch, status="active")
    assert can_read_newsletter(coordinator, newsletters["zwolle"])
    assert can_read_newsletter(coordinator, newsletters["utrecht"])
    assert not can_read_newsletter(coordinator, newsletters["zwolle_coordinators"])


STATUSES = ["active", "paused", "in_training", "stopped"]


def test_who_may_read_is_who_receives(branch, other_branch, coordinator, other_branch_coordinator):
    """For every audience, branch choice and status filter, the volunteers (and plain
    coordinators) who may read a non-public newsletter through the audience rule are
    exactly its recipients."""
    people = [
        VolunteerFactory(branch=place, status=status).user
        for place, status in itertools.product([branch, other_branch], STATUSES)
    ]
    VolunteerFactory(branch=branch, status="active", user__is_active=False)
    people += [coordinator, other_branch_coordinator]
    pages = []
    for audience, chosen, statuses in itertools.product(
        Audience.values,
        [[], [branch], [other_branch], [branch, other_branch]],
        [[], ["active"], ["paused", "in_training"]],
    ):
        pages.append(
            make_newsletter(audience=audience, branches=chosen, statuses=statuses, live=False)
            if audience != Audience.BRANCHES or chosen
            else None
        )
    from newsletter.audience import audience_member_filter

    for person in people:
        readable = set(
            NewsletterPage.objects.filter(audience_member_filter(person)).values_list(
                "pk", flat=True
            )
        )
        for page in filter(None, pages):
            receives = page_recipients(page).filter(pk=person.pk).exists()
            assert (page.pk in readable) is receives, (
                person.email,
                page.audience,
                list(page.branches.values_list("slug", flat=True)),
                page.volunteer_statuses,
            )
