"""Public and volunteer views: unsubscribing (one click, or a page with a choice), the
subscription switch in Mijn Home-Start, and the archive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from newsletter import services
from newsletter.forms import SubscriptionForm
from newsletter.models import NewsletterPage
from newsletter.rendering import user_id_from_token
from portal.errors import ServiceError
from portal.models import User

ARCHIVE_PER_PAGE = 12


def _token_user(token: str) -> User | None:
    user_id = user_id_from_token(token)
    return User.objects.filter(pk=user_id).first() if user_id is not None else None


@csrf_exempt
@require_POST
def one_click_unsubscribe(request, token: str):
    """RFC 8058: the mail client POSTs here; no login, no confirmation step. A GET (a
    link scanner, a curious person) never unsubscribes: it goes to the page instead."""
    try:
        services.unsubscribe_with_token(token=token)
    except ServiceError as error:
        return HttpResponse(
            str(error.message), status=404, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(
        _("Je bent afgemeld voor de nieuwsbrief."), content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The footer link: confirm, or choose to keep receiving the newsletter."""
    user = _token_user(token)
    if user is None:
        return render(request, "newsletter/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if not form.is_valid():
            return render(
                request, "newsletter/unsubscribe.html", {"form": form, "token": token}, status=400
            )
        services.set_subscription(user=user, subscribed=form.cleaned_data["subscribed"])
        return render(
            request,
            "newsletter/unsubscribe_done.html",
            {"subscribed": form.cleaned_data["subscribed"]},
        )
    form = SubscriptionForm(initial={"subscribed": "0"})
    response = render(request, "newsletter/unsubscribe.html", {"form": form, "token": token})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def change_subscription(request):
    """The switch in Mijn Home-Start: subscribe again, or unsubscribe."""
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies of je de nieuwsbrief wilt ontvangen."))
        return redirect("portal:mijn")
    subscribed = form.cleaned_data["subscribed"]
    services.set_subscription(user=request.user, subscribed=subscribed)
    if subscribed:
        messages.success(request, _("Je ontvangt de nieuwsbrief weer."))
    else:
        messages.success(request, _("Je bent afgemeld voor de nieuwsbrief."))
    return redirect("portal:mijn")


@login_required
def archive(request):
    """Past newsletters as web pages, newest first: the ones this person may read."""
    newsletters = (
        NewsletterPage.objects.live()
        .readable_by(request.user)
        .sent_first()
        .only("title", "subject", "preheader", "url_path", "path", "depth")
    )
    page = Paginator(newsletters, ARCHIVE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "newsletter/archive.html", {"newsletters": page})
