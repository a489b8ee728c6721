"""The test suite: tasks run inline, mail stays in memory, passwords hash fast.

Tests that depend on a real django-q2 cluster (retries, a killed worker) start one
themselves with these settings and `sync` switched off through Q_SYNC=false.
"""

import os

from .base import *  # noqa: F403
from .base import Q_CLUSTER, env

DEBUG = False
DEMO_MODE = True
SECRET_KEY = "test-only-not-secret-8d1f0c2b7e4a4f9b9c3d"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory, except in a django-q2 cluster process a test started against its own
# local SMTP server (tests.services.SMTPServer passes TEST_EMAIL_URL).
if env.str("TEST_EMAIL_URL", default=""):
    vars().update(env.email_url("TEST_EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each pytest-xdist worker gets its own queue name, so clusters started by tests on
# a shared Redis never take each other's tasks.
Q_CLUSTER = {
    **Q_CLUSTER,
    "sync": env.bool("Q_SYNC", default=True),
    "name": f"homestart-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
}
# The newsletter's own cluster, per xdist worker too (tests start it with
# Q_CLUSTER_NAME=NEWSLETTER_CLUSTER).
NEWSLETTER_CLUSTER = f"{Q_CLUSTER['name']}-newsletter"
Q_CLUSTER["ALT_CLUSTERS"] = {
    NEWSLETTER_CLUSTER: {"workers": env.int("NEWSLETTER_WORKERS", default=2)}
}
# Wagtail's own tasks run at once in tests; tests of the django-q2 hand-over switch
# the backend on explicitly.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env.str("TEST_CACHE", default="") == "database":
    # A cluster started by a test that must share the test process's cache (health).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Tests that start many threads at once (overbooking) wait for the pool rather than fail.
if "pool" in DATABASES["default"].get("OPTIONS", {}) and "DB_POOL_TIMEOUT" not in os.environ:
    DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = 60.0

# A file database, so that a real django-q2 cluster started by a test (a separate
# process) can open the same test database. pytest-xdist adds a suffix per worker.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".cache" / "test-db.sqlite3")}
