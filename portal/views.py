"""Mijn Home-Start: a volunteer's own details, data download and deletion request."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.decorators import volunteer_required
from portal.errors import ServiceError
from portal.forms import DeletionRequestForm, VolunteerDetailsForm
from portal.models import Volunteer
from portal.registry import mijn_sections
from portal.services.volunteers import (
    PROFILE_FIELDS,
    export_volunteer_data,
    request_deletion,
    update_volunteer_details,
)


@login_required
def mijn(request):
    volunteer = Volunteer.objects.select_related("branch", "user").filter(user=request.user).first()
    return render(
        request,
        "portal/mijn.html",
        {
            "volunteer": volunteer,
            "open_deletion_request": volunteer.deletion_requests.first() if volunteer else None,
            "sections": mijn_sections(request, volunteer),
        },
    )


@volunteer_required
@require_http_methods(["GET", "POST"])
def edit_details(request):
    volunteer = request.volunteer
    if request.method == "POST":
        form = VolunteerDetailsForm(request.POST)
        if form.is_valid():
            update_volunteer_details(volunteer=volunteer, **form.cleaned_data)
            messages.success(request, _("Je gegevens zijn opgeslagen."))
            return redirect("portal:mijn")
        return render(request, "portal/edit_details.html", {"form": form}, status=400)
    initial = {name: getattr(volunteer, name) for name in PROFILE_FIELDS}
    initial |= {"first_name": volunteer.user.first_name, "last_name": volunteer.user.last_name}
    form = VolunteerDetailsForm(initial=initial)
    return render(request, "portal/edit_details.html", {"form": form})


@volunteer_required
def download_data(request):
    data = export_volunteer_data(request.volunteer)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"home-start-gegevens-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@volunteer_required
@require_http_methods(["GET", "POST"])
def ask_deletion(request):
    volunteer = request.volunteer
    if request.method == "POST":
        form = DeletionRequestForm(request.POST)
        if form.is_valid():
            try:
                request_deletion(volunteer=volunteer, note=form.cleaned_data["note"])
            except ServiceError as error:
                form.add_error(None, error.message)
                return render(request, "portal/ask_deletion.html", {"form": form}, status=409)
            messages.success(
                request,
                _("Je verzoek is verstuurd. Je coördinator neemt binnenkort contact met je op."),
            )
            return redirect("portal:mijn")
        return render(request, "portal/ask_deletion.html", {"form": form}, status=400)
    return render(request, "portal/ask_deletion.html", {"form": DeletionRequestForm()})


# Folders of MEDIA_ROOT the development server may hand out: images and their renditions.
# Documents never: they go through Wagtail's serve view, which guards course material.
DEV_MEDIA_FOLDERS = ("images/", "original_images/")


def development_media(request, path: str):
    """Images from MEDIA_ROOT for `make run` (DEBUG only; see portal/urls.py).

    Django's static `serve` normalises the path itself, so `//documents/x`,
    `x/../documents/x` or `%2Fdocuments/x` would reach the documents folder past any
    pattern on the raw path. Here only a path that is already normal and lies in an
    image folder is served; everything else is a 404.
    """
    import posixpath

    from django.conf import settings
    from django.http import Http404
    from django.views.static import serve

    normal = posixpath.normpath(path)
    if "\\" in path or normal != path or not normal.startswith(DEV_MEDIA_FOLDERS):
        raise Http404
    return serve(request, normal, document_root=settings.MEDIA_ROOT)
