"""Enqueueing django-q2 tasks so that they only run for committed work."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_q.tasks import async_task


def enqueue_on_commit(func_path: str, *args, **kwargs) -> None:
    """Queue `func_path(*args, **kwargs)` once the current transaction commits.

    A task queued inside a transaction that rolls back never runs. Tasks take ids
    and primitive values, never model instances, so they read the committed state.
    """
    transaction.on_commit(partial(async_task, func_path, *args, **kwargs))
