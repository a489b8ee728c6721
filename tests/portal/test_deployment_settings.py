"""The settings a deployment past one machine sets (docs/deployment.md): the connection
pool, media on S3-compatible object storage, logs as JSON lines."""

from __future__ import annotations

import json
import logging
import os
import sys

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.test import Client
from django.utils._os import safe_join

from courses import services
from courses.models import CourseDocument
from portal.jsonlog import JsonFormatter
from tests.courses.factories import make_course
from tests.pages.factories import document
from tests.portal.factories import VolunteerFactory
from tests.portal.test_settings import run_manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-0123456789abcdef",
    "ALLOWED_HOSTS": "portal.homestart.example",
}
POSTGRES = "postgres://homestart:secret@db.internal:5432/homestart"

SHOW_SETTINGS = """
import json, logging
from django.conf import settings as s
from django.core.files.storage import storages
db = s.DATABASES["default"]
media = storages["default"]
print(json.dumps({
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "pool": db.get("OPTIONS", {}).get("pool"),
    "media": type(media).__module__ + "." + type(media).__name__,
    "bucket": getattr(media, "bucket_name", None),
    "location": getattr(media, "location", None),
    "url": media.url("documents/werkmap.pdf") if hasattr(media, "bucket_name") else None,
    "docs_serve_method": s.WAGTAILDOCS_SERVE_METHOD,
    "static": s.STORAGES["staticfiles"]["BACKEND"],
}))
logging.getLogger("portal.test").warning("één regel %s", 42)
"""


def show_settings(**env) -> tuple[dict, str]:
    result = run_manage("shell", "-c", SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_production_on_postgresql_with_s3_and_json_logs():
    shown, log = show_settings(
        **PRODUCTION,
        DATABASE_URL=POSTGRES,
        DB_POOL_MIN_SIZE="2",
        DB_POOL_MAX_SIZE="4",
        DB_POOL_TIMEOUT="2.5",
        S3_BUCKET="homestart-media",
        S3_ENDPOINT_URL="https://objects.example.net",
        S3_REGION="nl-ams",
        S3_ACCESS_KEY_ID="AKIDEXAMPLE",
        S3_SECRET_ACCESS_KEY="not-a-real-secret",
        LOG_FORMAT="json",
    )
    assert shown["conn_max_age"] == 0  # Django refuses a pool with persistent connections
    assert shown["pool"] == {"min_size": 2, "max_size": 4, "timeout": 2.5}
    assert shown["media"] == "storages.backends.s3.S3Storage"
    assert (shown["bucket"], shown["location"]) == ("homestart-media", "media")
    # A private bucket: addresses are signed, and documents go through Wagtail's view.
    assert shown["url"].startswith("https://objects.example.net/homestart-media/media/documents/")
    assert "X-Amz-Signature=" in shown["url"]
    assert shown["docs_serve_method"] == "serve_view"
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    line = json.loads(log.strip().splitlines()[-1])
    assert line["message"] == "één regel 42"
    assert (line["level"], line["logger"]) == ("WARNING", "portal.test")


def test_defaults_pool_on_postgresql_and_files_on_disk():
    shown, log = show_settings(DJANGO_SETTINGS_MODULE="portal.settings.dev", DATABASE_URL=POSTGRES)
    assert shown["pool"] == {"min_size": 1, "max_size": 10, "timeout": 10.0}
    assert shown["conn_max_age"] == 0
    assert shown["media"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert "WARNING portal.test één regel 42" in log  # plain lines unless asked


def test_without_the_pool_behind_an_external_pooler():
    shown, _ = show_settings(
        DJANGO_SETTINGS_MODULE="portal.settings.dev", DATABASE_URL=POSTGRES, DB_POOL="false"
    )
    assert shown["pool"] is None
    assert shown["conn_max_age"] == 60


def test_json_log_lines_carry_the_traceback_and_no_request():
    formatter = JsonFormatter()
    try:
        raise ValueError("kapot")
    except ValueError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Fout: %s", ("/pad/",), sys.exc_info()
        )
    record.status_code = 500
    record.request = object()  # Django adds the request; it must not be written out
    line = json.loads(formatter.format(record))
    assert line["message"] == "Fout: /pad/"
    assert line["status"] == 500
    assert "ValueError: kapot" in line["exception"]
    assert "request" not in line
    assert line["time"].endswith("+00:00")


class ObjectStorageLike(InMemoryStorage):
    """What matters to Wagtail about S3: files without a local path."""

    def path(self, name):
        raise NotImplementedError("object storage has no local path")

    def _relative_path(self, name):
        return os.path.relpath(safe_join(self.location, name), self.location)


@pytest.mark.django_db
def test_documents_on_a_remote_storage_still_go_through_the_permission_check(settings, branch):
    """Object storage has no local path: Wagtail's serve view then streams the file
    itself, after the course material check."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.ObjectStorageLike"},
    }
    course = make_course(branch)
    participant, outsider = VolunteerFactory(branch=branch), VolunteerFactory(branch=branch)
    services.enrol_volunteer(offering=course, volunteer=participant)
    doc = document("Werkmap", b"%PDF-1.4 werkmap", "werkmap.pdf")
    CourseDocument.objects.create(course=course, document=doc)
    with pytest.raises(NotImplementedError):
        default_storage.path(doc.file.name)

    allowed, refused = Client(), Client()
    allowed.force_login(participant.user)
    refused.force_login(outsider.user)
    response = allowed.get(doc.url)
    assert response.status_code == 200  # streamed, not a redirect to the storage
    assert b"".join(response.streaming_content) == b"%PDF-1.4 werkmap"
    assert refused.get(doc.url).status_code == 403
