"""The hotline's pages. Each view module declares its own `urlpatterns`; they are joined here
under the one `hotline` namespace."""

from qiaolian.hotline.views import answers, calls, cases, sla, stats, surveys, tomb, volunteers

app_name = "hotline"

urlpatterns: list = [
    *cases.urlpatterns,
    *calls.urlpatterns,
    *volunteers.urlpatterns,
    *sla.urlpatterns,
    *tomb.urlpatterns,
    *answers.urlpatterns,
    *surveys.urlpatterns,
    *stats.urlpatterns,
]
