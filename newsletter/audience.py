"""Who receives a newsletter, and who may address whom.

- "all volunteers" (national staff only): every active account with a volunteer record;
- "chosen branches": the volunteers of those branches; a coordinator may only choose
  branches they coordinate;
- "coordinators only": the coordinators of the chosen branches (of every branch when
  none is chosen, national staff only).

The status filter narrows volunteers to the chosen statuses (empty: every status).
Unsubscribed people stay in the audience, and are recorded as skipped when sending.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.errors import ServiceError
from portal.models import Branch, User, Volunteer, VolunteerStatus
from portal.permissions import COORDINATORS_GROUP, is_coordinator, is_national_staff

MSG_NOT_ALLOWED = _("Alleen coördinatoren en het landelijk steunpunt versturen nieuwsbrieven.")
MSG_ALL_IS_NATIONAL = _("Alleen het landelijk steunpunt kan alle vrijwilligers aanschrijven.")
MSG_CHOOSE_BRANCH = _("Kies minstens één afdeling.")
MSG_FOREIGN_BRANCH = _("Je kunt alleen de afdelingen aanschrijven waarvan je coördinator bent.")
MSG_UNKNOWN_AUDIENCE = _("Kies voor wie de nieuwsbrief is.")
MSG_UNKNOWN_STATUS = _("Kies een bestaande status.")


def check_audience(*, user, audience: str, branch_ids: Iterable[int]) -> None:
    """Raise ServiceError unless `user` may address this audience."""
    from newsletter.models import Audience

    branch_ids = set(branch_ids)
    if audience not in Audience.values:
        raise ServiceError(MSG_UNKNOWN_AUDIENCE, code="unknown_audience", field="audience")
    if user is None or not (is_national_staff(user) or is_coordinator(user)):
        raise ServiceError(MSG_NOT_ALLOWED, code="not_allowed")
    if Branch.objects.filter(pk__in=branch_ids).count() != len(branch_ids):
        raise ServiceError(MSG_FOREIGN_BRANCH, code="foreign_branch", field="branches")
    if is_national_staff(user):
        if audience == Audience.BRANCHES and not branch_ids:
            raise ServiceError(MSG_CHOOSE_BRANCH, code="no_branch", field="branches")
        return
    if audience == Audience.ALL_VOLUNTEERS:
        raise ServiceError(MSG_ALL_IS_NATIONAL, code="national_only", field="audience")
    if not branch_ids:
        raise ServiceError(MSG_CHOOSE_BRANCH, code="no_branch", field="branches")
    own = set(Branch.objects.coordinated_by(user).values_list("pk", flat=True))
    if not branch_ids <= own:
        raise ServiceError(MSG_FOREIGN_BRANCH, code="foreign_branch", field="branches")


def recipients(
    *, audience: str, branch_ids: Iterable[int], statuses: Iterable[str]
) -> QuerySet[User]:
    """Everyone the audience holds, subscribed or not, each once."""
    from newsletter.models import Audience

    branch_ids = list(branch_ids)
    statuses = list(statuses)
    if any(status not in VolunteerStatus.values for status in statuses):
        raise ServiceError(MSG_UNKNOWN_STATUS, code="unknown_status", field="volunteer_statuses")
    users = User.objects.filter(is_active=True)
    if audience == Audience.COORDINATORS:
        users = users.filter(groups__name=COORDINATORS_GROUP)
        if branch_ids:
            users = users.filter(
                Exists(
                    Branch.coordinators.through.objects.filter(
                        user=OuterRef("pk"), branch__in=branch_ids
                    )
                )
            )
        return users.distinct()
    users = users.filter(volunteer__isnull=False)
    if audience == Audience.BRANCHES:
        users = users.filter(volunteer__branch_id__in=branch_ids)
    elif audience != Audience.ALL_VOLUNTEERS:
        return users.none()
    if statuses:
        users = users.filter(volunteer__status__in=statuses)
    return users


def audience_member_filter(user) -> Q:
    """A filter on NewsletterPage: the newsletters whose audience holds `user` now.

    The same rules as `recipients`, read from the person's side (a test holds the two
    to each other): "all volunteers" and "chosen branches" need a volunteer record of
    one of the chosen statuses (empty: every status), "chosen branches" also its
    branch among the chosen; "coordinators only" needs the coordinator role and, when
    branches are chosen, one of them coordinated.
    """
    from newsletter.models import Audience, NewsletterPage

    nothing = Q(pk__in=[])
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return nothing
    through = NewsletterPage.branches.through
    member = nothing
    volunteer = Volunteer.objects.filter(user=user).only("branch_id", "status").first()
    if volunteer is not None:
        # The statuses are a JSON list of strings; a quoted value matches one element
        # on SQLite and PostgreSQL alike (no status is another's quoted substring).
        status = Q(volunteer_statuses=[]) | Q(
            volunteer_statuses__icontains=json.dumps(str(volunteer.status))
        )
        in_branch = Exists(
            through.objects.filter(newsletterpage=OuterRef("pk"), branch_id=volunteer.branch_id)
        )
        member |= status & (
            Q(audience=Audience.ALL_VOLUNTEERS) | (Q(audience=Audience.BRANCHES) & Q(in_branch))
        )
    if user.groups.filter(name=COORDINATORS_GROUP).exists():
        addressed = Exists(through.objects.filter(newsletterpage=OuterRef("pk")))
        coordinated = Exists(
            through.objects.filter(newsletterpage=OuterRef("pk"), branch__coordinators=user)
        )
        member |= Q(audience=Audience.COORDINATORS) & (~Q(addressed) | Q(coordinated))
    return member


def page_recipients(page) -> QuerySet[User]:
    return recipients(
        audience=page.audience,
        branch_ids=page.branches.values_list("pk", flat=True),
        statuses=page.volunteer_statuses or [],
    )


def unsubscribed(users: QuerySet[User]) -> QuerySet[User]:
    from newsletter.models import Subscription

    return users.filter(Exists(Subscription.objects.filter(user=OuterRef("pk"), subscribed=False)))


@dataclass(frozen=True)
class AudienceSize:
    total: int
    unsubscribed: int

    @property
    def receiving(self) -> int:
        return self.total - self.unsubscribed


def audience_size(page) -> AudienceSize:
    """How many people the page's audience holds now, in two queries."""
    users = page_recipients(page)
    return AudienceSize(total=users.count(), unsubscribed=unsubscribed(users).count())
