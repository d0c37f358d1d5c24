"""A URLconf for test_public_pages: public views over units, where "published" means a
district (a stand-in rule: no app with published records exists yet)."""

from django.db.models import BooleanField, Case, QuerySet, When
from django.urls import include, path

from qiaolian.core.models import Unit, UnitKind
from qiaolian.core.views import PublicListView, PublicPageView


class DistrictsArePublished(QuerySet):
    def published(self):
        return self.filter(kind=UnitKind.DISTRICT)


def flagged_units():
    """Units with an `is_published` value, the other way a model opts in."""
    flag = Case(When(kind=UnitKind.DISTRICT, then=True), default=False, output_field=BooleanField())
    return Unit.objects.annotate(is_published=flag)


class UnitPage(PublicPageView):
    template_name = "public_test/page.html"

    def base_queryset(self):
        return DistrictsArePublished(model=Unit)


class FlaggedUnitPage(UnitPage):
    def base_queryset(self):
        return flagged_units()


class ForgetfulUnitPage(FlaggedUnitPage):
    """Overrides the published rule away by mistake: the object check must still refuse."""

    def published_queryset(self):
        return self.base_queryset()


class NotOptedInPage(UnitPage):
    model = Unit

    def base_queryset(self):
        return Unit.objects.all()


class UnitList(PublicListView):
    template_name = "public_test/list.html"
    ordering = ("path",)

    def base_queryset(self):
        return DistrictsArePublished(model=Unit)


public = [
    path("units/<uuid:public_id>/", UnitPage.as_view(), name="unit"),
    path("flagged/<uuid:public_id>/", FlaggedUnitPage.as_view(), name="flagged"),
    path("forgetful/<uuid:public_id>/", ForgetfulUnitPage.as_view(), name="forgetful"),
    path("not-opted-in/<uuid:public_id>/", NotOptedInPage.as_view(), name="not_opted_in"),
    path("units/", UnitList.as_view(), name="list"),
]
# The project's URLs too: the page shell of a logged-in reader links to them.
urlpatterns = [path("public-test/", include(public)), path("", include("qiaolian.urls"))]
