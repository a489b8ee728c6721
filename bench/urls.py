"""The portal's URLs plus the baselines benchmarks compare against."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def bare_view(request):
    """The cheapest Django response: the baseline for page benchmarks."""
    return HttpResponse(b"ok", content_type="text/plain")


def static_file(request, name: str):
    """A file served through Django: the baseline for feed and download benchmarks."""
    folder = Path(settings.BASE_DIR) / "bench" / "results" / "static"
    candidate = (folder / name).resolve()
    if candidate.parent != folder.resolve() or not candidate.is_file():
        raise Http404
    return FileResponse(candidate.open("rb"), content_type="text/calendar")


urlpatterns = [
    path("__bench__/bare/", bare_view),
    path("__bench__/static/<str:name>", static_file),
    *portal_urlpatterns,
]
