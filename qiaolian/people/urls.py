"""People, associations, import, duplicates and search pages.

Each feature keeps its views in its own module; add its paths in its own block below."""

from django.urls import path  # noqa: F401 - used by the feature blocks below

app_name = "people"

urlpatterns: list = []
