"""The development media route never hands out documents past Wagtail's serve view."""

import importlib

from django.urls import Resolver404, resolve
from django.views.static import serve

import portal.urls


def test_development_media_route_serves_images_but_not_documents(settings):
    settings.DEBUG = True
    urlconf = importlib.reload(portal.urls)
    try:
        assert resolve("/media/images/photo.jpg", urlconf=urlconf).func is serve
        try:
            document_view = resolve("/media/documents/material.pdf", urlconf=urlconf).func
        except Resolver404:
            document_view = None
        assert document_view is not serve
    finally:
        settings.DEBUG = False
        importlib.reload(portal.urls)
