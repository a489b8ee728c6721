"""django-q2's ORM broker for the portal (`Q_CLUSTER["broker_class"]` without REDIS_URL)."""

from __future__ import annotations

from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ

from portal.db import serving_request


class RequestSafeORMBroker(ORM):
    """django-q2's ORM broker, except that inside a web request it does not close the
    request's database connection before queueing a task.

    The ORM broker calls `close_old_connections()` on every use outside a transaction.
    With the connection pool every connection counts as old, so a task queued on commit
    handed the request's connection back halfway; the request's next query then waited
    for the pool again and could be answered 503 after its change had been committed.
    In the cluster's own processes stale connections are still closed as django-q2
    intends.
    """

    @staticmethod
    def get_connection(list_key: str | None = None):
        if serving_request.get():
            return OrmQ.objects.using(Conf.ORM)
        return ORM.get_connection(list_key)
