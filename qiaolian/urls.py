from django.urls import include, path

from qiaolian.api.root import api
from qiaolian.core.views.system import error_page, healthz

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("people/", include("qiaolian.people.urls")),
    path("grid/", include("qiaolian.network.urls")),
    path("hotline/", include("qiaolian.hotline.urls")),
    path("", include("qiaolian.core.urls")),
]

handler403 = error_page(403)
handler404 = error_page(404)
handler500 = error_page(500)
