"""One SQL statement sent to PostgreSQL now, its result read later: so the sender can
do something useful (talk to the mail server, build the next message) while the
database commits, instead of waiting for every answer in turn.

Only for single statements in autocommit (each commits on its own as soon as
PostgreSQL has run it, whether or not anyone reads the result), and only on
PostgreSQL: `available()` says when. Uses psycopg's libpq wrapper (`psycopg.pq`) on
Django's own connection; nothing else may use that connection until `rowcount()` has
read the result. Django's execute wrappers (`connection.execute_wrapper`) see the
statement when its result is read, so they time what the caller actually waits for.
"""

from __future__ import annotations

import datetime
import functools
import select

from django.db import DatabaseError, connection


def available() -> bool:
    """True when a statement may be sent ahead: PostgreSQL, autocommit, no transaction
    open (inside `atomic` a statement must wait its turn in that transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    if not connection.get_autocommit():
        return False
    connection.ensure_connection()
    from psycopg import pq

    return connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE


def numbered(sql: str) -> str:
    """`%s` placeholders as PostgreSQL's `$1, $2, ...` (the SQL holds no other `%`)."""
    parts = sql.split("%s")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


def _text(value) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be sent to PostgreSQL unambiguously")
        return value.isoformat().encode()
    if isinstance(value, bool):  # before int: bool is an int
        return b"true" if value else b"false"
    if isinstance(value, (int, str)):
        return str(value).encode()
    raise TypeError(f"cannot send {type(value).__name__} as a statement parameter")


class InFlight:
    """A statement on its way: sent by the constructor, its result read by
    `rowcount()` (once; it raises the database's error if the statement failed)."""

    def __init__(self, sql: str, params: list):
        self.sql, self.params = sql, params
        self.done = False
        with connection.wrap_database_errors:
            self.pgconn = connection.connection.pgconn
            self.pgconn.send_query_params(numbered(sql).encode(), [_text(p) for p in params])
            while self.pgconn.flush():  # the rest of a long statement, when the socket fills
                _wait(self.pgconn.socket, select.POLLOUT)

    def rowcount(self) -> int:
        if self.done:
            raise RuntimeError("the result was read already")
        self.done = True
        run = self._read
        for wrapper in reversed(connection.execute_wrappers):
            run = functools.partial(wrapper, run)
        return run(self.sql, self.params, False, {"connection": connection, "cursor": None})

    def _read(self, sql, params, many, context) -> int:
        from psycopg import errors, pq

        results = []
        with connection.wrap_database_errors:
            pgconn = self.pgconn
            while True:
                pgconn.consume_input()
                if not pgconn.is_busy():
                    break
                _wait(pgconn.socket, select.POLLIN)
            while (result := pgconn.get_result()) is not None:
                results.append(result)
            encoding = connection.connection.info.encoding
            for result in results:
                if result.status == pq.ExecStatus.FATAL_ERROR:
                    raise errors.error_from_result(result, encoding=encoding)
        if not results:
            raise DatabaseError("PostgreSQL gave no result for the statement")
        return int(results[0].command_tuples or 0)


def _wait(fileno: int, events: int) -> None:
    poller = select.poll()
    poller.register(fileno, events | select.POLLERR | select.POLLHUP)
    while not poller.poll():
        continue
