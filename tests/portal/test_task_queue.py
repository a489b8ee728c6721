"""The task queue: on-commit enqueueing, Wagtail's tasks on django-q2, and the cluster's limits.

The cluster tests start a real `manage.py qcluster` on the test database (and on
Redis when REDIS_URL is set), because retries, timeouts and schedules only exist there.
"""

import contextlib
import datetime
import logging
import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_q.models import Failure, Schedule, Success
from django_q.tasks import async_task
from wagtail.search.models import IndexEntry

from portal.models import Branch
from portal.queue import enqueue_on_commit
from portal.task_backend import DjangoQ2TaskBackend, run_wagtail_task
from tests.pages.factories import home_page
from tests.portal import cluster_tasks
from tests.services import wait_until


@pytest.mark.django_db
def test_task_enqueued_in_a_rolled_back_transaction_never_runs(django_capture_on_commit_callbacks):
    cluster_tasks.CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                enqueue_on_commit("tests.portal.cluster_tasks.record_call", 1)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        with transaction.atomic():
            enqueue_on_commit("tests.portal.cluster_tasks.record_call", 2)
    assert cluster_tasks.CALLS == [2]


@pytest.mark.django_db
def test_wagtail_tasks_are_handed_to_django_q2_after_commit(django_capture_on_commit_callbacks):
    backend = DjangoQ2TaskBackend("default", {})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = backend.enqueue(cluster_tasks.create_branch_task, ["from-wagtail"], {})
    assert result.status == "READY"
    assert not Branch.objects.filter(slug="from-wagtail").exists()  # waits for the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: django-q2 (inline in tests) runs the task
    assert Branch.objects.filter(slug="from-wagtail").exists()


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
def test_cluster_runs_tasks_and_wagtail_hand_over(q_cluster):
    cluster = q_cluster()
    async_task("tests.portal.cluster_tasks.add", 2, 3, task_name="add-2-3")
    async_task(
        "portal.task_backend.run_wagtail_task",
        "tests.portal.cluster_tasks.create_branch",
        ["via-wagtail-backend"],
        {},
        task_name="handover",
    )
    assert wait_until(lambda: Success.objects.filter(name="add-2-3").exists(), timeout=60), (
        cluster.output()
    )
    assert Success.objects.get(name="add-2-3").result == 5
    assert wait_until(lambda: Branch.objects.filter(slug="via-wagtail-backend").exists())


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
def test_a_task_that_hangs_is_stopped_and_not_retried_forever(q_cluster):
    cluster = q_cluster(Q_TIMEOUT="2", Q_RETRY="4")
    async_task("tests.portal.cluster_tasks.sleep_for", 600, task_name="hangs")
    assert wait_until(lambda: Failure.objects.filter(name="hangs").exists(), timeout=60), (
        cluster.output()
    )
    failure = Failure.objects.get(name="hangs")
    assert failure.stopped - failure.started < datetime.timedelta(seconds=30)
    # Past the retry interval (4 s) it is still one failure: acknowledged, not retried.
    wait_until(lambda: False, timeout=6)
    assert Failure.objects.filter(name="hangs").count() == 1
    assert not Success.objects.filter(name="hangs").exists()


@pytest.mark.django_db
def test_missed_schedules_run_once_after_downtime():
    """django-q2's own scheduler, run as the cluster would after an hour of downtime."""
    from django_q.scheduler import scheduler

    cluster_tasks.CALLS.clear()
    schedule = Schedule.objects.create(
        func="tests.portal.cluster_tasks.record_call",
        args="7",
        name="every-minute",
        schedule_type=Schedule.MINUTES,
        minutes=1,
        repeats=-1,
        next_run=timezone.now() - datetime.timedelta(hours=1),
    )
    for _ in range(3):  # three scheduler cycles after the cluster comes back
        scheduler()
    assert cluster_tasks.CALLS == [7]
    schedule.refresh_from_db()
    assert schedule.next_run > timezone.now()


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
def test_web_and_cluster_write_at_the_same_time_without_locking_errors(q_cluster):
    cluster = q_cluster()
    for n in range(40):
        async_task("tests.portal.cluster_tasks.create_branch", f"task-{n}", task_name=f"write-{n}")
    for n in range(40):  # meanwhile "the web server" writes too
        Branch.objects.create(name=f"Web {n}", slug=f"web-{n}")
    assert wait_until(
        lambda: Success.objects.filter(name__startswith="write-").count() == 40, timeout=120
    ), cluster.output()
    assert not Failure.objects.exists(), [f.result for f in Failure.objects.all()]
    assert Branch.objects.filter(slug__startswith="task-").count() == 40
    assert "database is locked" not in cluster.output()


@pytest.mark.django_db(transaction=True)
def test_two_workers_indexing_one_page_at_once_leave_one_index_entry():
    """The search-index error of a fresh `make run` (UNIQUE constraint failed:
    wagtailsearch_indexentry): two cluster workers indexed the same page at once, each
    reading "no entry yet" before either wrote one. Each Wagtail task now runs in one
    transaction, which on SQLite (IMMEDIATE) holds the write lock from the first read, so
    the second worker waits and then updates the entry the first one wrote. PostgreSQL's
    backend writes with an upsert and never reaches the barrier."""
    home = home_page()
    IndexEntry.objects.all().delete()
    both_read = threading.Barrier(2, timeout=1)
    original_bulk_create = QuerySet.bulk_create
    errors: list[BaseException] = []

    def bulk_create_after_both_read(self, objs, *args, **kwargs):
        if self.model is IndexEntry:
            # Without the transaction both workers get here having read "no entry".
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait()
        return original_bulk_create(self, objs, *args, **kwargs)

    def worker():
        try:
            run_wagtail_task(
                "modelsearch.tasks.insert_or_update_object_task",
                [home._meta.app_label, home._meta.model_name, str(home.pk)],
                {},
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    with (
        mock.patch.object(QuerySet, "bulk_create", bulk_create_after_both_read),
        logged_index_errors() as logged,
    ):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == [] and logged == []
    assert IndexEntry.objects.filter(object_id=str(home.pk)).count() == 1


@contextlib.contextmanager
def logged_index_errors():
    """modelsearch logs a failed index write instead of raising it."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("modelsearch.index")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
