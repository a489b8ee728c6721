from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal.models import Volunteer


def volunteer_required(view):
    """Log in first; then only accounts with a volunteer record get through (403 otherwise).

    The view receives the volunteer as `request.volunteer`.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        volunteer = (
            Volunteer.objects.select_related("branch", "user").filter(user=request.user).first()
        )
        if volunteer is None:
            return render(request, "portal/not_a_volunteer.html", status=403)
        request.volunteer = volunteer
        return view(request, *args, **kwargs)

    return wrapper
