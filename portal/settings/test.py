"""The test suite: tasks run inline, mail stays in memory, passwords hash fast.

Tests that depend on a real django-q2 cluster (retries, a killed worker) start one
themselves with these settings and `sync` switched off through Q_SYNC=false.
"""

from .base import *  # noqa: F403
from .base import Q_CLUSTER, env

DEBUG = False
DEMO_MODE = True
SECRET_KEY = "test-only-not-secret-8d1f0c2b7e4a4f9b9c3d"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": env.bool("Q_SYNC", default=True)}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
