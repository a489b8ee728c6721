"""Small task functions the tests hand to a real django-q2 cluster."""

import time

from django_tasks import task

from portal.models import Branch


def add(a: int, b: int) -> int:
    return a + b


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "woke up"


def create_branch(slug: str) -> int:
    return Branch.objects.create(name=f"Afdeling {slug}", slug=slug).pk


def fail() -> None:
    raise RuntimeError("this task always fails")


CALLS: list[int] = []


def record_call(value: int) -> None:
    CALLS.append(value)


@task()
def create_branch_task(slug: str) -> None:
    """A django_tasks task, as Wagtail declares its own."""
    Branch.objects.create(name=f"Afdeling {slug}", slug=slug)
