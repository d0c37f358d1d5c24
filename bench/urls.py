"""The bench server's URLconf: the project's URLs plus `/bench/trivial`, the ceiling.

Only `bench.settings` names this module; the production URLconf stays as it is."""

from django.http import HttpResponse
from django.urls import path

from qiaolian.urls import handler403, handler404, handler500  # noqa: F401 - Django reads them
from qiaolian.urls import urlpatterns as project_urlpatterns


def trivial(request):
    """A tiny response through the same middleware (session, user, unit, CSP...) as a page."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial", trivial, name="bench_trivial"),
    *project_urlpatterns,
]
