"""Who may send, manage and read which newsletter. Only reads, never writes.

Managing: Wagtail's page rights, granted per archive (`newsletter.page_permissions`),
plus one rule Wagtail cannot express (`addresses_only_own_branches`).

Reading: one predicate, `readable_newsletters_filter`, for the page itself, the
archives, Mijn Home-Start's archive, site search and the sitemap. A volunteer's part
of it is the audience rule of `newsletter.audience` (`audience_member_filter`), so who
receives a newsletter and who may read it never disagree.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Left

from portal.models import Branch
from portal.permissions import is_admin_user, is_coordinator, is_national_staff


def can_send_newsletters(user) -> bool:
    return is_national_staff(user) or is_coordinator(user)


def addresses_only_own_branches(user, page) -> bool:
    """Whether `page` addresses no branch (and no national audience) beyond what `user`
    coordinates. National staff: always. Checked on top of Wagtail's rights, which
    already keep a coordinator to the archives of their own branches."""
    from newsletter.models import Audience

    if is_national_staff(user):
        return True
    if not is_coordinator(user):
        return False
    if page.audience == Audience.ALL_VOLUNTEERS:
        return False
    branch_ids = {branch.pk for branch in page.branches.all()}
    if page.audience == Audience.COORDINATORS and not branch_ids:
        return False  # every branch's coordinators: national
    own = set(Branch.objects.coordinated_by(user).values_list("pk", flat=True))
    return branch_ids <= own


def manageable_newsletters(user):
    """The newsletter pages this person may edit and send: all of them for national
    staff; for a coordinator the ones in their own branches' archives that address only
    their own branches (the same answer as the page's Wagtail permission tester)."""
    from newsletter.models import Audience, NewsletterIndexPage, NewsletterPage

    pages = NewsletterPage.objects.all()
    if is_national_staff(user):
        return pages
    if not is_coordinator(user):
        return pages.none()
    # A newsletter is a direct child of its archive: the archive's path is the
    # newsletter's without its last step. A subquery: no query of its own.
    in_own_archive = Exists(
        NewsletterIndexPage.objects.filter(
            branch__coordinators=user,
            path=Left(OuterRef("path"), (OuterRef("depth") - 1) * NewsletterPage.steplen),
        )
    )
    foreign = Branch.objects.exclude(coordinators=user)
    through = NewsletterPage.branches.through
    addressed = Exists(through.objects.filter(newsletterpage=OuterRef("pk")))
    return (
        pages.filter(in_own_archive)
        .exclude(audience=Audience.ALL_VOLUNTEERS)
        .exclude(Q(audience=Audience.COORDINATORS) & ~Q(addressed))
        .filter(~Exists(through.objects.filter(newsletterpage=OuterRef("pk"), branch__in=foreign)))
    )


def can_manage_newsletter(user, page) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return manageable_newsletters(user).filter(pk=page.pk).exists()


def national_newsletters_filter() -> Q:
    """Newsletters for everyone or every branch: all volunteers, or all coordinators."""
    from newsletter.models import Audience, NewsletterPage

    through = NewsletterPage.branches.through
    addressed = Exists(through.objects.filter(newsletterpage=OuterRef("pk")))
    return Q(audience=Audience.ALL_VOLUNTEERS) | (Q(audience=Audience.COORDINATORS) & ~Q(addressed))


def readable_newsletters_filter(user) -> Q:
    """A filter on NewsletterPage: what this person may read on the site.

    - anyone: the public newsletters;
    - a person in a newsletter's audience now (branch and volunteer status, as
      `newsletter.audience.recipients` reads them);
    - a coordinator: also every newsletter addressed to one of their branches, and
      the national ones; never only another branch's;
    - national staff: all.
    """
    from newsletter.audience import audience_member_filter
    from newsletter.models import NewsletterPage

    public = Q(is_public=True)
    if not getattr(user, "is_authenticated", False):
        return public
    if is_admin_user(user) and is_national_staff(user):
        return Q()
    readable = public | audience_member_filter(user)
    if is_admin_user(user) and is_coordinator(user):
        through = NewsletterPage.branches.through
        own_branch = Exists(
            through.objects.filter(newsletterpage=OuterRef("pk"), branch__coordinators=user)
        )
        readable |= national_newsletters_filter() | Q(own_branch)
    return readable


def can_read_newsletter(user, page) -> bool:
    from newsletter.models import NewsletterPage

    if page.is_public:
        return True
    return (
        NewsletterPage.objects.filter(pk=page.pk).filter(readable_newsletters_filter(user)).exists()
    )
