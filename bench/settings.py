"""Settings for benchmark servers: production-like (DEBUG off, real caches), plus the
baseline views of bench/urls.py. The database comes from BENCH_DATABASE_URL."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-5b7d0e2a9c4f4e1b8a6d")
os.environ.setdefault("DEMO_MODE", "true")

from portal.settings.base import *  # noqa: F403
from portal.settings.base import env

DEBUG = False
DEMO_MODE = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Rate limits would measure allauth, not the portal.
ACCOUNT_RATE_LIMITS = False
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
DATABASES = {
    "default": env.db(
        "BENCH_DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'bench' / 'results' / 'bench.sqlite3'}",  # noqa: F405
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000;",
    }
Q_CLUSTER = {**Q_CLUSTER, "sync": False}  # noqa: F405
