"""Per-address limits on the public forms (referral, volunteer application).

Counts accepted submissions per client address in the shared cache (Redis or the
database cache), so every web worker counts together. The address is the one allauth
uses for its own limits (it honours the same trusted-proxy settings) and is stored
only as a keyed hash. The limits are `PUBLIC_FORM_RATE_LIMITS`: form -> (count, seconds).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

MSG_RATE_LIMITED = _(
    "Er zijn vanaf dit adres net al een aantal aanmeldingen verstuurd. Probeer het over "
    "een uur opnieuw, of bel de Home-Start-afdeling bij u in de buurt."
)


def _key(request: HttpRequest, form: str) -> str:
    address = get_adapter().get_client_ip(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
    return f"portal:ratelimit:{form}:{digest[:32]}"


def _used(key: str, now: float) -> dict:
    entry = cache.get(key)
    if not entry or entry["until"] <= now:
        return {"count": 0, "until": 0.0}
    return entry


def submissions_left(request: HttpRequest, form: str) -> int:
    limit, _window = settings.PUBLIC_FORM_RATE_LIMITS[form]
    return max(0, limit - _used(_key(request, form), time.time())["count"])


def is_rate_limited(request: HttpRequest, form: str) -> bool:
    return submissions_left(request, form) == 0


def record_submission(request: HttpRequest, form: str) -> None:
    # The window starts at the first submission. Read and written again rather than
    # cache.incr(): the database cache's incr() would reset the expiry.
    _limit, window = settings.PUBLIC_FORM_RATE_LIMITS[form]
    key, now = _key(request, form), time.time()
    entry = _used(key, now)
    if not entry["count"]:
        entry["until"] = now + window
    entry["count"] += 1
    cache.set(key, entry, timeout=max(1, round(entry["until"] - now)))
