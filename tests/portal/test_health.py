"""/gezond/ and /gezond/web/: JSON for load balancers and monitoring, cheap, nothing personal."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.conf import Conf

from tests.matrix import ROLES, assert_access
from tests.services import wait_until

pytestmark = pytest.mark.django_db

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
}


@pytest.fixture
def no_cluster_seen():
    """Forget heartbeats a cluster of an earlier test left in Redis (they last 3 s)."""
    broker = get_broker()
    if not isinstance(broker, ORM):
        keys = broker.connection.keys(f"{Conf.Q_STAT}:*")
        if keys:
            broker.connection.delete(*keys)


def get_report(client: Client, url: str, **extra) -> tuple[int, dict]:
    response = client.get(url, **extra)
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return response.status_code, json.loads(response.content)


def test_web_health_is_200_with_every_part_it_checks(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        status, report = get_report(client, "/gezond/web/")
    assert status == 200
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in report["checks"].values())
    assert report["checks"]["broker"]["kind"] in {"orm", "redis"}


def test_full_health_is_503_while_no_task_cluster_runs(
    client, no_cluster_seen, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        status, report = get_report(client, "/gezond/")
    assert status == 503
    assert report["status"] == "fail"
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["cluster"] == {
        "ok": False,
        "running": 0,
        "heartbeat_age_seconds": None,
        "ms": report["checks"]["cluster"]["ms"],
    }


def test_a_cache_that_cannot_be_reached_makes_the_server_unhealthy(client, settings):
    # A real Redis client against a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    status, report = get_report(client, "/gezond/web/")
    assert status == 503
    assert report["checks"]["cache"]["ok"] is False
    assert report["checks"]["cache"]["error"] == "ConnectionError"
    assert report["checks"]["database"]["ok"] is True


def test_the_report_holds_nothing_personal(client, volunteer, coordinator):
    _, report = get_report(client, "/gezond/")
    text = json.dumps(report).lower()
    for personal in (
        volunteer.user.email,
        volunteer.user.first_name,
        volunteer.user.last_name,
        coordinator.email,
        volunteer.branch.name,
    ):
        assert personal.lower() not in text


def test_a_load_balancer_probes_by_address_over_plain_http(client, settings):
    """In front of host validation and the HTTPS redirect of the production profile."""
    settings.ALLOWED_HOSTS = ["portal.homestart.example"]
    settings.SECURE_SSL_REDIRECT = True
    status, _ = get_report(client, "/gezond/web/", HTTP_HOST="10.0.0.7:8000")
    assert status == 200


def test_only_reading_methods(client):
    assert client.post("/gezond/").status_code == 405
    assert client.head("/gezond/web/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_same_answer(client_for, role, no_cluster_seen):
    assert_access(client_for(role), "/gezond/web/", 200, role=role)
    assert_access(client_for(role), "/gezond/", 503, role=role)


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
def test_a_running_cluster_is_seen_by_its_heartbeat_and_missed_when_it_stops(
    q_cluster, settings, django_assert_max_num_queries
):
    # The cluster and this process must share where django-q2 keeps its statistics: the
    # database cache with the ORM broker (SQLite run), Redis with the Redis broker.
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable")
    cluster = q_cluster(TEST_CACHE="database")
    client = Client()
    reports: list[tuple[int, dict]] = []

    def healthy() -> bool:
        reports.append(get_report(client, "/gezond/"))
        return reports[-1][0] == 200

    assert wait_until(healthy, timeout=60), (reports[-1], cluster.output()[-3000:])
    with django_assert_max_num_queries(3):
        status, report = get_report(client, "/gezond/")
    assert status == 200, report
    assert report["checks"]["cluster"]["running"] == 1
    assert 0 <= report["checks"]["cluster"]["heartbeat_age_seconds"] < 5

    cluster.stop()
    assert wait_until(lambda: get_report(client, "/gezond/")[0] == 503, timeout=15)
    assert get_report(client, "/gezond/web/")[0] == 200
