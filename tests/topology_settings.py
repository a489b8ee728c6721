"""The production settings, for the web servers and clusters that
`tests/portal/test_topology.py` starts on this machine.

Everything is `portal.settings.production` read from the environment (PostgreSQL,
Redis as cache and broker, SMTP from EMAIL_URL, the proxy's X-Forwarded-Proto), except
three things a test run needs:

- the queue names of the test process that queues the work (`portal.settings.test`
  names them per pytest-xdist worker, so tests on a shared Redis never take each
  other's tasks): TEST_Q_CLUSTER_NAME, and NEWSLETTER_CLUSTER as in production;
- a cache key prefix of the test's own (TEST_CACHE_PREFIX), for the same reason;
- plain static file storage: no `collectstatic` before the test (WhiteNoise's manifest
  would need it, and it changes no request the test makes).
"""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import CACHES, Q_CLUSTER, STORAGES, env

Q_CLUSTER = {**Q_CLUSTER, "name": env.str("TEST_Q_CLUSTER_NAME")}
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": env.str("TEST_CACHE_PREFIX")}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
