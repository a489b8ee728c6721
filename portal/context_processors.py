from django.conf import settings

from portal.permissions import is_admin_user


def portal(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "show_admin_link": bool(user and is_admin_user(user)),
    }
