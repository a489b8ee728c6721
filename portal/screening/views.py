"""The volunteer's side of screening: asking for a call from Mijn Home-Start."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.decorators import volunteer_required
from portal.errors import ServiceError
from portal.screening import services
from portal.views import mijn

MSG_CALLBACK_SENT = _(
    "Je coördinator weet dat je teruggebeld wilt worden en belt je zo snel mogelijk."
)


@require_POST
@volunteer_required
def request_callback(request):
    try:
        services.request_callback(
            volunteer=request.volunteer, preferred=request.POST.get("preferred", "")[:20]
        )
    except ServiceError as error:
        # Mijn Home-Start again, with the message, as a refusal.
        messages.error(request, error.message)
        response = mijn(request)
        response.status_code = 400
        return response
    messages.success(request, MSG_CALLBACK_SENT)
    return redirect("portal:mijn")
