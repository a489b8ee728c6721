"""What the support route adds to portal's pages, through portal/registry.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.registry import MijnSection


def mijn_family_section(request, volunteer) -> MijnSection | None:
    """ "Mijn gezin": shown while the volunteer has a running match, and only then."""
    if volunteer is None:
        return None
    from support.summary import family_summary

    summary = family_summary(volunteer, only_with_match=True)
    if summary is None:
        return None
    return MijnSection(title=_("Mijn gezin"), template="support/mijn_section.html", context=summary)


def digest_sections(*, branch_ids: list[int], today) -> dict:
    """Per branch: running matches without a visit for three weeks, overdue check-ins,
    and matches reaching 15 or 18 months. Four queries, whatever the number of branches.
    Rows name the match by reference and the volunteer; never the family."""
    from django.urls import reverse

    from portal.registry import DigestRow, DigestSection
    from support import services
    from support.models import Match

    rows: dict[int, list[tuple[str, str]]] = {}

    def add(match: Match, why: str) -> None:
        rows.setdefault(match.branch_id, []).append(
            (f"{match.reference} ({match.volunteer_label}): {why}", match.pk)
        )

    for match in services.matches_without_recent_visit(
        branch_ids=branch_ids, today=today
    ).select_related("volunteer__user"):
        add(match, str(_("drie weken geen bezoek genoteerd")))
    overdue = services.check_ins_due(branch_ids=branch_ids, today=today).select_related(
        "match__volunteer__user"
    )
    for check_in in overdue:
        add(
            check_in.match,
            str(_("contactmoment gepland op %(date)s") % {"date": f"{check_in.due_on:%d-%m-%Y}"}),
        )
    seen: set[int] = set()
    for months in sorted(services.DURATION_MILESTONES_MONTHS, reverse=True):
        found = services.matches_reaching_months(
            branch_ids=branch_ids, months=months, today=today
        ).select_related("volunteer__user")
        for match in found:
            if match.pk not in seen:
                seen.add(match.pk)
                add(match, str(_("loopt al %(months)s maanden") % {"months": months}))
    return {
        branch_id: DigestSection(
            title=_("Gezinsondersteuning: aandacht nodig"),
            intro=_(
                "Koppelingen waar iets op je wacht: een bezoek dat niet is genoteerd, een "
                "contactmoment, of ondersteuning die al lang loopt (na 18 maanden afronden)."
            ),
            rows=tuple(
                DigestRow(text=text, url=reverse("support_match:edit", args=[match_id]))
                for text, match_id in found_rows
            ),
            order=40,
        )
        for branch_id, found_rows in rows.items()
    }


def check_in_agenda(*, volunteer_id=None, branch_ids=None, start, end) -> list:
    """A coordinator's planned check-ins, named by the match's reference only (the
    agenda goes into calendar feeds). One query. Volunteers get none."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from portal.registry import AgendaItem
    from support.models import CheckIn, MatchStatus

    if volunteer_id is not None or not branch_ids:
        return []
    first, last = timezone.localdate(start), timezone.localdate(end)
    check_ins = CheckIn.objects.filter(
        match__branch_id__in=branch_ids,
        match__status=MatchStatus.ACTIVE,
        done_on__isnull=True,
        due_on__gte=first,
        due_on__lte=last,
    ).select_related("match")
    items = []
    for check_in in check_ins.order_by("due_on", "pk"):
        begin = timezone.make_aware(datetime.datetime.combine(check_in.due_on, datetime.time(9)))
        if not (start <= begin < end):
            continue
        reference = check_in.match.reference
        items.append(
            AgendaItem(
                uid=f"check-in-{check_in.pk}@gezin.home-start.nl",
                kind="support_check_in",
                title=str(_("Contactmoment %(reference)s") % {"reference": reference}),
                start=begin,
                end=begin + datetime.timedelta(minutes=30),
                status="planned",
                status_label=str(_("Gepland; spreek zelf het tijdstip af")),
                url=reverse("support_match:edit", args=[check_in.match_id]),
                branch_id=check_in.match.branch_id,
                kind_label=str(_("Contactmoment")),
                name=reference,
            )
        )
    return items


def export_support_data(volunteer) -> dict:
    """The volunteer's matches (reference, programme, dates) and their own visits; not
    the family's personal data."""
    from support.models import Match, Visit

    matches = list(Match.objects.filter(volunteer=volunteer).order_by("proposed_on", "pk"))
    visits: dict[int, list[dict]] = {}
    for match_id, date, kind, minutes in (
        Visit.objects.filter(match__volunteer=volunteer)
        .order_by("date")
        .values_list("match_id", "date", "kind", "minutes")
    ):
        visits.setdefault(match_id, []).append(
            {"date": date.isoformat(), "kind": kind, "minutes": minutes}
        )
    return {
        "support": {
            "matches": [
                {
                    "reference": match.reference,
                    "programme": match.programme,
                    "status": match.status,
                    "proposed_on": match.proposed_on.isoformat(),
                    "started_on": match.started_on.isoformat() if match.started_on else None,
                    "ended_on": match.ended_on.isoformat() if match.ended_on else None,
                    "visits": visits.get(match.pk, []),
                }
                for match in matches
            ]
        }
    }


def volunteer_record_section(volunteer) -> dict | None:
    from django.utils import timezone

    from support import services
    from support.models import Match

    matches = list(Match.objects.filter(volunteer=volunteer).order_by("-proposed_on")[:10])
    if not matches:
        return None
    rows = [(match.reference, str(match.get_status_display())) for match in matches]
    minutes = services.minutes_in_year(volunteer=volunteer, year=timezone.localdate().year)
    rows.append((_("Uren dit jaar"), f"{minutes / 60:g}"))
    return {"title": _("Gezinsondersteuning"), "rows": rows}
