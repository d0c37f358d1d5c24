"""The project's URLs: each registered app mounts its own at the prefix it declares."""

from django.urls import include, path

from qiaolian.api.root import api
from qiaolian.core import registry
from qiaolian.core.views.system import error_page, healthz

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    *(path(prefix, include(module)) for prefix, module in registry.url_mounts()),
]

handler403 = error_page(403)
handler404 = error_page(404)
handler500 = error_page(500)
