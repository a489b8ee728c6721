"""Production: everything from the environment, secure defaults, no demo mode.

`SECRET_KEY=... ALLOWED_HOSTS=... python manage.py check --deploy` passes with no
warnings on this profile (checked in CI).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MEDIA_STORAGE, SECRET_KEY, env

DEBUG = False
DEMO_MODE = False
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
MFA_TRUST_COOKIE_SECURE = True
STORAGES = {
    # MEDIA_ROOT, or the S3 bucket of S3_BUCKET (base.py, "Files").
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
