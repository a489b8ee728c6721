"""The newsletter's screens in the Wagtail admin: send (now or later, with the audience
size), a test to yourself, progress while sending and the result afterwards.

Thin views: the rules are in `newsletter.services` and `newsletter.permissions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from newsletter import services
from newsletter.audience import audience_size
from newsletter.forms import SendForm
from newsletter.models import (
    Delivery,
    DeliveryStatus,
    NewsletterPage,
    Send,
    SendStatus,
)
from newsletter.permissions import can_manage_newsletter, can_send_newsletters
from portal.errors import ServiceError

LISTED_PROBLEMS = 200


def _page_for(request, page_id: int) -> NewsletterPage:
    page = NewsletterPage.objects.filter(pk=page_id).first()
    if page is None or not can_manage_newsletter(request.user, page):
        raise PermissionDenied
    return page


def _send_for(request, send_id: int) -> Send:
    send = Send.objects.visible_to(request.user).select_related("page").filter(pk=send_id).first()
    if send is None:
        if not can_send_newsletters(request.user):
            raise PermissionDenied
        raise Http404
    return send


@require_http_methods(["GET", "POST"])
def send_newsletter(request, page_id: int):
    page = _page_for(request, page_id)
    existing = page.sends.exclude(status=SendStatus.CANCELLED).first()
    if existing is not None:
        return redirect("newsletter_admin:progress", existing.pk)
    size = audience_size(page)
    form = SendForm(request.POST or None, receiving=size.receiving)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                send = services.schedule_send(
                    page_id=page.pk, user=request.user, send_at=form.chosen_send_at
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                if form.chosen_send_at:
                    messages.success(request, _("De nieuwsbrief staat gepland."))
                else:
                    messages.success(request, _("De nieuwsbrief wordt verstuurd."))
                return redirect("newsletter_admin:progress", send.pk)
        status = 400
    context = {
        "page": page,
        "form": form,
        "size": size,
        "branches": list(page.branches.all()),
        "statuses": page.volunteer_statuses,
    }
    return TemplateResponse(request, "newsletter/admin/send.html", context, status=status)


@require_POST
def send_test(request, page_id: int):
    page = _page_for(request, page_id)
    services.send_test(page_id=page.pk, user=request.user)
    messages.success(
        request,
        _("Een test is onderweg naar %(email)s.") % {"email": request.user.email},
    )
    return redirect("newsletter_admin:send", page.pk)


def _problems(send: Send, status: str) -> list[Delivery]:
    return list(
        Delivery.objects.filter(send=send, status=status)
        .order_by("email")
        .only("email", "answer", "status", "finished_at")[:LISTED_PROBLEMS]
    )


def stage_label(send: Send) -> str:
    """What the send is doing now, in words: "gepland" only while it waits for a
    moment still to come."""
    if send.status == SendStatus.SCHEDULED:
        if send.scheduled_at > timezone.now():
            return _("Gepland")
        return _("Wordt klaargezet om te versturen")
    if send.status == SendStatus.SENDING:
        return _("Wordt verstuurd")
    return send.get_status_display().capitalize()


def progress(request, send_id: int):
    send = _send_for(request, send_id)
    counts = services.progress(send_id=send.pk)
    context = {
        "send": send,
        "stage": stage_label(send),
        "waiting_for_its_time": send.status == SendStatus.SCHEDULED
        and send.scheduled_at > timezone.now(),
        "counts": counts,
        "failed": _problems(send, DeliveryStatus.FAILED),
        "uncertain": _problems(send, DeliveryStatus.UNCERTAIN),
        "listed_problems": LISTED_PROBLEMS,
        "progress_url": reverse("newsletter_admin:progress_json", args=[send.pk]),
    }
    return TemplateResponse(request, "newsletter/admin/progress.html", context)


def progress_json(request, send_id: int):
    """Polled by the progress bar: two queries, whatever the number of recipients."""
    send = _send_for(request, send_id)
    counts = services.progress(send_id=send.pk)
    response = JsonResponse(
        {
            "status": send.status,
            "status_label": stage_label(send),
            "total": counts["total"],
            "sent": counts[DeliveryStatus.SENT],
            "failed": counts[DeliveryStatus.FAILED],
            "skipped": counts[DeliveryStatus.SKIPPED],
            "uncertain": counts[DeliveryStatus.UNCERTAIN],
            "left": counts["left"],
            "percent": counts["percent"],
            "finished": send.status in (SendStatus.DONE, SendStatus.CANCELLED),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def resend_uncertain(request, send_id: int):
    send = _send_for(request, send_id)
    try:
        count = services.resend_uncertain(send_id=send.pk, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s onzekere bezorging wordt opnieuw verstuurd.",
                "%(count)s onzekere bezorgingen worden opnieuw verstuurd.",
                count,
            )
            % {"count": count},
        )
    return redirect("newsletter_admin:progress", send.pk)


@require_POST
def cancel(request, send_id: int):
    send = _send_for(request, send_id)
    try:
        services.cancel_send(send_id=send.pk, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("De geplande verzending is geannuleerd."))
    return redirect("newsletter_admin:progress", send.pk)


def _archive_to_write_in(request):
    """The archive a new newsletter goes into: national staff write in the national
    archive; a coordinator in their branch's archive (the branch asked for with
    `?afdeling=<slug>`, else their first). Only one they may add to in Wagtail."""
    from wagtail.models import Locale

    from newsletter.page_permissions import branch_archive, national_archives
    from portal.models import Branch
    from portal.permissions import is_national_staff

    if is_national_staff(request.user):
        nationals = national_archives()
        candidates = [nationals.filter(locale=Locale.get_default()).first() or nationals.first()]
    else:
        branches = Branch.objects.coordinated_by(request.user).order_by("name")
        wanted = request.GET.get("afdeling", "")
        if wanted:
            branches = branches.filter(slug=wanted)
        candidates = [branch_archive(branch) for branch in branches]
    for index in candidates:
        if index is not None and index.permissions_for_user(request.user).can_add_subpage():
            return index
    return None


def write_newsletter(request):
    """ "Nieuwsbrief schrijven": straight to a new newsletter in the archive this person
    writes in (their branch's, or the national one for national staff)."""
    if not can_send_newsletters(request.user):
        raise PermissionDenied
    index = _archive_to_write_in(request)
    if index is not None:
        return redirect("wagtailadmin_pages:add", "newsletter", "newsletterpage", index.pk)
    messages.error(
        request,
        _(
            "Er is nog geen nieuwsbriefarchief waarin je een nieuwsbrief mag maken. "
            "Vraag het landelijk bureau om je rechten op het archief."
        ),
    )
    return redirect("newsletter_admin:sends")


def sends_index(request):
    if not can_send_newsletters(request.user):
        raise PermissionDenied
    sends = (
        Send.objects.visible_to(request.user)
        .select_related("page")
        .order_by("-scheduled_at", "-pk")
    )
    page = Paginator(sends, 25).get_page(request.GET.get("p"))
    return TemplateResponse(request, "newsletter/admin/sends.html", {"sends": page})
