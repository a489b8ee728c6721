"""Settings shared by every profile.

Every value a deployment sets comes from the environment (see `.env.example`);
the defaults here are the embedded ones `make run` uses: SQLite in the project
folder, django-q2 on the ORM broker, e-mail to the console.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo passwords and the demo_content command exist only when this is on.
DEMO_MODE = env.bool("DEMO_MODE", default=False)
# In demo mode the development server (`make run`, runserver) listens on this machine
# only: the demo accounts' passwords and TOTP secret are published. DEMO_ALLOW_REMOTE=true
# lets it listen on another address (a demo on the local network, on purpose).
DEMO_ALLOW_REMOTE = env.bool("DEMO_ALLOW_REMOTE", default=False)

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
    "portal.pages.apps.PagesConfig",
    "portal.agenda.apps.AgendaConfig",
    "portal.recruitment.apps.RecruitmentConfig",
    "portal.screening.apps.ScreeningConfig",
    "courses.apps.CoursesConfig",
    "intervision.apps.IntervisionConfig",
    "newsletter.apps.NewsletterConfig",
    "support.referrals.apps.ReferralsConfig",
    "support.apps.SupportConfig",
    # Above every part: reads them all, none imports it.
    "reports.apps.ReportsConfig",
    # Not "wagtail.contrib.forms": the portal has no Wagtail form pages (its forms are
    # views), and that app's "Formulieren" menu item ORs one queryset per page
    # permission on every admin page: a coordinator holds one per branch's course
    # overview, so at 60 branches it cost a quarter of a second (bench/bench_scale.py).
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "portal.apps.UsersAppConfig",  # wagtail.users without role fields
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_q",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # /gezond/ and /gezond/web/ for load balancers and monitoring, before host checks,
    # the HTTPS redirect and sessions (portal/health.py).
    "portal.health.HealthCheckMiddleware",
    # After the health check (which answers first), before everything else: redirects,
    # cached pages and error pages carry the policy too (docs/access.md).
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that queries: a request keeps its database connection to the
    # end, and a full connection pool is a 503, not a 500 (portal/db.py).
    "portal.db.RequestConnectionMiddleware",
    # Before sessions and auth: a cached public page costs no session or user lookup.
    "portal.pages.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.pages.middleware.ContentLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffSessionMiddleware",
    "portal.middleware.PrivateResponsesMiddleware",
    "portal.middleware.AdminAccessMiddleware",
    "portal.middleware.InvalidFormStatusMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
                "portal.pages.context_processors.public",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the django-q2 cluster write at the same time; without WAL,
    # IMMEDIATE transactions and a busy timeout SQLite answers "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
elif env.bool("DB_POOL", default=True):
    # PostgreSQL through a bounded connection pool per process (psycopg_pool). Without
    # it every runserver thread kept its own connection for CONN_MAX_AGE after its HTTP
    # connection closed, and a burst of sign-ups ran PostgreSQL out of connections (500
    # "too many clients"). With the pool a request returns its connection when it ends
    # (hence CONN_MAX_AGE 0), waits at most DB_POOL_TIMEOUT seconds for one, and then
    # gets a 503 page with Retry-After (portal/db.py). docs/deployment.md: sizing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
else:
    # DB_POOL=false: behind an external pooler (PgBouncer) that bounds connections itself.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A request answered 503 because no database connection came free says when to retry.
DATABASE_BUSY_RETRY_AFTER = env.int("DATABASE_BUSY_RETRY_AFTER", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: one cache every process shares, so a page cleared on publish is cleared
# for every worker. The database cache by default, Redis when REDIS_URL is set.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "homestart",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }

# --- Task queue -------------------------------------------------------------------
# django-q2's defaults would let a stuck SMTP call run forever, retry a failing task
# forever, and fire every missed schedule at once after downtime.
Q_CLUSTER = {
    "name": "homestart",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_RETRY", default=360),
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "label": _("Taken"),
    "time_zone": "Europe/Amsterdam",
}
# Newsletter batches run on a cluster (queue) of their own, so that password,
# confirmation, reminder, RSVP and referral e-mails never wait behind a newsletter
# (docs/mail.md). Empty: everything on one cluster.
NEWSLETTER_CLUSTER = env.str("NEWSLETTER_CLUSTER", default="homestart-newsletter")
if NEWSLETTER_CLUSTER:
    Q_CLUSTER["ALT_CLUSTERS"] = {
        NEWSLETTER_CLUSTER: {"workers": env.int("NEWSLETTER_WORKERS", default=2)}
    }
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    # The ORM broker, minus closing a web request's connection halfway (portal/orm_broker.py).
    Q_CLUSTER["broker_class"] = "portal.orm_broker.RequestSafeORMBroker"
    Q_CLUSTER["poll"] = 0.5

# /gezond/ reports the task cluster unhealthy when its last heartbeat is older than this.
HEALTH_CLUSTER_MAX_AGE = env.int("HEALTH_CLUSTER_MAX_AGE", default=60)

# courses: reminders for tomorrow's sessions go out from this hour (Europe/Amsterdam).
COURSES_REMINDER_HOUR = env.int("COURSES_REMINDER_HOUR", default=10)

# Wagtail's own background work (search index, reference index, focal points, file
# deletion) goes through django_tasks; this backend hands it to django-q2 after the
# transaction commits, so the site runs one queue.
TASKS = {"default": {"BACKEND": "portal.task_backend.DjangoQ2TaskBackend"}}

# --- Accounts -----------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:mijn"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Home-Start: "
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "portal.forms.VolunteerSignupForm"}
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_PRESERVE_USERNAME_CASING = False
# allauth's login rate limits stay on (its defaults); stated here so nobody turns
# them off by accident.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Rate limits count per client address. Behind N reverse proxies that each append to
# X-Forwarded-For, set this to N: allauth then takes the address the outermost trusted
# proxy saw. 0 (the default, and right without a proxy): REMOTE_ADDR, and a forged
# X-Forwarded-For changes nothing. Too high lets a client pick its own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Home-Start portal"
MFA_ADAPTER = "portal.adapters.MFAAdapter"
# Staff sessions count only once they passed the code step (portal.middleware.
# StaffSessionMiddleware); a "trusted browser" skips that step, so it stays off.
MFA_TRUST_ENABLED = False
# Wagtail's front-end login (for restricted pages) is allauth's, like the admin's.
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"

# --- Wagtail ------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Home-Start"


def base_url_for_address(addrport: str) -> str:
    """The address people open for a server listening on `addrport` (runserver's form:
    "8000", "127.0.0.1:8201", "[::1]:8000", "0.0.0.0:8000")."""
    host, _, port = addrport.rpartition(":")
    host = host or "127.0.0.1"
    if host in {"0.0.0.0", "[::]"}:  # noqa: S104 - listening everywhere; linked as localhost
        host = "localhost"
    return f"http://{host}:{port}"


# Every absolute link (e-mails, calendar feeds, .ics files; page addresses through the
# default site, see `manage.py set_site_address`) starts with this. `make run` passes its
# ADDR as PORTAL_ADDR, so links follow the address the site runs on unless this is set.
WAGTAILADMIN_BASE_URL = (
    env.str("WAGTAILADMIN_BASE_URL", default="")
    or base_url_for_address(env.str("PORTAL_ADDR", default="127.0.0.1:8000"))
).rstrip("/")
# The admin's own login, password reset and password change would bypass allauth's
# MFA and rate limits: everything goes through allauth instead.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = True
# Public pages may also be translated into Arabic and Farsi (right to left); the
# interface itself speaks Dutch and English only (see PORTAL_INTERFACE_LANGUAGES).
WAGTAIL_CONTENT_LANGUAGES = [
    ("nl", "Nederlands"),
    ("en", "English"),
    ("ar", "العربية"),
    ("fa", "فارسی"),
]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "nl"
# Wagtail requires every content language in LANGUAGES, so /ar/ and /fa/ exist as URL
# prefixes; they serve translated public pages only. Menus, forms and accounts stay in
# an interface language: portal.pages.middleware sends any other /ar/ or /fa/ URL to
# its Dutch address, and page templates mark their interface text with its own lang.
LANGUAGES = [("nl", "Nederlands"), ("en", "English"), ("ar", "العربية"), ("fa", "فارسی")]
PORTAL_INTERFACE_LANGUAGES = ["nl", "en"]
# Each part keeps its own catalogue; `make messages` sorts every string into the
# catalogue of the folder it was found in (templates/ and portal/ share portal's).
LOCALE_PATHS = [
    BASE_DIR / "portal" / "locale",
    BASE_DIR / "courses" / "locale",
    BASE_DIR / "intervision" / "locale",
    BASE_DIR / "newsletter" / "locale",
    BASE_DIR / "support" / "locale",
    BASE_DIR / "reports" / "locale",
]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded images and documents: MEDIA_ROOT, or S3-compatible object storage when
# S3_BUCKET is set, so that several web servers share them (docs/deployment.md). The
# bucket stays private: documents still go through Wagtail's serve view
# (WAGTAILDOCS_SERVE_METHOD), which checks who may read them and streams them from the
# bucket; images get signed addresses that outlive a cached page.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            # Without these, boto3's own chain applies (AWS_* variables, instance role).
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default="media"),
            "querystring_auth": True,
            "querystring_expire": env.int("S3_URL_EXPIRE", default=24 * 60 * 60),
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files browsers ask for at the site's root (/favicon.ico, /apple-touch-icon.png), served
# by WhiteNoise before any view runs.
# Where images may come from besides this site (Content-Security-Policy img-src): object
# storage serves them on its own signed addresses.
CSP_IMG_SRC_EXTRA = env.list("CSP_IMG_SRC_EXTRA", default=["https:"] if S3_BUCKET else [])
WHITENOISE_ROOT = BASE_DIR / "portal" / "root_files"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Public pages and forms ------------------------------------------------------------
# Anonymous visitors get public pages from the shared cache for this long at most; a
# publish, unpublish, move or delete clears them at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 * 60)
# Submissions accepted per address (IP) and form, per window of seconds.
PUBLIC_FORM_RATE_LIMITS = {
    "referral": (env.int("REFERRAL_RATE_LIMIT", default=5), 60 * 60),
    "volunteer_application": (env.int("APPLICATION_RATE_LIMIT", default=3), 60 * 60),
}
# Personal data of a closed referral (support ended, or not suitable) is erased this
# many months after it was closed; the counts for the annual report stay.
REFERRAL_RETENTION_MONTHS = env.int("REFERRAL_RETENTION_MONTHS", default=12)

# --- E-mail ---------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Home-Start <noreply@homestart.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Newsletter (newsletter/sending.py) ---------------------------------------------------
NEWSLETTER_FROM_EMAIL = env.str("NEWSLETTER_FROM_EMAIL", default="")
# A mailto: in List-Unsubscribe only where the deployment reads that mailbox and acts on it.
NEWSLETTER_UNSUBSCRIBE_MAILTO = env.str("NEWSLETTER_UNSUBSCRIBE_MAILTO", default="")
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=200)
# A batch task holds its batch for this long and renews it as it goes; a holder that
# died is recognised by its lease running out. Longer than one SMTP call can block.
NEWSLETTER_LEASE_SECONDS = env.int("NEWSLETTER_LEASE_SECONDS", default=2 * EMAIL_TIMEOUT + 30)
NEWSLETTER_MAX_ATTEMPTS = env.int("NEWSLETTER_MAX_ATTEMPTS", default=5)
NEWSLETTER_RETRY_BACKOFF = env.float("NEWSLETTER_RETRY_BACKOFF", default=5.0)
# A batch task stops taking new messages after this share of the task timeout
# (Q_TIMEOUT) and queues the rest, so a slow relay never gets a batch killed.
NEWSLETTER_TASK_BUDGET = env.float("NEWSLETTER_TASK_BUDGET", default=0.5)
# A batch queued this long ago that never started counts as lost and is queued again
# (django-q2's own notion of a lost task: its `retry`).
NEWSLETTER_TASK_LOST_AFTER = env.int("NEWSLETTER_TASK_LOST_AFTER", default=Q_CLUSTER["retry"])
# The relay's own rate, shared by every batch on every cluster (newsletter/pacing.py):
# messages per second and/or per hour; 0 (the default) is no limit.
NEWSLETTER_RATE_PER_SECOND = env.float("NEWSLETTER_RATE_PER_SECOND", default=0.0)
NEWSLETTER_RATE_PER_HOUR = env.float("NEWSLETTER_RATE_PER_HOUR", default=0.0)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Wagtail's preview panel sets SAMEORIGIN on its own views; everything else is DENY.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Logging: family data never goes into a log line; log records carry ids only.
# LOG_FORMAT=json writes one JSON object per line (portal/jsonlog.py), for a log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.jsonlog.JsonFormatter"},
    },
    "filters": {"skip_database_busy": {"()": "portal.db.SkipDatabaseBusyErrors"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # A 503 for a full connection pool is logged once by portal.db, not as a 500.
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
            "filters": ["skip_database_busy"],
        },
        "django_tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # fpdf2's font subsetting (demo leaflets) logs every glyph table at INFO.
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # django-q2 logs every enqueue at INFO; the cluster's warnings and errors stay.
        "django-q": {
            "handlers": ["console"],
            "level": env.str("Q_LOG_LEVEL", default="WARNING"),
            "propagate": False,
        },
    },
}
