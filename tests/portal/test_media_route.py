"""The development media route never hands out documents past Wagtail's serve view."""

import importlib

import pytest
from django.test import Client

import portal.urls

pytestmark = pytest.mark.django_db

DOCUMENT = b"%PDF-1.4 werkmap"
IMAGE = b"GIF89a-image"


@pytest.fixture
def debug_urls(settings):
    settings.DEBUG = True
    importlib.reload(portal.urls)
    importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
    from django.urls import clear_url_caches

    clear_url_caches()
    (settings.MEDIA_ROOT / "documents").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "documents" / "werkmap.pdf").write_bytes(DOCUMENT)
    (settings.MEDIA_ROOT / "images" / "foto.gif").write_bytes(IMAGE)
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_development_media_serves_images(debug_urls):
    response = Client().get("/media/images/foto.gif")
    assert response.status_code == 200 and _body(response) == IMAGE


@pytest.mark.parametrize(
    "url",
    [
        "/media/documents/werkmap.pdf",
        "/media//documents/werkmap.pdf",
        "/media/x/../documents/werkmap.pdf",
        "/media/images/../documents/werkmap.pdf",
        "/media/%2Fdocuments/werkmap.pdf",
        "/media/%2fdocuments%2fwerkmap.pdf",
        "/media/./documents/werkmap.pdf",
        "/media/images/%2e%2e/documents/werkmap.pdf",
        "/media/images\\..\\documents\\werkmap.pdf",
        "/media/images//../documents/werkmap.pdf",
    ],
)
def test_no_path_trick_reaches_the_documents_folder(debug_urls, url):
    response = Client().get(url)
    assert response.status_code == 404, url
    assert DOCUMENT not in _body(response)
