"""The one error type services raise when a rule refuses an operation."""

from __future__ import annotations

from django.utils.functional import Promise


class ServiceError(Exception):
    """A refusal a person can read: `message` is shown as is, `code` is for tests.

    Views turn it into a 4xx page or a form error; nothing has been written when it
    is raised, because services raise before they write or inside their transaction.
    """

    def __init__(self, message: str | Promise, *, code: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
