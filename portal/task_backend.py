"""A django_tasks backend that hands Wagtail's background work to django-q2.

Wagtail 8 queues its own work (search index, reference index, image focal points,
file deletion) through django_tasks. Running it through the same django-q2 cluster
as our tasks gives the site one queue: one place to watch, one retry policy.
Tasks are enqueued when the surrounding transaction commits, so they never see
uncommitted rows and never run for a rolled-back change.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string
from django_q.tasks import async_task
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_module_path, get_random_id


def run_wagtail_task(func_path: str, args: list, kwargs: dict) -> None:
    """Executed by a django-q2 worker: import the task and call its function.

    In one transaction: Wagtail's search index on SQLite reads whether an object has an
    entry and then inserts one, so two workers indexing the same page at once (a page
    saved twice in one request queues two tasks) both inserted, and one failed with
    "UNIQUE constraint failed: wagtailsearch_indexentry". SQLite's IMMEDIATE transactions
    take the write lock at the start, so the second worker waits and then updates.
    """
    task = import_string(func_path)
    func = task.func if isinstance(task, Task) else task
    with transaction.atomic():
        func(*args, **kwargs)


class DjangoQ2TaskBackend(BaseTaskBackend):
    supports_defer = False
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        func_path = get_module_path(task.func)
        transaction.on_commit(
            lambda: async_task(
                "portal.task_backend.run_wagtail_task",
                func_path,
                list(args),
                dict(kwargs),
                task_name=f"wagtail:{task.name}"[:100],
            )
        )
        return result
