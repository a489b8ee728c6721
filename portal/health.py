"""The health endpoint for load balancers and monitoring.

- `/gezond/` checks the database, the cache, the task broker and the django-q2 cluster
  (the age of its last heartbeat): for monitoring, which should wake someone up when
  e-mail stops going out.
- `/gezond/web/` checks only what a web server needs (database, cache, broker): for the
  load balancer, which must not take every web server out of service because the task
  cluster on another machine stopped.

Both answer JSON, 200 when every check passed and 503 when one failed, at most three
queries, and nothing personal (no names, no addresses, no error messages: only which
part failed and the exception's class). `HealthCheckMiddleware` answers them in front
of every other middleware, so a load balancer can probe each server by its own address
(any Host header) over plain HTTP, and no session, page cache or redirect is involved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_q.brokers import Broker, get_broker
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.signing import SignedPackage

HEALTH_PATH = "/gezond/"
HEALTH_WEB_PATH = "/gezond/web/"
PROBE_KEY = "portal:health:probe"

Check = dict[str, object]


def _timed(check: Callable[[], Check]) -> Check:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # any failure of a part is a failed check, never a 500
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _stats_live_in_cache(broker: Broker) -> bool:
    # django-q2's Redis broker keeps cluster statistics in Redis itself; the ORM broker
    # keeps them in the Django cache, behind one key that lists every cluster's entry.
    return type(broker).get_stats is Broker.get_stats and broker.cache is caches["default"]


def check_cache(*, read_stats: bool, packed: list) -> Check:
    """One round trip for the probe (and the list of clusters when their statistics live
    in this cache), one more for those clusters' entries, which go into `packed`."""
    found = cache.get_many([PROBE_KEY, Conf.Q_STAT] if read_stats else [PROBE_KEY])
    if read_stats and found.get(Conf.Q_STAT):
        packed.extend(cache.get_many(found[Conf.Q_STAT]).values())
    return {"ok": True, "backend": type(cache).__name__}


def check_broker(broker: Broker, database: Check) -> Check:
    if isinstance(broker, ORM):
        # The queue is a table in the database: it works when the database does.
        return {"ok": bool(database["ok"]), "kind": "orm"}
    return {"ok": bool(broker.ping()), "kind": type(broker).__name__.lower()}


def check_cluster(packed: list) -> Check:
    """The youngest heartbeat of the running clusters. A django-q2 cluster saves its
    statistics (with the time) every half second, for 3 seconds: a cluster that stopped
    disappears, and an old time means a stuck one or a clock that is off."""
    beats: list[datetime] = [SignedPackage.loads(item).timestamp for item in packed]
    if not beats:
        return {"ok": False, "running": 0, "heartbeat_age_seconds": None}
    age = max((timezone.now() - max(beats)).total_seconds(), 0.0)
    return {
        "ok": age <= settings.HEALTH_CLUSTER_MAX_AGE,
        "running": len(beats),
        "heartbeat_age_seconds": round(age, 1),
    }


def health_report(*, with_cluster: bool) -> dict:
    broker = get_broker()
    stats_in_cache = with_cluster and _stats_live_in_cache(broker)
    packed: list = []
    checks: dict[str, Check] = {"database": _timed(check_database)}
    checks["cache"] = _timed(lambda: check_cache(read_stats=stats_in_cache, packed=packed))
    checks["broker"] = _timed(lambda: check_broker(broker, checks["database"]))
    if with_cluster:
        if stats_in_cache and not checks["cache"]["ok"]:
            checks["cluster"] = {"ok": False, "running": None, "heartbeat_age_seconds": None}
        elif stats_in_cache:
            checks["cluster"] = _timed(lambda: check_cluster(packed))
        else:
            checks["cluster"] = _timed(
                lambda: check_cluster(broker.get_stats(f"{Conf.Q_STAT}:*") or [])
            )
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "fail", "checks": checks}


@require_safe
def health(request: HttpRequest, *, with_cluster: bool = True) -> HttpResponse:
    report = health_report(with_cluster=with_cluster)
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def health_web(request: HttpRequest) -> HttpResponse:
    return health(request, with_cluster=False)


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two health addresses before host validation,
    the HTTPS redirect, the page cache and sessions (see the module docstring)."""

    views = {HEALTH_PATH: health, HEALTH_WEB_PATH: health_web}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.views.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
