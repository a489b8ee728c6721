"""Past one machine, in small: two django-q2 clusters on the same PostgreSQL and broker
(Redis when REDIS_URL is set) run every task once and every due schedule once, and the
health endpoint sees both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_q.models import Failure, Schedule, Success
from django_q.tasks import async_task

from portal.models import Branch
from tests.portal.test_health import DATABASE_CACHE
from tests.services import wait_until

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.cluster,
    pytest.mark.django_db(transaction=True),
]

TASKS = 120
FUNC = "tests.portal.cluster_tasks.create_branch"


def test_two_clusters_run_each_task_and_each_due_schedule_once(q_cluster, settings):
    # The clusters and this process must share where django-q2 keeps its statistics
    # (tests/portal/test_health.py): Redis with the Redis broker, else a cache table.
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable")
    first, second = q_cluster(TEST_CACHE="database"), q_cluster(TEST_CACHE="database")
    # A branch's slug is unique: a task run twice would fail on its second run.
    for number in range(TASKS):
        async_task(FUNC, f"taak-{number:03d}")
    for number in range(3):
        Schedule.objects.create(
            func=FUNC,
            args=repr(f"gepland-{number}"),
            schedule_type=Schedule.ONCE,
            next_run=timezone.now(),
            repeats=1,
        )
    done = wait_until(
        lambda: Success.objects.filter(func=FUNC).count() + Failure.objects.count() >= TASKS + 3,
        timeout=120,
    )
    assert done, [Path(cluster.log.name).read_text()[-2000:] for cluster in (first, second)]
    # Give a second run (if any) the time to show up.
    wait_until(lambda: False, timeout=3)
    assert Failure.objects.count() == 0
    # Only these: the portal's own schedules (retention, digests) may run beside them.
    assert Success.objects.filter(func=FUNC).count() == TASKS + 3
    assert Branch.objects.filter(slug__startswith="taak-").count() == TASKS
    assert Branch.objects.filter(slug__startswith="gepland-").count() == 3

    response = Client().get("/gezond/")
    report = json.loads(response.content)
    assert response.status_code == 200, report
    assert report["checks"]["cluster"]["running"] == 2
