"""Who may send, manage and read which newsletter. Only reads, never writes."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from portal.models import Branch
from portal.permissions import is_admin_user, is_coordinator, is_national_staff


def can_send_newsletters(user) -> bool:
    return is_national_staff(user) or is_coordinator(user)


def manageable_newsletters(user):
    """The newsletter pages this person may edit and send: all of them for national
    staff; for a coordinator the ones addressed only to their own branches, and their
    own drafts that address nobody yet."""
    from newsletter.models import Audience, NewsletterPage

    pages = NewsletterPage.objects.all()
    if is_national_staff(user):
        return pages
    if not is_coordinator(user):
        return pages.none()
    foreign = Branch.objects.exclude(coordinators=user)
    through = NewsletterPage.branches.through
    return pages.exclude(audience=Audience.ALL_VOLUNTEERS).filter(
        ~Exists(through.objects.filter(newsletterpage=OuterRef("pk"), branch__in=foreign)),
        Q(Exists(through.objects.filter(newsletterpage=OuterRef("pk")))) | Q(owner=user),
    )


def can_manage_newsletter(user, page) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return manageable_newsletters(user).filter(pk=page.pk).exists()


def readable_newsletters_filter(user) -> Q:
    """A filter on NewsletterPage: what this person may read on the site."""
    from newsletter.models import Audience, NewsletterPage

    public = Q(is_public=True)
    if not getattr(user, "is_authenticated", False):
        return public
    if is_admin_user(user) and (is_national_staff(user) or is_coordinator(user)):
        return Q()
    through = NewsletterPage.branches.through
    own_branch = Exists(
        through.objects.filter(newsletterpage=OuterRef("pk"), branch__volunteers__user=user)
    )
    is_volunteer = Exists(Branch.objects.filter(volunteers__user=user))
    return (
        public
        | (Q(audience=Audience.ALL_VOLUNTEERS) & Q(is_volunteer))
        | (Q(audience=Audience.BRANCHES) & Q(own_branch))
    )


def can_read_newsletter(user, page) -> bool:
    from newsletter.models import NewsletterPage

    if page.is_public:
        return True
    return (
        NewsletterPage.objects.filter(pk=page.pk).filter(readable_newsletters_filter(user)).exists()
    )
